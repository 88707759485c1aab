//! Shared by the unit tests: the fixtures beside the checkout, and
//! reproducible noise for robustness tests.

/// A fixed-seed linear congruential generator (Knuth's MMIX constants):
/// reproducible byte flips and cut points without a crate.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// A value in `0..n` (`0` when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// The bytes of `tests/corpus/RELATIVE`.
pub fn fixture_bytes(relative: &str) -> Vec<u8> {
    let path = format!("{}/tests/corpus/{relative}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}
