//! Emulated instance sizes (`plateau run --sizes`): the sizes as typed values, the host
//! topology and the CPUs each size gets, the cgroup (or, where none can be made, the affinity
//! mask) that confines plateau to a size, and the machine each size reports.

pub mod cgroup;
pub mod emulate;
pub mod plan;
pub mod size;
mod test_hook;
pub mod topology;

#[cfg(any(test, feature = "testing"))]
pub use test_hook::CGROUP_FAIL_ENV;

/// CPU ids in the kernel's list format (`0-3,8`).
pub fn cpu_list(ids: &[usize]) -> String {
    crate::machine::affinity::format_cpu_list(ids)
}
