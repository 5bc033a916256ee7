//! The choices `plateau run` offers by name: the built-in workloads (`--workload`) and the
//! execution models (`--mode`). A workload's name is the `NAME` of its file in
//! `crate::workload`, so the flag, results.json and the default folder spell it alike.

use crate::workload;
use clap::ValueEnum;

/// The built-in workloads. Each one's name (`name`, and the value `--workload` takes) is the
/// `NAME` of its file in `crate::workload`, the name its results.json description records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WorkloadKind {
    /// CPU-bound arithmetic with no shared state (the Python seed's task): scales to the
    /// cores, then plateaus.
    #[value(name = workload::cpu::NAME)]
    Cpu,
    /// Streams a buffer larger than the last-level cache (--buffer-mib): bound by memory
    /// bandwidth, so it can plateau before the core count.
    #[value(name = workload::memory::NAME)]
    Memory,
    /// Blocks like a network call (--io-ms) plus a little CPU: scales far past the cores.
    #[value(name = workload::io::NAME)]
    Io,
    /// Every task updates one shared counter under a lock (Python's Value + get_lock()):
    /// workers queue for the lock, so more workers can be slower.
    #[value(name = workload::contended::NAME)]
    Contended,
    /// Tasks of about a microsecond (--work-ns, 0 for none): dispatch overhead dominates.
    #[value(name = workload::tiny::NAME)]
    Tiny,
}

impl WorkloadKind {
    /// The workload's name: `--workload`'s value, results.json's `config.workload.name` and the
    /// end of the default folder's name.
    pub fn name(self) -> &'static str {
        match self {
            WorkloadKind::Cpu => workload::cpu::NAME,
            WorkloadKind::Memory => workload::memory::NAME,
            WorkloadKind::Io => workload::io::NAME,
            WorkloadKind::Contended => workload::contended::NAME,
            WorkloadKind::Tiny => workload::tiny::NAME,
        }
    }
}

/// Execution models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Mode {
    /// Workers are OS threads of this process.
    Threads,
    /// Workers are processes (plateau re-executed), fed tasks over pipes, like
    /// multiprocessing.Pool.
    Processes,
    /// Each task runs the command given after `--` (implied by giving one).
    Command,
    /// Long-lived workers of the command after `--` over the worker protocol (= --persistent).
    Persistent,
}

impl Mode {
    /// The value `--mode` takes, for messages that name it (results.json records the mode as
    /// `model::RunMode`, from `config::Execution::recorded_mode`).
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Threads => "threads",
            Mode::Processes => "processes",
            Mode::Command => "command",
            Mode::Persistent => "persistent",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_name_is_the_value_its_flag_takes() {
        for kind in WorkloadKind::value_variants() {
            let value = kind.to_possible_value().unwrap();
            assert_eq!(value.get_name(), kind.name());
            assert_eq!(WorkloadKind::from_str(kind.name(), false), Ok(*kind));
        }
        assert_eq!(WorkloadKind::Contended.name(), "contended");
        for mode in Mode::value_variants() {
            let value = mode.to_possible_value().unwrap();
            assert_eq!(value.get_name(), mode.as_str());
        }
        assert_eq!(Mode::Persistent.as_str(), "persistent");
    }
}
