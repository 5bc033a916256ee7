//! Which executor a validated `plateau run` uses: threads, a process pool, or the user's command.

use crate::cli::Mode;
use crate::config::{RunConfig, WorkloadSpec};
use crate::exec::{
    Executor, command::CommandExecutor, processes::ProcessesExecutor, threads::ThreadsExecutor,
};

/// The executor of `config.mode`.
pub fn for_config(config: &RunConfig) -> anyhow::Result<Box<dyn Executor>> {
    Ok(match (config.mode, &config.workload) {
        (Mode::Command, WorkloadSpec::Command(c)) => Box::new(CommandExecutor::new(c.clone())),
        (Mode::Processes, _) => Box::new(ProcessesExecutor::current_exe()?),
        // Config only pairs the command mode with a command; anything else runs on threads.
        _ => Box::new(ThreadsExecutor),
    })
}

/// True when tasks ran and every one of them failed (`--keep-going` recorded them all).
pub fn every_task_failed(record: &crate::model::RunRecord) -> bool {
    let tasks = record.config.tasks;
    let mut any = false;
    for s in record.points.iter().flat_map(|p| &p.samples) {
        any = true;
        if s.failed_tasks.unwrap_or(0) < tasks {
            return false;
        }
    }
    any
}

/// A warning line when `--keep-going` recorded failed tasks, for the end of a run.
pub fn failed_tasks_note(record: &crate::model::RunRecord) -> Option<String> {
    let failed: u64 = record
        .points
        .iter()
        .flat_map(|p| &p.samples)
        .filter_map(|s| s.failed_tasks)
        .sum();
    (failed > 0).then(|| {
        format!("warning: {failed} tasks failed and were recorded (--keep-going); see failed_tasks in results.json")
    })
}
