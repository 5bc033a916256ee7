//! The design a sweep follows: tasks per batch and how they were chosen, measured rounds and
//! the adaptive policy. A `RunConfig` holds the planned design; `app::calibrate` settles a new
//! one from it (the config itself never changes), and a resumed run plans what it recorded.

use super::RunConfig;
use crate::model::TasksChoice;
use crate::sweep::adaptive::AdaptiveSpec;
use std::num::{NonZeroU32, NonZeroU64};

/// Tasks per batch, measured rounds and the adaptive policy, as the sweep runs them.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    /// Tasks per batch.
    pub tasks: NonZeroU64,
    /// How `tasks` was chosen, for results.json.
    pub tasks_choice: Option<TasksChoice>,
    /// Kept batches per worker count in the planned rounds.
    pub repetitions: NonZeroU32,
    /// Rounds added after the planned ones (`--target-ci`, the default), and their budget.
    pub adaptive: Option<AdaptiveSpec>,
}

impl Design {
    /// The design `config` plans: its own values, before any calibration.
    pub fn planned(config: &RunConfig) -> Self {
        Self {
            tasks: config.tasks,
            tasks_choice: config.tasks_choice.clone(),
            repetitions: config.repetitions,
            adaptive: config.robust.adaptive,
        }
    }
}
