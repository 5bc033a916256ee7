//! The cgroup a `--sizes` run measures in: one group per plateau process, named after its pid
//! (`plateau-size-PID`), made under plateau's own cgroup (v2: one folder with `cpuset.cpus`,
//! `cpu.max` and `memory.max`; v1: one folder in each of the cpuset, cpu and memory
//! hierarchies that the run needs). Plateau moves itself in (its children follow), rewrites the
//! limits to each size's before its batches, and at the end moves back and removes the group;
//! the next run removes groups whose process is gone (after a `kill -9`).

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The prefix of every group plateau makes; the pid follows.
pub const PREFIX: &str = "plateau-size-";

/// The kernel's default CFS period, used for every quota plateau sets.
const PERIOD_US: u64 = 100_000;

/// Which cgroup interface a group uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// The unified hierarchy.
    V2,
    /// The v1 cpuset, cpu and memory controllers.
    V1,
}

/// What a group must be able to limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Needs {
    /// A CPU quota (a fractional size).
    pub quota: bool,
    /// A memory limit (`--memory-per-vcpu`).
    pub memory: bool,
}

/// The limits of one size, as the group applies them.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// The host CPUs of the cpuset.
    pub cpus: Vec<usize>,
    /// CPUs' worth of time per period, for a fractional size.
    pub quota: Option<f64>,
    /// Bytes of memory, with `--memory-per-vcpu`.
    pub memory: Option<u64>,
}

/// One hierarchy's folder of the group, and the folder plateau came from.
#[derive(Debug, Clone, PartialEq)]
struct Folder {
    /// What this folder controls.
    role: Role,
    /// The group's folder.
    path: PathBuf,
    /// plateau's own cgroup in that hierarchy, where it returns.
    home: PathBuf,
}

/// What a folder of the group controls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A v2 folder: cpuset, cpu and memory at once.
    Unified,
    /// v1 cpuset.
    Cpuset,
    /// v1 cpu (CFS quota).
    Cpu,
    /// v1 memory.
    Memory,
}

/// The cgroup plateau measures in; dropped, it moves plateau back and removes itself.
#[derive(Debug)]
pub struct SizeGroup {
    version: Version,
    folders: Vec<Folder>,
}

/// Folders made by this process, so that a second Ctrl-C can still remove them.
static MADE: Mutex<Vec<Folder>> = Mutex::new(Vec::new());

/// Where the cgroup hierarchies are: the v2 mount and the v1 mount of each controller.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Mounts {
    /// The cgroup2 mount point, if any.
    pub v2: Option<PathBuf>,
    /// v1 mount points with their controllers.
    pub v1: Vec<(PathBuf, Vec<String>)>,
}

impl Mounts {
    /// The mounts in `/proc/self/mounts`.
    pub fn read() -> Mounts {
        Mounts::parse(&fs::read_to_string("/proc/self/mounts").unwrap_or_default())
    }

    /// The mounts in text laid out like `/proc/self/mounts`.
    pub fn parse(text: &str) -> Mounts {
        let mut m = Mounts::default();
        for line in text.lines() {
            let f: Vec<&str> = line.split_whitespace().collect();
            let [_, point, kind, opts, ..] = f[..] else {
                continue;
            };
            match kind {
                "cgroup2" if m.v2.is_none() => m.v2 = Some(PathBuf::from(point)),
                "cgroup" => m.v1.push((
                    PathBuf::from(point),
                    opts.split(',').map(str::to_string).collect(),
                )),
                _ => {}
            }
        }
        m
    }

    /// The v1 mount of `controller`.
    fn v1_mount(&self, controller: &str) -> Option<&Path> {
        self.v1
            .iter()
            .find(|(_, opts)| opts.iter().any(|o| o == controller))
            .map(|(p, _)| p.as_path())
    }
}

/// plateau's own cgroup in a hierarchy: its path from `/proc/self/cgroup` under the mount,
/// or the mount itself when that path is not there (a container's view of the host's path).
fn own_folder(mount: &Path, rel: &str) -> PathBuf {
    let dir = mount.join(rel.trim_start_matches('/'));
    if dir.is_dir() {
        dir
    } else {
        mount.to_path_buf()
    }
}

/// plateau's own v2 cgroup under `mount`, or the mount when that path is not there.
fn v2_home(own: &str, mount: &Path) -> Option<PathBuf> {
    let dir = crate::machine::cgroup::v2_dir(own, mount)?;
    Some(if dir.is_dir() {
        dir
    } else {
        mount.to_path_buf()
    })
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|e| format!("writing {text:?} to {} failed: {e}", path.display()))
}

