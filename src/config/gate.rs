//! Validated settings of the interleaved gate (`plateau compare --baseline-cmd/--baseline-args
//! ...`): each side becomes a `RunConfig` through `plateau run`'s own parser and rules, the
//! sides must share their worker plan and tasks, and the budget must hold two rounds, all
//! before anything runs (the threshold, alpha, durations and numbers arrive typed and
//! range-checked by their value parsers).

use super::{OutDir, RunConfig};
use crate::cli::gate::{GateArgs, InconclusiveAs};
use crate::cli::{Cli, Command, CompareArgs};
use crate::compare::gate::GateOptions;
use crate::error::usage;
use crate::model::MachineInfo;
use crate::numbers::show_duration;
use clap::Parser;
use std::path::PathBuf;
use std::time::Duration;

/// `--max-time` when not given.
pub const DEFAULT_MAX_TIME: Duration = crate::plan::defaults::GATE_MAX_TIME;
/// `--batch-time` when not given: long enough that a batch averages out scheduler quanta
/// and short bursts, short enough for about 45 rounds of counts 1 and 2 in the budget.
pub const DEFAULT_BATCH_TIME: Duration = Duration::from_millis(400);
/// Batches per worker count per round (one ABBA block).
pub const BATCHES_PER_BLOCK: u32 = 4;

/// One side of the gate.
#[derive(Debug, Clone)]
pub struct GateSide {
    /// "baseline" or "candidate".
    pub name: &'static str,
    /// What the user gave for it: the command or the flags.
    pub given: String,
    /// The side as a validated `plateau run`.
    pub run: RunConfig,
}

/// A validated interleaved gate.
#[derive(Debug, Clone)]
pub struct GateConfig {
    /// The baseline side.
    pub baseline: GateSide,
    /// The candidate side.
    pub candidate: GateSide,
    /// Threshold and alpha.
    pub options: GateOptions,
    /// The time budget.
    pub max_time: Duration,
    /// Target length of the longest batch, when the task count is calibrated.
    pub batch_time: Duration,
    /// True when `--tasks` was not given: calibrate it.
    pub calibrate_tasks: bool,
    /// How an inconclusive gate exits; `None` for exit 4.
    pub inconclusive: Option<InconclusiveAs>,
    /// Where the samples, the pairing and the decision are saved.
    pub out: OutDir,
    /// Seed of the count order and the ABBA/BAAB coins (shared by both sides).
    pub seed: u64,
    /// Print the outcome as JSON.
    pub json: bool,
    /// Also write the markdown here.
    pub markdown: Option<PathBuf>,
    /// `$GITHUB_STEP_SUMMARY`.
    pub step_summary: Option<PathBuf>,
    /// No progress lines.
    pub quiet: bool,
    /// How the gate treats the machine-wide measurement lock.
    pub lock: crate::config::robust::LockPolicy,
}

/// `--threshold` and `--alpha` as fractions (shared with the stored-file form; their parsers
/// checked both ranges).
pub fn threshold_and_alpha(args: &CompareArgs) -> (f64, f64) {
    (args.threshold.fraction(), args.alpha)
}

impl GateConfig {
    /// Validates the gate's flags; `stamp` names the default folder.
    pub fn from_args(
        args: &CompareArgs,
        machine: &MachineInfo,
        stamp: &str,
        step_summary: Option<PathBuf>,
    ) -> anyhow::Result<Self> {
        let g = &args.gate;
        if args.baseline.is_some() || args.current.is_some() {
            return Err(usage(
                "give either two results.json files or the two sides to measure (--baseline-cmd/--candidate-cmd or --baseline-args/--candidate-args), not both",
            ));
        }
        let (threshold, alpha) = threshold_and_alpha(args);
        let seed = g.seed.unwrap_or_else(crate::rng::fresh_seed);
        let (baseline, candidate) = sides(g, seed, machine, stamp)?;
        let batch_time = g.batch_time.unwrap_or(DEFAULT_BATCH_TIME);
        let max_time = g.max_time.unwrap_or(DEFAULT_MAX_TIME);
        check_budget(max_time, batch_time, baseline.run.workers.len())?;
        Ok(Self {
            baseline,
            candidate,
            options: GateOptions { threshold, alpha },
            max_time,
            batch_time,
            calibrate_tasks: g.batch.tasks.is_none(),
            inconclusive: g.inconclusive,
            out: OutDir::given_or_dated(g.out.as_deref(), stamp, "gate"),
            seed,
            json: args.json,
            markdown: args.markdown.clone(),
            step_summary: step_summary.filter(|p| !p.as_os_str().is_empty()),
            quiet: g.quiet,
            lock: crate::config::robust::LockPolicy {
                allow_concurrent: g.allow_concurrent,
                no_wait: g.no_wait,
            },
        })
    }
}

