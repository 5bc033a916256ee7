//! The `plateau` binary: parse, run, print the error chain once, map it to an exit code
//! (0 success, 1 regression, 2 bad input, 3 run failed or interrupted, 4 compare inconclusive,
//! 130 a second Ctrl-C; the table is `error::exit_code_for`).

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let command_line: Vec<String> = std::env::args().collect();
    let cli = match plateau::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match plateau::app::dispatch(cli, command_line) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            plateau::error::exit_code_for(&err)
        }
    }
}
