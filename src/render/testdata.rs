//! Hand-built run records for the report writers' tests: a 4-point run on a 2-core machine,
//! with and without a hand-filled analysis (the analysis itself is computed elsewhere).

use crate::model::*;
use crate::testdata::{self, RecordSpec};

/// Throughputs of the hand-built run at 1, 2, 3 and 4 workers (peak at 3).
pub const TPS: [f64; 4] = [100.0, 190.0, 200.0, 180.0];

/// A finished run without analysis, as `plateau run` writes it before analysis exists.
pub fn record() -> RunRecord {
    let tasks = 40;
    let points = TPS
        .iter()
        .enumerate()
        .map(|(i, &tps)| {
            let workers = i + 1;
            let median = tasks as f64 / tps;
            let sample = Sample {
                wall_s: median,
                voluntary_ctx_switches: 10 * workers as u64,
                involuntary_ctx_switches: 3 * workers as u64,
                ..Sample::default()
            };
            let speedup = tps / TPS[0];
            Point {
                workers,
                samples: vec![sample.clone(), sample],
                summary: Some(Summary {
                    median_s: median,
                    mean_s: median,
                    min_s: median * 0.98,
                    max_s: median * 1.02,
                    stddev_s: median * 0.01,
                    ci95_s: [median * 0.98, median * 1.02],
                    cv: 0.01,
                    outliers: 0,
                    tasks_per_sec: tps,
                    tasks_per_sec_ci95: [tps / 1.02, tps / 0.98],
                    speedup,
                    latency: None,
                    efficiency: speedup / workers as f64,
                }),
                skipped_for_memory: None,
                tasks: None,
            }
        })
        .collect();
    let mut r = RecordSpec {
        label: "box-a".into(),
        machine: machine(),
        workload: serde_json::json!({"name": "cpu", "iterations": 2000}),
        tasks,
        repetitions: 2,
        warmup: 1,
        seed: 7,
    }
    .record(points);
    r.run.started_at = "2026-01-01T12:00:00Z".into();
    r.run.finished_at = Some("2026-01-01T12:01:00Z".into());
    r.run.command_line = ["plateau", "run", "--label", "box a"]
        .map(String::from)
        .into();
    r
}

/// The 2-core machine of the hand-built run, with every optional fact the OS can give.
fn machine() -> MachineInfo {
    MachineInfo {
        hostname: "host-1".into(),
        os: "Debian 13".into(),
        kernel: "6.1.0".into(),
        cpu_brand: "Test CPU @ 3.0GHz".into(),
        cpu_mhz: 3000,
        memory_total_bytes: 8 << 30,
        load_average_1m: 0.25,
        last_level_cache_bytes: Some(32 << 20),
        cpu_governor: Some("performance".into()),
        ..testdata::machine(2)
    }
}

/// The same run with an analysis filled by hand: recommended 2, plateau 2..3, oversubscribed
/// from 4, both fits, a verdict and a warning.
pub fn record_with_analysis() -> RunRecord {
    let mut r = record();
    let peak = Peak {
        workers: 3,
        tasks_per_sec: 200.0,
    };
    r.analysis = Some(Analysis {
        plateau: Plateau {
            from_workers: 2,
            to_workers: 3,
            tolerance: 0.05,
        },
        oversubscribed_from: Some(4),
        retrograde_drop: Some(0.10),
        amdahl: Some(AmdahlFit {
            serial_fraction: 0.05,
            max_speedup: 20.0,
            r2: 0.97,
        }),
        usl: Some(UslFit {
            sigma: 0.04,
            kappa: 0.02,
            lambda: 101.0,
            peak_workers: Some(6.9),
            peak_tasks_per_sec: Some(210.0),
            r2: 0.95,
            constraint: "coherency".into(),
        }),
        karp_flatt: vec![
            KarpFlatt {
                workers: 2,
                serial_fraction: 0.05,
            },
            KarpFlatt {
                workers: 3,
                serial_fraction: 0.25,
            },
        ],
        verdict: "Run 2 workers: throughput plateaus at the 2 cores.".into(),
        warnings: vec!["The machine was busy: load average 0.25.".into()],
        decision: None,
        regions: None,
        ..testdata::analysis(peak, 2)
    });
    r
}
