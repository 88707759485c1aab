//! `--cpuinfo FILE`: a `/proc/cpuinfo` saved on another machine, stored
//! as if collected there so that the usual decoder reads it.

use super::{note_import, read_text, ImportError, ParseError};
use crate::bounded::{Over, FILE_CAP};
use crate::evidence::{Evidence, SourceStatus};
use crate::model::SourceName;
use std::path::Path;

pub fn cpuinfo_file(evidence: &mut Evidence, path: &Path) -> Result<(), ImportError> {
    let read = read_text(path, FILE_CAP, Over::Cut)?;
    let (text, truncated) = (read.text, read.cut);
    check(&text).map_err(|e| e.in_file(path))?;
    let (status, detail) = if truncated {
        (
            SourceStatus::Partial,
            format!(
                "imported from {}, truncated at {} MiB",
                path.display(),
                FILE_CAP >> 20
            ),
        )
    } else {
        (
            SourceStatus::Ok,
            format!("imported from {}", path.display()),
        )
    };
    evidence.files.insert("/proc/cpuinfo".to_string(), text);
    evidence.record(SourceName::Procfs, status, detail);
    note_import(evidence, path);
    Ok(())
}

/// Anything with a `processor` line; other mistakes (a meminfo, a dmesg)
/// are better refused here than decoded into nothing.
fn check(text: &str) -> Result<(), ParseError> {
    let has_processor = text.lines().any(|line| {
        line.split_once(':')
            .is_some_and(|(key, _)| key.trim() == "processor")
    });
    if has_processor {
        Ok(())
    } else {
        Err(ParseError::whole(
            "no `processor` line: not a /proc/cpuinfo file",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::procfs::scratch::ScratchDir;
    use crate::evidence::Origin;

    const FIXTURES: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/cpuinfo/util-linux"
    );

    #[test]
    fn imports_a_real_cpuinfo_and_decodes_it() {
        let path = Path::new(FIXTURES).join("x86_64-epyc_7451.cpuinfo");
        let mut evidence = Evidence::new(Origin::Import);
        let imported = cpuinfo_file(&mut evidence, &path);
        assert!(imported.is_ok(), "{imported:?}");
        let record = evidence.source("procfs").cloned();
        assert_eq!(record.as_ref().map(|r| r.status), Some(SourceStatus::Ok));
        assert_eq!(
            record.map(|r| r.detail),
            Some(format!("imported from {}", path.display()))
        );
        assert_eq!(
            evidence.meta.imported_files,
            vec![path.display().to_string()]
        );
        let os = crate::decode::procfs::decode(&evidence.files, &mut Vec::new());
        let cpuinfo = os.cpuinfo.unwrap_or_default();
        assert_eq!(cpuinfo.processors, 96);
        assert!(cpuinfo.flags.contains("svm"));
    }

    #[test]
    fn a_file_without_processor_lines_is_refused_by_name() {
        let dir = ScratchDir::new("import-cpuinfo");
        let path = dir.path().join("meminfo.txt");
        let written = std::fs::write(&path, "MemTotal:       16318444 kB\n");
        assert!(written.is_ok());
        let mut evidence = Evidence::new(Origin::Import);
        let err = cpuinfo_file(&mut evidence, &path).err();
        assert!(matches!(err, Some(ImportError::Parse { .. })), "{err:?}");
        let message = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(
            message.starts_with(&path.display().to_string()),
            "{message}"
        );
        assert!(evidence.files.is_empty());
        assert!(evidence.sources.is_empty());
    }

    #[test]
    fn a_missing_file_is_a_read_error() {
        let mut evidence = Evidence::new(Origin::Import);
        let err = cpuinfo_file(&mut evidence, Path::new("/nonexistent/cpuinfo")).err();
        assert!(matches!(err, Some(ImportError::Read(_))), "{err:?}");
    }
}
