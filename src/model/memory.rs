//! The memory part of the analysis in results.json: memory per worker against the memory
//! limit, and the largest pool that fits.

use super::MemoryLimitKind;
use super::named::named_enum;
use serde::{Deserialize, Serialize};

/// Memory per worker against the memory limit, and the largest pool that fits.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MemoryAnalysis {
    /// The machine's memory_limit_bytes.
    pub limit_bytes: u64,
    /// Which limit it is (the machine's memory_limit_binding).
    pub limit_binding: MemoryLimitKind,
    /// Share of the limit kept free for page cache, kernel memory and growth (0.10 = 10%).
    pub safety_margin: f64,
    /// The plateau process's own peak RSS, bytes.
    pub plateau_rss_bytes: u64,
    /// The largest per-worker peak RSS measured at each count (empty for threads).
    pub per_count: Vec<MemoryPoint>,
    /// The largest per-worker peak RSS of all counts, which the cap uses; null for threads.
    pub worker_peak_rss_bytes: Option<u64>,
    /// The most workers whose pool fits: plateau's RSS + W x worker_peak_rss_bytes within
    /// limit_bytes x (1 - safety_margin); null for threads.
    pub max_workers: Option<usize>,
    /// Worker counts skipped because their pool would not have fitted.
    pub skipped_workers: Vec<usize>,
    /// The recommendation by throughput alone, before the memory cap.
    pub throughput_recommended: usize,
    /// Which one sets recommended_workers.
    pub binds: MemoryBinds,
}

named_enum! {
    /// Which one sets the recommendation: memory or throughput. A name this build does not
    /// know reads as `Other` and is shown as written; it is not read as memory binding.
    pub enum MemoryBinds {
        /// The memory cap is below the recommendation by throughput.
        Memory => "memory",
        /// The recommendation by throughput fits in memory.
        Throughput => "throughput",
        /// Threads share one process: memory per worker is not measured per thread.
        NotMeasured => "not_measured",
    }
}

/// The memory of one worker count.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MemoryPoint {
    /// Workers.
    pub workers: usize,
    /// The largest peak RSS of one worker in any batch at this count, bytes.
    pub worker_peak_rss_bytes: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::named::assert_round_trips;

    #[test]
    fn binds_names_round_trip() {
        assert_round_trips(
            MemoryBinds::KNOWN,
            &["memory", "throughput", "not_measured"],
            MemoryBinds::Other,
        );
    }
}
