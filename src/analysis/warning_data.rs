//! The sentences of the warnings about the measurements, the data and the fits: spread, uneven
//! tasks, too few samples, no 1-worker point, an interruption, runs/s, an import sampled down,
//! failed tasks, counts with no samples, and fits not made. Pure writers for `Warning`'s Display.

use super::warning::and_list;
use super::warnings::HIGH_CV;
use std::fmt::{Formatter, Result};

pub(super) fn high_spread(f: &mut Formatter<'_>, noisy: &[(usize, f64)]) -> Result {
    let at: Vec<String> = noisy
        .iter()
        .map(|(workers, cv)| format!("{workers} ({:.1}%)", cv * 100.0))
        .collect();
    write!(
        f,
        "High spread (CV above {:.0}%) at {} workers: the machine was noisy or the work varies; \
rerun with more --repetitions or on a quieter machine.",
        HIGH_CV * 100.0,
        and_list(&at)
    )
}

pub(super) fn uneven_tasks(f: &mut Formatter<'_>, tasks: u64, at: &[usize], worst: f64) -> Result {
    write!(
        f,
        "{tasks} tasks do not divide evenly over {} workers: the last wave of tasks leaves \
workers idle (up to {:.0}% extra time), which lowers throughput there regardless of scaling; \
choose a task count that is a multiple of the worker counts.",
        and_list(at),
        worst * 100.0
    )
}

pub(super) fn few_samples(f: &mut Formatter<'_>, fewest: usize) -> Result {
    let what = if fewest == 1 {
        "only one sample, so there is no confidence interval"
    } else {
        "only 2 samples, too few for a confidence interval to be trusted"
    };
    write!(
        f,
        "Some worker counts have {what}, and differences of a few percent may be noise: \
use --repetitions 5 or more (or repeat rows per worker count in a CSV)."
    )
}

pub(super) fn no_one_worker(f: &mut Formatter<'_>, first: usize) -> Result {
    write!(
        f,
        "No 1-worker point: speedup and efficiency are relative to {first} workers, assumed to \
scale perfectly up to there."
    )
}

pub(super) fn aggregated(f: &mut Formatter<'_>, rows: u64, kept: u64) -> Result {
    write!(
        f,
        "The import held {rows} rows: each worker count kept a random sample of at most {kept} \
of them, so the medians and intervals come from that sample; the exact count, mean, minimum and \
maximum of every row are in results.json under config.workload.aggregated."
    )
}

pub(super) fn failed_tasks(f: &mut Formatter<'_>, failed: u64, run: u64, at: &[usize]) -> Result {
    write!(
        f,
        "{failed} of {run} tasks failed (--keep-going) at {} workers: their throughput counts \
failed tasks as done, so it overstates the work done there; see failed_tasks in results.json.",
        and_list(at)
    )
}

pub(super) fn empty_points(f: &mut Formatter<'_>, at: &[usize]) -> Result {
    write!(
        f,
        "No samples at {} workers: {} left out of the analysis and the charts.",
        and_list(at),
        if at.len() == 1 { "it is" } else { "they are" }
    )
}

pub(super) fn interrupted(f: &mut Formatter<'_>) -> Result {
    f.write_str("The run was interrupted: some worker counts are missing or have fewer samples.")
}

pub(super) fn runs_per_second(f: &mut Formatter<'_>) -> Result {
    f.write_str(
        "No task count was given (no `tasks` column, no --tasks), so throughput is runs per \
second; give --tasks N for tasks per second. The peak, plateau, recommendation, sigma and kappa \
do not depend on it.",
    )
}

pub(super) fn usl_not_fitted(f: &mut Formatter<'_>, counts: usize) -> Result {
    write!(
        f,
        "Too few distinct worker counts ({counts}) to fit the USL, which needs at least {}: \
measure more counts, e.g. 1 to 2x the cores.",
        super::usl::MIN_COUNTS
    )
}

pub(super) fn amdahl_not_fitted(f: &mut Formatter<'_>) -> Result {
    f.write_str("Amdahl's law needs at least two worker counts to be fitted.")
}

#[cfg(test)]
mod tests {
    use crate::analysis::warning::Warning::*;
    use crate::analysis::warning::says;

    #[test]
    fn high_spread() {
        says(
            HighSpread {
                noisy: vec![(2, 0.0812), (8, 0.1)],
            },
            "High spread (CV above 5%) at 2 (8.1%) and 8 (10.0%) workers: the machine was noisy \
or the work varies; rerun with more --repetitions or on a quieter machine.",
        );
    }

    #[test]
    fn uneven_tasks() {
        says(
            UnevenTasks {
                tasks: 32,
                workers: vec![6, 10, 12],
                worst: 0.3333,
            },
            "32 tasks do not divide evenly over 6, 10 and 12 workers: the last wave of tasks \
leaves workers idle (up to 33% extra time), which lowers throughput there regardless of \
scaling; choose a task count that is a multiple of the worker counts.",
        );
    }

    #[test]
    fn few_samples() {
        says(
            FewSamples { fewest: 1 },
            "Some worker counts have only one sample, so there is no confidence interval, and \
differences of a few percent may be noise: use --repetitions 5 or more (or repeat rows per \
worker count in a CSV).",
        );
        says(
            FewSamples { fewest: 2 },
            "Some worker counts have only 2 samples, too few for a confidence interval to be \
trusted, and differences of a few percent may be noise: use --repetitions 5 or more (or repeat \
rows per worker count in a CSV).",
        );
    }

    #[test]
    fn no_one_worker() {
        says(
            NoOneWorker { first: 2 },
            "No 1-worker point: speedup and efficiency are relative to 2 workers, assumed to \
scale perfectly up to there.",
        );
    }

    #[test]
    fn aggregated() {
        says(
            Aggregated {
                rows: 5000,
                kept: 1000,
            },
            "The import held 5000 rows: each worker count kept a random sample of at most 1000 \
of them, so the medians and intervals come from that sample; the exact count, mean, minimum and \
maximum of every row are in results.json under config.workload.aggregated.",
        );
    }

    #[test]
    fn failed_tasks() {
        says(
            FailedTasks {
                failed: 3,
                run: 48,
                workers: vec![2, 4],
            },
            "3 of 48 tasks failed (--keep-going) at 2 and 4 workers: their throughput counts \
failed tasks as done, so it overstates the work done there; see failed_tasks in results.json.",
        );
    }

    #[test]
    fn empty_points() {
        says(
            EmptyPoints { workers: vec![4] },
            "No samples at 4 workers: it is left out of the analysis and the charts.",
        );
        says(
            EmptyPoints {
                workers: vec![4, 8],
            },
            "No samples at 4 and 8 workers: they are left out of the analysis and the charts.",
        );
    }

    #[test]
    fn interrupted_and_runs_per_second() {
        says(
            Interrupted,
            "The run was interrupted: some worker counts are missing or have fewer samples.",
        );
        says(
            RunsPerSecond,
            "No task count was given (no `tasks` column, no --tasks), so throughput is runs per \
second; give --tasks N for tasks per second. The peak, plateau, recommendation, sigma and kappa \
do not depend on it.",
        );
    }

    #[test]
    fn fits_not_made() {
        says(
            UslNotFitted { counts: 2 },
            "Too few distinct worker counts (2) to fit the USL, which needs at least 3: measure \
more counts, e.g. 1 to 2x the cores.",
        );
        says(
            AmdahlNotFitted,
            "Amdahl's law needs at least two worker counts to be fitted.",
        );
    }
}
