//! Every file of the shared fixture corpus through its importer and the
//! whole pipeline, and snapshots of the verdicts of real machines.
//!
//! Which importer reads a file is decided by where it sits (`cpuid/`,
//! `smbios-bin/` ...) and its name, by the rules in `plan`. Files no
//! importer is meant for are skipped with a reason; files an importer is
//! meant to refuse (an SMBIOS entry point without its table) must be
//! refused, and every other file must import and analyse cleanly.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use xenready::evidence::{Evidence, Origin};
use xenready::import::{self, ImportError};
use xenready::knowledge::Knowledge;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Importer {
    Cpuid,
    Dmi,
    DmidecodeText,
    Acpi,
    Cpuinfo,
    Dmesg,
}

#[derive(Debug)]
enum Plan {
    Import(Importer),
    /// The importer must refuse it: the file cannot stand alone.
    Refuse(Importer, &'static str),
    Skip(&'static str),
}

fn plan(relative: &str, bytes: &[u8]) -> Plan {
    let name = relative.rsplit('/').next().unwrap_or(relative);
    let top = relative.split('/').next().unwrap_or("");
    if name == "MANIFEST.md" {
        return Plan::Skip("the corpus's own index");
    }
    match top {
        "cpuid" => Plan::Import(Importer::Cpuid),
        "smbios-bin" => {
            if name.ends_with(".dmidecode.txt") {
                Plan::Import(Importer::DmidecodeText)
            } else if name.ends_with(".json") || name.ends_with(".txt") {
                Plan::Skip("a decoder's expected output, not a capture")
            } else if is_entry_point_only(bytes) {
                Plan::Refuse(Importer::Dmi, "an entry point without its table")
            } else {
                Plan::Import(Importer::Dmi)
            }
        }
        "dmidecode-text" => Plan::Import(Importer::DmidecodeText),
        "acpi" => Plan::Import(Importer::Acpi),
        "cpuinfo" if name.ends_with(".tar.gz") => {
            Plan::Skip("a sysfs tarball: no importer unpacks archives")
        }
        "cpuinfo" if name.ends_with(".cpuinfo") => Plan::Import(Importer::Cpuinfo),
        "cpuinfo" => Plan::Skip("a companion file, not /proc/cpuinfo"),
        "dmesg" => Plan::Import(Importer::Dmesg),
        _ => Plan::Skip("no importer for this directory"),
    }
}

/// `_SM_` (32-bit, 0x1F bytes) or `_SM3_` (64-bit, 0x18 bytes) and not
/// much more: the entry point alone, which names a table it does not hold.
fn is_entry_point_only(bytes: &[u8]) -> bool {
    (bytes.starts_with(b"_SM_") || bytes.starts_with(b"_SM3_")) && bytes.len() <= 0x20
}

fn import_one(evidence: &mut Evidence, importer: Importer, path: &Path) -> Result<(), ImportError> {
    match importer {
        Importer::Cpuid => import::cpuid_file(evidence, path),
        Importer::Dmi => import::dmi_file(evidence, path),
        Importer::DmidecodeText => import::dmidecode_text_file(evidence, path),
        Importer::Acpi => import::acpi_path(evidence, path),
        Importer::Cpuinfo => import::cpuinfo::cpuinfo_file(evidence, path),
        Importer::Dmesg => import::dmesg::dmesg_file(evidence, path),
    }
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", std::path::Path::new(dir).display()));
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn corpus_root() -> Option<PathBuf> {
    let root = crate::common::fixtures();
    assert!(
        root.is_dir(),
        "{} is missing: the test corpus is part of the repository",
        root.display()
    );
    Some(root)
}

#[test]
fn every_fixture_imports_and_analyses_or_is_refused_by_rule() {
    let Some(root) = corpus_root() else {
        return;
    };
    let knowledge = Knowledge::builtin();
    let target = knowledge.target("xen").expect("xen target");
    let mut files = Vec::new();
    files_under(&root, &mut files);
    let (mut analysed, mut refused) = (0, 0);
    let mut skipped: Vec<(&str, usize)> = Vec::new();
    let mut failures = Vec::new();
    for path in &files {
        let relative = path
            .strip_prefix(&root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = std::fs::read(path).unwrap_or_default();
        let mut evidence = Evidence::new(Origin::Import);
        match plan(&relative, &bytes) {
            Plan::Skip(why) => match skipped.iter_mut().find(|(w, _)| *w == why) {
                Some(entry) => entry.1 += 1,
                None => skipped.push((why, 1)),
            },
            Plan::Refuse(importer, why) => match import_one(&mut evidence, importer, path) {
                Err(_) => refused += 1,
                Ok(()) => failures.push(format!("{relative}: {why}, yet it imported")),
            },
            Plan::Import(importer) => match import_one(&mut evidence, importer, path) {
                Ok(()) => {
                    import::declare_missing_sources(&mut evidence);
                    let report = xenready::analyze(&evidence, knowledge, target);
                    assert_eq!(report.target, "xen");
                    analysed += 1;
                }
                Err(e) => failures.push(format!("{relative}: {importer:?}: {e}")),
            },
        }
    }
    let skips: Vec<String> = skipped.iter().map(|(w, n)| format!("{n} {w}")).collect();
    eprintln!(
        "corpus: {} files: {analysed} analysed, {refused} refused by rule, skipped: {}",
        files.len(),
        skips.join("; ")
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(analysed > 800, "only {analysed} files analysed");
}

/// One machine: the files that describe it, with their importers.
struct Machine {
    name: &'static str,
    files: &'static [(Importer, &'static str)],
}

const MACHINES: &[Machine] = &[
    // CPUID dumps.
    Machine {
        name: "cpuid-p4-nocona",
        files: &[(Importer::Cpuid, "cpuid/instlatx64/GenuineIntel0000F34_P4_Nocona_CPUID.txt")],
    },
    Machine {
        name: "cpuid-woodcrest",
        files: &[(Importer::Cpuid, "cpuid/instlatx64/GenuineIntel00006F4_Woodcrest_CPUID.txt")],
    },
    Machine {
        name: "cpuid-nehalem-ep",
        files: &[(Importer::Cpuid, "cpuid/instlatx64/GenuineIntel00106A2_Nehalem-EP_CPUID.txt")],
    },
    Machine {
        name: "cpuid-sandybridge-ep",
        files: &[(Importer::Cpuid, "cpuid/instlatx64/GenuineIntel00206D7_SandyBridgeE_00_CPUID.txt")],
    },
    Machine {
        name: "cpuid-k8-sledgehammer",
        files: &[(Importer::Cpuid, "cpuid/instlatx64/AuthenticAMD0000F51_K8_Sledgehammer_CPUID.txt")],
    },
    Machine {
        name: "cpuid-r-epyc-firecracker",
        files: &[(Importer::Cpuid, "cpuid/cpuid-r/amd-epyc-vm-firecracker.txt")],
    },
    // SMBIOS tables.
    Machine {
        name: "smbios-dell-r630",
        files: &[(Importer::Dmi, "smbios-bin/go-smbios/Dell-PowerEdge-R630-Dual-Xeon.dmi")],
    },
    Machine {
        name: "smbios-supermicro-quad-opteron",
        files: &[(Importer::Dmi, "smbios-bin/go-smbios/SuperMicro-Quad-Opteron.dmi")],
    },
    Machine {
        name: "smbios-hyperv",
        files: &[(Importer::Dmi, "smbios-bin/go-smbios/HyperV.dmi")],
    },
    Machine {
        name: "smbios-supermicro-x9dbl",
        files: &[(Importer::Dmi, "smbios-bin/u-root/SuperMicro-X9DBL.bin")],
    },
    // dmidecode texts.
    Machine {
        name: "dmidecode-poweredge-2850",
        files: &[(
            Importer::DmidecodeText,
            "dmidecode-text/linuxhw/server/Dell_PowerEdge_2850_1A0BFC21B7EB.txt",
        )],
    },
    Machine {
        name: "dmidecode-poweredge-2950",
        files: &[(
            Importer::DmidecodeText,
            "dmidecode-text/parse-dmidecode/dmidecode_example5.txt",
        )],
    },
    Machine {
        name: "dmidecode-poweredge-r610",
        files: &[(
            Importer::DmidecodeText,
            "dmidecode-text/linuxhw/server/Dell_PowerEdge_R610_14D2A48FEC25.txt",
        )],
    },
    Machine {
        name: "dmidecode-proliant-dl360-g7",
        files: &[(
            Importer::DmidecodeText,
            "dmidecode-text/linuxhw/server/Hewlett-Packard_ProLiant_DL360_G7_051F908FDAA1.txt",
        )],
    },
    // Kernel logs alone.
    Machine {
        name: "dmesg-poweredge-r610",
        files: &[(
            Importer::Dmesg,
            "dmesg/linuxhw/Dell_PowerEdge-R610_18C49820E8F0.ubuntu-18.04_4.15.0-39-generic.dmesg",
        )],
    },
    Machine {
        name: "dmesg-poweredge-1950",
        files: &[(
            Importer::Dmesg,
            "dmesg/linuxhw/Dell_PowerEdge-1950_7D3E387CFF5B.ubuntu-22.04_5.15.0-40-generic.dmesg",
        )],
    },
    // /proc/cpuinfo.
    Machine {
        name: "cpuinfo-dell-r710",
        files: &[(Importer::Cpuinfo, "cpuinfo/util-linux/x86_64-dellr710.cpuinfo")],
    },
    Machine {
        name: "cpuinfo-hp-dl585",
        files: &[(Importer::Cpuinfo, "cpuinfo/util-linux/x86_64-hpdl585.cpuinfo")],
    },
    // One machine, several sources.
    Machine {
        name: "multi-poweredge-2850",
        files: &[
            (
                Importer::DmidecodeText,
                "dmidecode-text/linuxhw/server/Dell_PowerEdge_2850_8C9CA6088BC7.txt",
            ),
            (
                Importer::Dmesg,
                "dmesg/linuxhw/Dell_PowerEdge-2850_8C9CA6088BC7.centos-6_2.6.32-754.30.2.el6.x86_64.dmesg",
            ),
        ],
    },
    Machine {
        name: "multi-poweredge-2950",
        files: &[
            (
                Importer::DmidecodeText,
                "dmidecode-text/linuxhw/server/Dell_PowerEdge_2950_C63204CC3467.txt",
            ),
            (
                Importer::Dmesg,
                "dmesg/linuxhw/Dell_PowerEdge_2950_C63204CC3467.ubuntu-16.04_4.4.0-194.dmesg",
            ),
        ],
    },
    Machine {
        name: "multi-proliant-dl360-g5",
        files: &[
            (
                Importer::DmidecodeText,
                "dmidecode-text/linuxhw/server/Hewlett-Packard_ProLiant_DL360_G5_0D53C64FD948.txt",
            ),
            (
                Importer::Dmesg,
                "dmesg/linuxhw/HP_ProLiant-DL360-G5_0D53C64FD948.centos-7_3.10.0-1160.25.1.el7.x86_64.dmesg",
            ),
        ],
    },
    Machine {
        name: "multi-proliant-dl165-g7",
        files: &[
            (
                Importer::DmidecodeText,
                "dmidecode-text/linuxhw/server/Hewlett-Packard_ProLiant_DL165_G7_418C07CB59F3.txt",
            ),
            (
                Importer::Dmesg,
                "dmesg/linuxhw/HP_ProLiant-DL165-G7_418C07CB59F3.centos-7_3.10.0-1127.19.1.el7.x86_64.dmesg",
            ),
        ],
    },
    Machine {
        name: "multi-proliant-dl360-g6",
        files: &[
            (
                Importer::DmidecodeText,
                "dmidecode-text/linuxhw/server/Hewlett-Packard_ProLiant_DL360_G6_5A1D7821BD30.txt",
            ),
            (
                Importer::Dmesg,
                "dmesg/linuxhw/HP_ProLiant-DL360-G6_5A1D7821BD30.debian-10_4.19.0-10-amd64.dmesg",
            ),
        ],
    },
];

fn report_of(machine: &Machine) -> xenready::report::Report {
    let mut evidence = Evidence::new(Origin::Import);
    for (importer, relative) in machine.files {
        let path = crate::common::fixture(relative);
        import_one(&mut evidence, *importer, &path)
            .unwrap_or_else(|e| panic!("{}: {e}", machine.name));
    }
    import::declare_missing_sources(&mut evidence);
    let knowledge = Knowledge::builtin();
    let target = knowledge.target("xen").expect("xen target");
    xenready::analyze(&evidence, knowledge, target)
}

/// Verdict, score, every target's verdict and the six capabilities'
/// columns: what a reviewer checks, without the evidence wording.
fn verdict_view(report: &xenready::report::Report) -> Value {
    let full = serde_json::to_value(report).expect("report serialises");
    let mut capabilities = serde_json::Map::new();
    if let Some(all) = full["capabilities"].as_object() {
        for (name, cap) in all {
            capabilities.insert(
                name.clone(),
                json!({
                    "state": cap["state"],
                    "silicon": cap["silicon"],
                    "firmware": cap["firmware"],
                    "os": cap["os"],
                }),
            );
        }
    }
    let mut targets = serde_json::Map::new();
    if let Some(all) = full["targets"].as_object() {
        for (id, t) in all {
            targets.insert(
                id.clone(),
                json!({"verdict": t["verdict"], "score": t["score"], "blockers": t["blockers"]}),
            );
        }
    }
    json!({
        "machine": format!(
            "{} {}",
            full["machine"]["vendor"].as_str().unwrap_or("?"),
            full["machine"]["product"].as_str().unwrap_or("?")
        ),
        "cpu": full["cpu"]["brand"],
        "verdict": full["verdict"],
        "score": full["score"],
        "targets": targets,
        "capabilities": capabilities,
    })
}

#[test]
fn real_machines_keep_their_verdicts() {
    if corpus_root().is_none() {
        return;
    }
    assert!(MACHINES.len() >= 20);
    for machine in MACHINES {
        let view = verdict_view(&report_of(machine));
        insta::assert_json_snapshot!(format!("corpus-{}", machine.name), view);
    }
}

#[test]
fn the_poweredge_2850_is_judged_from_its_processor_signature() {
    if corpus_root().is_none() {
        return;
    }
    // The 2850's dmidecode text carries no flags list, only the processor
    // signature: family 15 model 4 is NetBurst Nocona/Irwindale, 64-bit
    // (EM64T) without VT-x. The generation table must say so.
    let machine = &MACHINES
        .iter()
        .find(|m| m.name == "dmidecode-poweredge-2850")
        .expect("listed");
    let report = report_of(machine);
    let caps = serde_json::to_value(&report.capabilities).expect("serialises");
    assert_eq!(caps["long_mode"]["silicon"], "yes", "{caps:#}");
    assert_eq!(caps["hvm"]["silicon"], "no", "{caps:#}");
    assert_eq!(caps["hvm"]["state"], "unsupported", "{caps:#}");
    let evidence = report.capabilities.hvm.evidence.join(" ");
    assert!(
        evidence.contains("Nocona")
            || evidence.contains("Irwindale")
            || evidence.contains("NetBurst"),
        "{evidence}"
    );
    // Upstream Xen still runs PV guests there: limited, not unsuitable.
    assert_eq!(
        serde_json::to_value(report.verdict).expect("verdict"),
        "limited"
    );
}

/// Every corpus file that imports, analysed for the default target, by
/// relative path: the reports other tests check (schemas, metrics).
pub fn every_report() -> Vec<(String, xenready::report::Report)> {
    let root = crate::common::fixtures();
    let knowledge = Knowledge::builtin();
    let target = knowledge.default_target();
    let mut files = Vec::new();
    files_under(&root, &mut files);
    let mut reports = Vec::new();
    for path in &files {
        let relative = path.strip_prefix(&root).unwrap_or(path).to_string_lossy();
        let bytes = std::fs::read(path).unwrap_or_default();
        if let Plan::Import(importer) = plan(&relative, &bytes) {
            let mut evidence = Evidence::new(Origin::Import);
            if import_one(&mut evidence, importer, path).is_ok() {
                import::declare_missing_sources(&mut evidence);
                let report = xenready::analyze(&evidence, knowledge, target);
                reports.push((relative.into_owned(), report));
            }
        }
    }
    reports
}