/// Both sides, each with the shared run flags (and the gate's seed), which must agree on the
/// worker counts and the tasks per batch.
fn sides(
    g: &GateArgs,
    seed: u64,
    machine: &MachineInfo,
    stamp: &str,
) -> anyhow::Result<(GateSide, GateSide)> {
    let mut shared = g.shared_run_flags();
    if g.seed.is_none() {
        shared.extend(["--seed".to_string(), seed.to_string()]);
    }
    let side_of = |name, cmd: &Option<String>, flags: &Option<String>| {
        side(
            name,
            cmd.as_deref(),
            flags.as_deref(),
            &shared,
            machine,
            stamp,
        )
    };
    let baseline = side_of("baseline", &g.baseline_cmd, &g.baseline_args)?;
    let candidate = side_of("candidate", &g.candidate_cmd, &g.candidate_args)?;
    if baseline.run.workers != candidate.run.workers {
        return Err(usage(
            "the two sides must measure the same worker counts: give --workers once, not in --baseline-args or --candidate-args",
        ));
    }
    if baseline.run.design.tasks != candidate.run.design.tasks {
        return Err(usage(
            "the two sides must run the same number of tasks per batch: give --tasks once, not in --baseline-args or --candidate-args",
        ));
    }
    Ok((baseline, candidate))
}

/// Refuses a `--max-time` too short for a warm-up round and one measured round of `counts`
/// worker counts, each a block of `BATCHES_PER_BLOCK` batches of about `batch_time`.
fn check_budget(max_time: Duration, batch_time: Duration, counts: usize) -> anyhow::Result<()> {
    let round = batch_time * BATCHES_PER_BLOCK * counts as u32;
    if max_time < round * 2 {
        return Err(usage(format!(
            "--max-time {} is too short: a warm-up round and one measured round take about {:.1} s ({} batches of about {} each); give at least {}s",
            show_duration(max_time),
            (round * 2).as_secs_f64(),
            BATCHES_PER_BLOCK as usize * counts * 2,
            show_duration(batch_time),
            (round * 2).as_secs_f64().ceil()
        )));
    }
    Ok(())
}

/// One side through `plateau run`'s parser: the shared flags, then its own flags or `--`
/// and its command.
fn side(
    name: &'static str,
    cmd: Option<&str>,
    flags: Option<&str>,
    shared: &[String],
    machine: &MachineInfo,
    stamp: &str,
) -> anyhow::Result<GateSide> {
    let (given, words, is_cmd) = match (cmd, flags) {
        (Some(_), Some(_)) => {
            return Err(usage(format!(
                "give the {name} either a command (--{name}-cmd) or flags of the built-in workload (--{name}-args), not both"
            )));
        }
        (None, None) => {
            return Err(usage(format!(
                "the {name} side is missing: give --{name}-cmd 'CMD' or --{name}-args 'FLAGS' as well (the gate measures both sides)"
            )));
        }
        (Some(c), None) => (c, c, true),
        (None, Some(f)) => (f, f, false),
    };
    let kind = if is_cmd { "cmd" } else { "args" };
    let words =
        super::shell_words::split(words).map_err(|e| usage(format!("--{name}-{kind}: {e}")))?;
    if is_cmd && words.is_empty() {
        return Err(usage(format!(
            "--{name}-cmd is empty: give the command to run"
        )));
    }
    let mut argv: Vec<String> = vec!["plateau".into(), "run".into()];
    argv.extend(shared.iter().cloned());
    argv.extend(["--label".to_string(), name.to_string()]);
    if is_cmd {
        argv.push("--".into());
    }
    argv.extend(words);
    let parsed = Cli::try_parse_from(&argv).map_err(|e| {
        // A value's own sentence reads as from `plateau run` (`--baseline-args: --tolerance 5 ...`).
        if let Some(sentence) = crate::limits::own_sentence(&e) {
            return usage(format!("--{name}-{kind}: {sentence}"));
        }
        let text = e.to_string();
        let first = text
            .lines()
            .next()
            .unwrap_or("")
            .trim_start_matches("error: ");
        usage(format!(
            "--{name}-{kind} (with the shared run flags): {first}"
        ))
    })?;
    let Command::Run(run_args) = parsed.command else {
        return Err(usage(format!(
            "--{name}-{kind} is not a set of `plateau run` flags"
        )));
    };
    let run = RunConfig::from_args(&run_args, machine, stamp, argv)
        .map_err(|e| usage(format!("--{name}-{kind}: {e:#}")))?;
    Ok(GateSide {
        name,
        given: given.to_string(),
        run,
    })
}
