//! syslinux/extlinux: `default LABEL`, then `label NAME` blocks with
//! `kernel` and `append`. Xen is booted through `kernel mboot.c32` with
//! `append /boot/xen.gz XEN-OPTIONS --- /boot/vmlinuz DOM0-OPTIONS --- INITRD`.
//! Keywords are case-insensitive.

use super::{entry, xen_line};
use crate::facts::BootEntry;

struct Label {
    entry: BootEntry,
    kernel: Option<String>,
    append: Option<(u64, String, String)>,
    menu_default: bool,
}

pub fn parse(file: &str, text: &str) -> Vec<BootEntry> {
    let mut labels: Vec<Label> = Vec::new();
    let mut default: Option<String> = None;
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (keyword, rest) = match line.split_once(char::is_whitespace) {
            Some((k, r)) => (k.to_ascii_lowercase(), r.trim()),
            None => (line.to_ascii_lowercase(), ""),
        };
        match keyword.as_str() {
            "default" => default = rest.split_whitespace().next().map(str::to_string),
            "label" => labels.push(Label {
                entry: entry(file, Some(rest.to_string())),
                kernel: None,
                append: None,
                menu_default: false,
            }),
            "menu" if rest.eq_ignore_ascii_case("default") => {
                if let Some(label) = labels.last_mut() {
                    label.menu_default = true;
                }
            }
            "kernel" | "linux" | "com32" => {
                if let Some(label) = labels.last_mut() {
                    label.kernel = rest.split_whitespace().next().map(str::to_string);
                }
            }
            "append" => {
                if let Some(label) = labels.last_mut() {
                    label.append = Some((index as u64 + 1, line.to_string(), rest.to_string()));
                }
            }
            _ => {}
        }
    }
    labels
        .into_iter()
        .map(|mut label| {
            label.entry.default = label.menu_default
                || default.is_some() && label.entry.title.as_deref() == default.as_deref();
            label.entry.xen = xen_of(&label);
            label.entry
        })
        .collect()
}

fn xen_of(label: &Label) -> Option<crate::facts::XenBootLine> {
    let (line, text, append) = label.append.as_ref()?;
    let kernel = label.kernel.as_deref().unwrap_or_default();
    let module_loader = kernel
        .rsplit('/')
        .next()
        .is_some_and(|name| name.to_ascii_lowercase().starts_with("mboot"));
    let words: Vec<String> = append.split_whitespace().map(str::to_string).collect();
    if module_loader {
        return xen_line(*line, text, "append", &words);
    }
    // `kernel /boot/xen.gz` with the options on `append`: not bootable by
    // syslinux itself, but read the options the same way.
    let mut with_image = vec![kernel.to_string()];
    with_image.extend(words);
    xen_line(*line, text, "append", &with_image)
}
