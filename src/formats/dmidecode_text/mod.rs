//! `dmidecode` text output: the lexer that cuts it into structures and
//! fields, and the readers of the values dmidecode prints.

pub mod lexer;
pub mod values;
