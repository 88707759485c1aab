//! Identifiers in text: dmidecode output, sysfs/procfs files, kernel logs,
//! Xen's output. Every replacement keeps the byte length, so line numbers,
//! columns and the decoders' field positions do not move.

use super::{Kind, Secrets, Tally};
use std::collections::BTreeMap;

/// dmidecode fields whose value identifies one machine or one part.
const DMIDECODE_FIELDS: &[(&str, Kind)] = &[
    ("Serial Number:", Kind::Serial),
    ("Asset Tag:", Kind::AssetTag),
    ("UUID:", Kind::Uuid),
];

/// Overwrites the values of serial, asset-tag and UUID lines.
pub fn redact_dmidecode(text: &str, tally: &mut Tally, secrets: &mut Secrets) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let field = DMIDECODE_FIELDS
            .iter()
            .find(|(name, _)| trimmed.starts_with(name));
        let Some(&(name, kind)) = field else {
            out.push_str(line);
            continue;
        };
        let value_at = line.len() - trimmed.len() + name.len();
        let (head, value) = line.split_at(value_at);
        let body = value.trim_end_matches(['\n', '\r']);
        if crate::decode::dmidecode_text::values::clean(body).is_none() || super::is_unset(body) {
            out.push_str(line);
            continue;
        }
        secrets.add(body, kind);
        tally.add("dmidecode text", kind, 1);
        out.push_str(head);
        let lead = body.len() - body.trim_start().len();
        out.push_str(&body[..lead]);
        out.push_str(&filler(body.trim_start(), kind));
        out.push_str(&value[body.len()..]);
    }
    out
}

/// sysfs and procfs files that are identifiers through and through.
pub fn identity_files(
    files: &mut BTreeMap<String, String>,
    tally: &mut Tally,
    secrets: &mut Secrets,
) {
    for (path, value) in files.iter_mut() {
        let name = path.rsplit('/').next().unwrap_or_default();
        let kind = if path.starts_with("/sys/class/dmi/id/") {
            if name.contains("serial") {
                Kind::Serial
            } else if name.contains("asset_tag") {
                Kind::AssetTag
            } else if name == "product_uuid" {
                Kind::Uuid
            } else {
                continue;
            }
        } else if path == "/sys/hypervisor/uuid" {
            Kind::Uuid
        } else if matches!(
            path.as_str(),
            "/proc/sys/kernel/hostname" | "/etc/hostname" | "/proc/sys/kernel/nodename"
        ) {
            Kind::Hostname
        } else {
            continue;
        };
        let body = value.trim();
        if crate::decode::smbios::strings::clean(body).is_none() || super::is_unset(body) {
            continue;
        }
        secrets.add(body, kind);
        tally.add("files", kind, 1);
        *value = value.replace(body, &filler(body, kind));
    }
}

/// An identifier's same-length stand-in: zeros in a UUID's hex digits
/// (an unset UUID to every decoder), `X`s otherwise.
fn filler(value: &str, kind: Kind) -> String {
    if kind == Kind::Uuid && is_uuid(value.as_bytes()) {
        value
            .chars()
            .map(|c| if c == '-' { '-' } else { '0' })
            .collect()
    } else {
        "X".repeat(value.len())
    }
}

/// Hostnames a log names: the host field of syslog and journal prefixes
/// (`Jan  5 10:00:00 HOST kernel: ...`, `2023-01-05T10:00:00+0100 HOST
/// kernel: ...`) and systemd's `Set hostname to <HOST>`.
pub fn hostnames_in_log(text: &str, secrets: &mut Secrets) {
    for line in text.lines() {
        if let Some(host) = syslog_host(line) {
            secrets.add(host, Kind::Hostname);
        }
        if let Some(at) = line.find("Set hostname to <") {
            let rest = line.get(at + "Set hostname to <".len()..).unwrap_or("");
            if let Some(host) = rest.split('>').next() {
                secrets.add(host, Kind::Hostname);
            }
        }
    }
}

fn syslog_host(line: &str) -> Option<&str> {
    let mut words = line.split_whitespace();
    let first = words.next()?;
    let host = if is_month(first) {
        let day = words.next()?;
        let time = words.next()?;
        let clock = time.len() == 8 && time.bytes().filter(|&b| b == b':').count() == 2;
        if !day.bytes().all(|b| b.is_ascii_digit()) || !clock {
            return None;
        }
        words.next()?
    } else {
        let iso = first.len() >= 19
            && first.as_bytes().get(4) == Some(&b'-')
            && first.as_bytes().get(10) == Some(&b'T');
        if !iso {
            return None;
        }
        words.next()?
    };
    // The tag after the host ends with a colon ("kernel:", "sshd[12]:").
    words.next().filter(|tag| tag.ends_with(':'))?;
    Some(host)
}

fn is_month(word: &str) -> bool {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    MONTHS.contains(&word)
}

