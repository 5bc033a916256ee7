//! The decision rule on simulated noisy records (seeded, deterministic): a bimodal host that
//! slows whole rounds, a drifting machine, one wild round, a count with a lucky high median.
//! The recommendation must not follow the noise.

use super::*;
use crate::model::Sample;
use crate::rng::SplitMix64;

const PLAN: [usize; 6] = [1, 2, 3, 4, 6, 8];

fn opts(seed: u64) -> RuleOptions {
    RuleOptions {
        tolerance: 0.05,
        threshold: 0.02,
        seed,
        resamples: 400,
    }
}

fn uniform(rng: &mut SplitMix64) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// Points of `rounds` rounds: throughput = truth(w) x round factor x (1 + jitter).
fn record(
    rounds: u32,
    seed: u64,
    truth: &dyn Fn(usize) -> f64,
    round_factor: &dyn Fn(u32, &mut SplitMix64) -> f64,
    jitter: f64,
) -> Vec<Point> {
    let mut rng = SplitMix64::new(seed);
    let mut pts: Vec<Point> = PLAN.iter().map(|&w| Point::unmeasured(w)).collect();
    for r in 0..rounds {
        let f = round_factor(r, &mut rng);
        for p in pts.iter_mut() {
            let e = 1.0 + jitter * (2.0 * uniform(&mut rng) - 1.0);
            p.samples.push(Sample {
                wall_s: 1.0 / (truth(p.workers) * f * e),
                round: Some(r),
                ..Sample::default()
            });
        }
    }
    pts
}

fn two_cpus(w: usize) -> f64 {
    if w == 1 { 1.0 } else { 1.97 }
}

fn bimodal(_: u32, rng: &mut SplitMix64) -> f64 {
    if uniform(rng) < 0.3 { 0.55 } else { 1.0 }
}

#[test]
fn a_bimodal_host_still_gives_two_workers_every_time() {
    for seed in 0..30 {
        let pts = record(12, seed, &two_cpus, &bimodal, 0.06);
        let d = on_points(&pts, &opts(seed)).unwrap();
        assert_eq!(d.recommended(), 2, "seed {seed}: {:?}", d.standing);
        assert!(physics_faults(&d, 2.0).is_empty());
    }
}

#[test]
fn a_drifting_machine_is_not_read_as_scaling() {
    for seed in 0..20 {
        let drift = |r: u32, _: &mut SplitMix64| 1.0 - 0.03 * r as f64;
        let pts = record(10, seed, &two_cpus, &drift, 0.04);
        let d = on_points(&pts, &opts(seed)).unwrap();
        assert_eq!(d.recommended(), 2, "seed {seed}");
    }
}

#[test]
fn one_wild_round_does_not_move_the_peak() {
    for seed in 0..20 {
        let mut pts = record(8, seed, &two_cpus, &bimodal, 0.04);
        // In round 3, 8 workers ran 60% faster than anything else could.
        pts[5].samples[3].wall_s /= 1.6;
        let d = on_points(&pts, &opts(seed)).unwrap();
        assert_eq!(d.recommended(), 2, "seed {seed}");
        assert_ne!(d.peak(), 8, "seed {seed}");
    }
}

#[test]
fn a_noisy_high_median_is_not_followed() {
    // 8 workers measure 4% above 2 on the median, but within the noise.
    let truth = |w: usize| match w {
        1 => 1.0,
        8 => 2.05,
        _ => 1.97,
    };
    for seed in 0..20 {
        let pts = record(8, seed, &truth, &bimodal, 0.12);
        let d = on_points(&pts, &opts(seed)).unwrap();
        assert_eq!(d.recommended(), 2, "seed {seed}");
        assert!(d.stability.unwrap() > 0.5);
    }
}

#[test]
fn an_advantage_within_the_noise_never_makes_a_peak() {
    let truth = |w: usize| if w == 2 { 1.03 } else { 1.0 };
    let pts = record(6, 4, &truth, &bimodal, 0.15);
    let d = on_points(&pts, &opts(4)).unwrap();
    assert_eq!(d.peak(), 1);
    assert_eq!(d.recommended(), 1);
}

#[test]
fn a_one_cpu_quota_recommends_one_worker() {
    // Bursts let more workers look up to 3% faster: within the tolerance.
    let truth = |w: usize| 1.0 + 0.03 * (1.0 - 1.0 / w as f64);
    for seed in 0..20 {
        let pts = record(6, seed, &truth, &bimodal, 0.05);
        let d = on_points(&pts, &opts(seed)).unwrap();
        assert_eq!(d.recommended(), 1, "seed {seed}");
    }
}

#[test]
fn clean_linear_data_are_certain_and_stable() {
    let truth = |w: usize| w.min(2) as f64;
    let steady = |_: u32, _: &mut SplitMix64| 1.0;
    let pts = record(8, 1, &truth, &steady, 0.005);
    let d = on_points(&pts, &opts(1)).unwrap();
    assert_eq!((d.recommended(), d.method), (2, Method::RoundBlocks));
    assert!(d.stability.unwrap() >= STABLE);
    assert!(certain(&d, 0.02), "{:?}", d.half_width);
    assert!(!certain(&d, 0.0001));
}

#[test]
fn a_speedup_beyond_the_cpus_is_a_fault() {
    let truth = |w: usize| if w == 3 { 2.6 } else { two_cpus(w) };
    let steady = |_: u32, _: &mut SplitMix64| 1.0;
    let pts = record(6, 1, &truth, &steady, 0.01);
    let d = on_points(&pts, &opts(1)).unwrap();
    assert_eq!(physics_faults(&d, 2.0), vec![3]);
}

#[test]
fn clear_oversubscription_is_found_and_a_single_round_has_no_intervals() {
    let truth = |w: usize| match w {
        1 => 1.0,
        2 => 2.0,
        3 | 4 => 1.99,
        _ => 1.7,
    };
    let steady = |_: u32, _: &mut SplitMix64| 1.0;
    let pts = record(6, 2, &truth, &steady, 0.01);
    let d = on_points(&pts, &opts(2)).unwrap();
    assert_eq!(d.standing.oversubscribed.map(|c| d.workers[c]), Some(6));
    let one = record(1, 2, &truth, &steady, 0.01);
    let m = on_points(&one, &opts(2)).unwrap();
    assert_eq!((m.method, m.stability), (Method::Medians, None));
    assert_eq!(m.recommended(), 2);
}
