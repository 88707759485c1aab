//! GRUB 2 `grub.cfg` (`menuentry 'T' { multiboot2 /boot/xen.gz ... }`,
//! `submenu`, `set default=...`) and GRUB legacy `menu.lst`/`grub.conf`
//! (`title T`, `kernel /xen.gz ...`, `default N`).

use super::{entry, xen_line};
use crate::facts::BootEntry;

/// Lines that load Xen in GRUB 2.
const XEN_DIRECTIVES: [&str; 3] = ["multiboot2", "multiboot", "xen_hypervisor"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    /// A menuentry: its index in `entries`.
    Entry(usize),
    Submenu,
    /// `function x {`, `if` bodies written with braces, anything else.
    Other,
}

/// Where an entry sits in the menu, for resolving `set default`.
struct Place {
    /// Position among the items (entries and submenus) of its menu level.
    path: Vec<usize>,
    titles: Vec<String>,
    id: Option<String>,
}

/// The menu as read so far: entries, where each sits, and the blocks open
/// at the current line.
struct Menu {
    entries: Vec<BootEntry>,
    places: Vec<Place>,
    stack: Vec<Block>,
    /// Items seen so far at each menu depth.
    counters: Vec<usize>,
    /// Titles of the open submenus.
    submenu_titles: Vec<String>,
    default: Option<String>,
}

impl Menu {
    fn new() -> Self {
        Menu {
            entries: Vec::new(),
            places: Vec::new(),
            stack: Vec::new(),
            counters: vec![0],
            submenu_titles: Vec::new(),
            default: None,
        }
    }

    /// A `menuentry … {` or `submenu … {` line.
    fn open(&mut self, file: &str, submenu: bool, words: &[String]) {
        let title = words.get(1).cloned().unwrap_or_default();
        let position = self.counters.last().copied().unwrap_or(0);
        if let Some(c) = self.counters.last_mut() {
            *c += 1;
        }
        let parents = self
            .counters
            .get(..self.counters.len().saturating_sub(1))
            .unwrap_or_default();
        let mut path: Vec<usize> = parents.iter().map(|c| c.saturating_sub(1)).collect();
        path.push(position);
        if submenu {
            self.stack.push(Block::Submenu);
            self.counters.push(0);
            self.submenu_titles.push(title);
            return;
        }
        self.stack.push(Block::Entry(self.entries.len()));
        let mut titles = self.submenu_titles.clone();
        titles.push(title.clone());
        self.places.push(Place {
            path,
            titles,
            id: entry_id(words),
        });
        self.entries.push(entry(file, Some(title)));
    }

    fn close(&mut self) {
        if let Some(Block::Submenu) = self.stack.pop() {
            self.counters.pop();
            self.submenu_titles.pop();
        }
    }

    fn in_entry(&self) -> bool {
        self.stack.iter().any(|b| matches!(b, Block::Entry(_)))
    }

    /// `set default=…` outside any entry; a variable is not followed.
    fn set(&mut self, words: &[String]) {
        if let Some(value) = words
            .get(1)
            .and_then(|w| w.strip_prefix("default="))
            .filter(|v| !v.starts_with('$') && !v.is_empty())
        {
            self.default = Some(value.to_string());
        }
    }

    /// A line loading Xen, for the innermost open entry.
    fn xen(&mut self, line_number: u64, line: &str, directive: &str, words: &[String]) {
        let open_entry = self.stack.iter().rev().find_map(|b| match b {
            Block::Entry(i) => Some(*i),
            _ => None,
        });
        if let Some(e) = open_entry.and_then(|i| self.entries.get_mut(i)) {
            let rest = words.get(1..).unwrap_or_default();
            if let Some(xen) = xen_line(line_number, line, directive, rest) {
                e.xen = Some(xen);
            }
        }
    }

    fn finish(mut self) -> Vec<BootEntry> {
        if let Some(spec) = &self.default {
            if let Some(i) = resolve_default(spec, &self.places) {
                if let Some(e) = self.entries.get_mut(i) {
                    e.default = true;
                }
            }
        }
        self.entries
    }
}

pub fn parse(file: &str, text: &str) -> Vec<BootEntry> {
    let mut menu = Menu::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let words = words(line);
        let Some(first) = words.first().map(String::as_str) else {
            continue;
        };
        let opens = line.ends_with('{');
        match first {
            "menuentry" | "submenu" if opens => menu.open(file, first == "submenu", &words),
            "}" => menu.close(),
            _ if opens => menu.stack.push(Block::Other),
            "set" if !menu.in_entry() => menu.set(&words),
            directive if XEN_DIRECTIVES.contains(&directive) => {
                menu.xen(index as u64 + 1, line, directive, &words);
            }
            _ => {}
        }
    }
    menu.finish()
}

/// `--id xyz` or `$menuentry_id_option 'xyz'` on a menuentry line.
fn entry_id(words: &[String]) -> Option<String> {
    words.windows(2).find_map(|pair| match pair {
        [flag, id] if flag == "--id" || flag == "$menuentry_id_option" => Some(id.clone()),
        _ => None,
    })
}

/// `0`, `1>2`, a title, an id, or a `Title>Title` path.
fn resolve_default(spec: &str, places: &[Place]) -> Option<usize> {
    let numeric: Option<Vec<usize>> = spec.split('>').map(|p| p.trim().parse().ok()).collect();
    if let Some(path) = numeric {
        return places.iter().position(|p| p.path == path);
    }
    let parts: Vec<&str> = spec.split('>').collect();
    places.iter().position(|p| {
        p.id.as_deref() == Some(spec)
            || p.titles.last().map(String::as_str) == Some(spec)
            || p.titles
                .iter()
                .map(String::as_str)
                .eq(parts.iter().copied())
    })
}

/// GRUB legacy: `default N` counts `title`s from 0.
pub fn parse_legacy(file: &str, text: &str) -> Vec<BootEntry> {
    let mut entries: Vec<BootEntry> = Vec::new();
    let mut default: Option<usize> = None;
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.starts_with('#') {
            continue;
        }
        let (keyword, rest) = match line.split_once(|c: char| c.is_whitespace() || c == '=') {
            Some((k, r)) => (k, r.trim()),
            None => (line, ""),
        };
        match keyword {
            "default" => default = rest.parse().ok(),
            "title" => entries.push(entry(file, Some(rest.to_string()))),
            "kernel" => {
                if let Some(e) = entries.last_mut() {
                    let rest: Vec<String> = rest.split_whitespace().map(str::to_string).collect();
                    if let Some(xen) = xen_line(index as u64 + 1, line, "kernel", &rest) {
                        e.xen = Some(xen);
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(e) = default.and_then(|d| entries.get_mut(d)) {
        e.default = true;
    }
    entries
}

/// Splits a GRUB 2 line into words the way its shell-like lexer does for
/// the cases grub.cfg files use: blanks, single and double quotes,
/// backslash escapes. A trailing `{` is its own word.
pub fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                current.extend(chars.by_ref().take_while(|&c| c != '\''));
            }
            '"' => {
                in_word = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => current.extend(chars.next()),
                        c => current.push(c),
                    }
                }
            }
            '\\' => {
                in_word = true;
                current.extend(chars.next());
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                current.push(c);
            }
        }
    }
    if in_word {
        words.push(current);
    }
    words
}
