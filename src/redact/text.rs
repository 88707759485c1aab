//! Identifiers in text: dmidecode output, sysfs/procfs files, kernel logs,
//! Xen's output. Every replacement keeps the byte length, so line numbers,
//! columns and the decoders' field positions do not move.

use super::{Area, Kind, Secrets, Tally};
use std::collections::BTreeMap;

/// sysfs and procfs files that are identifiers through and through: the
/// ones the collector reads (`collect::smbios::DMI_ID_FILES`) and the
/// usual homes of the hostname and the Xen guest's UUID.
const IDENTITY_FILES: &[(&str, Kind)] = &[
    ("/sys/class/dmi/id/product_serial", Kind::Serial),
    ("/sys/class/dmi/id/board_serial", Kind::Serial),
    ("/sys/class/dmi/id/chassis_serial", Kind::Serial),
    ("/sys/class/dmi/id/product_uuid", Kind::Uuid),
    ("/sys/class/dmi/id/board_asset_tag", Kind::AssetTag),
    ("/sys/class/dmi/id/chassis_asset_tag", Kind::AssetTag),
    ("/sys/hypervisor/uuid", Kind::Uuid),
    ("/proc/sys/kernel/hostname", Kind::Hostname),
    ("/etc/hostname", Kind::Hostname),
];

pub fn identity_files(
    files: &mut BTreeMap<String, String>,
    tally: &mut Tally,
    secrets: &mut Secrets,
) {
    for &(path, kind) in IDENTITY_FILES {
        let Some(value) = files.get_mut(path) else {
            continue;
        };
        let body = value.trim();
        if crate::formats::smbios::strings::clean(body).is_none() || super::is_unset(body) {
            continue;
        }
        secrets.add(body, kind);
        tally.add(Area::Files, kind, 1);
        let mut bytes = std::mem::take(value).into_bytes();
        fill(&mut bytes, kind);
        *value = into_text(bytes);
    }
}

/// Overwrites an identifier with its same-length stand-in, blanks around
/// it kept: zeros in a UUID's hex digits (an unset UUID to every decoder),
/// `X`s otherwise.
fn fill(bytes: &mut [u8], kind: Kind) {
    let lead = bytes.iter().take_while(|b| b.is_ascii_whitespace()).count();
    let tail = bytes
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_whitespace())
        .count();
    let end = bytes.len().saturating_sub(tail).max(lead);
    let Some(value) = bytes.get_mut(lead..end) else {
        return;
    };
    for b in value.iter_mut() {
        if kind != Kind::Uuid {
            *b = b'X';
        } else if b.is_ascii_hexdigit() {
            *b = b'0';
        }
    }
}

