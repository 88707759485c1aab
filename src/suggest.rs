//! "Did you mean": the closest known word by edit distance, used for check
//! ids and Xen boot options (`nim=ignore` → `nmi=ignore`).

/// Longer than any check id or Xen option name with room to spare.
pub const MAX_WORD: usize = 64;

/// Optimal-string-alignment distance: insertions, deletions, substitutions
/// and swaps of two neighbours each cost 1, so `nim` → `nmi` is 1.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    let at = |i: usize, j: usize| i * width + j;
    for i in 0..=a.len() {
        d[at(i, 0)] = i;
    }
    for j in 0..=b.len() {
        d[at(0, j)] = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[at(i - 1, j)] + 1)
                .min(d[at(i, j - 1)] + 1)
                .min(d[at(i - 1, j - 1)] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[at(i - 2, j - 2)] + 1);
            }
            d[at(i, j)] = best;
        }
    }
    d[at(a.len(), b.len())]
}

/// The candidate closest to `word`, if it is close enough to be a typo:
/// at most a third of the word's length, and at least one edit allowed.
///
/// The edit distance costs (word × candidate) steps, so a hostile boot line
/// of long unknown tokens would cost seconds per token: a word longer than
/// `MAX_WORD` is no typo of anything known, and a candidate whose length
/// differs by more than the limit cannot be within it.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let length = word.chars().count();
    if length > MAX_WORD {
        return None;
    }
    let limit = (length / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| c.chars().count().abs_diff(length) <= limit)
        .map(|c| (distance(word, c), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, c)| (d, c.len()))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transposition_is_one_edit() {
        assert_eq!(distance("nim", "nmi"), 1);
        assert_eq!(distance("watchdgo", "watchdog"), 1);
        assert_eq!(distance("", "abc"), 3);
    }

    #[test]
    fn suggests_only_near_words() {
        let options = ["nmi", "smt", "dom0_mem", "watchdog"];
        assert_eq!(closest("nim", options), Some("nmi"));
        assert_eq!(closest("dom0mem", options), Some("dom0_mem"));
        assert_eq!(closest("console", options), None);
        assert_eq!(closest(&"n".repeat(MAX_WORD + 1), options), None);
    }
}
