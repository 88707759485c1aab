use serde::Serialize;

/// The bootloader configuration found on the machine, reduced to what
/// decides Xen's command line on the next boot.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct BootFacts {
    /// The bootloader files read (machine paths), whether or not they
    /// boot Xen.
    pub files: Vec<String>,
    /// Menu entries of every configuration file read, in file order.
    pub entries: Vec<BootEntry>,
    /// `GRUB_CMDLINE_XEN` and `GRUB_CMDLINE_XEN_DEFAULT` of
    /// `/etc/default/grub`, from which grub.cfg is generated.
    pub grub_xen_settings: Vec<GrubSetting>,
}

/// One menu entry (`label` of extlinux, `menuentry` of GRUB 2, `title` of
/// GRUB legacy).
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct BootEntry {
    /// The configuration file, as a machine path (`/boot/extlinux.conf`).
    pub file: String,
    /// Label or menu title.
    pub title: Option<String>,
    /// This is the entry booted by default, as far as the file says.
    pub default: bool,
    /// Set when the entry boots Xen.
    pub xen: Option<XenBootLine>,
}

/// The line that loads Xen and carries its options.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct XenBootLine {
    /// 1-based line number in `BootEntry::file`.
    pub line: u64,
    /// The line as written, trimmed.
    pub text: String,
    /// `append`, `kernel`, `multiboot`, `multiboot2`.
    pub directive: String,
    /// The Xen image (`/boot/xen.gz`).
    pub image: String,
    /// Xen's options, in order, as written.
    pub options: Vec<String>,
    /// What follows the first ` --- ` of an extlinux `append` line: the
    /// dom0 kernel and its options (and further modules).
    pub dom0: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct GrubSetting {
    pub file: String,
    pub line: u64,
    /// `GRUB_CMDLINE_XEN` or `GRUB_CMDLINE_XEN_DEFAULT`.
    pub key: String,
    /// The value with its quotes removed.
    pub value: String,
    /// The line as written, trimmed.
    pub text: String,
}

impl BootFacts {
    /// Entries that boot Xen.
    pub fn xen_entries(&self) -> impl Iterator<Item = &BootEntry> {
        self.entries.iter().filter(|e| e.xen.is_some())
    }

    /// The Xen entries that matter for the next boot: the default entries
    /// of each file when they boot Xen, otherwise every Xen entry.
    pub fn next_boot_xen_entries(&self) -> Vec<&BootEntry> {
        let defaults: Vec<&BootEntry> = self.xen_entries().filter(|e| e.default).collect();
        if defaults.is_empty() {
            self.xen_entries().collect()
        } else {
            defaults
        }
    }
}

impl XenBootLine {
    /// The value of the last `key=value` among Xen's options (Xen applies
    /// options in order, so the last one counts). `Some("")` for a bare
    /// `key`.
    pub fn option(&self, key: &str) -> Option<&str> {
        option_value(&self.options, key)
    }
}

/// The value of the last `key=value` in a Xen option list (Xen applies
/// options in order, so the last one counts); `Some("")` for a bare `key`.
pub fn option_value<'a>(options: &'a [String], key: &str) -> Option<&'a str> {
    options.iter().rev().find_map(|o| match o.split_once('=') {
        Some((k, v)) if k == key => Some(v),
        None if o == key => Some(""),
        _ => None,
    })
}
