//! `analyze`'s import flags, built from the library's importer registry so
//! a new input format needs no CLI change: one flag per row, repeatable
//! where the row says so (a repeated single-file flag is clap's usage
//! error, never a silent overwrite).

use clap::{Arg, ArgAction, ArgMatches, ValueHint};
use std::path::PathBuf;
use xenready::import::{Importer, IMPORTERS};

/// The files given for each importer, in registry order.
#[derive(Debug, Clone, Default)]
pub struct Imports(pub Vec<(&'static Importer, Vec<PathBuf>)>);

impl Imports {
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|(_, paths)| paths.is_empty())
    }

    /// `--cpuid, --dmi, ...` for messages.
    pub fn flag_list() -> String {
        let flags: Vec<String> = IMPORTERS.iter().map(|i| format!("--{}", i.flag)).collect();
        flags.join(", ")
    }
}

fn arg(importer: &'static Importer) -> Arg {
    let (action, help) = if importer.repeatable {
        (
            ArgAction::Append,
            format!("{} (may be repeated)", importer.help),
        )
    } else {
        (ArgAction::Set, importer.help.to_string())
    };
    Arg::new(importer.flag)
        .long(importer.flag)
        .value_name(importer.value_name)
        .help(help)
        .action(action)
        .value_parser(clap::value_parser!(PathBuf))
        .value_hint(ValueHint::AnyPath)
        .help_heading("Imports")
}

impl clap::Args for Imports {
    fn augment_args(command: clap::Command) -> clap::Command {
        command.args(IMPORTERS.iter().map(arg))
    }

    fn augment_args_for_update(command: clap::Command) -> clap::Command {
        Self::augment_args(command)
    }
}

impl clap::FromArgMatches for Imports {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut given = Vec::new();
        for importer in IMPORTERS {
            let paths: Vec<PathBuf> = matches
                .try_get_many::<PathBuf>(importer.flag)
                .map_err(|e| clap::Error::raw(clap::error::ErrorKind::InvalidValue, e))?
                .map(|values| values.cloned().collect())
                .unwrap_or_default();
            if !paths.is_empty() {
                given.push((importer, paths));
            }
        }
        Ok(Imports(given))
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}