/// `host : NAME` in `xl info`.
pub fn hostname_in_xl_info(text: &str, secrets: &mut Secrets) {
    for line in text.lines() {
        if let Some((key, value)) = line.split_once(':') {
            if key.trim() == "host" {
                secrets.add(value, Kind::Hostname);
            }
        }
    }
}

/// Replaces MAC addresses, UUIDs and every known identifier in `text`.
pub fn scrub(text: &str, secrets: &Secrets, area: &'static str, tally: &mut Tally) -> String {
    let mut bytes = text.as_bytes().to_vec();
    tally.add(area, Kind::Mac, macs(&mut bytes));
    tally.add(area, Kind::Uuid, uuids(&mut bytes));
    for (value, kind) in &secrets.values {
        tally.add(area, *kind, tokens(&mut bytes, value.as_bytes()));
    }
    // Every replacement swapped whole characters for ASCII, so this holds;
    // the lossy path only guards against a bug, never panics.
    match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

fn is_hex(b: u8) -> bool {
    b.is_ascii_hexdigit()
}

/// `aa:bb:cc:dd:ee:ff` (or with `-`) standing alone: not inside a longer
/// run of hex pairs such as a 64-bit WWN.
fn macs(bytes: &mut [u8]) -> usize {
    const LEN: usize = 17;
    let mut count = 0;
    let mut i = 0;
    while i + LEN <= bytes.len() {
        let Some(window) = bytes.get(i..i + LEN) else {
            break;
        };
        let sep = window.get(2).copied().unwrap_or(0);
        let shape = (sep == b':' || sep == b'-')
            && window.iter().enumerate().all(
                |(k, &b)| {
                    if k % 3 == 2 {
                        b == sep
                    } else {
                        is_hex(b)
                    }
                },
            );
        let before = i.checked_sub(1).and_then(|p| bytes.get(p)).copied();
        let after = bytes.get(i + LEN).copied();
        let alone = |b: Option<u8>| b.is_none_or(|b| !is_hex(b) && b != sep);
        if shape && alone(before) && alone(after) {
            if let Some(window) = bytes.get_mut(i..i + LEN) {
                for (k, b) in window.iter_mut().enumerate() {
                    if k % 3 != 2 {
                        *b = b'X';
                    }
                }
            }
            count += 1;
            i += LEN;
        } else {
            i += 1;
        }
    }
    count
}

fn is_uuid(bytes: &[u8]) -> bool {
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(k, &b)| {
            if matches!(k, 8 | 13 | 18 | 23) {
                b == b'-'
            } else {
                is_hex(b)
            }
        })
}

/// 8-4-4-4-12 hex UUIDs standing alone; an unset one (all zeros) is left.
fn uuids(bytes: &mut [u8]) -> usize {
    const LEN: usize = 36;
    let mut count = 0;
    let mut i = 0;
    while i + LEN <= bytes.len() {
        let before = i.checked_sub(1).and_then(|p| bytes.get(p)).copied();
        let after = bytes.get(i + LEN).copied();
        let alone = |b: Option<u8>| b.is_none_or(|b| !is_hex(b) && b != b'-');
        let window = bytes.get(i..i + LEN).unwrap_or_default();
        let set = window.iter().any(|&b| b != b'0' && b != b'-');
        if is_uuid(window) && set && alone(before) && alone(after) {
            if let Some(window) = bytes.get_mut(i..i + LEN) {
                for b in window.iter_mut().filter(|b| **b != b'-') {
                    *b = b'0';
                }
            }
            count += 1;
            i += LEN;
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
        let out = scrub(text, &known, "log", &mut tally);
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
        assert_eq!(lines, ["log: 1 MAC address"]);
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
        assert_eq!(lines, ["log: 1 UUID, 2 hostnames"]);
    }

    #[test]
    fn syslog_and_journal_prefixes_name_their_host() {
        let mut secrets = Secrets::default();
        hostnames_in_log(
            "Jan  5 10:00:00 albiorix kernel: [0.0] Linux\n\
             2023-01-05T10:00:00+0100 gerd kernel: x\n\
             [    0.0] systemd[1]: Set hostname to <merry>.\n\
             [    0.1] Jan is not a prefix\n",
            &mut secrets,
        );
        let names: Vec<&str> = secrets.values.iter().map(|(v, _)| v.as_str()).collect();
        assert_eq!(names, ["albiorix", "gerd", "merry"]);
    }

    #[test]
    fn dmidecode_values_keep_their_length_and_placeholders_stay() {
        let mut tally = Tally::default();
        let mut secrets = Secrets::default();
        let text = "System Information\n\tSerial Number: 5QNFS1J\r\n\tUUID: 44454C4C-5100-104E-8046-B5C04F53314A\n\tAsset Tag: Not Specified\n";
        let out = redact_dmidecode(text, &mut tally, &mut secrets);
        assert_eq!(
            out,
            "System Information\n\tSerial Number: XXXXXXX\r\n\tUUID: 00000000-0000-0000-0000-000000000000\n\tAsset Tag: Not Specified\n"
        );
        assert_eq!(tally.lines(), ["dmidecode text: 1 serial number, 1 UUID"]);
    }
}
