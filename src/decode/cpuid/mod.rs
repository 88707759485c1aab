//! PLACEHOLDER: replaced by the CPUID decoder.
use crate::evidence::CpuidDump;
use crate::facts::{CpuFacts, DecodeNote};

pub fn decode(_dumps: &[CpuidDump], _notes: &mut Vec<DecodeNote>) -> Option<CpuFacts> {
    None
}
