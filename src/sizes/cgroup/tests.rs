//! Tests of the size cgroup on fake cgroup trees: mounts, plans per interface, limits
//! written, stale groups.

use super::*;

const MOUNTS: &str = "\
tmpfs /sys/fs/cgroup tmpfs rw,relatime,mode=755 0 0
cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0
cgroup /sys/fs/cgroup/cpuset cgroup rw,relatime,cpuset 0 0
cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0
cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0
";

#[test]
fn mounts_are_read_by_controller() {
    let m = Mounts::parse(MOUNTS);
    assert_eq!(m.v2, Some(PathBuf::from("/sys/fs/cgroup/unified")));
    assert_eq!(
        m.v1_mount("cpuset"),
        Some(Path::new("/sys/fs/cgroup/cpuset"))
    );
    assert_eq!(m.v1_mount("cpu"), Some(Path::new("/sys/fs/cgroup/cpu")));
    assert_eq!(m.v1_mount("pids"), None);
}

#[test]
fn quotas_in_each_interface() {
    assert_eq!(v2_cpu_max(Some(0.5)), "50000 100000");
    assert_eq!(v2_cpu_max(None), "max 100000");
    assert_eq!(v1_quota_us(Some(1.5)), "150000");
    assert_eq!(v1_quota_us(None), "-1");
    assert_eq!(quota_us(0.001), 1000);
}

/// A fake cgroup tree: v2 at `root/unified` offering `controllers`, v1 under `root/v1`.
fn tree(controllers: &str) -> (tempfile::TempDir, Mounts) {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    fs::create_dir_all(r.join("unified/job")).unwrap();
    fs::write(r.join("unified/job/cgroup.controllers"), controllers).unwrap();
    for c in ["cpuset", "cpu", "memory"] {
        fs::create_dir_all(r.join("v1").join(c).join("job")).unwrap();
    }
    let text = format!(
        "cgroup2 {0}/unified cgroup2 rw 0 0\ncgroup {0}/v1/cpuset cgroup rw,cpuset 0 0\ncgroup {0}/v1/cpu cgroup rw,cpu 0 0\ncgroup {0}/v1/memory cgroup rw,memory 0 0\n",
        r.display()
    );
    (dir, Mounts::parse(&text))
}

#[test]
fn v2_is_used_when_it_offers_the_controllers() {
    let own = "0::/job\n3:cpuset:/job\n1:cpu:/job\n4:memory:/job\n";
    let (dir, mounts) = tree("cpuset cpu io memory");
    let plan = v2_plan(own, &mounts, Needs::default(), "plateau-size-7").unwrap();
    assert_eq!(plan[0].path, dir.path().join("unified/job/plateau-size-7"));
    assert_eq!(
        fs::read_to_string(dir.path().join("unified/job/cgroup.subtree_control")).unwrap(),
        "+cpuset +cpu"
    );
    let (_d, mounts) = tree("cpu io");
    let why = v2_plan(own, &mounts, Needs::default(), "x").unwrap_err();
    assert!(
        why.contains("does not offer the cpuset controller"),
        "{why}"
    );
}

#[test]
fn v1_takes_a_folder_per_controller_needed() {
    let own = "0::/\n3:cpuset:/job\n1:cpu:/job\n4:memory:/job\n";
    let (dir, mounts) = tree("");
    let plan = v1_plan(own, &mounts, Needs::default(), "g").unwrap();
    assert_eq!(plan.len(), 1);
    assert_eq!(plan[0].role, Role::Cpuset);
    assert_eq!(plan[0].path, dir.path().join("v1/cpuset/job/g"));
    let plan = v1_plan(
        own,
        &mounts,
        Needs {
            quota: true,
            memory: true,
        },
        "g",
    )
    .unwrap();
    let roles: Vec<Role> = plan.iter().map(|f| f.role).collect();
    assert_eq!(roles, [Role::Cpuset, Role::Cpu, Role::Memory]);
    // A path the container cannot see falls back to the mount itself.
    let plan = v1_plan("3:cpuset:/docker/abc\n", &mounts, Needs::default(), "g").unwrap();
    assert_eq!(plan[0].path, dir.path().join("v1/cpuset/g"));
}

#[test]
fn limits_are_written_in_each_interface() {
    let (dir, _) = tree("");
    let v2 = dir.path().join("unified/job/g");
    let cpuset = dir.path().join("v1/cpuset/job/g");
    let cpu = dir.path().join("v1/cpu/job/g");
    for d in [&v2, &cpuset, &cpu] {
        fs::create_dir_all(d).unwrap();
    }
    let folder = |role, path: &Path| Folder {
        role,
        path: path.to_path_buf(),
        home: path.parent().unwrap().to_path_buf(),
    };
    let limits = Limits {
        cpus: vec![0, 1, 2, 5],
        quota: Some(1.5),
        memory: Some(1 << 30),
    };
    let g = SizeGroup {
        version: Version::V2,
        folders: vec![folder(Role::Unified, &v2)],
    };
    g.apply(&limits).unwrap();
    let read = |p: PathBuf| fs::read_to_string(p).unwrap();
    assert_eq!(read(v2.join("cpuset.cpus")), "0-2,5");
    assert_eq!(read(v2.join("cpu.max")), "150000 100000");
    assert_eq!(read(v2.join("memory.max")), "1073741824");
    std::mem::forget(g);
    let g = SizeGroup {
        version: Version::V1,
        folders: vec![folder(Role::Cpuset, &cpuset), folder(Role::Cpu, &cpu)],
    };
    g.apply(&Limits {
        quota: None,
        ..limits
    })
    .unwrap();
    assert_eq!(read(cpuset.join("cpuset.cpus")), "0-2,5");
    assert_eq!(read(cpu.join("cpu.cfs_quota_us")), "-1");
    assert_eq!(read(cpu.join("cpu.cfs_period_us")), "100000");
    std::mem::forget(g);
}

#[test]
fn groups_of_gone_processes_are_stale() {
    let dir = tempfile::tempdir().unwrap();
    // Pid 0 runs no process plateau could be; this process's own group is never stale.
    let gone = dir.path().join(format!("{PREFIX}4294967295"));
    let mine = dir.path().join(format!("{PREFIX}{}", std::process::id()));
    let other = dir.path().join("someone-else");
    for d in [&gone, &mine, &other] {
        fs::create_dir(d).unwrap();
    }
    assert_eq!(stale_in(dir.path()), vec![gone]);
}
