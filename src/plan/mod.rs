//! The default worker plan and task count: which worker counts a sweep visits on this machine,
//! and how many tasks a batch needs so that no planned count suffers much load imbalance.

pub mod defaults;

use crate::model::MachineInfo;

/// Effective CPUs up to which every count is visited; above it the plan thins out.
const DENSE_UP_TO: usize = 16;
/// Multiples of the effective CPUs visited past it, to show oversubscription.
const OVER: [f64; 5] = [1.25, 1.5, 2.0, 3.0, 4.0];
/// The seed's task count and the least a default batch runs.
pub const MIN_TASKS: u64 = 32;
/// The largest load imbalance the default task count allows at any planned count.
pub const MAX_IMBALANCE: f64 = 0.05;

/// The default plan: every count from 1 to the effective CPUs (on larger machines the ladder
/// 1, 2, 3, 4, 6, 8, 12, 16, 24, ...), then 1.25x to 4x the effective CPUs, always including the
/// physical-core, logical-CPU and effective-CPU counts. About 20 points on a 192-CPU machine.
pub fn default_plan(m: &MachineInfo) -> Vec<usize> {
    let e = m.effective_cpus.max(1);
    let mut plan: Vec<usize> = if e <= DENSE_UP_TO {
        (1..=e).collect()
    } else {
        ladder(e)
    };
    plan.extend(OVER.iter().map(|f| (e as f64 * f).round() as usize));
    plan.extend([m.physical_cores, m.logical_cpus, e]);
    plan.retain(|&w| w >= 1);
    plan.sort_unstable();
    plan.dedup();
    plan
}

/// 1, 2, 3, 4, 6, 8, 12, 16, 24, ... (powers of two and their 1.5x) up to `max`, and `max`.
fn ladder(max: usize) -> Vec<usize> {
    let mut v = vec![1];
    let mut p = 2usize;
    while p <= max {
        v.push(p);
        let mid = p + p / 2;
        if mid <= max {
            v.push(mid);
        }
        p *= 2;
    }
    v.push(max);
    v
}

/// Load imbalance of `tasks` over `workers`: ceil(T/W) x W / T - 1 (0 when W divides T).
pub fn imbalance(tasks: u64, workers: usize) -> f64 {
    let w = workers as u64;
    let rounds = tasks.div_ceil(w);
    (rounds * w) as f64 / tasks as f64 - 1.0
}

/// The smallest task count of at least `MIN_TASKS` whose imbalance is at most
/// `MAX_IMBALANCE` at every planned count. It exists: at T >= 20 W the imbalance is below 5%.
pub fn default_tasks(plan: &[usize]) -> u64 {
    let mut t = MIN_TASKS;
    while plan
        .iter()
        .any(|&w| imbalance(t, w) > MAX_IMBALANCE + 1e-12)
    {
        t += 1;
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn machine(logical: usize, physical: usize, effective: usize) -> MachineInfo {
        MachineInfo {
            hostname: "h".into(),
            os: "os".into(),
            kernel: "k".into(),
            arch: "x86_64".into(),
            cpu_brand: "cpu".into(),
            cpu_mhz: 0,
            logical_cpus: logical,
            physical_cores: physical,
            threads_per_core: (logical / physical).max(1),
            affinity_cpus: logical,
            cgroup_cpu_quota: None,
            effective_cpus: effective,
            binding_limit: "logical_cpus".into(),
            memory_total_bytes: 0,
            load_average_1m: 0.0,
            last_level_cache_bytes: None,
            cpu_governor: None,
            allowed_cpu_ids: (0..logical).collect(),
            busy_cpus_at_start: None,
            memory_limit_bytes: None,
            memory_limit_binding: None,
            host_limits: None,
            emulated: None,
        }
    }

    #[test]
    fn plans_of_the_brief() {
        assert_eq!(default_plan(&machine(2, 2, 2)), vec![1, 2, 3, 4, 6, 8]);
        assert_eq!(
            default_plan(&machine(8, 8, 8)),
            vec![1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 16, 24, 32]
        );
    }

    #[test]
    fn big_machines_stay_readable_and_include_the_limits() {
        let p = default_plan(&machine(192, 96, 192));
        assert!(p.len() <= 24, "{} points: {p:?}", p.len());
        for must in [1, 96, 192, 768] {
            assert!(p.contains(&must), "{must} missing from {p:?}");
        }
        // A container limited to 2 CPUs on a 192-CPU host still measures what cpu_count() says.
        let q = default_plan(&machine(192, 96, 2));
        assert!(q.contains(&192) && q.contains(&96) && q.contains(&8));
    }

    #[test]
    fn default_tasks_examples() {
        assert_eq!(imbalance(32, 8), 0.0);
        assert!((imbalance(10, 4) - 0.2).abs() < 1e-12);
        let t = default_tasks(&[1, 2, 3, 4, 6, 8]);
        assert!(t >= 32);
        assert!(
            [1, 2, 3, 4, 6, 8]
                .iter()
                .all(|&w| imbalance(t, w) <= MAX_IMBALANCE + 1e-12)
        );
    }

    proptest! {
        #[test]
        fn plan_is_sorted_bounded_and_balanced(logical in 1usize..400, smt in 1usize..3, eff_frac in 0.01f64..1.0) {
            let physical = (logical / smt).max(1);
            let e = ((logical as f64 * eff_frac).ceil() as usize).clamp(1, logical);
            let m = machine(logical, physical, e);
            let p = default_plan(&m);
            prop_assert!(p.windows(2).all(|w| w[0] < w[1]));
            prop_assert_eq!(p[0], 1);
            prop_assert!(p.contains(&e) && p.contains(&physical) && p.contains(&logical));
            prop_assert!(p.len() <= 26, "{} points", p.len());
            let t = default_tasks(&p);
            prop_assert!(t >= MIN_TASKS);
            for &w in &p {
                prop_assert!(imbalance(t, w) <= MAX_IMBALANCE + 1e-12);
            }
        }
    }
}
