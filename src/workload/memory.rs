//! The `memory` workload: each task streams through a buffer larger than the last-level cache,
//! so it is bound by memory bandwidth and plateaus before the core count on large machines.
//! The buffer is filled once per process (untimed); every task sums it, starting at a
//! task-dependent offset, and the sum is checked against its closed form.

use super::setup::WorkloadSetup;
use super::{TaskError, Workload};
use serde_json::json;
use std::hint::black_box;
use std::sync::OnceLock;

/// The workload's name: the value of `--workload`, `config.workload.name` in results.json and
/// the end of the default folder's name.
pub const NAME: &str = "memory";

const MIB: u64 = 1 << 20;
/// The smallest default buffer.
pub const MIN_DEFAULT_BYTES: u64 = 32 * MIB;
/// The largest default buffer (sysfs on some VMs reports a huge LLC).
pub const MAX_DEFAULT_BYTES: u64 = 1024 * MIB;
/// The default when the machine does not report its last-level cache.
pub const UNKNOWN_LLC_DEFAULT_BYTES: u64 = 256 * MIB;
/// Word i of the buffer holds i * FILL (wrapping), so the buffer's sum has a closed form.
const FILL: u64 = 0x9E37_79B9_7F4A_7C15;

/// The default buffer: twice the last-level cache, clamped to 32 MiB..1 GiB.
pub fn default_buffer_bytes(last_level_cache_bytes: Option<u64>) -> u64 {
    match last_level_cache_bytes {
        Some(llc) => llc
            .saturating_mul(2)
            .clamp(MIN_DEFAULT_BYTES, MAX_DEFAULT_BYTES),
        None => UNKNOWN_LLC_DEFAULT_BYTES,
    }
}

/// Memory-bandwidth-bound tasks over one read-only buffer per process (shared by threads).
#[derive(Debug)]
pub struct MemoryWorkload {
    buffer_bytes: u64,
    buffer: OnceLock<Vec<u64>>,
}

impl MemoryWorkload {
    /// A memory workload over a buffer of `buffer_bytes` (rounded down to whole 8-byte words,
    /// at least one). The buffer is allocated by `prepare`, never inside a timed task.
    pub fn new(buffer_bytes: u64) -> Self {
        Self {
            buffer_bytes: buffer_bytes.max(8) / 8 * 8,
            buffer: OnceLock::new(),
        }
    }

    fn words(&self) -> usize {
        (self.buffer_bytes / 8) as usize
    }
}

/// Sums `words` from `start`, wrapping around: every word once, in a task-dependent order.
#[inline(never)]
pub fn stream_sum(words: &[u64], start: usize) -> u64 {
    let words = black_box(words);
    let (head, tail) = words.split_at(start.min(words.len()));
    let sum = |s: &[u64]| s.iter().fold(0u64, |a, &w| a.wrapping_add(w));
    sum(tail).wrapping_add(sum(head))
}

/// The sum of the whole buffer: FILL * n(n-1)/2 modulo 2^64.
pub fn expected_sum(words: usize) -> u64 {
    super::cpu::expected(FILL, words as u64)
}

/// A task's sum must be the buffer's: anything else means the buffer was not read in full.
pub fn check_sum(task: u64, got: u64, words: usize) -> Result<(), TaskError> {
    let want = expected_sum(words);
    if got == want {
        Ok(())
    } else {
        Err(TaskError {
            task,
            reason: format!(
                "memory checksum is {got}, expected {want}: the buffer was not streamed in full"
            ),
        })
    }
}

impl Workload for MemoryWorkload {
    fn describe(&self) -> serde_json::Value {
        json!({"name": NAME, "buffer_bytes": self.buffer_bytes, "buffer_mib": self.buffer_bytes as f64 / MIB as f64})
    }

    fn worker_setup(&self) -> Result<WorkloadSetup, String> {
        Ok(WorkloadSetup::Memory {
            buffer_bytes: self.buffer_bytes,
        })
    }

    fn prepare(&self) -> Result<(), String> {
        let n = self.words();
        self.buffer.get_or_init(|| {
            (0..n as u64)
                .map(|i| i.wrapping_mul(FILL))
                .collect::<Vec<u64>>()
        });
        Ok(())
    }

    fn run_task(&self, task: u64) -> Result<(), TaskError> {
        let Some(buffer) = self.buffer.get() else {
            return Err(TaskError {
                task,
                reason: "the memory buffer was not prepared before the task ran".into(),
            });
        };
        // Start each task a page-multiple further in, so no two neighbours read in lockstep.
        let start = (task.wrapping_mul(4099 * 512) % buffer.len() as u64) as usize;
        check_sum(task, stream_sum(buffer, start), buffer.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_size_follows_the_cache_within_bounds() {
        assert_eq!(default_buffer_bytes(Some(8 * MIB)), MIN_DEFAULT_BYTES);
        assert_eq!(default_buffer_bytes(Some(40 * MIB)), 80 * MIB);
        assert_eq!(default_buffer_bytes(Some(300 * MIB)), 600 * MIB);
        assert_eq!(default_buffer_bytes(Some(4096 * MIB)), MAX_DEFAULT_BYTES);
        assert_eq!(default_buffer_bytes(None), UNKNOWN_LLC_DEFAULT_BYTES);
    }

    #[test]
    fn tasks_stream_the_whole_buffer() {
        let w = MemoryWorkload::new(64 * 1024 + 3);
        assert_eq!(w.describe()["buffer_bytes"], 64 * 1024);
        assert!(w.run_task(0).is_err(), "unprepared");
        w.prepare().unwrap();
        for task in 0..20 {
            w.run_task(task).unwrap();
        }
    }

    #[test]
    fn a_partial_or_skipped_stream_fails_the_check() {
        let words: Vec<u64> = (0..1000u64).map(|i| i.wrapping_mul(FILL)).collect();
        assert!(check_sum(0, stream_sum(&words, 17), 1000).is_ok());
        assert!(check_sum(0, 0, 1000).is_err());
        assert!(check_sum(0, stream_sum(&words[..999], 17), 1000).is_err());
    }
}