/// Every replacement swapped whole characters for ASCII, so the bytes are
/// still UTF-8; the lossy path only guards against a bug, never panics.
fn into_text(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

/// Identifiers a text names, to be scrubbed from every text: the host
/// field of syslog and journal prefixes (`Jan  5 10:00:00 HOST kernel:`,
/// `2023-01-05T10:00:00+0100 HOST kernel:`), systemd's `Set hostname to
/// <HOST>`, `xl info`'s `host : HOST`, and dmidecode's `Serial Number:`,
/// `Asset Tag:` and `UUID:` lines (placeholders such as `Not Specified`
/// left alone).
pub fn identifiers_in(text: &str, secrets: &mut Secrets) {
    for line in text.lines() {
        let mut words = line.split_whitespace();
        let first = words.next().unwrap_or_default().as_bytes();
        // A month name and a day, or an ISO 8601 date-time.
        let stamp = match first {
            [_, _, _] => words.next().is_some_and(|day| day.len() <= 2),
            _ => first.get(4) == Some(&b'-') && first.get(10) == Some(&b'T'),
        };
        if stamp {
            let clock = if first.len() == 3 {
                words.next()
            } else {
                Some("")
            };
            let host = words.next();
            let tagged = words.next().is_some_and(|tag| tag.ends_with(':'));
            if let (Some(_), Some(host), true) = (clock, host, tagged) {
                secrets.add(host, Kind::Hostname);
            }
        }
        if let Some((_, rest)) = line.split_once("Set hostname to <") {
            secrets.add(rest.split('>').next().unwrap_or_default(), Kind::Hostname);
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let kind = match key.trim() {
            "host" => Kind::Hostname,
            "Serial Number" => Kind::Serial,
            "Asset Tag" => Kind::AssetTag,
            "UUID" => Kind::Uuid,
            _ => continue,
        };
        if crate::formats::dmidecode_text::values::clean(value).is_some() {
            secrets.add(value, kind);
        }
    }
}

/// Replaces MAC addresses, UUIDs and every known identifier in `text`.
pub fn scrub(text: &mut String, secrets: &Secrets, area: Area, tally: &mut Tally) {
    let mut bytes = std::mem::take(text).into_bytes();
    tally.add(area, Kind::Mac, shapes(&mut bytes, &MAC));
    tally.add(area, Kind::Uuid, shapes(&mut bytes, &UUID));
    for (value, kind) in &secrets.values {
        tally.add(area, *kind, tokens(&mut bytes, value.as_bytes()));
    }
    *text = into_text(bytes);
}

/// A fixed-length identifier of hex digits and separators.
struct Shape {
    len: usize,
    separators: &'static [usize],
    /// Accepted separators; one identifier uses one of them throughout.
    sep: &'static [u8],
    /// What its hex digits become.
    filler: u8,
}

/// `aa:bb:cc:dd:ee:ff` or `aa-bb-...`.
const MAC: Shape = Shape {
    len: 17,
    separators: &[2, 5, 8, 11, 14],
    sep: b":-",
    filler: b'X',
};

/// `4c4c4544-0039-3010-8048-b7c04f384432`.
const UUID: Shape = Shape {
    len: 36,
    separators: &[8, 13, 18, 23],
    sep: b"-",
    filler: b'0',
};

fn separator(window: &[u8], shape: &Shape) -> Option<u8> {
    let first = *shape.separators.first()?;
    window.get(first).copied().filter(|s| shape.sep.contains(s))
}

fn is_shaped(window: &[u8], shape: &Shape) -> bool {
    let Some(sep) = separator(window, shape) else {
        return false;
    };
    window.len() == shape.len
        && window.iter().enumerate().all(|(k, &b)| {
            if shape.separators.contains(&k) {
                b == sep
            } else {
                b.is_ascii_hexdigit()
            }
        })
}

/// Overwrites every standalone `shape` (not inside a longer run of hex
/// and separators, such as a 64-bit WWN) that is set: all zeros (the
/// loopback's MAC, an unset UUID) identifies nothing.
fn shapes(bytes: &mut [u8], shape: &Shape) -> usize {
    let mut count = 0;
    let mut i = 0;
    while i + shape.len <= bytes.len() {
        let window = bytes.get(i..i + shape.len).unwrap_or_default();
        let sep = separator(window, shape).unwrap_or(0);
        let glued = |b: Option<&u8>| b.is_some_and(|&b| b.is_ascii_hexdigit() || b == sep);
        let hit = is_shaped(window, shape)
            && window.iter().any(|&b| b.is_ascii_hexdigit() && b != b'0')
            && !glued(i.checked_sub(1).and_then(|p| bytes.get(p)))
            && !glued(bytes.get(i + shape.len));
        if hit {
            if let Some(window) = bytes.get_mut(i..i + shape.len) {
                for b in window.iter_mut().filter(|b| b.is_ascii_hexdigit()) {
                    *b = shape.filler;
                }
            }
            count += 1;
            i += shape.len;
        } else {
            i += 1;
        }
    }
    count
}

/// Whole-word occurrences of `needle`: not glued to letters, digits, `-`
/// or `_` on either side, so hostname `pve` leaves `6.8.12-1-pve` alone.
/// A dot is a boundary: `web1` goes from `web1.example.com` too.
fn tokens(bytes: &mut [u8], needle: &[u8]) -> usize {
    if needle.is_empty() || needle.len() > bytes.len() {
        return 0;
    }
    let word =
        |b: Option<&u8>| b.is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    let mut count = 0;
    let mut i = 0;
    while i + needle.len() <= bytes.len() {
        let hit = bytes.get(i..i + needle.len()) == Some(needle)
            && !word(i.checked_sub(1).and_then(|p| bytes.get(p)))
            && !word(bytes.get(i + needle.len()));
        if hit {
            if let Some(window) = bytes.get_mut(i..i + needle.len()) {
                window.fill(b'X');
            }
            count += 1;
            i += needle.len();
        } else {
            i += 1;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scrubbed(text: &str, secrets: &[(&str, Kind)]) -> (String, Vec<String>) {
        let mut known = Secrets::default();
        for (value, kind) in secrets {
            known.add(value, *kind);
        }
        let mut tally = Tally::default();
        let mut out = text.to_string();
        scrub(&mut out, &known, Area::KernelLog, &mut tally);
        (out, tally.lines())
    }

    #[test]
    fn macs_go_but_timestamps_and_wwns_stay() {
        let (out, lines) = scrubbed(
            "[ 1.5] eth0: 00:1e:c9:aa:bb:CC link up at 10:20:30\nwwn 50:00:c5:00:12:34:56:78\n",
            &[],
        );
        assert!(
            out.contains("eth0: XX:XX:XX:XX:XX:XX link up at 10:20:30"),
            "{out}"
        );
        assert!(out.contains("50:00:c5:00:12:34:56:78"), "{out}");
        assert_eq!(lines, ["kernel log: 1 MAC address"]);
    }

    #[test]
    fn uuids_become_zeros_and_hostnames_whole_words() {
        let (out, lines) = scrubbed(
            "root=UUID=4c4c4544-0039-3010-8048-b7c04f384432 on pve pve.lan 6.8.12-1-pve\n",
            &[("pve", Kind::Hostname)],
        );
        assert_eq!(
            out,
            "root=UUID=00000000-0000-0000-0000-000000000000 on XXX XXX.lan 6.8.12-1-pve\n"
        );
        assert_eq!(lines, ["kernel log: 1 UUID, 2 hostnames"]);
    }

    #[test]
    fn syslog_and_journal_prefixes_name_their_host() {
        let mut secrets = Secrets::default();
        identifiers_in(
            "Jan  5 10:00:00 albiorix kernel: [0.0] Linux\n\
             2023-01-05T10:00:00+0100 gerd kernel: x\n\
             [    0.0] systemd[1]: Set hostname to <merry>.\n\
             [    0.1] Jan is not a prefix\n",
            &mut secrets,
        );
        let mut names: Vec<&str> = secrets.values.iter().map(|(v, _)| v.as_str()).collect();
        names.sort_unstable();
        assert_eq!(names, ["albiorix", "gerd", "merry"]);
    }

    #[test]
    fn dmidecode_values_keep_their_length_and_placeholders_stay() {
        let mut secrets = Secrets::default();
        let text = "System Information\n\tSerial Number: 5QNFS1J\r\n\tUUID: 44454C4C-5100-104E-8046-B5C04F53314A\n\tAsset Tag: Not Specified\n";
        identifiers_in(text, &mut secrets);
        let mut tally = Tally::default();
        let mut out = text.to_string();
        scrub(&mut out, &secrets, Area::DmidecodeText, &mut tally);
        assert_eq!(
            out,
            "System Information\n\tSerial Number: XXXXXXX\r\n\tUUID: 00000000-0000-0000-0000-000000000000\n\tAsset Tag: Not Specified\n"
        );
        assert_eq!(tally.lines(), ["dmidecode text: 1 serial number, 1 UUID"]);
    }
}
