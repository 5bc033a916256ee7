//! The flags of `plateau compare` that run the interleaved gate: the two sides, the budget,
//! and the `plateau run` flags both sides share. Clap derive only: durations, numbers, the
//! workload, the mode and the worker list are typed by their value parsers (`run`'s own types);
//! the shared flags are forwarded to `run`'s parser as text (each in the form it was given or
//! its canonical name) and checked by `run`'s rules in `config::gate`.

use super::{BatchArgs, Mode, WorkloadKind};
use crate::limits;
use crate::worker_list::{self, WorkerList};
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use std::time::Duration;

/// What an inconclusive gate exits with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InconclusiveAs {
    /// Exit 0, as if no regression was found.
    Pass,
    /// Exit 1, as if a regression was found.
    Fail,
}

/// Interleaved A/B flags of `plateau compare`.
#[derive(Debug, Clone, Default, Args)]
#[command(
    next_help_heading = "Interleaved A/B gate (instead of two files)",
    mut_arg("tasks", |a| a.help("Both sides: tasks per batch (default: calibrated, see --batch-time)")),
    mut_arg("iterations", |a| a.help("Both sides: loop iterations per cpu task"))
)]
pub struct GateArgs {
    /// The baseline's command, run once per task (split like a shell does; {task} and
    /// {worker} are replaced, as in `plateau run -- CMD`).
    #[arg(long, value_name = "CMD", allow_hyphen_values = true)]
    pub baseline_cmd: Option<String>,

    /// The candidate's command (see --baseline-cmd).
    #[arg(long, value_name = "CMD", allow_hyphen_values = true)]
    pub candidate_cmd: Option<String>,

    /// `plateau run` flags of the baseline's built-in workload, e.g. '--iterations 3000000'.
    #[arg(long, value_name = "FLAGS", allow_hyphen_values = true)]
    pub baseline_args: Option<String>,

    /// `plateau run` flags of the candidate's built-in workload.
    #[arg(long, value_name = "FLAGS", allow_hyphen_values = true)]
    pub candidate_args: Option<String>,

    /// Time budget: when it runs out without a decision the gate is inconclusive (exit 4).
    /// Units s, m, h, e.g. 90s, 5m [default: 2m].
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true, value_parser = limits::MAX_TIME.parser())]
    pub max_time: Option<Duration>,

    /// Length of the longest batch when --tasks is not given: the task count is calibrated
    /// on the baseline at 1 worker to last about this long [default: 400ms].
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true, value_parser = limits::BATCH_TIME.parser())]
    pub batch_time: Option<Duration>,

    /// Map an inconclusive gate to a pass (exit 0) or a failure (exit 1) instead of exit 4.
    #[arg(long, value_enum, value_name = "pass|fail")]
    pub inconclusive: Option<InconclusiveAs>,

    /// Folder for baseline.json, candidate.json, pairing.json and gate.json, saved after every
    /// round. Default: reports/<date>_<time>_gate.
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Both sides: the built-in workload (cpu, memory, io, contended, tiny).
    #[arg(long, value_name = "NAME", value_enum, hide_possible_values = true)]
    pub workload: Option<WorkloadKind>,

    /// Both sides: worker counts, as for `plateau run` (e.g. 1,2 or 1..4).
    #[arg(long, short = 'w', value_name = "SPEC", allow_hyphen_values = true, value_parser = worker_list::parse)]
    pub workers: Option<WorkerList>,

    /// Both sides: tasks per batch and loop iterations per cpu task.
    #[command(flatten)]
    pub batch: BatchArgs,

    /// Both sides: threads or processes (commands always run as processes).
    #[arg(long, value_name = "MODE", value_enum, hide_possible_values = true)]
    pub mode: Option<Mode>,

    /// Seed of the count order and the ABBA/BAAB coins (default: random, recorded).
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = limits::SEED.parser())]
    pub seed: Option<u64>,

    /// Both sides' commands: kill a task that runs longer than this, as `plateau run
    /// --timeout` does (units us, ms, s, m, h, e.g. 30s); the run then fails naming the task.
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true, value_parser = limits::TIMEOUT.parser())]
    pub timeout: Option<Duration>,

    /// Both sides: run commands through `sh -c`.
    #[arg(long)]
    pub shell: bool,

    /// Both sides: pin worker i to CPU i modulo the allowed CPUs.
    #[arg(long)]
    pub pin: bool,

    /// No progress lines on stderr.
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Refuse at once (exit 2, naming it) when another measurement holds the machine lock,
    /// instead of waiting for it to finish.
    #[arg(long)]
    pub no_wait: bool,

    /// Measure even while another plateau measurement runs on this machine (no lock taken).
    /// Both then measure each other's load.
    #[arg(long)]
    pub allow_concurrent: bool,
}

