//! `dmidecode` text → structures of `Key: Value` fields.
//!
//! Three layouts exist across versions 2.2–3.6 and all must read alike:
//! - 2.7 and later: `Handle 0x0400, DMI type 4, 40 bytes`, the heading at
//!   column 0, keys one tab in, list items two tabs in;
//! - 2.2–2.6: `Handle 0x0400` and `\tDMI type 4, 35 bytes.` on two lines,
//!   everything one tab deeper;
//! - pre-2.0 ("SYSID present."): the 2.6 layout with other key names.
//!
//! `dmidecode -q` prints no handle lines at all; its blocks are told apart
//! by their heading. Nothing here fails: a line that fits no pattern is
//! skipped, because a damaged paste should still yield what it holds.

/// One `Handle` block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Structure {
    pub handle: Option<u16>,
    pub dmi_type: Option<u8>,
    /// "Processor Information", as printed.
    pub heading: Option<String>,
    pub fields: Vec<Field>,
}

/// `Key: Value`, with the indented lines under it (Flags, Characteristics).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Field {
    pub key: String,
    pub value: String,
    pub items: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    /// From `# dmidecode 3.2`.
    pub dmidecode_version: Option<(u32, u32)>,
    /// From `SMBIOS 2.4 present.`
    pub smbios_version: Option<(u8, u8)>,
    pub structures: Vec<Structure>,
}

impl Structure {
    /// The first field named by any of `keys` (old dmidecode named some
    /// fields differently).
    pub fn field(&self, keys: &[&str]) -> Option<&Field> {
        self.fields.iter().find(|f| keys.contains(&f.key.as_str()))
    }

    pub fn value(&self, keys: &[&str]) -> Option<&str> {
        self.field(keys).map(|f| f.value.as_str())
    }
}

/// Tabs count as eight columns so that a paste whose tabs became spaces
/// keeps its shape.
fn indent(line: &str) -> usize {
    let mut width = 0;
    for c in line.chars() {
        match c {
            '\t' => width += 8,
            ' ' => width += 1,
            _ => break,
        }
    }
    width
}

/// Block headings `dmidecode -q` prints instead of handle lines.
fn quiet_heading_type(heading: &str) -> Option<u8> {
    Some(match heading {
        "BIOS Information" => 0,
        "System Information" => 1,
        "Base Board Information" => 2,
        "Chassis Information" => 3,
        "Processor Information" => 4,
        "Physical Memory Array" => 16,
        "Memory Device" => 17,
        _ => return None,
    })
}

pub fn parse(text: &str) -> Document {
    let mut doc = Document::default();
    let quiet = !text.lines().any(|l| l.starts_with("Handle 0x"));
    let mut parser = Parser::default();
    for raw in text.lines() {
        let line = raw.trim_end_matches(['\r', ' ', '\t']);
        let trimmed = line.trim_start();
        if doc.structures.is_empty() && parser.current.is_none() {
            header_line(&mut doc, trimmed);
        }
        if let Some(rest) = line.strip_prefix("Handle 0x") {
            parser.finish(&mut doc);
            parser.start(handle_line(rest));
            continue;
        }
        if trimmed.is_empty() {
            if quiet {
                parser.finish(&mut doc);
            }
            continue;
        }
        if quiet && parser.current.is_none() && indent(line) == 0 {
            if let Some(dmi_type) = quiet_heading_type(trimmed) {
                parser.start(Structure {
                    dmi_type: Some(dmi_type),
                    ..Structure::default()
                });
                parser.heading(trimmed, 0);
                continue;
            }
        }
        parser.line(line, trimmed);
    }
    parser.finish(&mut doc);
    doc
}

