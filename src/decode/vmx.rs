//! PLACEHOLDER: replaced by the VMX MSR decoder.
use crate::evidence::MsrDump;
use crate::facts::VmxCaps;

pub fn decode(_msrs: &[MsrDump]) -> Option<VmxCaps> {
    None
}
