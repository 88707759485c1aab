//! Report → bytes. Nothing upstream prints.

mod json;
pub mod markdown;
mod style;
mod text;

pub use json::json;
pub use markdown::markdown;
pub use style::{Style, Symbols, DEFAULT_WIDTH};
pub use text::text;
