//! The host's CPU topology (which CPUs are SMT siblings of one core, on which package and NUMA
//! node), read from sysfs, and the choice of the host CPUs a size gets: shaped like the family
//! (siblings together, or whole cores with siblings idle), from one NUMA node first. The
//! choice is pure and tested on synthetic hosts.

use super::size::SizeShape;
use std::collections::BTreeMap;
use std::path::Path;

/// One logical CPU of the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostCpu {
    /// Its id (cpuN).
    pub id: usize,
    /// The physical package (socket) it is on.
    pub package: usize,
    /// Its core id within the package.
    pub core: usize,
    /// The NUMA node it belongs to.
    pub node: usize,
}

/// The host's logical CPUs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topology {
    /// Every CPU sysfs lists, ascending by id.
    pub cpus: Vec<HostCpu>,
}

/// Why a size cannot be placed on the CPUs plateau may use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlaceError {
    /// Fewer usable CPUs than the size needs.
    TooFewCpus {
        /// CPUs the size needs.
        needed: usize,
        /// CPUs plateau may use.
        usable: usize,
    },
    /// `--size-shape cores`: fewer whole cores than the size needs.
    TooFewCores {
        /// Cores the size needs.
        needed: usize,
        /// Cores plateau may use.
        usable: usize,
    },
}

impl Topology {
    /// Reads `/sys/devices/system/cpu/cpu*/topology` and `/sys/devices/system/node`; CPUs
    /// whose topology is not readable count as cores of their own on node 0.
    pub fn read() -> Topology {
        Topology::read_from(Path::new("/sys/devices/system"))
    }

    /// `read` under another root (a copy of `/sys/devices/system`).
    pub fn read_from(system: &Path) -> Topology {
        let mut nodes: BTreeMap<usize, usize> = BTreeMap::new();
        if let Ok(dir) = std::fs::read_dir(system.join("node")) {
            for e in dir.filter_map(|e| e.ok()) {
                let name = e.file_name().to_string_lossy().into_owned();
                let Some(n) = name.strip_prefix("node").and_then(|n| n.parse().ok()) else {
                    continue;
                };
                let list = std::fs::read_to_string(e.path().join("cpulist")).unwrap_or_default();
                for cpu in crate::machine::affinity::parse_cpu_list(&list).unwrap_or_default() {
                    nodes.insert(cpu, n);
                }
            }
        }
        let mut cpus = Vec::new();
        if let Ok(dir) = std::fs::read_dir(system.join("cpu")) {
            for e in dir.filter_map(|e| e.ok()) {
                let name = e.file_name().to_string_lossy().into_owned();
                let Some(id) = name
                    .strip_prefix("cpu")
                    .and_then(|n| n.parse::<usize>().ok())
                else {
                    continue;
                };
                let read = |f: &str| -> Option<usize> {
                    std::fs::read_to_string(e.path().join("topology").join(f))
                        .ok()?
                        .trim()
                        .parse()
                        .ok()
                };
                cpus.push(HostCpu {
                    id,
                    package: read("physical_package_id").unwrap_or(0),
                    // A CPU without a core id is a core of its own.
                    core: read("core_id").unwrap_or(usize::MAX - id),
                    node: nodes.get(&id).copied().unwrap_or(0),
                });
            }
        }
        cpus.sort_by_key(|c| c.id);
        Topology { cpus }
    }

    /// A synthetic host: `packages` sockets of `cores` cores of `threads` threads, one NUMA
    /// node per package, numbered like Linux on x86 (all first threads, then the siblings:
    /// on 2 x 8 x 2, CPU 0's sibling is CPU 16).
    pub fn synthetic(packages: usize, cores: usize, threads: usize) -> Topology {
        let per_thread = packages * cores;
        let cpus = (0..per_thread * threads)
            .map(|id| {
                let first = id % per_thread;
                HostCpu {
                    id,
                    package: first / cores,
                    core: first % cores,
                    node: first / cores,
                }
            })
            .collect();
        Topology { cpus }
    }

