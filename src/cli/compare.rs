//! `plateau compare`'s flags: the stored-file form and the interleaved gate's.

use crate::limits;
use clap::Args;
use std::path::PathBuf;

/// Flags of `plateau compare`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples (interleaved, recommended: both sides measured in this job):\n  \
plateau compare --workers 1,2 --baseline-args '--iterations 3000000' \\\n      \
--candidate-args '--iterations 3300000'\n  \
plateau compare --workers 1,2 --max-time 5m \\\n      \
--baseline-cmd './base/job {task}' --candidate-cmd './head/job {task}'\n\
Stored files:\n  plateau compare baseline.json results.json --threshold 10% --markdown compare.md\n\n\
Interleaved: every round runs each worker count as one block of four batches, ABBA or BAAB\n\
(a seeded coin), and a sequential test (a betting confidence sequence, valid when looked at after\n\
every round) decides: regression, no regression, or another round, until --max-time.\n\
Stored files: one-sided Mann-Whitney U on the raw samples, Holm-corrected over the worker counts\n\
and the whole curve; counts with fewer than 5 samples on a side are reported, never judged.\n\
When $GITHUB_STEP_SUMMARY is set, the markdown table is appended to it.\n\
Exit codes: 0 no regression, 1 regression, 2 bad input (or nothing could be decided),\n\
3 a side's workload failed, 4 inconclusive (--inconclusive pass|fail maps it to 0 or 1)."
)]
pub struct CompareArgs {
    /// The baseline results.json (e.g. from the main branch); omit it for the interleaved gate.
    #[arg(value_name = "BASELINE.json")]
    pub baseline: Option<PathBuf>,

    /// The results.json to judge.
    #[arg(value_name = "CURRENT.json")]
    pub current: Option<PathBuf>,

    /// Smallest throughput change that counts: 5% (or the fraction 0.05).
    #[arg(
        long,
        value_name = "PERCENT",
        default_value = "5%",
        allow_hyphen_values = true,
        value_parser = limits::THRESHOLD.parser()
    )]
    pub threshold: crate::units::Percent,

    /// Error rate: of the Holm-corrected tests (files), of each one-sided sequential test
    /// (interleaved); between 0 and 0.5.
    #[arg(
        long,
        value_name = "P",
        default_value_t = 0.05,
        allow_negative_numbers = true,
        value_parser = limits::alpha
    )]
    pub alpha: f64,

    /// Also write the markdown table to FILE (`-` prints it on stdout instead of the table).
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,

    /// Print the verdict as JSON (for machines) instead of the table.
    #[arg(long)]
    pub json: bool,

    /// Compare runs whose workload, mode, schedule or pinning differ (the output lists the
    /// differences). Task counts and machines may differ without it; a note says so.
    #[arg(long)]
    pub allow_config_change: bool,

    /// The interleaved gate's sides, budget and shared run flags.
    #[command(flatten)]
    pub gate: super::gate::GateArgs,
}