impl SizeGroup {
    /// Makes the group under plateau's own cgroup, v2 where its controllers are available,
    /// else v1, and moves plateau into it; or says why it cannot.
    pub fn create(needs: Needs) -> Result<SizeGroup, String> {
        if let Some(why) = super::test_hook::cgroup_refused() {
            return Err(why);
        }
        let own = fs::read_to_string("/proc/self/cgroup")
            .map_err(|e| format!("/proc/self/cgroup cannot be read ({e})"))?;
        let mounts = Mounts::read();
        let name = format!("{PREFIX}{}", std::process::id());
        remove_stale(&own, &mounts);
        let v2 = v2_plan(&own, &mounts, needs, &name);
        let folders = match v2 {
            Ok(f) => Ok((Version::V2, f)),
            Err(v2_why) => v1_plan(&own, &mounts, needs, &name)
                .map(|f| (Version::V1, f))
                .map_err(|v1_why| format!("{v1_why} ({v2_why})")),
        }?;
        let (version, folders) = folders;
        let group = SizeGroup {
            version,
            folders: Vec::new(),
        };
        group.make(folders)
    }

    /// Makes each folder, seeds what the kernel needs before a process may join (v1 cpuset's
    /// cpus and mems), and moves plateau in.
    fn make(mut self, folders: Vec<Folder>) -> Result<SizeGroup, String> {
        for f in folders {
            fs::create_dir(&f.path)
                .map_err(|e| format!("cannot make the cgroup {} ({e})", f.path.display()))?;
            MADE.lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(f.clone());
            self.folders.push(f.clone());
            if f.role == Role::Cpuset {
                for file in ["cpuset.cpus", "cpuset.mems"] {
                    let text = fs::read_to_string(f.home.join(file)).unwrap_or_default();
                    write(&f.path.join(file), text.trim())?;
                }
            }
        }
        let pid = std::process::id().to_string();
        for f in &self.folders {
            write(&f.path.join("cgroup.procs"), &pid)?;
        }
        Ok(self)
    }

    /// Which interface the group uses.
    pub fn version(&self) -> Version {
        self.version
    }

    /// Rewrites the group's limits to `limits` (plateau and every child it starts follow).
    pub fn apply(&self, limits: &Limits) -> Result<(), String> {
        let cpus = crate::sizes::cpu_list(&limits.cpus);
        for f in &self.folders {
            match f.role {
                Role::Unified => {
                    write(&f.path.join("cpuset.cpus"), &cpus)?;
                    write(&f.path.join("cpu.max"), &v2_cpu_max(limits.quota))?;
                    if let Some(bytes) = limits.memory {
                        write(&f.path.join("memory.max"), &bytes.to_string())?;
                    }
                }
                Role::Cpuset => write(&f.path.join("cpuset.cpus"), &cpus)?,
                Role::Cpu => {
                    write(&f.path.join("cpu.cfs_period_us"), &PERIOD_US.to_string())?;
                    write(&f.path.join("cpu.cfs_quota_us"), &v1_quota_us(limits.quota))?;
                }
                Role::Memory => {
                    if let Some(bytes) = limits.memory {
                        write(&f.path.join("memory.limit_in_bytes"), &bytes.to_string())?;
                    }
                }
            }
        }
        Ok(())
    }
}

impl Drop for SizeGroup {
    fn drop(&mut self) {
        let folders = std::mem::take(&mut self.folders);
        if let Some(left) = leave_and_remove(&folders) {
            eprintln!("warning: {left}");
        }
        MADE.lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|f| !folders.contains(f));
    }
}

/// Moves plateau back into its own cgroups and removes the group's folders (retrying while
/// the last children leave); a sentence naming what could not be removed.
fn leave_and_remove(folders: &[Folder]) -> Option<String> {
    let pid = std::process::id().to_string();
    for f in folders {
        let _ = fs::write(f.home.join("cgroup.procs"), &pid);
    }
    let mut left = Vec::new();
    for f in folders {
        if !remove_dir_patiently(&f.path) {
            left.push(f.path.display().to_string());
        }
    }
    (!left.is_empty()).then(|| {
        format!(
            "could not remove the cgroup {} (processes still in it); the next plateau run removes it",
            left.join(", ")
        )
    })
}

/// `rmdir`, retried for up to a second while processes leave; true once it is gone.
fn remove_dir_patiently(path: &Path) -> bool {
    for _ in 0..20 {
        match fs::remove_dir(path) {
            Ok(()) => return true,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return true,
            Err(_) => std::thread::sleep(std::time::Duration::from_millis(50)),
        }
    }
    false
}

