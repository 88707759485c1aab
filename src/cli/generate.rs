//! `xenready completions SHELL` and `xenready man`: generated from the same
//! clap definitions that parse the arguments, so they cannot drift from
//! them. At run time rather than in build.rs: the packages take them from
//! the binary they ship, and a build script would need the CLI types in a
//! second crate.

use super::args::Cli;
use anyhow::Context as _;
use clap::CommandFactory;
use std::path::Path;

pub fn completions(shell: clap_complete::Shell) -> Vec<u8> {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "xenready", &mut out);
    out
}

/// The top page, xenready.1.
pub fn man_page() -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    Ok(out)
}

/// xenready.1 and one xenready-COMMAND.1 per command (clap's `help`
/// excepted) into `dir`; returns the file names written.
pub fn man_pages(dir: &Path) -> anyhow::Result<Vec<String>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut command = Cli::command();
    command.build();
    let mut pages = vec![("xenready.1".to_string(), man_page()?)];
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("xenready-{}", sub.get_name());
        let sub = sub.clone().name(name.clone());
        let mut page = Vec::new();
        clap_mangen::Man::new(sub).render(&mut page)?;
        pages.push((format!("{name}.1"), page));
    }
    let mut written = Vec::new();
    for (file, page) in pages {
        let path = dir.join(&file);
        xenready::output::write_atomic(&path, &page)
            .with_context(|| format!("cannot write {}", path.display()))?;
        written.push(file);
    }
    Ok(written)
}
