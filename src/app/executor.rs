//! Which executor a validated `plateau run` uses: threads, a process pool, the user's command
//! once per task, or the user's command as persistent workers; and whether its tasks all failed.

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
    let mut any = false;
    for p in &record.points {
        let tasks = p.tasks_or(record.config.tasks);
        for s in &p.samples {
            any = true;
            if s.failed_tasks.unwrap_or(0) < tasks {
                return false;
            }
        }
    }
    any
}
