//! The cgroup CPU quota: parsers for v2 `cpu.max` and v1 `cfs_quota_us`/`cfs_period_us`,
//! and the lookup of the quota that binds this process on Linux, with the folder that sets it
//! (machine detection reads the quota, `exec::throttle` that folder's `cpu.stat`).

use std::fs;
use std::path::{Path, PathBuf};

/// Parses cgroup v2 `cpu.max` ("QUOTA PERIOD", QUOTA may be "max").
/// Returns the quota in CPUs, `None` for no limit, or an error for malformed text.
pub fn parse_cpu_max(text: &str) -> Result<Option<f64>, String> {
    let mut parts = text.split_whitespace();
    let quota = parts.next().ok_or("cpu.max is empty")?;
    let period = parts.next().unwrap_or("100000");
    if quota == "max" {
        return Ok(None);
    }
    quota_ratio(quota, period)
}

/// Parses cgroup v1 `cpu.cfs_quota_us` and `cpu.cfs_period_us`; a quota of -1 is no limit.
pub fn parse_cfs(quota_us: &str, period_us: &str) -> Result<Option<f64>, String> {
    let q = quota_us.trim();
    if q == "-1" {
        return Ok(None);
    }
    quota_ratio(q, period_us.trim())
}

fn quota_ratio(quota: &str, period: &str) -> Result<Option<f64>, String> {
    let q: f64 = quota
        .parse()
        .map_err(|_| format!("quota {quota:?} is not a number"))?;
    let p: f64 = period
        .parse()
        .map_err(|_| format!("period {period:?} is not a number"))?;
    if q <= 0.0 || p <= 0.0 {
        return Err(format!("quota {quota} / period {period} is not positive"));
    }
    Ok(Some(q / p))
}

/// A CPU quota and the cgroup folder that sets it.
#[derive(Debug, Clone, PartialEq)]
pub struct Quota {
    /// CPUs' worth of time per period, e.g. 1.5.
    pub cpus: f64,
    /// The cgroup folder whose limit this is; its `cpu.stat` counts the throttling.
    pub dir: PathBuf,
}

/// The tightest CPU quota that applies to this process, in CPUs, or `None`.
pub fn detect_quota() -> Option<f64> {
    binding_quota().map(|q| q.cpus)
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

fn v2_quota(proc_cgroup: &str, root: &Path) -> Option<Quota> {
    let rel = proc_cgroup.lines().find_map(|l| l.strip_prefix("0::"))?;
    let mut dir: PathBuf = root.join(rel.trim_start_matches('/'));
    let mut best: Option<Quota> = None;
    loop {
        if let Ok(text) = fs::read_to_string(dir.join("cpu.max")) {
            if let Ok(Some(cpus)) = parse_cpu_max(&text) {
                // Strictly tighter only: of equal limits the deepest folder is kept.
                if best.as_ref().is_none_or(|b| cpus < b.cpus) {
                    best = Some(Quota {
                        cpus,
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
    let rel = proc_cgroup.lines().find_map(|l| {
        let mut f = l.splitn(3, ':');
        let _id = f.next()?;
        let ctrls = f.next()?;
        let path = f.next()?;
        ctrls.split(',').any(|c| c == "cpu").then_some(path)
    })?;
    for mount in ["cpu,cpuacct", "cpu", "cpuacct,cpu"] {
        let base = root.join(mount);
        for dir in [base.join(rel.trim_start_matches('/')), base.clone()] {
            let q = fs::read_to_string(dir.join("cpu.cfs_quota_us"));
            let p = fs::read_to_string(dir.join("cpu.cfs_period_us"));
            if let (Ok(q), Ok(p)) = (q, p) {
                let cpus = parse_cfs(&q, &p).ok().flatten()?;
                return Some(Quota { cpus, dir });
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_max_fixtures() {
        assert_eq!(parse_cpu_max("max 100000\n"), Ok(None));
        assert_eq!(parse_cpu_max("150000 100000\n"), Ok(Some(1.5)));
        assert_eq!(parse_cpu_max("200000 100000"), Ok(Some(2.0)));
        assert!(parse_cpu_max("").is_err());
        assert!(parse_cpu_max("abc 100000").is_err());
        assert!(parse_cpu_max("0 100000").is_err());
    }

    #[test]
    fn cfs_fixtures() {
        assert_eq!(parse_cfs("-1\n", "100000\n"), Ok(None));
        assert_eq!(parse_cfs("50000", "100000"), Ok(Some(0.5)));
        assert_eq!(parse_cfs("400000\n", "100000\n"), Ok(Some(4.0)));
        assert!(parse_cfs("x", "100000").is_err());
    }

    #[test]
    fn v2_walks_to_the_tightest_ancestor() {
        let root = tempfile::tempdir().unwrap();
        let child = root.path().join("a/b");
        fs::create_dir_all(&child).unwrap();
        fs::write(root.path().join("a/cpu.max"), "150000 100000\n").unwrap();
        fs::write(child.join("cpu.max"), "max 100000\n").unwrap();
        assert_eq!(
            v2_quota("0::/a/b\n", root.path()).map(|q| q.cpus),
            Some(1.5)
        );
        assert_eq!(v2_quota("1:cpu:/\n", root.path()), None);
    }

    #[test]
    fn v1_reads_the_cpu_controller() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("cpu,cpuacct/job");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("cpu.cfs_quota_us"), "300000\n").unwrap();
        fs::write(dir.join("cpu.cfs_period_us"), "100000\n").unwrap();
        assert_eq!(
            v1_quota("4:memory:/x\n2:cpu,cpuacct:/job\n", root.path()).map(|q| q.cpus),
            Some(3.0)
        );
    }
}
