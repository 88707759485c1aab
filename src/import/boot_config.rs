//! `--boot-config FILE`: a bootloader configuration saved on another
//! machine, stored under the path it most likely had there so the usual
//! decoder reads it: `extlinux.conf` → /boot/extlinux.conf, `grub.cfg` →
//! /boot/grub/grub.cfg, a file of `GRUB_CMDLINE_*` settings →
//! /etc/default/grub, `menu.lst`/`grub.conf` → /boot/grub/menu.lst.

use super::{note_import, read_text, ImportError, ParseError};
use crate::bounded::{Over, FILE_CAP};
use crate::evidence::{Evidence, SourceStatus};
use crate::formats::boot_syntax::{syntax, Syntax};
use crate::model::SourceName;
use std::path::Path;

const SOURCE: SourceName = SourceName::BootConfig;

pub fn boot_config_file(evidence: &mut Evidence, path: &Path) -> Result<(), ImportError> {
    let text = read_text(path, FILE_CAP, Over::Cut)?.text;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let kind = by_name(&name)
        .or_else(|| by_content(&text))
        .ok_or_else(|| {
            ParseError::whole(
                "not a bootloader configuration (no label/append, menuentry, title/kernel or GRUB_CMDLINE_ lines)",
            )
            .in_file(path)
        })?;
    let machine_path = free_path(evidence, kind).ok_or_else(|| {
        ParseError::whole(format!(
            "a second {} was given; give each bootloader file once",
            primary_path(kind)
        ))
        .in_file(path)
    })?;
    let detail = format!("imported {} as {machine_path}", path.display());
    // Several --boot-config files: one record naming them all.
    let detail = match evidence.source(SOURCE) {
        Some(earlier) if earlier.detail.starts_with("imported ") => {
            format!("{}; {detail}", earlier.detail)
        }
        _ => detail,
    };
    evidence.files.insert(machine_path, text);
    evidence.record(SOURCE, SourceStatus::Ok, detail);
    note_import(evidence, path);
    Ok(())
}

fn by_name(name: &str) -> Option<Syntax> {
    match name {
        "grub" => Some(Syntax::GrubDefaults),
        _ => syntax(&format!("/boot/{name}")),
    }
}

/// Recognises the file by the keywords only its syntax has.
fn by_content(text: &str) -> Option<Syntax> {
    let firsts: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_ascii_lowercase)
        .collect();
    let has = |w: &str| firsts.iter().any(|f| f == w);
    if text
        .lines()
        .any(|l| l.trim_start().starts_with("GRUB_CMDLINE_"))
    {
        Some(Syntax::GrubDefaults)
    } else if has("menuentry") || has("multiboot2") || has("multiboot") {
        Some(Syntax::Grub2)
    } else if has("label") && (has("append") || has("kernel")) {
        Some(Syntax::Extlinux)
    } else if has("title") && has("kernel") {
        Some(Syntax::GrubLegacy)
    } else {
        None
    }
}

fn primary_path(kind: Syntax) -> &'static str {
    match kind {
        Syntax::Extlinux => "/boot/extlinux.conf",
        Syntax::Grub2 => "/boot/grub/grub.cfg",
        Syntax::GrubLegacy => "/boot/grub/menu.lst",
        Syntax::GrubDefaults => "/etc/default/grub",
    }
}

/// The primary path, or for a second grub.cfg (BIOS and EFI copies) the
/// EFI place.
fn free_path(evidence: &Evidence, kind: Syntax) -> Option<String> {
    let primary = primary_path(kind).to_string();
    if !evidence.files.contains_key(&primary) {
        return Some(primary);
    }
    if kind != Syntax::Grub2 {
        return None;
    }
    (1..100)
        .map(|n| format!("/boot/efi/EFI/import-{n}/grub.cfg"))
        .find(|p| !evidence.files.contains_key(p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::procfs::scratch::ScratchDir;
    use crate::evidence::Origin;

    fn import(
        dir: &ScratchDir,
        evidence: &mut Evidence,
        name: &str,
        text: &str,
    ) -> Result<(), ImportError> {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
        boot_config_file(evidence, &path)
    }

    #[test]
    fn files_land_where_they_lived() {
        let dir = ScratchDir::new("import-boot");
        let mut evidence = Evidence::new(Origin::Import);
        let results = [
            import(
                &dir,
                &mut evidence,
                "extlinux.conf",
                "label xe\n append /boot/xen.gz ---\n",
            ),
            import(
                &dir,
                &mut evidence,
                "saved-grub.txt",
                "menuentry 'Xen' {\n multiboot2 /boot/xen.gz\n}\n",
            ),
            import(
                &dir,
                &mut evidence,
                "efi-grub.cfg",
                "menuentry 'Xen' {\n}\n",
            ),
            import(
                &dir,
                &mut evidence,
                "defaults",
                "GRUB_CMDLINE_XEN_DEFAULT=\"nmi=dom0\"\n",
            ),
            import(
                &dir,
                &mut evidence,
                "menu.lst",
                "title Xen\n kernel /xen.gz\n",
            ),
        ];
        assert!(results.iter().all(Result::is_ok), "{results:?}");
        let keys: Vec<&str> = evidence.files.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            vec![
                "/boot/efi/EFI/import-1/grub.cfg",
                "/boot/extlinux.conf",
                "/boot/grub/grub.cfg",
                "/boot/grub/menu.lst",
                "/etc/default/grub"
            ]
        );
        let again = import(&dir, &mut evidence, "extlinux.conf", "label a\n kernel x\n");
        assert!(matches!(again, Err(ImportError::Parse { .. })));
    }

    #[test]
    fn other_text_is_refused() {
        let dir = ScratchDir::new("import-boot-bad");
        let mut evidence = Evidence::new(Origin::Import);
        let err = import(&dir, &mut evidence, "notes.txt", "hello\nworld\n").err();
        assert!(matches!(err, Some(ImportError::Parse { .. })), "{err:?}");
        assert!(evidence.files.is_empty());
    }
}
