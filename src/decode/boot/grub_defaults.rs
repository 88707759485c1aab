//! `/etc/default/grub` (and Debian's `/etc/default/grub.d/*.cfg`): shell
//! assignments from which grub-mkconfig writes grub.cfg. Only Xen's two
//! settings matter here.

use crate::facts::GrubSetting;

const KEYS: [&str; 2] = ["GRUB_CMDLINE_XEN", "GRUB_CMDLINE_XEN_DEFAULT"];

pub fn parse(file: &str, text: &str) -> Vec<GrubSetting> {
    text.lines()
        .enumerate()
        .filter_map(|(index, raw)| {
            let line = raw.trim();
            let assignment = line.strip_prefix("export ").unwrap_or(line);
            let (key, value) = assignment.split_once('=')?;
            if !KEYS.contains(&key) {
                return None;
            }
            Some(GrubSetting {
                file: file.to_string(),
                line: index as u64 + 1,
                key: key.to_string(),
                value: unquote(value.trim()).to_string(),
                text: line.to_string(),
            })
        })
        .collect()
}

fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|v| v.strip_suffix(quote))
        {
            return inner;
        }
    }
    value
}
