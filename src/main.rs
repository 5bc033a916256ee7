//! The `plateau` binary: parse, run, print the error chain once, map it to an exit code
//! (0 success, 1 regression, 2 bad input, 3 run failed or interrupted, 4 compare inconclusive,
//! 130 a second Ctrl-C; the table is `error::exit_code_for`).

use clap::Parser;
use std::process::ExitCode;

/// An error message as printed: control characters made visible, and cut at 4,000 characters
/// (a safety net: every message quotes at most short excerpts of the input).
fn bounded(message: &str) -> String {
    let shown = plateau::visible::text(message);
    match shown.char_indices().nth(4000) {
        Some((i, _)) => format!("{}… (cut at 4000 characters)", &shown[..i]),
        None => shown.into_owned(),
    }
}

fn main() -> ExitCode {
    let command_line: Vec<String> = std::env::args().collect();
    let cli = match plateau::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // A flag's range check (crate::limits) is already one sentence naming the flag:
            // print it alone, without clap's "invalid value ... for ..." around it.
            if let Some(sentence) = plateau::limits::own_sentence(&e) {
                eprintln!("error: {sentence}");
                return ExitCode::from(2);
            }
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
            // The message may quote a label or a command's stderr: no raw control characters.
            eprintln!("error: {}", bounded(&format!("{err:#}")));
            plateau::error::exit_code_for(&err)
        }
    }
}
