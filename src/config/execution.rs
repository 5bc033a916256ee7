//! What a validated `plateau run` measures and how its workers run it, as one value: a built-in
//! workload on threads or in a process pool, the user's command once per task, or the user's
//! command as persistent workers. A mode without its workload cannot be written down.

use crate::cli::WorkloadKind;
use crate::exec::command::{CommandSpec, CommandWorkload};
use crate::exec::persistent::{PersistentSpec, PersistentWorkload};
use crate::model::RunMode;
use crate::workload::{SharedWorkload, cpu::CpuWorkload};
use crate::workload::{
    contended::ContendedWorkload, io::IoWorkload, memory::MemoryWorkload, tiny::TinyWorkload,
};
use std::num::NonZeroU64;
use std::sync::Arc;

/// The workload and the execution model that runs it.
#[derive(Debug, Clone, PartialEq)]
pub enum Execution {
    /// A built-in workload on OS threads of this process.
    Threads(BuiltIn),
    /// A built-in workload in a pool of worker processes (plateau re-executed).
    Processes(BuiltIn),
    /// The user's command, once per task.
    Command(CommandSpec),
    /// The user's command as long-lived workers fed over the worker protocol.
    Persistent(PersistentSpec),
}

/// A built-in workload and its validated parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum BuiltIn {
    /// The cpu task with this many iterations per task.
    Cpu {
        /// Iterations per task.
        iterations: NonZeroU64,
    },
    /// Each task streams a buffer of this many bytes.
    Memory {
        /// Buffer size in bytes.
        buffer_bytes: NonZeroU64,
    },
    /// Each task blocks this long, then does a little CPU work.
    Io {
        /// Milliseconds each task blocks.
        io_ms: NonZeroU64,
    },
    /// Each task makes this many locked updates of one shared counter.
    Contended {
        /// Updates per task.
        updates: NonZeroU64,
    },
    /// Tasks of about `work_ns` nanoseconds.
    Tiny {
        /// Requested nanoseconds of work per task (0 for none).
        work_ns: u64,
        /// Kernel iterations that take about `work_ns` here, calibrated once.
        iterations: u64,
    },
}

impl Execution {
    /// The mode as results.json records it.
    pub fn recorded_mode(&self) -> RunMode {
        match self {
            Execution::Threads(_) => RunMode::Threads,
            Execution::Processes(_) => RunMode::Processes,
            Execution::Command(_) => RunMode::Command,
            Execution::Persistent(_) => RunMode::Persistent,
        }
    }

    /// The built-in workload, when the run measures one.
    pub fn built_in(&self) -> Option<&BuiltIn> {
        match self {
            Execution::Threads(b) | Execution::Processes(b) => Some(b),
            Execution::Command(_) | Execution::Persistent(_) => None,
        }
    }

    /// Builds the workload the executor runs.
    pub fn build(&self) -> SharedWorkload {
        match self {
            Execution::Threads(b) | Execution::Processes(b) => b.build(),
            Execution::Command(c) => Arc::new(CommandWorkload::new(c.clone())),
            Execution::Persistent(p) => Arc::new(PersistentWorkload::new(p.clone())),
        }
    }

    /// The default dated folder's suffix: a built-in workload's name, else the mode
    /// (`command` or `persistent`).
    pub fn folder_name(&self) -> &'static str {
        match self {
            Execution::Threads(b) | Execution::Processes(b) => b.name(),
            Execution::Command(_) => "command",
            Execution::Persistent(_) => "persistent",
        }
    }
}

impl BuiltIn {
    /// Which built-in workload this is.
    pub fn kind(&self) -> WorkloadKind {
        match self {
            BuiltIn::Cpu { .. } => WorkloadKind::Cpu,
            BuiltIn::Memory { .. } => WorkloadKind::Memory,
            BuiltIn::Io { .. } => WorkloadKind::Io,
            BuiltIn::Contended { .. } => WorkloadKind::Contended,
            BuiltIn::Tiny { .. } => WorkloadKind::Tiny,
        }
    }

    /// The workload's name (`WorkloadKind::name`), as `--workload` and results.json spell it.
    pub fn name(&self) -> &'static str {
        self.kind().name()
    }

    /// Builds the workload.
    pub fn build(&self) -> SharedWorkload {
        match self {
            BuiltIn::Cpu { iterations } => Arc::new(CpuWorkload::new(iterations.get())),
            BuiltIn::Memory { buffer_bytes } => Arc::new(MemoryWorkload::new(buffer_bytes.get())),
            BuiltIn::Io { io_ms } => Arc::new(IoWorkload::new(
                io_ms.get(),
                crate::workload::io::CPU_ITERATIONS,
            )),
            BuiltIn::Contended { updates } => Arc::new(ContendedWorkload::new(updates.get())),
            BuiltIn::Tiny {
                work_ns,
                iterations,
            } => Arc::new(TinyWorkload::new(*work_ns, *iterations)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_execution_names_its_mode_and_workload() {
        let cpu = BuiltIn::Cpu {
            iterations: NonZeroU64::new(5).unwrap(),
        };
        let threads = Execution::Threads(cpu.clone());
        let pool = Execution::Processes(cpu.clone());
        assert_eq!(
            (threads.recorded_mode(), pool.recorded_mode()),
            (RunMode::Threads, RunMode::Processes)
        );
        assert_eq!(threads.built_in(), Some(&cpu));
        assert_eq!(pool.folder_name(), "cpu");
        assert_eq!(threads.build().describe()["iterations"], 5);
        let command = Execution::Command(CommandSpec {
            argv: vec!["true".into()],
            shell: false,
            timeout: None,
            keep_going: false,
        });
        assert_eq!(command.recorded_mode(), RunMode::Command);
        assert_eq!(command.built_in(), None);
        assert_eq!(command.folder_name(), "command");
        assert_eq!(command.build().describe()["name"], "command");
        // A warmed pool's folder is named by its mode, not `_command` (changed on purpose).
        let persistent = Execution::Persistent(PersistentSpec {
            argv: vec!["true".into()],
            shell: false,
            ready_timeout: std::time::Duration::from_secs(1),
            timeout: None,
            keep_going: false,
        });
        assert_eq!(persistent.recorded_mode(), RunMode::Persistent);
        assert_eq!(persistent.folder_name(), "persistent");
    }

    #[test]
    fn a_built_in_has_one_name_for_its_flag_its_record_and_its_folder() {
        let n = NonZeroU64::new(1).unwrap();
        for b in [
            BuiltIn::Cpu { iterations: n },
            BuiltIn::Memory { buffer_bytes: n },
            BuiltIn::Io { io_ms: n },
            BuiltIn::Contended { updates: n },
            BuiltIn::Tiny {
                work_ns: 0,
                iterations: 1,
            },
        ] {
            let flag = clap::ValueEnum::to_possible_value(&b.kind()).unwrap();
            assert_eq!(flag.get_name(), b.name());
            assert_eq!(Execution::Threads(b.clone()).folder_name(), b.name());
            let described = b.build().describe();
            assert_eq!(described["name"], b.name());
        }
    }
}
