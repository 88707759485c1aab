//! Duplicates that disagree. A report is merged with others of the same
//! serial or UUID and the newest capture stands for the machine, so a
//! forged duplicate with a future timestamp would silently replace the
//! real row. When the merged reports disagree on verdict or score, none
//! stands: the row is `unknown`, at the lowest score claimed, and names
//! every claim.

use super::input::Entry;
use super::table::Row;

pub struct Conflict {
    claims: String,
    lowest: Option<u32>,
}

impl Conflict {
    /// `None` when every report of the group claims the same.
    pub fn of(group: &[Entry]) -> Option<Conflict> {
        let claim = |e: &Entry| (e.report.verdict.clone(), e.report.score);
        let first = group.first().map(claim)?;
        if group.iter().all(|e| claim(e) == first) {
            return None;
        }
        let claims: Vec<String> = group
            .iter()
            .map(|e| {
                let (verdict, score) = claim(e);
                let score = score.map(|s| format!(" {s}")).unwrap_or_default();
                let verdict = verdict.unwrap_or_else(|| "unknown".into());
                format!("{}: {verdict}{score}", e.file)
            })
            .collect();
        Some(Conflict {
            claims: claims.join(", "),
            lowest: group.iter().filter_map(|e| e.report.score).min(),
        })
    }

    pub fn apply(self, row: &mut Row) {
        row.notes.push(format!(
            "the reports of this machine disagree ({}): shown as a conflict until it is \
             scanned again",
            self.claims
        ));
        row.verdict = "unknown".into();
        row.score = self.lowest;
        row.conflict = Some(self.claims);
    }
}
