//! The xenready binary: only CLI and glue; the work is in the library.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    // clap prints usage errors and exits 2, and prints help and versions
    // and exits 0.
    cli::guard_stdout();
    let command = <cli::args::Cli as clap::Parser>::parse();
    match cli::run(command) {
        Ok(outcome) => ExitCode::from(outcome.exit_code),
        Err(error) => {
            // A closed pipe (`xenready | head`) is the reader's choice, not a failure.
            if error
                .chain()
                .filter_map(|e| e.downcast_ref::<std::io::Error>())
                .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            eprintln!("xenready: {error:#}");
            if error.downcast_ref::<cli::UsageError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}
