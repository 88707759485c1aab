//! `xl info` text: one `key : value` line per field, read by the importer
//! and the Xen decoder alike.

use std::collections::BTreeMap;

/// `key   : value` lines; a value may itself hold colons (dates, `max:752M`).
pub fn parse(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|line| {
            let (key, value) = line.split_once(':')?;
            let key = key.trim();
            let plausible = !key.is_empty()
                && key.len() <= 64
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            plausible.then(|| (key.to_string(), value.trim().to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_colons_in_values_and_drops_implausible_keys() {
        let fields =
            parse("xen_commandline : dom0_mem=752M,max:752M\nnot a key here : x\n : empty\n");
        assert_eq!(
            fields.get("xen_commandline").map(String::as_str),
            Some("dom0_mem=752M,max:752M")
        );
        assert_eq!(fields.len(), 1, "{fields:?}");
    }
}
