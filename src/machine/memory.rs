//! The memory limit that binds a pool started by plateau: the cgroup v2 `memory.max` or v1
//! `memory.limit_in_bytes` of plateau's own cgroup (the tightest on the way to the root), else
//! the available memory; and the cgroup's count of OOM kills, so a worker the kernel killed
//! for memory can be named as such.

use super::cgroup::{v1_path, v2_dir};
use crate::model::MemoryLimitKind;
use std::fs;
use std::path::{Path, PathBuf};

/// Limits at or above this are "no limit" (v1 writes 2^63 rounded down to a page).
const UNLIMITED: u64 = 1 << 60;

/// A memory limit and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoryLimit {
    /// Bytes a pool may use.
    pub bytes: u64,
    /// Which limit it is.
    pub binding: MemoryLimitKind,
}

/// The binding limit now: the cgroup's, unless the available memory is smaller.
pub fn detect() -> Option<MemoryLimit> {
    let own = fs::read_to_string("/proc/self/cgroup").unwrap_or_default();
    let available = fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| mem_available(&m));
    binding(cgroup_limit(&own, Path::new("/sys/fs/cgroup")), available)
}

/// The smaller of a cgroup limit and the available memory, and which one it is; pure.
pub fn binding(cgroup: Option<MemoryLimit>, available: Option<u64>) -> Option<MemoryLimit> {
    let avail = available.map(|bytes| MemoryLimit {
        bytes,
        binding: MemoryLimitKind::AvailableMemory,
    });
    match (cgroup, avail) {
        (Some(c), Some(a)) if a.bytes < c.bytes => Some(a),
        (Some(c), _) => Some(c),
        (None, a) => a,
    }
}

/// `MemAvailable` of /proc/meminfo, in bytes.
pub fn mem_available(meminfo: &str) -> Option<u64> {
    let kb = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemAvailable:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse::<u64>()
        .ok()?;
    Some(kb * 1024)
}

/// The tightest cgroup memory limit for a process with this `/proc/self/cgroup` text under
/// the cgroup mount `root`: v2 first (its mount is `root` itself, or `root/unified` on a
/// hybrid host), then the v1 memory controller at `root/memory`.
pub fn cgroup_limit(proc_cgroup: &str, root: &Path) -> Option<MemoryLimit> {
    let v2 = v2_mounts(root)
        .iter()
        .find_map(|mount| tightest(mount, v2_dir(proc_cgroup, mount)?, "memory.max"))
        .map(|bytes| MemoryLimit {
            bytes,
            binding: MemoryLimitKind::CgroupV2MemoryMax,
        });
    v2.or_else(|| {
        let mount = root.join("memory");
        let dir = mount.join(v1_path(proc_cgroup, "memory")?);
        tightest(&mount, dir, "memory.limit_in_bytes").map(|bytes| MemoryLimit {
            bytes,
            binding: MemoryLimitKind::CgroupV1MemoryLimit,
        })
    })
}

/// Where the cgroup v2 hierarchy may be mounted under the cgroup root `root`: the root itself,
/// or `unified/` on a hybrid host.
fn v2_mounts(root: &Path) -> [PathBuf; 2] {
    [root.to_path_buf(), root.join("unified")]
}

/// The smallest limit in file `name` from `dir` up to `mount` (a parent's limit binds its
/// children); "max" and huge values are no limit.
fn tightest(mount: &Path, mut dir: PathBuf, name: &str) -> Option<u64> {
    let mut best: Option<u64> = None;
    loop {
        if let Ok(text) = fs::read_to_string(dir.join(name)) {
            if let Ok(v) = text.trim().parse::<u64>() {
                if v < UNLIMITED && best.is_none_or(|b| v < b) {
                    best = Some(v);
                }
            }
        }
        if dir.as_path() == mount || !dir.pop() || !dir.starts_with(mount) {
            break;
        }
    }
    best
}

/// Share of the memory limit a pool is never sized into: page cache, kernel memory (pipes,
/// page tables) and growth between batches are charged to the cgroup too, but not to RSS.
pub const SAFETY_MARGIN: f64 = 0.10;

