//! xenready: is this x86 machine fit to become a Xen host?
//!
//! The pipeline, each arrow one module, data flowing only to the right:
//! collect/import → Evidence → decode → Facts → checks → score → render.

pub mod collect;
pub mod decode;
pub mod evidence;
pub mod facts;
pub mod import;
