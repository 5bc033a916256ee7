//! The validated settings of a sweep in results.json: the workload, the execution mode and
//! schedule (as their recorded names), the plan and the adaptive settings.

use super::TasksChoice;
use super::named::named_enum;
use super::origin::Origin;
use serde::{Deserialize, Serialize};

/// The validated settings of the sweep.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ConfigRecord {
    /// The workload: `{"name": ..., ...its parameters}`; read it through `origin()`.
    pub workload: serde_json::Value,
    /// Execution model.
    pub mode: RunMode,
    /// Tasks per batch.
    pub tasks: u64,
    /// The worker counts of the plan, ascending.
    pub workers: Vec<usize>,
    /// Kept batches per worker count.
    pub repetitions: u32,
    /// Discarded batches per worker count, run first.
    pub warmup: u32,
    /// How tasks are handed out.
    pub schedule: RunSchedule,
    /// Whether worker i is pinned to CPU i modulo the allowed CPUs.
    pub pin: bool,
    /// Seed of the round shuffles and the bootstrap.
    pub seed: u64,
    /// Adaptive repetitions (`--target-ci`), when asked for.
    #[serde(default)]
    pub adaptive: Option<AdaptiveConfig>,
    /// How the task count was chosen: calibrated to a batch time, or given with `--tasks`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tasks_choice: Option<TasksChoice>,
}

/// The settings of adaptive repetitions: rounds are added to the worker counts whose CI is
/// still wider than `target_ci`, until all are within it or `max_time_s` is spent.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AdaptiveConfig {
    /// Largest accepted 95% CI half-width relative to the median (0.02 = 2%).
    pub target_ci: f64,
    /// Budget in seconds of time spent in batches, warmup included.
    pub max_time_s: f64,
    /// True when adaptive rounds ran by default (no `--repetitions` or `--target-ci` given).
    #[serde(default)]
    pub by_default: bool,
}

impl ConfigRecord {
    /// Tasks per worker when batches were sized per count (each point then records its own
    /// task count); `None` for one fixed job at every count.
    pub fn per_worker(&self) -> Option<u64> {
        self.tasks_choice.as_ref().and_then(|c| c.per_worker)
    }

    /// How big a batch was, in words: "40 tasks per batch", or "batches sized per count (25
    /// tasks per worker)".
    pub fn batch_words(&self) -> String {
        match self.per_worker() {
            Some(k) => format!("batches sized per count ({k} tasks per worker)"),
            None => format!("{} tasks per batch", self.tasks),
        }
    }

    /// The task count of a comparison's column: "40", or "25 per worker".
    pub fn tasks_column(&self) -> String {
        match self.per_worker() {
            Some(k) => format!("{k} per worker"),
            None => self.tasks.to_string(),
        }
    }

    /// Where the numbers came from: the typed reading of `workload`.
    pub fn origin(&self) -> Origin {
        Origin::of(&self.workload)
    }

    /// What an import sampled down, when it did.
    pub fn sampled(&self) -> Option<super::origin::Sampled> {
        super::origin::Sampled::of(&self.workload)
    }
}

named_enum! {
    /// The execution mode a record was made in (`config::Execution::recorded_mode` writes it).
    /// A name this build does not know
    /// reads as `Other` (the reports show it as written), so a newer plateau's file still reads.
    pub enum RunMode {
        /// Workers are OS threads of plateau.
        Threads => "threads",
        /// Workers are processes (plateau re-executed) fed tasks over pipes.
        Processes => "processes",
        /// Each task runs a command.
        Command => "command",
        /// Long-lived workers of a command over the worker protocol.
        Persistent => "persistent",
        /// Measurements imported by `plateau analyze`.
        Imported => "imported",
    }
}

named_enum! {
    /// How tasks were handed to workers (`exec::Schedule::recorded` writes it). A name this build does not know
    /// reads as `Other` and is shown as written.
    pub enum RunSchedule {
        /// Each free worker took the next task from a shared counter.
        Dynamic => "dynamic",
        /// Each worker got a fixed contiguous share of the tasks up front.
        Static => "static",
        /// Imported measurements: the other tool did not say.
        Unknown => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::named::assert_round_trips;

    #[test]
    fn mode_and_schedule_names_round_trip() {
        assert_round_trips(
            RunMode::KNOWN,
            &["threads", "processes", "command", "persistent", "imported"],
            RunMode::Other,
        );
        assert_round_trips(
            RunSchedule::KNOWN,
            &["dynamic", "static", "unknown"],
            RunSchedule::Other,
        );
    }
}