/// Bytes a pool and plateau may use under `limit`: the limit less the safety margin.
pub fn usable_bytes(limit: u64) -> u64 {
    (limit as f64 * (1.0 - SAFETY_MARGIN)) as u64
}

/// The most workers of `per_worker` bytes each that fit, beside plateau's `own` bytes, in
/// `usable` bytes; pure.
pub fn max_workers(usable: u64, own: u64, per_worker: u64) -> usize {
    if per_worker == 0 {
        return usize::MAX;
    }
    (usable.saturating_sub(own) / per_worker) as usize
}

/// Processes of plateau's own cgroup killed by an OOM killer so far, when the cgroup says.
pub fn oom_kill_count() -> Option<u64> {
    let own = fs::read_to_string("/proc/self/cgroup").ok()?;
    let root = Path::new("/sys/fs/cgroup");
    let v2 = v2_mounts(root).iter().find_map(|m| {
        let text = fs::read_to_string(v2_dir(&own, m)?.join("memory.events")).ok()?;
        counter(&text, "oom_kill")
    });
    v2.or_else(|| {
        let dir = root.join("memory").join(v1_path(&own, "memory")?);
        counter(
            &fs::read_to_string(dir.join("memory.oom_control")).ok()?,
            "oom_kill",
        )
    })
}

/// The value of `key N` in a cgroup key-value file.
fn counter(text: &str, key: &str) -> Option<u64> {
    text.lines().find_map(|l| {
        let (k, v) = l.split_once(' ')?;
        (k == key).then(|| v.trim().parse().ok()).flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v2_takes_the_tightest_ancestor_and_v1_the_memory_controller() {
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        fs::create_dir_all(r.join("unified/a/b")).unwrap();
        fs::write(r.join("unified/a/memory.max"), "1073741824\n").unwrap();
        fs::write(r.join("unified/a/b/memory.max"), "max\n").unwrap();
        let got = cgroup_limit("0::/a/b\n", r).unwrap();
        assert_eq!(got.bytes, 1 << 30);
        assert_eq!(got.binding, MemoryLimitKind::CgroupV2MemoryMax);
        fs::create_dir_all(r.join("memory/job")).unwrap();
        fs::write(
            r.join("memory/memory.limit_in_bytes"),
            "9223372036854771712\n",
        )
        .unwrap();
        fs::write(r.join("memory/job/memory.limit_in_bytes"), "536870912\n").unwrap();
        let got = cgroup_limit("4:memory:/job\n0::/\n", r).unwrap();
        assert_eq!(
            (got.bytes, got.binding),
            (512 << 20, MemoryLimitKind::CgroupV1MemoryLimit)
        );
        assert_eq!(cgroup_limit("4:memory:/\n", r), None, "unlimited");
    }

    #[test]
    fn the_smaller_limit_binds() {
        let c = MemoryLimit {
            bytes: 1 << 30,
            binding: MemoryLimitKind::CgroupV1MemoryLimit,
        };
        assert_eq!(binding(Some(c.clone()), Some(8 << 30)), Some(c.clone()));
        assert_eq!(
            binding(Some(c), Some(1 << 20)).unwrap().binding,
            MemoryLimitKind::AvailableMemory
        );
        assert_eq!(binding(None, None), None);
        assert_eq!(
            mem_available("MemTotal: 10 kB\nMemAvailable:    2048 kB\n"),
            Some(2 << 20)
        );
        assert_eq!(counter("oom 0\noom_kill 3\n", "oom_kill"), Some(3));
        // 1 GiB less 10%, 10 MiB of plateau, 290 MiB workers: 3 fit, not 4.
        let usable = usable_bytes(1 << 30);
        assert_eq!(max_workers(usable, 10 << 20, 290 << 20), 3);
        assert_eq!(max_workers(usable, 2 << 30, 1), 0);
        assert_eq!(max_workers(usable, 0, 0), usize::MAX);
    }
}
