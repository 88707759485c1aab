//! Bootloader configuration → `BootFacts`: which entries boot Xen, with
//! which options, and which entry boots by default.
//!
//! Three syntaxes: syslinux/extlinux (XenServer 6.x: `kernel mboot.c32`
//! with `append /boot/xen.gz OPTIONS --- /boot/vmlinuz ... --- initrd`),
//! GRUB 2 (`multiboot2 /boot/xen.gz OPTIONS` in a `menuentry`), GRUB legacy
//! (`kernel /xen.gz OPTIONS` under a `title`), plus the
//! `GRUB_CMDLINE_XEN*` settings of /etc/default/grub from which grub.cfg
//! is generated.

mod extlinux;
mod grub;
mod grub_defaults;

use crate::facts::{BootEntry, BootFacts, XenBootLine};
use crate::formats::boot_syntax::{syntax, Syntax};
use std::collections::BTreeMap;

pub fn decode(files: &BTreeMap<String, String>) -> Option<BootFacts> {
    let mut facts = BootFacts::default();
    let mut any = false;
    for (path, text) in files {
        let Some(syntax) = syntax(path) else {
            continue;
        };
        any = true;
        facts.files.push(path.clone());
        match syntax {
            Syntax::Extlinux => facts.entries.extend(extlinux::parse(path, text)),
            Syntax::Grub2 => facts.entries.extend(grub::parse(path, text)),
            Syntax::GrubLegacy => facts.entries.extend(grub::parse_legacy(path, text)),
            Syntax::GrubDefaults => facts
                .grub_xen_settings
                .extend(grub_defaults::parse(path, text)),
        }
    }
    any.then_some(facts)
}

/// Whether a boot image is Xen rather than a kernel: `xen.gz`,
/// `xen-4.11-amd64.gz`, `xen.gz-2.6.18-194.el5`, `xen.efi` (a dom0 kernel
/// named `vmlinuz-...-xen` is not).
fn is_xen_image(path: &str) -> bool {
    let name = path.rsplit(['/', '\\', ')']).next().unwrap_or(path);
    name.to_ascii_lowercase().starts_with("xen")
}

/// Builds the Xen line from the words after the directive: optional
/// `--flags`, the image, then Xen's options up to a `---`.
fn xen_line(line: u64, text: &str, directive: &str, words: &[String]) -> Option<XenBootLine> {
    let mut rest = words
        .iter()
        .skip_while(|w| w.starts_with("--") && *w != "---");
    let image = rest.next()?;
    if !is_xen_image(image) {
        return None;
    }
    let mut options = Vec::new();
    let mut dom0_words = Vec::new();
    let mut after_separator = false;
    for word in rest {
        if after_separator {
            dom0_words.push(word.as_str());
        } else if word == "---" {
            after_separator = true;
        } else {
            options.push(word.clone());
        }
    }
    // Debian's scripts write a `placeholder` where multiboot expects the
    // image name to be repeated; Xen skips it.
    if options.first().is_some_and(|o| o == "placeholder") {
        options.remove(0);
    }
    Some(XenBootLine {
        line,
        text: text.trim().to_string(),
        directive: directive.to_string(),
        image: image.clone(),
        options,
        dom0: after_separator.then(|| dom0_words.join(" ")),
    })
}

fn entry(file: &str, title: Option<String>) -> BootEntry {
    BootEntry {
        file: file.to_string(),
        title,
        default: false,
        xen: None,
    }
}

#[cfg(test)]
mod tests;