impl GateArgs {
    /// True when any flag of the interleaved gate was given.
    pub fn any_side(&self) -> bool {
        self.baseline_cmd.is_some()
            || self.candidate_cmd.is_some()
            || self.baseline_args.is_some()
            || self.candidate_args.is_some()
    }

    /// The shared `plateau run` flags as an argument list, in a fixed order: the worker list as
    /// given, the workload and the mode by name, the numbers in their typed form.
    pub fn shared_run_flags(&self) -> Vec<String> {
        let mut out = Vec::new();
        let text = |n: Option<u64>| n.map(|n| n.to_string());
        for (flag, value) in [
            ("--workload", self.workload.and_then(name)),
            (
                "--workers",
                self.workers.as_ref().map(|w| w.given().to_string()),
            ),
            ("--tasks", text(self.batch.tasks.map(|n| n.get()))),
            ("--iterations", text(self.batch.iterations.map(|n| n.get()))),
            ("--mode", self.mode.and_then(name)),
            ("--seed", text(self.seed)),
            ("--timeout", self.timeout.map(exact_duration)),
        ] {
            if let Some(v) = value {
                out.push(flag.to_string());
                out.push(v);
            }
        }
        for (flag, on) in [("--shell", self.shell), ("--pin", self.pin)] {
            if on {
                out.push(flag.to_string());
            }
        }
        out
    }
}

/// A duration in the flags' grammar without rounding: whole milliseconds, else microseconds.
fn exact_duration(d: Duration) -> String {
    let us = d.as_micros();
    if us % 1000 == 0 {
        format!("{}ms", us / 1000)
    } else {
        format!("{us}us")
    }
}

/// A value's name as its flag accepts it (the name `plateau run` reads back).
fn name(value: impl ValueEnum) -> Option<String> {
    value.to_possible_value().map(|v| v.get_name().to_string())
}

#[cfg(test)]
mod tests {
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn gate(args: &[&str]) -> Result<super::GateArgs, clap::Error> {
        let argv = ["plateau", "compare"].iter().chain(args);
        match Cli::try_parse_from(argv)?.command {
            Command::Compare(c) => Ok(c.gate),
            _ => panic!("not compare"),
        }
    }

    #[test]
    fn the_shared_flags_arrive_typed_and_are_forwarded_as_given() {
        let g = gate(&[
            "--workers",
            "1..2, 4",
            "--mode",
            "processes",
            "--workload",
            "io",
            "-t",
            "8",
            "--iterations",
            "900",
            "--seed",
            "7",
            "--timeout",
            "1500ms",
            "--pin",
        ])
        .unwrap();
        assert_eq!(g.mode, Some(super::Mode::Processes));
        assert_eq!(g.workload, Some(super::WorkloadKind::Io));
        let counts: Vec<usize> = g
            .workers
            .as_ref()
            .unwrap()
            .counts()
            .iter()
            .map(|n| n.get())
            .collect();
        assert_eq!(counts, [1, 2, 4]);
        assert_eq!(
            g.shared_run_flags(),
            [
                "--workload",
                "io",
                "--workers",
                "1..2, 4",
                "--tasks",
                "8",
                "--iterations",
                "900",
                "--mode",
                "processes",
                "--seed",
                "7",
                "--timeout",
                "1500ms",
                "--pin",
            ]
        );
        assert!(gate(&[]).unwrap().shared_run_flags().is_empty());
    }

    #[test]
    fn bad_shared_values_are_refused_while_parsing() {
        let e = gate(&["--workers", "0"]).unwrap_err();
        assert_eq!(
            crate::limits::own_sentence(&e).as_deref(),
            Some(
                "--workers: 0 is not a worker count; use counts of at least 1, e.g. 1..16 or 1,2,4,8"
            )
        );
        for (flag, value) in [("--mode", "fast"), ("--workload", "Cpu")] {
            let e = gate(&[flag, value]).unwrap_err();
            assert_eq!(e.kind(), clap::error::ErrorKind::InvalidValue, "{flag}");
        }
    }
}