/// Removes every group this process made: for a second Ctrl-C, just before plateau exits.
pub fn remove_all_now() {
    let folders = std::mem::take(&mut *MADE.lock().unwrap_or_else(|p| p.into_inner()));
    let _ = leave_and_remove(&folders);
}

/// `cpu.max` for a quota (or none).
fn v2_cpu_max(quota: Option<f64>) -> String {
    match quota {
        Some(q) => format!("{} {PERIOD_US}", quota_us(q)),
        None => format!("max {PERIOD_US}"),
    }
}

/// `cpu.cfs_quota_us` for a quota (or none).
fn v1_quota_us(quota: Option<f64>) -> String {
    match quota {
        Some(q) => quota_us(q).to_string(),
        None => "-1".to_string(),
    }
}

/// Microseconds per period of a quota of `cpus` CPUs (at least the kernel's 1 ms).
fn quota_us(cpus: f64) -> u64 {
    ((cpus * PERIOD_US as f64).round() as u64).max(1000)
}

/// The v2 group's folder, when plateau's v2 cgroup offers the controllers it needs and lets a
/// child have them.
fn v2_plan(own: &str, mounts: &Mounts, needs: Needs, name: &str) -> Result<Vec<Folder>, String> {
    let mount = mounts
        .v2
        .as_ref()
        .ok_or("no cgroup v2 hierarchy is mounted")?;
    let home = v2_home(own, mount).ok_or("plateau is in no cgroup v2 group")?;
    let offered = fs::read_to_string(home.join("cgroup.controllers")).unwrap_or_default();
    let mut wanted = vec!["cpuset", "cpu"];
    if needs.memory {
        wanted.push("memory");
    }
    let missing: Vec<&str> = wanted
        .iter()
        .copied()
        .filter(|c| !offered.split_whitespace().any(|o| o == *c))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "cgroup v2 at {} does not offer the {} controller",
            home.display(),
            missing.join(" and ")
        ));
    }
    let enable: Vec<String> = wanted.iter().map(|c| format!("+{c}")).collect();
    write(&home.join("cgroup.subtree_control"), &enable.join(" ")).map_err(|e| {
        format!(
            "cgroup v2 will not give a child of {} its controllers: {e}",
            home.display()
        )
    })?;
    Ok(vec![Folder {
        role: Role::Unified,
        path: home.join(name),
        home,
    }])
}

/// The v1 group's folders: cpuset always, cpu for a quota, memory for a memory limit.
fn v1_plan(own: &str, mounts: &Mounts, needs: Needs, name: &str) -> Result<Vec<Folder>, String> {
    let mut roles = vec![(Role::Cpuset, "cpuset")];
    if needs.quota {
        roles.push((Role::Cpu, "cpu"));
    }
    if needs.memory {
        roles.push((Role::Memory, "memory"));
    }
    let mut folders = Vec::new();
    for (role, controller) in roles {
        let mount = mounts
            .v1_mount(controller)
            .ok_or_else(|| format!("no cgroup v1 {controller} controller is mounted"))?;
        let rel = crate::machine::cgroup::v1_path(own, controller).unwrap_or("");
        let home = own_folder(mount, rel);
        folders.push(Folder {
            role,
            path: home.join(name),
            home,
        });
    }
    Ok(folders)
}

/// Removes groups of earlier runs whose process is gone (a `kill -9`, a second Ctrl-C that
/// could not clean up) from the folders this process would make its own in.
fn remove_stale(own: &str, mounts: &Mounts) {
    let mut homes: Vec<PathBuf> = Vec::new();
    if let Some(dir) = mounts.v2.as_ref().and_then(|m| v2_home(own, m)) {
        homes.push(dir);
    }
    for c in ["cpuset", "cpu", "memory"] {
        if let Some(m) = mounts.v1_mount(c) {
            homes.push(own_folder(
                m,
                crate::machine::cgroup::v1_path(own, c).unwrap_or(""),
            ));
        }
    }
    for home in homes {
        for stale in stale_in(&home) {
            remove_dir_patiently(&stale);
        }
    }
}

/// The groups in `home` whose process is gone, or is no longer plateau.
pub fn stale_in(home: &Path) -> Vec<PathBuf> {
    let Ok(dir) = fs::read_dir(home) else {
        return Vec::new();
    };
    dir.filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let pid: u32 = name.strip_prefix(PREFIX)?.parse().ok()?;
            (pid != std::process::id() && !is_plateau(pid)).then(|| e.path())
        })
        .collect()
}

/// Whether process `pid` runs and is a plateau.
fn is_plateau(pid: u32) -> bool {
    fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == "plateau")
}

#[cfg(test)]
mod tests;
