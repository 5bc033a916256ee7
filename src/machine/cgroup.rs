//! The cgroup CPU quota: parsers for v2 `cpu.max` and v1 `cfs_quota_us`/`cfs_period_us`,
//! and the lookup of the quota that binds this process on Linux, with its period and the
//! folder that sets it (machine detection reads the quota, calibration its period,
//! `exec::throttle` that folder's `cpu.stat`). Also this process's place in either hierarchy,
//! which `memory` reads too.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A CPU limit as a cgroup file states it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CpuLimit {
    /// CPUs' worth of time per period, e.g. 1.5.
    pub cpus: f64,
    /// The period the quota is granted over (the kernel's default is 100 ms).
    pub period: Duration,
}

/// Parses cgroup v2 `cpu.max` ("QUOTA PERIOD", QUOTA may be "max", PERIOD 100000 when left
/// out). Returns the limit, `None` for no limit, or an error for malformed text.
pub fn parse_cpu_max(text: &str) -> Result<Option<CpuLimit>, String> {
    let mut parts = text.split_whitespace();
    let quota = parts.next().ok_or("cpu.max is empty")?;
    let period = parts.next().unwrap_or("100000");
    if quota == "max" {
        return Ok(None);
    }
    quota_ratio(quota, period)
}

/// Parses cgroup v1 `cpu.cfs_quota_us` and `cpu.cfs_period_us`; a quota of -1 is no limit.
pub fn parse_cfs(quota_us: &str, period_us: &str) -> Result<Option<CpuLimit>, String> {
    let q = quota_us.trim();
    if q == "-1" {
        return Ok(None);
    }
    quota_ratio(q, period_us.trim())
}

fn quota_ratio(quota: &str, period: &str) -> Result<Option<CpuLimit>, String> {
    let q: f64 = quota
        .parse()
        .map_err(|_| format!("quota {quota:?} is not a number"))?;
    let p: f64 = period
        .parse()
        .map_err(|_| format!("period {period:?} is not a number"))?;
    if q <= 0.0 || p <= 0.0 {
        return Err(format!("quota {quota} / period {period} is not positive"));
    }
    let period = Duration::try_from_secs_f64(p / 1e6)
        .map_err(|_| format!("period {period:?} is not a duration"))?;
    Ok(Some(CpuLimit {
        cpus: q / p,
        period,
    }))
}

/// A CPU quota and the cgroup folder that sets it.
#[derive(Debug, Clone, PartialEq)]
pub struct Quota {
    /// The limit: CPUs per period, and the period.
    pub limit: CpuLimit,
    /// The cgroup folder whose limit this is; its `cpu.stat` counts the throttling.
    pub dir: PathBuf,
}

/// The tightest CPU quota that applies to this process, in CPUs, or `None`.
pub fn detect_quota() -> Option<f64> {
    binding_quota().map(|q| q.limit.cpus)
}

/// The tightest CPU quota that applies to this process, with its folder, or `None`.
pub fn binding_quota() -> Option<Quota> {
    let own = fs::read_to_string("/proc/self/cgroup").ok()?;
    binding_quota_in(&own, Path::new("/sys/fs/cgroup"))
}

/// The tightest quota for a process with this `/proc/self/cgroup` text under the cgroup
/// mount `root`. Walks the cgroup v2 hierarchy from the process's cgroup to the root (a
/// parent's limit binds its children), then falls back to cgroup v1.
pub fn binding_quota_in(proc_cgroup: &str, root: &Path) -> Option<Quota> {
    v2_quota(proc_cgroup, root).or_else(|| v1_quota(proc_cgroup, root))
}

/// The folder of a process with this `/proc/self/cgroup` text in the cgroup v2 hierarchy
/// mounted at `mount` (its `0::` line); `None` when the process is in no v2 cgroup.
pub fn v2_dir(proc_cgroup: &str, mount: &Path) -> Option<PathBuf> {
    let rel = proc_cgroup.lines().find_map(|l| l.strip_prefix("0::"))?;
    Some(mount.join(rel.trim_start_matches('/')))
}

/// The path of a process with this `/proc/self/cgroup` text in the cgroup v1 hierarchy of
/// `controller` ("cpu", "memory"), relative to that hierarchy's mount.
pub fn v1_path<'a>(proc_cgroup: &'a str, controller: &str) -> Option<&'a str> {
    proc_cgroup.lines().find_map(|l| {
        let mut f = l.splitn(3, ':');
        let (_id, ctrls, path) = (f.next()?, f.next()?, f.next()?);
        ctrls
            .split(',')
            .any(|c| c == controller)
            .then(|| path.trim_start_matches('/'))
    })
}

