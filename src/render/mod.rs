//! Report → bytes. Nothing upstream prints.

mod json;
mod style;
mod text;

pub use json::json;
pub use style::{Style, Symbols};
pub use text::text;