/// The dmidecode version and the number of typed structures, from a line
/// scan that keeps nothing: what an importer needs to accept a file,
/// without building the document (which costs several times the text).
/// Output without `DMI type` lines (`dmidecode -q`) is parsed in full.
pub fn summary(text: &str) -> (Option<(u32, u32)>, usize) {
    let mut header = Document::default();
    let mut typed = 0;
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.starts_with('#') || line.starts_with("SMBIOS ") {
            header_line(&mut header, line);
        }
        let typed_line = line
            .find("DMI type ")
            .and_then(|at| dmi_type(&line[at..]))
            .is_some();
        if typed_line {
            typed += 1;
        }
    }
    if typed == 0 {
        let document = parse(text);
        typed = document
            .structures
            .iter()
            .filter(|s| s.dmi_type.is_some())
            .count();
    }
    (header.dmidecode_version, typed)
}

fn header_line(doc: &mut Document, line: &str) {
    if let Some(rest) = line.strip_prefix("# dmidecode ") {
        doc.dmidecode_version = dotted(rest.split(['-', ' ']).next().unwrap_or(""))
            .and_then(|(a, b)| Some((u32::try_from(a).ok()?, u32::try_from(b).ok()?)));
    } else if let Some(rest) = line.strip_prefix("SMBIOS ") {
        if let Some(version) = rest.strip_suffix(" present.") {
            doc.smbios_version = dotted(version)
                .and_then(|(a, b)| Some((u8::try_from(a).ok()?, u8::try_from(b).ok()?)));
        }
    }
}

