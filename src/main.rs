//! The xenready binary: only CLI and glue; the work is in the library.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    // clap prints usage errors and exits 2, and prints help and versions
    // and exits 0.
    cli::guard_stdout();
    let command = match <cli::args::Cli as clap::Parser>::try_parse() {
        Ok(command) => command,
        // clap echoes the offending argument raw; keep its layout, lose
        // the escapes.
        Err(error) if error.use_stderr() => {
            for line in error.render().to_string().lines() {
                eprintln!("{}", xenready::sanitize::for_terminal(line));
            }
            return ExitCode::from(2);
        }
        Err(error) => error.exit(),
    };
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
            eprintln!(
                "xenready: {}",
                xenready::sanitize::one_line(&format!("{error:#}"))
            );
            if error.downcast_ref::<cli::UsageError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}