    /// The usable CPUs grouped into cores (each core's CPUs ascending), and the cores grouped
    /// by NUMA node.
    fn cores_by_node(&self, usable: &[usize]) -> BTreeMap<usize, Vec<Vec<usize>>> {
        let mut cores: BTreeMap<(usize, usize, usize), Vec<usize>> = BTreeMap::new();
        for c in self.cpus.iter().filter(|c| usable.contains(&c.id)) {
            cores
                .entry((c.node, c.package, c.core))
                .or_default()
                .push(c.id);
        }
        let mut by_node: BTreeMap<usize, Vec<Vec<usize>>> = BTreeMap::new();
        for ((node, _, _), ids) in cores {
            by_node.entry(node).or_default().push(ids);
        }
        for cores in by_node.values_mut() {
            cores.sort_by_key(|ids| ids[0]);
        }
        by_node
    }
}

/// The host CPUs of a size of `cpus` CPUs, out of `usable` (the affinity mask), ascending.
/// `Threads` takes whole cores with all their siblings (the last core possibly in part);
/// `Cores` takes the first thread of each core and leaves its siblings idle. Nodes are filled
/// one at a time: first the lowest node that holds the whole size, then the fullest others.
pub fn place(
    topo: &Topology,
    usable: &[usize],
    cpus: usize,
    shape: SizeShape,
) -> Result<Vec<usize>, PlaceError> {
    let by_node = topo.cores_by_node(usable);
    let capacity = |cores: &Vec<Vec<usize>>| match shape {
        SizeShape::Threads => cores.iter().map(Vec::len).sum::<usize>(),
        SizeShape::Cores => cores.len(),
    };
    let total: usize = by_node.values().map(capacity).sum();
    if total < cpus {
        return Err(match shape {
            SizeShape::Threads => PlaceError::TooFewCpus {
                needed: cpus,
                usable: total,
            },
            SizeShape::Cores => PlaceError::TooFewCores {
                needed: cpus,
                usable: total,
            },
        });
    }
    let mut nodes: Vec<&Vec<Vec<usize>>> = by_node.values().collect();
    // Stable sorts: the lowest node that holds the whole size first, then the fullest.
    nodes.sort_by_key(|cores| std::cmp::Reverse(capacity(cores)));
    if let Some(i) = by_node.values().position(|c| capacity(c) >= cpus) {
        let whole = by_node.values().nth(i).expect("the position is in range");
        nodes.retain(|c| !std::ptr::eq(*c, whole));
        nodes.insert(0, whole);
    }
    let mut chosen = Vec::with_capacity(cpus);
    for cores in nodes {
        // Full cores first, so that a size keeps siblings together where it can.
        let mut ordered: Vec<&Vec<usize>> = cores.iter().collect();
        ordered.sort_by_key(|ids| std::cmp::Reverse(ids.len()));
        for ids in ordered {
            let take = match shape {
                SizeShape::Threads => &ids[..],
                SizeShape::Cores => &ids[..1],
            };
            for &id in take {
                if chosen.len() == cpus {
                    break;
                }
                chosen.push(id);
            }
        }
    }
    chosen.sort_unstable();
    Ok(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;
    use SizeShape::{Cores, Threads};

    fn all(t: &Topology) -> Vec<usize> {
        t.cpus.iter().map(|c| c.id).collect()
    }

    #[test]
    fn two_cpus_without_smt() {
        let t = Topology::synthetic(1, 2, 1);
        assert_eq!(place(&t, &all(&t), 1, Threads), Ok(vec![0]));
        assert_eq!(place(&t, &all(&t), 2, Threads), Ok(vec![0, 1]));
        assert_eq!(place(&t, &all(&t), 2, Cores), Ok(vec![0, 1]));
        assert_eq!(
            place(&t, &all(&t), 3, Threads),
            Err(PlaceError::TooFewCpus {
                needed: 3,
                usable: 2
            })
        );
        // The affinity mask narrows what may be used.
        assert_eq!(place(&t, &[1], 1, Threads), Ok(vec![1]));
    }

    #[test]
    fn sixteen_cpus_keep_siblings_together_or_leave_them_idle() {
        // 8 cores x 2 threads: CPU i's sibling is CPU i + 8.
        let t = Topology::synthetic(1, 8, 2);
        assert_eq!(place(&t, &all(&t), 4, Threads), Ok(vec![0, 1, 8, 9]));
        assert_eq!(place(&t, &all(&t), 3, Threads), Ok(vec![0, 1, 8]));
        assert_eq!(place(&t, &all(&t), 4, Cores), Ok(vec![0, 1, 2, 3]));
        assert_eq!(place(&t, &all(&t), 8, Cores), Ok((0..8).collect()));
        assert_eq!(
            place(&t, &all(&t), 9, Cores),
            Err(PlaceError::TooFewCores {
                needed: 9,
                usable: 8
            })
        );
        assert_eq!(place(&t, &all(&t), 16, Threads), Ok((0..16).collect()));
        // A core with one sibling outside the mask comes after the whole cores.
        let usable: Vec<usize> = (1..16).collect();
        assert_eq!(place(&t, &usable, 2, Threads), Ok(vec![1, 9]));
    }

    #[test]
    fn one_hundred_ninety_two_cpus_fill_one_node_first() {
        // 2 sockets (NUMA nodes) x 48 cores x 2 threads; CPU i's sibling is i + 96.
        let t = Topology::synthetic(2, 48, 2);
        assert_eq!(t.cpus.len(), 192);
        let eight = place(&t, &all(&t), 8, Threads).unwrap();
        assert_eq!(eight, vec![0, 1, 2, 3, 96, 97, 98, 99]);
        let big = place(&t, &all(&t), 96, Threads).unwrap();
        assert!(big.iter().all(|&c| t.cpus[c].node == 0), "{big:?}");
        let cores = place(&t, &all(&t), 64, Cores).unwrap();
        assert_eq!(cores.iter().filter(|&&c| t.cpus[c].node == 0).count(), 48);
        assert!(
            cores.iter().all(|&c| c < 96),
            "first threads only: {cores:?}"
        );
        // Node 0 mostly outside the mask: node 1 holds the whole size, so it goes there.
        let usable: Vec<usize> = (0..8).chain(48..96).chain(144..192).collect();
        let on_one = place(&t, &usable, 32, Threads).unwrap();
        assert!(on_one.iter().all(|&c| t.cpus[c].node == 1), "{on_one:?}");
        assert_eq!(place(&t, &all(&t), 192, Threads).unwrap().len(), 192);
    }

    #[test]
    fn sysfs_is_read_with_siblings_and_nodes() {
        let dir = tempfile::tempdir().unwrap();
        let sys = dir.path();
        for (cpu, core) in [(0, 0), (1, 1), (2, 0), (3, 1)] {
            let top = sys.join(format!("cpu/cpu{cpu}/topology"));
            std::fs::create_dir_all(&top).unwrap();
            std::fs::write(top.join("core_id"), format!("{core}\n")).unwrap();
            std::fs::write(top.join("physical_package_id"), "0\n").unwrap();
        }
        std::fs::create_dir_all(sys.join("cpu/cpufreq")).unwrap();
        std::fs::create_dir_all(sys.join("node/node0")).unwrap();
        std::fs::write(sys.join("node/node0/cpulist"), "0-3\n").unwrap();
        let t = Topology::read_from(sys);
        assert_eq!(t.cpus.len(), 4);
        assert_eq!(place(&t, &all(&t), 2, Threads), Ok(vec![0, 2]));
        assert_eq!(place(&t, &all(&t), 2, Cores), Ok(vec![0, 1]));
    }
}
