//! CPU throttling under a cgroup quota: `cpu.stat` of the cgroup whose quota binds (v2
//! `nr_throttled`/`throttled_usec`, v1 `nr_throttled`/`throttled_time` in ns), read before and
//! after a batch. Without a quota there is nothing to read and the sample fields stay absent.

use crate::machine::cgroup::{Quota, binding_quota};
use crate::model::Sample;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// One reading of the throttling counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CpuStat {
    /// Quota periods in which the cgroup was throttled.
    pub nr_throttled: u64,
    /// Time the cgroup's tasks spent throttled, microseconds.
    pub throttled_usec: u64,
}

/// Parses `cpu.stat` text of cgroup v2 (`throttled_usec`) or v1 (`throttled_time`, ns).
/// `None` when the text holds no throttling counters.
pub fn parse_cpu_stat(text: &str) -> Option<CpuStat> {
    let mut nr = None;
    let mut usec = None;
    for line in text.lines() {
        let mut kv = line.split_whitespace();
        let (Some(k), Some(v)) = (kv.next(), kv.next()) else {
            continue;
        };
        let Ok(v) = v.parse::<u64>() else { continue };
        match k {
            "nr_throttled" => nr = Some(v),
            "throttled_usec" => usec = Some(v),
            "throttled_time" => usec = usec.or(Some(v / 1000)),
            _ => {}
        }
    }
    Some(CpuStat {
        nr_throttled: nr?,
        throttled_usec: usec.unwrap_or(0),
    })
}

/// Where the throttling under `quota` is counted: the `cpu.stat` of the folder that sets it,
/// so the quota machine detection reports is the one whose throttling a sample records.
fn stat_of(quota: Quota) -> PathBuf {
    quota.dir.join("cpu.stat")
}

/// Kept once found; looked for again while none is found, since a `--sizes` run sets a quota
/// on its cgroup only for its fractional sizes (after whole sizes may have run).
fn stat_path() -> Option<&'static Path> {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    if let Some(p) = PATH.get() {
        return Some(p);
    }
    let found = binding_quota().map(stat_of)?;
    Some(PATH.get_or_init(|| found))
}

/// The throttling counters now, or `None` when no quota applies.
pub fn read() -> Option<CpuStat> {
    parse_cpu_stat(&std::fs::read_to_string(stat_path()?).ok()?)
}

/// Fills a sample's throttling fields from readings before and after its batch.
pub fn fill_delta(sample: &mut Sample, before: Option<CpuStat>, after: Option<CpuStat>) {
    if let (Some(b), Some(a)) = (before, after) {
        sample.throttled_periods = Some(a.nr_throttled.saturating_sub(b.nr_throttled));
        sample.throttled_s = Some(a.throttled_usec.saturating_sub(b.throttled_usec) as f64 / 1e6);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_stat_fixtures() {
        let v2 = "usage_usec 8000\nuser_usec 6000\nsystem_usec 2000\nnr_periods 40\nnr_throttled 12\nthrottled_usec 350000\n";
        assert_eq!(
            parse_cpu_stat(v2),
            Some(CpuStat {
                nr_throttled: 12,
                throttled_usec: 350_000
            })
        );
        let v1 = "nr_periods 10\nnr_throttled 3\nthrottled_time 2500000000\nnr_bursts 0\n";
        assert_eq!(
            parse_cpu_stat(v1),
            Some(CpuStat {
                nr_throttled: 3,
                throttled_usec: 2_500_000
            })
        );
        assert_eq!(parse_cpu_stat("usage_usec 5\n"), None);
        assert_eq!(parse_cpu_stat(""), None);
    }

    #[test]
    fn deltas_fill_only_with_both_readings() {
        let mut s = Sample::default();
        fill_delta(&mut s, None, Some(CpuStat::default()));
        assert_eq!(s.throttled_periods, None);
        let b = CpuStat {
            nr_throttled: 2,
            throttled_usec: 1000,
        };
        let a = CpuStat {
            nr_throttled: 5,
            throttled_usec: 501_000,
        };
        fill_delta(&mut s, Some(b), Some(a));
        assert_eq!(s.throttled_periods, Some(3));
        assert_eq!(s.throttled_s, Some(0.5));
    }

    fn locate(proc_cgroup: &str, root: &Path) -> Option<PathBuf> {
        crate::machine::cgroup::binding_quota_in(proc_cgroup, root).map(stat_of)
    }

    #[test]
    fn the_quota_cgroup_is_found_in_v2_and_v1() {
        let root = tempfile::tempdir().unwrap();
        let child = root.path().join("a/b");
        std::fs::create_dir_all(&child).unwrap();
        std::fs::write(root.path().join("a/cpu.max"), "150000 100000\n").unwrap();
        std::fs::write(child.join("cpu.max"), "max 100000\n").unwrap();
        assert_eq!(
            locate("0::/a/b\n", root.path()),
            Some(root.path().join("a/cpu.stat"))
        );
        let v1 = root.path().join("cpu,cpuacct/job");
        std::fs::create_dir_all(&v1).unwrap();
        std::fs::write(v1.join("cpu.cfs_quota_us"), "-1\n").unwrap();
        std::fs::write(v1.join("cpu.cfs_period_us"), "100000\n").unwrap();
        assert_eq!(locate("2:cpu,cpuacct:/job\n", root.path()), None);
        std::fs::write(v1.join("cpu.cfs_quota_us"), "50000\n").unwrap();
        assert_eq!(
            locate("2:cpu,cpuacct:/job\n", root.path()),
            Some(v1.join("cpu.stat"))
        );
    }
}
