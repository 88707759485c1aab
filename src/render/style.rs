//! Colour and symbols for the text report. Colour only on a terminal and
//! never with NO_COLOR (decided by the caller); ASCII symbols for consoles
//! whose font lacks ✓ and ✗ (the Linux VGA console, many serial consoles).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Symbols {
    Unicode,
    Ascii,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
    pub symbols: Symbols,
    /// Columns that wrapped prose may fill (the Linux VGA console has 80).
    pub width: usize,
}

/// Wrap width when the caller does not know the screen's.
pub const DEFAULT_WIDTH: usize = 100;

impl Default for Style {
    fn default() -> Self {
        Style {
            color: false,
            symbols: Symbols::Unicode,
            width: DEFAULT_WIDTH,
        }
    }
}

/// The four marks of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Good,
    Attention,
    Bad,
    Unknown,
}

impl Style {
    pub fn mark(&self, mark: Mark) -> String {
        let (unicode, ascii, color) = match mark {
            Mark::Good => ("[✓]", "[+]", "32"),
            Mark::Attention => ("[!]", "[!]", "33"),
            Mark::Bad => ("[✗]", "[x]", "31"),
            Mark::Unknown => ("[?]", "[?]", "36"),
        };
        let symbol = match self.symbols {
            Symbols::Unicode => unicode,
            Symbols::Ascii => ascii,
        };
        self.paint(symbol, color)
    }

    pub fn paint(&self, text: &str, sgr: &str) -> String {
        if self.color {
            format!("\x1b[{sgr}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn bold(&self, text: &str) -> String {
        self.paint(text, "1")
    }

    pub fn bullet(&self) -> &'static str {
        match self.symbols {
            Symbols::Unicode => "•",
            Symbols::Ascii => "*",
        }
    }

    pub fn times(&self) -> &'static str {
        match self.symbols {
            Symbols::Unicode => "×",
            Symbols::Ascii => "x",
        }
    }
}
