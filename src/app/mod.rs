//! The subcommands' orchestration: each file wires config, measurement, analysis and writers
//! for one subcommand. This file dispatches a parsed command line to them, and holds what
//! several share: `write_outputs` (the four output files, in `outputs`), `print_stdout`, the `--markdown`
//! copy and the `$GITHUB_STEP_SUMMARY` append.

pub mod analyze;
pub mod calibrate;
pub mod compare;
pub mod executor;
pub mod fleet;
pub mod gate;
pub mod gate_rounds;
pub mod host_limits;
pub mod info;
pub mod machine_lock;
pub mod noise;
pub mod outputs;
pub mod report;
pub mod resume;
pub mod resume_found;
pub mod run;
pub mod save;
pub mod signals;
#[cfg(feature = "testing")]
pub mod simulate;
pub mod sizes;
pub mod sweep_setup;
#[doc(hidden)]
pub mod test_hooks;

pub use outputs::write_outputs;

use crate::cli::{Cli, Command};
use crate::model::RunRecord;
use crate::outdir::{OutputDir, write_atomic};
use crate::term::table;
use std::io::Write;

/// Runs one parsed command line.
pub fn dispatch(cli: Cli, command_line: Vec<String>) -> anyhow::Result<()> {
    match cli.command {
        Command::Run(args) => run::run(&args, command_line),
        Command::Info(args) => info::info(&args),
        Command::Report(args) => report::report(&args),
        Command::Analyze(args) => analyze::analyze(&args, command_line),
        Command::Worker(_) => crate::exec::pool_worker::main(),
        Command::Guard(_) => crate::exec::guard::main(),
        Command::Compare(args) => compare::compare(&args),
        Command::Fleet(args) => fleet::fleet(&args),
    }
}

/// Writes to stdout; a closed pipe (`plateau info | head`) is not an error.
pub fn print_stdout(text: &str) -> anyhow::Result<()> {
    // Labels, file names and a command's stderr are the user's: never let them drive the
    // terminal (ESC sequences, BEL).
    let text = crate::visible::text(text);
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// What the terminal shows once the four files are written: the table, its summary line, any
/// notes, and the folder the files went to.
pub fn written_text(record: &RunRecord, notes: &[String], out: &OutputDir) -> String {
    let mut text = format!(
        "{}\n{}\n",
        table::render(record),
        table::summary_line(record)
    );
    for n in notes {
        text.push_str(n);
        text.push('\n');
    }
    text.push_str(&format!(
        "\nWrote {}/results.json, chart.svg, report.html and summary.md\n",
        out.path().display()
    ));
    text
}

/// Writes the `--markdown FILE` copy atomically; a path that cannot be written is the user's
/// to fix (exit 2), and names the flag.
pub fn write_markdown(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    write_atomic(path, crate::visible::text(text).as_bytes()).map_err(|e| {
        // The root cause only: write_atomic's context repeats the path this sentence names.
        crate::error::usage(format!(
            "cannot write --markdown {} ({}); check the folder exists and is writable",
            path.display(),
            e.root_cause()
        ))
    })?;
    Ok(())
}

/// Appends `markdown` to `$GITHUB_STEP_SUMMARY` (`path`) when set, creating the file when
/// missing. A lost step summary must not change the verdict: a failure is a warning.
pub fn append_step_summary(path: Option<&std::path::Path>, markdown: &str) {
    let Some(path) = path else { return };
    let appended = crate::outdir::append::line(path, markdown);
    if let Err(e) = appended {
        eprintln!(
            "warning: cannot append to $GITHUB_STEP_SUMMARY ({}): {e}",
            path.display()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_step_summary_is_appended_to_and_a_lost_one_is_only_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.md");
        append_step_summary(Some(&path), "one");
        append_step_summary(Some(&path), "two");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "one\ntwo\n");
        // No folder to create it in: a warning on stderr, no error, no file.
        let lost = dir.path().join("missing").join("summary.md");
        append_step_summary(Some(&lost), "three");
        assert!(!lost.exists());
        append_step_summary(None, "four");
    }
}