/// "2.12" → (2, 12); "3.0.0" → (3, 0).
fn dotted(text: &str) -> Option<(u64, u64)> {
    let mut parts = text.trim().split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

/// What follows `Handle 0x`: `0400` or `0400, DMI type 4, 40 bytes`.
fn handle_line(rest: &str) -> Structure {
    let (handle, tail) = rest.split_once(',').unwrap_or((rest, ""));
    Structure {
        handle: u16::from_str_radix(handle.trim(), 16).ok(),
        dmi_type: dmi_type(tail.trim()),
        ..Structure::default()
    }
}

/// `DMI type 4, 40 bytes` (with or without a final dot).
fn dmi_type(text: &str) -> Option<u8> {
    let rest = text.strip_prefix("DMI type ")?;
    let number = rest.split(',').next()?.trim();
    number.parse().ok()
}

#[derive(Default)]
struct Parser {
    current: Option<Structure>,
    /// Indent of the heading; keys sit deeper.
    heading_indent: Option<usize>,
    /// Indent of the first key; deeper lines are items of the last key.
    key_indent: Option<usize>,
}

impl Parser {
    fn start(&mut self, structure: Structure) {
        self.current = Some(structure);
        self.heading_indent = None;
        self.key_indent = None;
    }

    fn finish(&mut self, doc: &mut Document) {
        if let Some(s) = self.current.take() {
            doc.structures.push(s);
        }
    }

    fn heading(&mut self, text: &str, indent: usize) {
        if let Some(s) = self.current.as_mut() {
            s.heading = Some(text.to_string());
        }
        self.heading_indent = Some(indent);
    }

    fn line(&mut self, line: &str, trimmed: &str) {
        let Some(current) = self.current.as_mut() else {
            return;
        };
        let width = indent(line);
        if current.dmi_type.is_none() && current.heading.is_none() && current.fields.is_empty() {
            if let Some(t) = dmi_type(trimmed) {
                current.dmi_type = Some(t);
                return;
            }
        }
        let looks_like_key = trimmed.ends_with(':') || trimmed.contains(": ");
        let Some(heading_indent) = self.heading_indent else {
            if looks_like_key {
                // No heading line (some OEM blocks): keys start here.
                self.heading_indent = Some(width.saturating_sub(1));
            } else {
                self.heading(trimmed, width);
                return;
            }
            return self.line(line, trimmed);
        };
        if width <= heading_indent {
            // A second heading inside one block (type 10 lists several
            // devices) or trailing junk: nothing to read.
            self.key_indent = None;
            return;
        }
        let key_indent = *self.key_indent.get_or_insert(width);
        if width > key_indent {
            if let Some(field) = current.fields.last_mut() {
                field.items.push(trimmed.to_string());
            }
            return;
        }
        if width < key_indent {
            // Shallower than the keys but deeper than the heading: adopt it
            // as the key level rather than lose the line.
            self.key_indent = Some(width);
        }
        let (key, value) = match trimmed.split_once(':') {
            Some((key, value)) => (key.trim_end(), value.trim()),
            None => (trimmed, ""),
        };
        current.fields.push(Field {
            key: key.to_string(),
            value: value.to_string(),
            items: Vec::new(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODERN: &str = "# dmidecode 3.2\nGetting SMBIOS data from sysfs.\n\
        SMBIOS 2.5 present.\n67 structures occupying 3419 bytes.\n\n\
        Handle 0x0400, DMI type 4, 40 bytes\nProcessor Information\n\
        \tSocket Designation: CPU1\n\tFlags:\n\t\tFPU (Floating-point unit on-chip)\n\
        \t\tVME (Virtual mode extension)\n\tVersion: Intel(R) Xeon(R) CPU E5420\n\n\
        Handle 0x0401, DMI type 4, 40 bytes\nProcessor Information\n\tStatus: Unpopulated\n";

    const OLD: &str = "# dmidecode 2.6\nSMBIOS 2.3 present.\nHandle 0x0100\n\
        \tDMI type 1, 25 bytes.\n\tSystem Information\n\
        \t\tManufacturer: Dell Computer Corporation\n\t\tProduct Name: PowerEdge 750   \n\
        Handle 0x0A00\n\tDMI type 10, 10 bytes.\n\tOn Board Device 1 Information\n\
        \t\tType: Video\n\tOn Board Device 2 Information\n\t\tType: Ethernet\n";

    #[test]
    fn reads_the_one_line_handle_layout() {
        let doc = parse(MODERN);
        assert_eq!(doc.dmidecode_version, Some((3, 2)));
        assert_eq!(doc.smbios_version, Some((2, 5)));
        assert_eq!(doc.structures.len(), 2);
        let cpu = &doc.structures[0];
        assert_eq!((cpu.handle, cpu.dmi_type), (Some(0x400), Some(4)));
        assert_eq!(cpu.heading.as_deref(), Some("Processor Information"));
        let flags = cpu.field(&["Flags"]).unwrap();
        assert_eq!(flags.items.len(), 2);
        assert_eq!(cpu.value(&["Version"]), Some("Intel(R) Xeon(R) CPU E5420"));
        assert_eq!(doc.structures[1].value(&["Status"]), Some("Unpopulated"));
    }

    #[test]
    fn reads_the_two_line_handle_layout() {
        let doc = parse(OLD);
        assert_eq!(doc.dmidecode_version, Some((2, 6)));
        let system = &doc.structures[0];
        assert_eq!(system.dmi_type, Some(1));
        assert_eq!(system.value(&["Product Name"]), Some("PowerEdge 750"));
        // The second device heading does not turn into a key.
        let devices = &doc.structures[1];
        assert_eq!(devices.fields.len(), 2);
    }

    #[test]
    fn reads_quiet_output_by_its_headings() {
        let doc = parse(
            "BIOS Information\n\tVendor: Dell Inc.\n\n\
             Memory Device\n\tSize: 8 GB\n\nOEM-specific Type\n\tX: y\n",
        );
        let types: Vec<_> = doc.structures.iter().map(|s| s.dmi_type).collect();
        assert_eq!(types, vec![Some(0), Some(17)]);
        assert_eq!(doc.structures[1].value(&["Size"]), Some("8 GB"));
    }

    #[test]
    fn spaces_instead_of_tabs_keep_the_shape() {
        let doc = parse(
            "Handle 0x0400, DMI type 4, 40 bytes\nProcessor Information\n    \
             Characteristics:\n        64-bit capable\n    Status: Populated, Enabled\n",
        );
        let cpu = &doc.structures[0];
        assert_eq!(
            cpu.field(&["Characteristics"]).unwrap().items,
            vec!["64-bit capable"]
        );
        assert_eq!(cpu.value(&["Status"]), Some("Populated, Enabled"));
    }
}
