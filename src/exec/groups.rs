//! A task is its whole process group. This module keeps the groups of running tasks (so a
//! second Ctrl-C can kill them all before plateau exits), ends what a task leaves behind in its
//! group when its main process exits (counting it), and makes plateau the subreaper of its
//! commands' orphans, so every leftover it kills is also reaped and no zombie stays.
//!
//! Parent-death protection without `PR_SET_PDEATHSIG` (which needs a `pre_exec` hook, ruling
//! out the fast `posix_spawn` path, and is tied to the spawning thread): Ctrl-C, SIGTERM and
//! SIGHUP stop the batch (the watchdog kills every group) or, the second time, `kill_all` runs
//! before exit; and when plateau dies any other way (SIGKILL, the OOM killer), the `guard`
//! process, told of every group here, kills those still running.

use std::sync::Mutex;

/// Groups of running tasks, and whether plateau is closing (new groups are killed at once).
static LIVE: Mutex<(Vec<i32>, bool)> = Mutex::new((Vec::new(), false));

fn live() -> std::sync::MutexGuard<'static, (Vec<i32>, bool)> {
    LIVE.lock().unwrap_or_else(|p| p.into_inner())
}

/// Task group `pgid` (its leader's pid) has started. Killed at once if plateau is closing.
pub fn register(pgid: i32) {
    let mut l = live();
    if l.1 {
        super::child::kill_group(pgid);
    }
    l.0.push(pgid);
    super::guard::tell('+', pgid);
}

/// Task group `pgid` has been ended and reaped.
pub fn unregister(pgid: i32) {
    let mut l = live();
    if let Some(i) = l.0.iter().position(|&g| g == pgid) {
        l.0.swap_remove(i);
    }
    super::guard::tell('-', pgid);
}

/// Kills every running task's group, and any started from now on: for an exit that cannot
/// wait for the batch (a second Ctrl-C).
pub fn kill_all() {
    let mut l = live();
    l.1 = true;
    for &g in &l.0 {
        super::child::kill_group(g);
    }
}

/// Makes this process the reaper of its descendants' orphans (Linux), so a task's leftovers
/// become plateau's children: they can be reaped after they are killed, and none is left a
/// zombie under an init that does not reap. Best effort elsewhere.
pub fn become_subreaper() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with these arguments only sets a flag of this process.
    unsafe {
        libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1);
    }
}

/// After the leader of group `pgid` was reaped: kills whatever is left in the group, reaps
/// those that are plateau's children, and returns how many processes were left (0 when the
/// group is empty: one `kill(-pgid, 0)` on the common path).
pub fn end_leftovers(pgid: i32) -> u64 {
    if !group_exists(pgid) {
        return 0;
    }
    let left = count_members(pgid).max(1);
    // Kill and reap until the group is gone: a grandchild may be reparented to us only as its
    // parent dies, so reaping goes round until nothing is left (bounded, in case a member is
    // not ours to reap).
    for _ in 0..500 {
        super::child::kill_group(pgid);
        reap_group(pgid);
        if !group_exists(pgid) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    left
}

fn group_exists(pgid: i32) -> bool {
    // SAFETY: signal 0 only checks that the group has a member.
    let rc = unsafe { libc::kill(-pgid, 0) };
    rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Reaps the group's members that are our children and have ended.
fn reap_group(pgid: i32) {
    loop {
        let mut status = 0;
        // SAFETY: waitpid on a process group of our own children.
        let rc = unsafe { libc::waitpid(-pgid, &mut status, libc::WNOHANG) };
        if rc <= 0 {
            return;
        }
    }
}

/// Processes whose process group is `pgid`, from /proc (only read when some are left).
fn count_members(pgid: i32) -> u64 {
    processes()
        .filter_map(|dir| std::fs::read_to_string(dir.join("stat")).ok())
        .filter(|stat| super::proc_stat::group(stat) == Some(pgid))
        .count() as u64
}

/// The /proc folder of every process on the machine (empty when /proc cannot be read).
pub(crate) fn processes() -> impl Iterator<Item = std::path::PathBuf> {
    crate::machine::procstat::process_dirs()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::CommandExt;

    #[test]
    fn leftovers_are_counted_killed_and_reaped() {
        become_subreaper();
        let mut child = std::process::Command::new("sh")
            .args(["-c", "sleep 30 & sleep 30 & exit 0"])
            .process_group(0)
            .spawn()
            .unwrap();
        let pid = child.id() as i32;
        child.wait().unwrap();
        assert_eq!(end_leftovers(pid), 2);
        assert!(!group_exists(pid), "the group is gone, zombies included");
        assert_eq!(end_leftovers(pid), 0);
    }
}