fn v2_quota(proc_cgroup: &str, root: &Path) -> Option<Quota> {
    let mut dir = v2_dir(proc_cgroup, root)?;
    let mut best: Option<Quota> = None;
    loop {
        if let Ok(text) = fs::read_to_string(dir.join("cpu.max")) {
            if let Ok(Some(limit)) = parse_cpu_max(&text) {
                // Strictly tighter only: of equal limits the deepest folder is kept.
                if best.as_ref().is_none_or(|b| limit.cpus < b.limit.cpus) {
                    best = Some(Quota {
                        limit,
                        dir: dir.clone(),
                    });
                }
            }
        }
        if dir == root || !dir.pop() || !dir.starts_with(root) {
            break;
        }
    }
    best
}

fn v1_quota(proc_cgroup: &str, root: &Path) -> Option<Quota> {
    let rel = v1_path(proc_cgroup, "cpu")?;
    for mount in ["cpu,cpuacct", "cpu", "cpuacct,cpu"] {
        let base = root.join(mount);
        for dir in [base.join(rel), base.clone()] {
            let q = fs::read_to_string(dir.join("cpu.cfs_quota_us"));
            let p = fs::read_to_string(dir.join("cpu.cfs_period_us"));
            if let (Ok(q), Ok(p)) = (q, p) {
                let limit = parse_cfs(&q, &p).ok().flatten()?;
                return Some(Quota { limit, dir });
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cpus(r: Result<Option<CpuLimit>, String>) -> Result<Option<f64>, String> {
        r.map(|l| l.map(|l| l.cpus))
    }

    #[test]
    fn cpu_max_fixtures() {
        assert_eq!(parse_cpu_max("max 100000\n"), Ok(None));
        assert_eq!(cpus(parse_cpu_max("150000 100000\n")), Ok(Some(1.5)));
        assert_eq!(cpus(parse_cpu_max("200000 100000")), Ok(Some(2.0)));
        assert_eq!(
            parse_cpu_max("50000 250000").map(|l| l.map(|l| l.period)),
            Ok(Some(Duration::from_millis(250)))
        );
        assert_eq!(
            parse_cpu_max("50000").map(|l| l.map(|l| l.period)),
            Ok(Some(Duration::from_millis(100))),
            "the kernel's default period"
        );
        assert!(parse_cpu_max("").is_err());
        assert!(parse_cpu_max("abc 100000").is_err());
        assert!(parse_cpu_max("0 100000").is_err());
    }

    #[test]
    fn cfs_fixtures() {
        assert_eq!(parse_cfs("-1\n", "100000\n"), Ok(None));
        assert_eq!(cpus(parse_cfs("50000", "100000")), Ok(Some(0.5)));
        assert_eq!(cpus(parse_cfs("400000\n", "100000\n")), Ok(Some(4.0)));
        assert_eq!(
            parse_cfs("20000\n", "10000\n").map(|l| l.map(|l| l.period)),
            Ok(Some(Duration::from_millis(10)))
        );
        assert!(parse_cfs("x", "100000").is_err());
        assert!(parse_cfs("1000", "inf").is_err());
        assert!(
            parse_cfs("1000", "1e300").is_err(),
            "a period too long is malformed"
        );
    }

    #[test]
    fn v2_walks_to_the_tightest_ancestor() {
        let root = tempfile::tempdir().unwrap();
        let child = root.path().join("a/b");
        fs::create_dir_all(&child).unwrap();
        fs::write(root.path().join("a/cpu.max"), "150000 100000\n").unwrap();
        fs::write(child.join("cpu.max"), "max 100000\n").unwrap();
        assert_eq!(
            v2_quota("0::/a/b\n", root.path()).map(|q| q.limit.cpus),
            Some(1.5)
        );
        assert_eq!(v2_quota("1:cpu:/\n", root.path()), None);
        assert_eq!(
            v2_dir("1:cpu:/x\n0::/a/b\n", Path::new("/m")),
            Some(PathBuf::from("/m/a/b"))
        );
        assert_eq!(v2_dir("0::/\n", Path::new("/m")), Some(PathBuf::from("/m")));
    }

    #[test]
    fn v1_reads_the_cpu_controller() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("cpu,cpuacct/job");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("cpu.cfs_quota_us"), "300000\n").unwrap();
        fs::write(dir.join("cpu.cfs_period_us"), "100000\n").unwrap();
        assert_eq!(
            v1_quota("4:memory:/x\n2:cpu,cpuacct:/job\n", root.path()).map(|q| q.limit),
            Some(CpuLimit {
                cpus: 3.0,
                period: Duration::from_millis(100)
            })
        );
        assert_eq!(
            v1_path("4:memory:/x\n2:cpu,cpuacct:/job\n", "memory"),
            Some("x")
        );
        assert_eq!(
            v1_path("2:cpuacct:/job\n", "cpu"),
            None,
            "by name, not by prefix"
        );
    }
}
