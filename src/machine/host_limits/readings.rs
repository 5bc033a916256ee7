//! What the OS says about the host's limits, for the check before the first batch: plateau's
//! open descriptors, RLIMIT_NOFILE and RLIMIT_NPROC (with this user's processes and threads,
//! unless the limit is not enforced), the tightest cgroup `pids.max` (v2 or v1); and the raise
//! of the soft open-files limit. The parsers are pure and tested on recorded file contents.

use super::{PidsLimit, ProcessLimit, Readings, Rlimit};
use crate::machine::cgroup::{v1_path, v2_dir};
use std::fs;
use std::path::{Path, PathBuf};

/// Capabilities that lift RLIMIT_NPROC (setrlimit(2)): CAP_SYS_ADMIN and CAP_SYS_RESOURCE.
const NPROC_EXEMPT_CAPS: [u32; 2] = [21, 24];

/// The limits now.
pub fn read() -> Readings {
    let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
    let own = fs::read_to_string("/proc/self/cgroup").unwrap_or_default();
    Readings {
        open_now: open_descriptors(),
        open_files: rlimit(libc::RLIMIT_NOFILE),
        processes: process_limit(&status),
        pids: pids_limit(&own, Path::new("/sys/fs/cgroup")),
    }
}

/// Raises the soft RLIMIT_NOFILE to `to` (the hard limit); the error is the OS's.
pub fn raise_open_files(to: u64) -> std::io::Result<()> {
    let hard = rlimit(libc::RLIMIT_NOFILE)
        .hard
        .unwrap_or(libc::RLIM_INFINITY);
    let lim = libc::rlimit {
        rlim_cur: to,
        rlim_max: hard,
    };
    // SAFETY: setrlimit reads the struct passed by reference and changes only this process.
    match unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) } {
        0 => Ok(()),
        _ => Err(std::io::Error::last_os_error()),
    }
}

/// Descriptors open in this process (the listing's own descriptor left out).
pub fn open_descriptors() -> u64 {
    fs::read_dir("/proc/self/fd")
        .map(|d| d.count().saturating_sub(1) as u64)
        .unwrap_or(0)
}

fn rlimit(resource: libc::__rlimit_resource_t) -> Rlimit {
    let mut lim = libc::rlimit {
        rlim_cur: libc::RLIM_INFINITY,
        rlim_max: libc::RLIM_INFINITY,
    };
    // SAFETY: getrlimit writes the struct passed by reference.
    unsafe { libc::getrlimit(resource, &mut lim) };
    let finite = |v: libc::rlim_t| (v != libc::RLIM_INFINITY).then_some(v);
    Rlimit {
        soft: finite(lim.rlim_cur),
        hard: finite(lim.rlim_max),
    }
}

/// RLIMIT_NPROC and this user's count, unless it is unlimited or not enforced for this
/// process (`status` is its /proc/self/status).
fn process_limit(status: &str) -> Option<ProcessLimit> {
    let limit = rlimit(libc::RLIMIT_NPROC).soft?;
    let (uid, caps) = (real_uid(status)?, effective_caps(status)?);
    if !nproc_enforced(uid, caps) {
        return None;
    }
    let in_use = crate::machine::procstat::process_dirs()
        .filter_map(|dir| fs::read_to_string(dir.join("status")).ok())
        .filter_map(|s| Some((real_uid(&s)?, threads(&s)?)))
        .filter(|&(u, _)| u == uid)
        .map(|(_, t)| t)
        .sum();
    Some(ProcessLimit { limit, in_use })
}

/// Whether RLIMIT_NPROC binds a process of real user `uid` with effective capabilities
/// `caps`: not for root, nor with CAP_SYS_ADMIN or CAP_SYS_RESOURCE (setrlimit(2)); pure.
pub fn nproc_enforced(uid: u32, caps: u64) -> bool {
    uid != 0 && NPROC_EXEMPT_CAPS.iter().all(|&c| caps & (1 << c) == 0)
}

fn status_field<'a>(status: &'a str, key: &str) -> Option<&'a str> {
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .map(str::trim)
}

