//! What a worker process needs to rebuild a built-in workload: `WorkloadSetup`, a typed value
//! the coordinator makes (`Workload::worker_setup`: the parameters plus anything
//! process-specific, such as the file of `contended`'s shared counter) and the worker builds
//! the same workload from. The worker protocol carries it (`exec::protocol::WorkerSetup`).

use super::SharedWorkload;
use super::{
    contended::ContendedWorkload, cpu::CpuWorkload, io::IoWorkload, memory::MemoryWorkload,
    tiny::TinyWorkload,
};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::Arc;

/// A built-in workload as a worker process rebuilds it. On the wire it is the workload's
/// `{"name": ..., parameters...}`, as its description reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "name", rename_all = "lowercase")]
pub enum WorkloadSetup {
    /// `cpu` with this many kernel iterations per task.
    Cpu {
        /// Kernel iterations per task.
        iterations: u64,
    },
    /// `tiny`: about `work_ns` of the kernel, already calibrated to `iterations`.
    Tiny {
        /// Requested nanoseconds per task.
        work_ns: u64,
        /// Kernel iterations per task.
        iterations: u64,
    },
    /// `io`: a blocking wait, then a small CPU part.
    Io {
        /// Milliseconds each task blocks.
        io_ms: u64,
        /// Kernel iterations after the wait.
        cpu_iterations: u64,
    },
    /// `memory`: a stream over a buffer of this size.
    Memory {
        /// Buffer size in bytes.
        buffer_bytes: u64,
    },
    /// `contended`: locked updates of one shared counter.
    Contended {
        /// Updates per task.
        updates_per_task: u64,
        /// The coordinator's counter to attach to (a fresh counter of its own without one).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        shared_file: Option<PathBuf>,
    },
}

impl WorkloadSetup {
    /// The workload this setup describes: `w.worker_setup()?.build()` does the same work as
    /// `w` (attached to `w`'s shared state, if it has any).
    pub fn build(&self) -> SharedWorkload {
        match self {
            WorkloadSetup::Cpu { iterations } => Arc::new(CpuWorkload::new(*iterations)),
            WorkloadSetup::Tiny {
                work_ns,
                iterations,
            } => Arc::new(TinyWorkload::new(*work_ns, *iterations)),
            WorkloadSetup::Io {
                io_ms,
                cpu_iterations,
            } => Arc::new(IoWorkload::new(*io_ms, *cpu_iterations)),
            WorkloadSetup::Memory { buffer_bytes } => Arc::new(MemoryWorkload::new(*buffer_bytes)),
            WorkloadSetup::Contended {
                updates_per_task,
                shared_file,
            } => Arc::new(match shared_file {
                Some(path) => ContendedWorkload::attached(*updates_per_task, path.clone()),
                None => ContendedWorkload::new(*updates_per_task),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_builtin_workload_round_trips() {
        let all: Vec<SharedWorkload> = vec![
            Arc::new(CpuWorkload::new(100)),
            Arc::new(TinyWorkload::new(1000, 37)),
            Arc::new(IoWorkload::new(1, 50)),
            Arc::new(MemoryWorkload::new(4096)),
            Arc::new(ContendedWorkload::new(5)),
        ];
        for w in all {
            w.prepare().unwrap();
            let setup = w.worker_setup().unwrap();
            let wire = serde_json::to_string(&setup).unwrap();
            let read: WorkloadSetup = serde_json::from_str(&wire).unwrap();
            assert_eq!(read, setup);
            let rebuilt = read.build();
            assert_eq!(rebuilt.describe(), w.describe());
            rebuilt.prepare().unwrap();
            w.begin_batch(1);
            rebuilt.run_task(0).unwrap();
            w.end_batch(1).unwrap();
        }
    }

    #[test]
    fn the_wire_form_names_the_workload_like_its_description() {
        let cpu = WorkloadSetup::Cpu { iterations: 7 };
        assert_eq!(
            serde_json::to_value(&cpu).unwrap(),
            json!({"name": "cpu", "iterations": 7})
        );
        let own = WorkloadSetup::Contended {
            updates_per_task: 3,
            shared_file: None,
        };
        assert_eq!(
            serde_json::to_value(&own).unwrap(),
            json!({"name": "contended", "updates_per_task": 3})
        );
        // A description's extra fields (memory's `buffer_mib`) are ignored on the way in.
        let memory = json!({"name": "memory", "buffer_bytes": 64, "buffer_mib": 0.0});
        assert_eq!(
            serde_json::from_value::<WorkloadSetup>(memory).unwrap(),
            WorkloadSetup::Memory { buffer_bytes: 64 }
        );
    }

    #[test]
    fn unknown_or_incomplete_setups_are_errors() {
        for bad in [json!({"name": "nope"}), json!({"name": "cpu"}), json!(3)] {
            assert!(serde_json::from_value::<WorkloadSetup>(bad).is_err());
        }
    }
}
