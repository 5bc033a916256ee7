//! The subcommands' orchestration: each file wires config, measurement, analysis and writers
//! for one subcommand. `run` dispatches.

pub mod compare;
pub mod info;
pub mod run;

use crate::cli::{Cli, Command};
use std::io::Write;

/// Runs one parsed command line.
pub fn dispatch(cli: Cli, command_line: Vec<String>) -> anyhow::Result<()> {
    match cli.command {
        Command::Run(args) => run::run(&args, command_line),
        Command::Info(args) => info::info(&args),
        Command::Compare(args) => compare::compare(&args),
    }
}

/// Writes to stdout; a closed pipe (`plateau info | head`) is not an error.
pub fn print_stdout(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
