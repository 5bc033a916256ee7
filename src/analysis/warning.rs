//! `Warning`: every reason the analysis gives to distrust or qualify its numbers, as a value
//! that carries its figures, and the one `Display` that writes each as the sentence results.json,
//! the reports and the terminal show. The sentences themselves are written, by idea, in
//! `warning_data` (the measurements, the data and the fits), `warning_machine` (the machine the
//! run used), `warning_decision` (the decision's disturbed batches, stability and faults) and
//! `warning_latency` (Little's law).

use super::warning_latency as latency;
use super::{warning_data as data, warning_decision as decision, warning_machine as machine};
use std::fmt;

/// A warning of the analysis. Its text is its `Display`.
#[derive(Debug, Clone, PartialEq)]
pub enum Warning {
    /// Worker counts whose samples vary above `HIGH_CV`: (workers, coefficient of variation).
    HighSpread { noisy: Vec<(usize, f64)> },
    /// Other work used `busy_cpus` CPUs' worth of the `effective_cpus` just before the sweep.
    BusyStart {
        busy_cpus: f64,
        effective_cpus: usize,
    },
    /// The CPU frequency governor was `governor`, not `performance`.
    Governor { governor: String },
    /// `tasks` do not divide evenly over these worker counts; `worst` is the largest extra time
    /// the last wave costs (0.25 = 25%).
    UnevenTasks {
        tasks: u64,
        workers: Vec<usize>,
        worst: f64,
    },
    /// A cgroup CPU quota (`quota` CPUs, when known) binds below the logical CPUs.
    BindingQuota {
        quota: Option<f64>,
        logical_cpus: usize,
        effective_cpus: usize,
    },
    /// The fewest samples of any worker count (1 or 2), too few for a trusted interval.
    FewSamples { fewest: usize },
    /// The smallest count measured, `first`, is not 1.
    NoOneWorker { first: usize },
    /// Imported rows sampled down: `rows` in all, at most `kept` kept per worker count.
    Aggregated { rows: u64, kept: u64 },
    /// `failed` of `run` tasks failed under `--keep-going`, at these worker counts.
    FailedTasks {
        failed: u64,
        run: u64,
        workers: Vec<usize>,
    },
    /// Worker counts listed with no samples.
    EmptyPoints { workers: Vec<usize> },
    /// The run was interrupted.
    Interrupted,
    /// No task count was given, so throughput is runs per second.
    RunsPerSecond,
    /// Only `counts` distinct worker counts: too few to fit the USL.
    UslNotFitted { counts: usize },
    /// Fewer than two worker counts: Amdahl's law is not fitted.
    AmdahlNotFitted,
    /// Batches other work disturbed, one entry per worker count, ascending.
    Disturbed { counts: Vec<DisturbedCount> },
    /// Only this share (0.8 = 80%) of bootstrap resamples give the same recommendation.
    Unstable { stability: f64 },
    /// CPU-bound counts that measured a speedup above the CPUs available.
    MeasurementFault { workers: Vec<usize> },
    /// Counts where tasks in flight by Little's law (throughput x mean latency) differ from the
    /// workers by more than 10%: (workers, in flight / workers).
    LittleLaw { counts: Vec<(usize, f64)> },
}

/// The disturbed batches of one worker count, summed up for `Warning::Disturbed`.
#[derive(Debug, Clone, PartialEq)]
pub struct DisturbedCount {
    /// Workers.
    pub workers: usize,
    /// The batches' 0-based rounds, where recorded, in the record's order.
    pub rounds: Vec<u32>,
    /// How many batches were disturbed.
    pub batches: usize,
    /// The most CPUs' worth of other processes' work during one of them, when measured.
    pub other_cpus: Option<f64>,
    /// The most CPUs' worth of steal during one of them, when measured.
    pub steal_cpus: Option<f64>,
    /// The least share of their CPU the workers got (finite), when measured.
    pub cpu_share: Option<f64>,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Warning::*;
        match self {
            HighSpread { noisy } => data::high_spread(f, noisy),
            BusyStart {
                busy_cpus,
                effective_cpus,
            } => machine::busy_start(f, *busy_cpus, *effective_cpus),
            Governor { governor } => machine::governor(f, governor),
            UnevenTasks {
                tasks,
                workers,
                worst,
            } => data::uneven_tasks(f, *tasks, workers, *worst),
            BindingQuota {
                quota,
                logical_cpus,
                effective_cpus,
            } => machine::binding_quota(f, *quota, *logical_cpus, *effective_cpus),
            FewSamples { fewest } => data::few_samples(f, *fewest),
            NoOneWorker { first } => data::no_one_worker(f, *first),
            Aggregated { rows, kept } => data::aggregated(f, *rows, *kept),
            FailedTasks {
                failed,
                run,
                workers,
            } => data::failed_tasks(f, *failed, *run, workers),
            EmptyPoints { workers } => data::empty_points(f, workers),
            Interrupted => data::interrupted(f),
            RunsPerSecond => data::runs_per_second(f),
            UslNotFitted { counts } => data::usl_not_fitted(f, *counts),
            AmdahlNotFitted => data::amdahl_not_fitted(f),
            Disturbed { counts } => decision::disturbed(f, counts),
            Unstable { stability } => decision::unstable(f, *stability),
            MeasurementFault { workers } => decision::measurement_fault(f, workers),
            LittleLaw { counts } => latency::little_law(f, counts),
        }
    }
}

/// "1, 2 and 4": counts (or any numbers) in a sentence.
pub(super) fn and_list<T: ToString>(items: &[T]) -> String {
    let words: Vec<String> = items.iter().map(T::to_string).collect();
    super::verdict_noise::join(&words)
}

/// Asserts that `w` reads exactly `text` (for the sentence tests beside each writer).
#[cfg(test)]
pub(super) fn says(w: Warning, text: &str) {
    assert_eq!(w.to_string(), text);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_as_a_sentence() {
        assert_eq!(and_list::<usize>(&[]), "");
        assert_eq!(and_list(&[4]), "4");
        assert_eq!(and_list(&[1, 2, 4]), "1, 2 and 4");
    }
}
