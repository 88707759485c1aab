//! `--xl-info FILE`: the output of `xl info` saved in a dom0.

use super::{note_import, read_text, ImportError, ParseError};
use crate::bounded::{Over, FILE_CAP};
use crate::evidence::{Evidence, SourceStatus};
use crate::model::SourceName;
use std::path::Path;

const SOURCE: SourceName = SourceName::Xen;
/// Fields every `xl info` prints; one of them proves the file is one.
const KNOWN_KEYS: [&str; 6] = [
    "xen_major",
    "xen_version",
    "virt_caps",
    "xen_caps",
    "xen_commandline",
    "nr_cpus",
];

pub fn xl_info_file(evidence: &mut Evidence, path: &Path) -> Result<(), ImportError> {
    let text = read_text(path, FILE_CAP, Over::Cut)?.text;
    let fields = crate::formats::xl_info::parse(&text);
    if !KNOWN_KEYS.iter().any(|k| fields.contains_key(*k)) {
        return Err(ParseError::whole(
            "no xen_version, virt_caps or xen_commandline field: not `xl info` output",
        )
        .in_file(path));
    }
    evidence.xen.get_or_insert_with(Default::default).xl_info = Some(text);
    evidence.record(
        SOURCE,
        SourceStatus::Ok,
        format!("imported xl info from {}", path.display()),
    );
    note_import(evidence, path);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::procfs::scratch::ScratchDir;
    use crate::evidence::Origin;

    #[test]
    fn xl_info_is_stored_and_other_text_refused() {
        let dir = ScratchDir::new("import-xl-info");
        let good = dir.path().join("xl-info.txt");
        std::fs::write(&good, "virt_caps              : hvm hvm_directio\n").unwrap_or_default();
        let mut evidence = Evidence::new(Origin::Import);
        assert!(xl_info_file(&mut evidence, &good).is_ok());
        assert!(evidence
            .xen
            .as_ref()
            .and_then(|x| x.xl_info.as_deref())
            .is_some_and(|t| t.contains("hvm_directio")));
        let bad = dir.path().join("meminfo");
        std::fs::write(&bad, "MemTotal: 1 kB\n").unwrap_or_default();
        let err = xl_info_file(&mut Evidence::new(Origin::Import), &bad).err();
        assert!(matches!(err, Some(ImportError::Parse { .. })), "{err:?}");
    }
}
