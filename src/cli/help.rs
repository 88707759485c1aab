//! `--help` texts, written for people: what each command is for first.

pub const MAIN: &str = "\
xenready - is this x86 server fit to become a Xen host, and what must change if not?

Usage: xenready [COMMAND] [OPTIONS]

Commands:
  scan      Probe this machine and report (the default when no command is given)
  capture   Save this machine's raw evidence as a bundle, for later analysis
  analyze   Report from a saved bundle and/or foreign files (CPUID dumps,
            DMI tables, dmidecode text, /proc/cpuinfo, ACPI tables, kernel logs,
            bootloader files)
  compare   Rank many machines in one table (reports, bundles, directories)
  cpu       What a processor brings to Xen, before buying the server
  explain   Print a check's documentation and the firmware settings that fix it
  checks    List every check
  help      Print this, or a command's help (`xenready help analyze`)

Options of scan (also accepted without the word `scan`):
      --format <text|json|markdown>   Report format [default: text]
  -o, --output <FILE>                 Write the report to FILE (atomically)
      --target <NAME>                 Xen target of the verdict [default: xen]:
                                      xen, xenserver-6.5, xenserver-8, xcp-ng-8.2, xcp-ng-8.3
      --color <auto|always|never>     Colour in the text report [default: auto]
      --ascii                         ASCII marks ([+] [!] [x] [?]) for plain consoles
      --check                         Exit with the verdict's status code
      --save-evidence <FILE>          Also save the evidence bundle of this scan
      --redact                        Remove serials, UUIDs, MACs, hostnames, asset tags
      --no-modules                    Never load the msr/cpuid kernel modules
  -h, --help                          Print help
  -V, --version                       Print version

Exit status: 0 when a report was produced, whatever the verdict; 2 for usage
errors and unreadable input; 1 for other failures. With --check: 0 ready,
3 needs-changes, 4 limited, 5 not-suitable, 6 unknown.
Run as root for MSRs, SMBIOS and ACPI tables; a normal user still gets a
report that says what it could not read.
";

pub const SCAN: &str = "\
Probe this machine and report.

Usage: xenready scan [OPTIONS]

Options:
      --format <text|json|markdown>   Report format [default: text]
  -o, --output <FILE>                 Write the report to FILE (atomically)
      --target <NAME>                 Xen target of the verdict [default: xen]
      --color <auto|always|never>     Colour in the text report [default: auto]
      --ascii                         ASCII marks for plain consoles
      --check                         Exit with the verdict's status code
      --save-evidence <FILE>          Also save the evidence bundle of this scan
      --redact                        Remove serials, UUIDs, MACs, hostnames, asset tags
      --no-modules                    Never load the msr/cpuid kernel modules
                                      (a root scan otherwise loads them when
                                      missing, and unloads them afterwards)
  -h, --help                          Print help
";

pub const CAPTURE: &str = "\
Save this machine's raw evidence (CPUID, MSRs, SMBIOS, ACPI, kernel log,
Xen's view, bootloader files, procfs/sysfs) as one JSON bundle, to analyse
later or elsewhere with `xenready analyze BUNDLE`.

Usage: xenready capture [OPTIONS]

Options:
  -o, --output <FILE>   Write the bundle to FILE (atomically) instead of stdout
      --redact          Remove serials, UUIDs, MACs, hostnames and asset tags
      --no-modules      Never load the msr/cpuid kernel modules
  -h, --help            Print help
";

pub const ANALYZE: &str = "\
Report from a saved bundle and/or foreign files. Sources not given are
reported absent, and what they would decide stays unknown.

Usage: xenready analyze [BUNDLE] [IMPORTS] [OPTIONS]

Imports:
      --cpuid <FILE>            CPUID dump: AIDA64/InstLatx64 text or `cpuid -r`
      --dmi <FILE>              Raw DMI table, `dmidecode --dump-bin` or Windows RSMB
      --dmidecode-text <FILE>   `dmidecode` text output (versions 2.2 to 3.6)
      --cpuinfo <FILE>          /proc/cpuinfo saved from the machine
      --acpi <DIR_OR_FILE>      ACPI table file(s) or `acpidump` text
      --dmesg <FILE>            dmesg, dmesg -T, journalctl -k, kern.log or
                                `xl dmesg` output (may be repeated)
      --xl-info <FILE>          `xl info` output saved in a Xen dom0
      --boot-config <FILE>      extlinux.conf, grub.cfg, menu.lst or
                                /etc/default/grub (may be repeated)

Options:
      --format <text|json|markdown>   Report format [default: text]
  -o, --output <FILE>                 Write the report to FILE (atomically)
      --target <NAME>                 Xen target of the verdict [default: xen]
      --color <auto|always|never>     Colour in the text report [default: auto]
      --ascii                         ASCII marks for plain consoles
      --check                         Exit with the verdict's status code
      --redact                        Remove serials, UUIDs, MACs, hostnames, asset tags
  -h, --help                          Print help
";

pub const COMPARE: &str = "\
Rank many machines in one table: JSON reports (`--format json`), evidence
bundles (`xenready capture`), or directories of them (not searched
recursively; other files there are skipped with a note on stderr).

Usage: xenready compare [OPTIONS] <FILE>...

Options:
      --format <text|csv|json|markdown>   Table format [default: text]
      --sort <score|name|verdict>         Ranking [default: score]
      --target <NAME>                     Target bundles are judged for [default: xen]
  -o, --output <FILE>                     Write the table to FILE (atomically)
  -h, --help                              Print help

Ranking: --sort score (the default) puts the highest score first; --sort name
orders by machine (vendor and product) A to Z, unnamed machines last; --sort
verdict orders ready, needs-changes, limited, unknown, not-suitable, then by
score, highest first. Ties are broken by machine name, then serial, then file.

Reports of one machine (same serial number or SMBIOS UUID) merge into one row
that keeps the newest capture (then the most complete report) and says which
files it merged.
";

pub const CPU: &str = "\
What a processor would bring to Xen, before buying the server: from a brand
string, a model number (X5570, \"E5-2680 v2\", \"Opteron 2218\") or a codename.

Usage: xenready cpu [OPTIONS] <QUERY>...

Options:
      --format <text|json>   Answer format [default: text]
      --target <NAME>        Xen target whose verdict heads the answer [default: xen]
  -h, --help                 Print help
";

pub const EXPLAIN: &str = "\
Print a check's documentation: what it checks, why it matters for Xen, the
evidence it reads, how to fix it, and the vendors' firmware setting names.

Usage: xenready explain <ID>
";

pub const CHECKS: &str = "\
List every check.

Usage: xenready checks [--format <text|markdown|json>]
";

/// `xenready help [COMMAND]`.
pub fn topic(command: Option<&str>) -> String {
    match command {
        Some("scan") => SCAN,
        Some("capture") => CAPTURE,
        Some("analyze") => ANALYZE,
        Some("compare") => COMPARE,
        Some("cpu") => CPU,
        Some("explain") => EXPLAIN,
        Some("checks") => CHECKS,
        _ => MAIN,
    }
    .to_string()
}
