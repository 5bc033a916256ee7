//! Which executor a validated `plateau run` uses: threads, a process pool, the user's command
//! once per task, or the user's command as persistent workers.

use crate::config::{Execution, RunConfig};
use crate::exec::memory_guard::MemoryGuard;
use crate::exec::persistent::PersistentExecutor;
use crate::exec::{
    Executor, command::CommandExecutor, processes::ProcessesExecutor, threads::ThreadsExecutor,
};

/// The executor of `config.execution`.
pub fn for_config(config: &RunConfig) -> anyhow::Result<Box<dyn Executor>> {
    Ok(match &config.execution {
        Execution::Threads(_) => Box::new(ThreadsExecutor),
        Execution::Processes(_) => Box::new(ProcessesExecutor::current_exe()?),
        Execution::Command(c) => Box::new(CommandExecutor::new(c.clone())),
        Execution::Persistent(p) => Box::new(PersistentExecutor::new(p.clone())),
    })
}

/// The executor of `config.execution`, behind the memory guard for the modes whose workers
/// are processes (a trial batch of 1 worker first, except for a command once per task;
/// counts whose pool would not fit are skipped).
pub fn guarded(
    config: &RunConfig,
    memory_limit_bytes: Option<u64>,
    prior: &[crate::model::Point],
) -> anyhow::Result<Box<dyn Executor>> {
    let inner = for_config(config)?;
    let trial = match &config.execution {
        Execution::Threads(_) => return Ok(inner),
        Execution::Processes(_) | Execution::Persistent(_) => true,
        Execution::Command(_) => false,
    };
    Ok(Box::new(MemoryGuard::new(
        inner,
        memory_limit_bytes,
        prior,
        trial,
    )))
}

/// The guard that stops a command-mode run's commands if plateau dies (see `exec::guard`);
/// None for the other modes, or with a warning when it cannot start.
pub fn guard_for(config: &RunConfig) -> Option<crate::exec::guard::Guard> {
    if !matches!(config.execution, Execution::Command(_)) {
        return None;
    }
    match crate::exec::guard::start() {
        Ok(g) => Some(g),
        Err(e) => {
            eprintln!(
                "warning: cannot start plateau's guard process ({e}); if plateau is killed (SIGKILL), its running commands are not stopped"
            );
            None
        }
    }
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

/// A warning line when commands left processes behind in their process groups, for the end of
/// a run: said once, however many tasks did it.
pub fn leftovers_note(record: &crate::model::RunRecord) -> Option<String> {
    let left: u64 = record
        .points
        .iter()
        .flat_map(|p| &p.samples)
        .filter_map(|s| s.leftover_processes)
        .sum();
    (left > 0).then(|| {
        format!("warning: the command left {left} processes running after its main process exited (e.g. `cmd &`); plateau killed them, as a task is its whole process group (see leftover_processes in results.json)")
    })
}
