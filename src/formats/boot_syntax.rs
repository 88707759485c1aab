//! Which bootloader syntax a file is written in, told by its machine path.
//! The importer and the boot decoder must agree, so they share this.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Extlinux,
    Grub2,
    GrubLegacy,
    GrubDefaults,
}

/// The syntax of a bootloader file, by its machine path.
pub fn syntax(path: &str) -> Option<Syntax> {
    let name = path.rsplit('/').next().unwrap_or(path);
    if path == "/etc/default/grub"
        || (path.starts_with("/etc/default/grub.d/") && name.ends_with(".cfg"))
    {
        return Some(Syntax::GrubDefaults);
    }
    if !path.starts_with("/boot/") {
        return None;
    }
    match name {
        "extlinux.conf" | "syslinux.cfg" => Some(Syntax::Extlinux),
        "grub.cfg" => Some(Syntax::Grub2),
        "menu.lst" | "grub.conf" => Some(Syntax::GrubLegacy),
        _ => None,
    }
}
