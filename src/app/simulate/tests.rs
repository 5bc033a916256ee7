//! The design proven on simulated machines from 4 to 192 CPUs: seeded, deterministic runs of
//! the real default path, each checked for the right answer, enough rounds and its cost.

use super::machine::MachineModel;
use super::*;

/// Noise like the 2-vCPU cloud VM plateau is developed on: about 1.5% per batch, slow phases
/// invisible to the guest (a vCPU up to 2x slower for seconds), rare outliers.
const VM_NOISE: &str = r#""noise": {"sigma": 0.015, "phase_share": 0.05, "phase_slowdown": 1.0, "phase_s": 3, "outlier_rate": 0.01, "outlier_factor": 1.5}"#;

fn machine(keys: &str) -> MachineModel {
    MachineModel::parse(&format!("{{{keys}, {VM_NOISE}}}"), "test").unwrap()
}

/// `runs` seeds of the default run on `model`: (share right, fewest rounds, longest run s).
fn sweep(model: &MachineModel, runs: u64) -> (f64, usize, f64, Vec<SimRun>) {
    let all: Vec<SimRun> = (1..=runs)
        .map(|s| simulate(model, s, &[]).unwrap())
        .collect();
    let right = all.iter().filter(|r| r.recommended == r.truth).count() as f64 / runs as f64;
    let rounds = all.iter().map(|r| r.rounds).min().unwrap_or(0);
    let longest = all.iter().map(|r| r.simulated_s).fold(0.0, f64::max);
    (right, rounds, longest, all)
}

/// Checks the default run on `model` over 100 seeds: the right answer in at least 95 of
/// them, at least 5 rounds each, at most 180 s of simulated time each.
fn proven(keys: &str) {
    let model = machine(keys);
    let (right, rounds, longest, all) = sweep(&model, 100);
    let wrong: Vec<(u64, usize, usize)> = all
        .iter()
        .filter(|r| r.recommended != r.truth)
        .map(|r| (r.seed, r.recommended, r.truth))
        .collect();
    assert!(
        right >= 0.95,
        "{keys}: right in {right}; wrong (seed, got, truth): {wrong:?}"
    );
    assert!(rounds >= 5, "{keys}: a run decided from {rounds} rounds");
    assert!(longest <= 180.0, "{keys}: a run took {longest:.0} s");
}

#[test]
fn four_cpus() {
    proven(r#""logical_cpus": 4"#);
}

/// SMT that adds nothing (an FP-bound kernel): a gain of 0.25 would put 13, 14 and 15 workers
/// in 2.5% steps around the 5% line, which no ±2% interval resolves (see the next test).
#[test]
fn sixteen_cpus_as_eight_cores_of_two_threads() {
    proven(r#""logical_cpus": 16, "threads_per_core": 2, "smt_gain": 0.0"#);
}

#[test]
fn sixty_four_cpus() {
    proven(r#""logical_cpus": 64"#);
}

#[test]
fn ninety_six_cpus_as_forty_eight_cores_of_two_threads() {
    proven(r#""logical_cpus": 96, "threads_per_core": 2"#);
}

#[test]
fn one_hundred_ninety_two_cpus_as_ninety_six_cores_of_two_threads() {
    proven(r#""logical_cpus": 192, "threads_per_core": 2"#);
}

#[test]
fn a_192_cpu_host_under_a_4_cpu_quota() {
    proven(r#""logical_cpus": 192, "threads_per_core": 2, "quota_cpus": 4"#);
}

#[test]
fn a_memory_bandwidth_cap_of_12_on_64_cpus() {
    proven(r#""logical_cpus": 64, "bandwidth_cap": 12"#);
}

#[test]
fn a_shallow_smt_ramp_is_answered_within_one_count() {
    // 8 cores x 2 threads, the second threads adding 25%: every count from 9 to 16 is 2.5%
    // apart, and the noise-free answer (14) sits on the 5% line.
    let model = machine(r#""logical_cpus": 16, "threads_per_core": 2"#);
    let (_, _, _, all) = sweep(&model, 40);
    let near = all
        .iter()
        .filter(|r| r.recommended.abs_diff(r.truth) <= 1)
        .count();
    assert!(near >= 38, "{near} of 40 within one count");
}

#[test]
fn the_same_seed_gives_the_same_run() {
    let m = machine(r#""logical_cpus": 192, "threads_per_core": 2"#);
    let a = simulate(&m, 3, &[]).unwrap();
    assert_eq!(a, simulate(&m, 3, &[]).unwrap());
    // Per-count batches: every count's batch is a multiple of its workers.
    for (w, t) in &a.tasks {
        assert_eq!(t % w.parse::<u64>().unwrap(), 0, "{w}: {t}");
    }
    assert_eq!(a.workers.len(), a.tasks.len());
}
