//! `/sys/block` and `/sys/class/net` readings (Evidence `files`) → the
//! machine's disks and network interfaces.
//!
//! A device is virtual when its sysfs path runs through `/devices/virtual/`
//! or it has no `device` link: md and device-mapper volumes, bridges,
//! bonds, VLANs and Xen's backend interfaces have none.

use crate::facts::{BlockDevice, DecodeNote, NetInterface};
use std::collections::{BTreeMap, BTreeSet};

const BLOCK: &str = "/sys/block/";
const NET: &str = "/sys/class/net/";
/// Malformed numbers noted per source before the rest are only skipped.
const NOTE_LIMIT: usize = 3;

pub fn decode_block(
    files: &BTreeMap<String, String>,
    notes: &mut Vec<DecodeNote>,
) -> Vec<BlockDevice> {
    let mut noted = 0;
    names(files, BLOCK)
        .into_iter()
        .map(|name| {
            let base = format!("{BLOCK}{name}");
            let get = |file: &str| files.get(&format!("{base}/{file}")).map(|t| t.trim());
            let link = files.get(&base).map(String::as_str);
            let mut number = |file: &str| {
                let text = get(file)?;
                let parsed = text.parse::<u64>().ok();
                if parsed.is_none() && noted < NOTE_LIMIT {
                    noted += 1;
                    notes.push(note(
                        "block",
                        format!("{base}/{file}: not a number: {}", excerpt(text)),
                    ));
                }
                parsed
            };
            let size_bytes = number("size").and_then(|sectors| sectors.checked_mul(512));
            let removable = number("removable").map(|v| v != 0);
            let rotational = number("queue/rotational").map(|v| v != 0);
            BlockDevice {
                virtual_device: is_virtual(link, get("device").is_some())
                    || name.starts_with("dm-")
                    || name
                        .strip_prefix("md")
                        .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit())),
                usb: link.is_some_and(|l| l.contains("/usb")),
                model: get("device/model")
                    .filter(|t| !t.is_empty())
                    .map(str::to_string),
                vendor: get("device/vendor")
                    .filter(|t| !t.is_empty())
                    .map(str::to_string),
                name,
                size_bytes,
                removable,
                rotational,
            }
        })
        .collect()
}

pub fn decode_net(
    files: &BTreeMap<String, String>,
    notes: &mut Vec<DecodeNote>,
) -> Vec<NetInterface> {
    let mut noted = 0;
    names(files, NET)
        .into_iter()
        .filter(|name| name != "lo")
        .map(|name| {
            let base = format!("{NET}{name}");
            let get = |file: &str| files.get(&format!("{base}/{file}")).map(|t| t.trim());
            let speed = get("speed").and_then(|text| match text.parse::<i64>() {
                Ok(mbps) => u32::try_from(mbps).ok().filter(|&m| m > 0),
                Err(_) => {
                    if noted < NOTE_LIMIT {
                        noted += 1;
                        notes.push(note(
                            "net",
                            format!("{base}/speed: not a number: {}", excerpt(text)),
                        ));
                    }
                    None
                }
            });
            NetInterface {
                driver: get("device/driver")
                    .and_then(|target| target.rsplit('/').next())
                    .filter(|d| !d.is_empty())
                    .map(str::to_string),
                mac: get("address")
                    .filter(|t| !t.is_empty())
                    .map(str::to_ascii_lowercase),
                operstate: get("operstate")
                    .filter(|t| !t.is_empty())
                    .map(str::to_string),
                carrier: match get("carrier") {
                    Some("1") => Some(true),
                    Some("0") => Some(false),
                    _ => None,
                },
                speed_mbps: speed,
                virtual_device: is_virtual(
                    files.get(&base).map(String::as_str),
                    get("device").is_some(),
                ),
                name,
            }
        })
        .collect()
}

/// The device names under a sysfs directory, from the paths read below it.
fn names(files: &BTreeMap<String, String>, dir: &str) -> BTreeSet<String> {
    files
        .range(dir.to_string()..)
        .map(|(path, _)| path)
        .take_while(|path| path.starts_with(dir))
        .filter_map(|path| path.strip_prefix(dir)?.split('/').next())
        .filter(|name| !name.is_empty())
        .map(str::to_string)
        .collect()
}

/// `link` is the device's own sysfs link target, when read; `has_device`
/// says a `device` link (or directory) was there. With neither known (a
/// bundle from elsewhere) the device is taken as physical.
fn is_virtual(link: Option<&str>, has_device: bool) -> bool {
    match (link, has_device) {
        (Some(target), _) if target.contains("/devices/virtual/") => true,
        (_, true) | (None, false) => false,
        (Some(_), false) => true,
    }
}

fn note(source: &str, text: String) -> DecodeNote {
    DecodeNote {
        source: source.to_string(),
        note: text,
    }
}

fn excerpt(text: &str) -> String {
    let cut: String = text.chars().take(24).collect();
    if cut.len() < text.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

#[cfg(test)]
mod tests;
