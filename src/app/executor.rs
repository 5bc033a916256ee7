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