/// The real user id of a /proc/PID/status text (the first of `Uid:`).
pub fn real_uid(status: &str) -> Option<u32> {
    status_field(status, "Uid:")?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// The thread count of a /proc/PID/status text (`Threads:`).
pub fn threads(status: &str) -> Option<u64> {
    status_field(status, "Threads:")?.parse().ok()
}

/// The effective capabilities of a /proc/PID/status text (`CapEff:`, hexadecimal).
pub fn effective_caps(status: &str) -> Option<u64> {
    u64::from_str_radix(status_field(status, "CapEff:")?, 16).ok()
}

/// The tightest `pids.max` above a process with this `/proc/self/cgroup` text under the cgroup
/// mount `root` (least room left, from its cgroup up to the hierarchy's root): cgroup v2 at
/// `root` or `root/unified`, else the v1 pids controller at `root/pids`.
pub fn pids_limit(proc_cgroup: &str, root: &Path) -> Option<PidsLimit> {
    let v2 = [root.to_path_buf(), root.join("unified")]
        .into_iter()
        .find_map(|mount| tightest_pids(&mount, v2_dir(proc_cgroup, &mount)?));
    v2.or_else(|| {
        let mount = root.join("pids");
        let dir = mount.join(v1_path(proc_cgroup, "pids")?);
        tightest_pids(&mount, dir)
    })
}

fn tightest_pids(mount: &Path, mut dir: PathBuf) -> Option<PidsLimit> {
    let mut best: Option<PidsLimit> = None;
    loop {
        let file = dir.join("pids.max");
        let max = fs::read_to_string(&file)
            .ok()
            .and_then(|t| t.trim().parse().ok());
        let current = fs::read_to_string(dir.join("pids.current"))
            .ok()
            .and_then(|t| t.trim().parse().ok());
        if let (Some(max), Some(current)) = (max, current) {
            let here = PidsLimit { max, current, file };
            if best.as_ref().is_none_or(|b| here.room() < b.room()) {
                best = Some(here);
            }
        }
        if dir.as_path() == mount || !dir.pop() || !dir.starts_with(mount) {
            break;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATUS: &str =
        "Name:\tplateau\nUid:\t1000\t1000\t1000\t1000\nThreads:\t3\nCapEff:\t0000000000000000\n";

    #[test]
    fn status_fields_are_read() {
        assert_eq!(real_uid(STATUS), Some(1000));
        assert_eq!(threads(STATUS), Some(3));
        assert_eq!(effective_caps(STATUS), Some(0));
        assert_eq!(
            effective_caps("CapEff:\t000001ffffffffff\n"),
            Some(0x1ff_ffff_ffff)
        );
        assert_eq!(real_uid("Name:\tx\n"), None);
    }

    #[test]
    fn nproc_binds_only_the_unprivileged() {
        assert!(nproc_enforced(1000, 0));
        assert!(!nproc_enforced(0, 0), "root");
        assert!(!nproc_enforced(1000, 1 << 24), "CAP_SYS_RESOURCE");
        assert!(!nproc_enforced(1000, 1 << 21), "CAP_SYS_ADMIN");
        assert!(
            nproc_enforced(1000, 1 << 12),
            "CAP_NET_ADMIN does not lift it"
        );
    }

    fn write(dir: &Path, max: &str, current: &str) {
        fs::create_dir_all(dir).unwrap();
        fs::write(dir.join("pids.max"), max).unwrap();
        fs::write(dir.join("pids.current"), current).unwrap();
    }

    #[test]
    fn the_v2_limit_with_least_room_binds() {
        let root = tempfile::tempdir().unwrap();
        write(&root.path().join("a"), "1000\n", "990\n");
        write(&root.path().join("a/b"), "500\n", "20\n");
        write(&root.path().join("a/b/c"), "max\n", "3\n");
        let p = pids_limit("0::/a/b/c\n", root.path()).unwrap();
        assert_eq!((p.max, p.current), (1000, 990), "the parent has 10 left");
        assert_eq!(p.file, root.path().join("a/pids.max"));
        assert_eq!(pids_limit("0::/a/b/c/d\n", &root.path().join("x")), None);
    }

    #[test]
    fn the_v1_pids_controller_is_read() {
        let root = tempfile::tempdir().unwrap();
        write(&root.path().join("pids/job"), "64\n", "5\n");
        let p = pids_limit("4:memory:/x\n8:pids:/job\n", root.path()).unwrap();
        assert_eq!((p.max, p.current), (64, 5));
        assert_eq!(
            pids_limit("8:pids:/\n", root.path()),
            None,
            "no limit at the root"
        );
    }

    #[test]
    fn this_process_reads_its_own_limits() {
        let r = read();
        assert!(r.open_now > 0, "the test's own descriptors: {r:?}");
        if let (Some(soft), Some(hard)) = (r.open_files.soft, r.open_files.hard) {
            assert!(soft <= hard, "{r:?}");
        }
    }
}
