//! The scaling analysis in words: what the peak, plateau, Amdahl and USL figures mean for the
//! reader's worker pool. Pure: analysis in, sentences out (escaped later by the templates).

use crate::model::{AmdahlFit, Analysis, KarpFlatt, UslFit};
use crate::numbers::rate;
use crate::words::workers;
use serde::Serialize;

/// One fitted figure and what it means.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FitLine {
    /// The model and parameter, e.g. "USL sigma (contention)".
    pub name: String,
    /// The value as shown, e.g. "0.040".
    pub value: String,
    /// What the value says about the workload, in one or two sentences.
    pub meaning: String,
}

/// Sentences about where throughput peaks, plateaus and falls.
pub fn shape_lines(a: &Analysis) -> Vec<String> {
    let mut out = vec![
        format!(
            "Peak: {} tasks/s at {}.",
            rate(a.peak.tasks_per_sec),
            workers(a.peak.workers)
        ),
        format!(
            "Plateau: {} to {} workers stay within {:.0}% of the peak; the recommendation is the fewest workers on it ({}).",
            a.plateau.from_workers,
            a.plateau.to_workers,
            a.plateau.tolerance * 100.0,
            a.recommended_workers
        ),
    ];
    match a.oversubscribed_from {
        Some(w) => out.push(format!(
            "Oversubscribed from {w} workers: significantly slower than the peak, so extra workers only add context switches and contention."
        )),
        None => out.push("No measured worker count was significantly slower than the peak.".into()),
    }
    if let Some(d) = a.retrograde_drop {
        out.push(format!(
            "At the largest count measured, throughput is {:.1}% below the peak (retrograde scaling).",
            d * 100.0
        ));
    }
    out
}

/// The fits as named figures with their meaning; a missing fit says why it is missing.
pub fn fit_lines(a: &Analysis) -> Vec<FitLine> {
    let mut out = Vec::new();
    match &a.amdahl {
        Some(f) => out.push(amdahl_line(f)),
        None => out.push(FitLine {
            name: "Amdahl serial fraction".into(),
            value: "not fitted".into(),
            meaning: "Amdahl's law could not be fitted to these speedups (too few points or no speedup at all).".into(),
        }),
    }
    match &a.usl {
        Some(u) => out.extend(usl_lines(u)),
        None => out.push(FitLine {
            name: "USL".into(),
            value: "not fitted".into(),
            meaning: match a.regions.as_ref().and_then(|r| r.fit_note.clone()) {
                Some(note) => format!("Not fitted: {note}."),
                None => {
                    "The Universal Scalability Law could not be fitted to this throughput curve."
                        .into()
                }
            },
        }),
    }
    if let Some(r) = &a.regions {
        if let (Some(e), Some(lost)) = (r.scalable_up_to, r.lost_per_extra_worker) {
            out.push(FitLine {
                name: "Oversubscription".into(),
                value: format!("{:.1}% per extra worker", lost * 100.0),
                meaning: format!(
                    "Share of the throughput at {e} workers lost per worker beyond the {e} effective CPUs (a least-squares slope; negative means it still grew). The models above are fitted on 1 to {e} workers only."
                ),
            });
        }
    }
    if let Some(d) = &a.decision {
        if let Some(s) = d.stability {
            out.push(FitLine {
                name: "Recommendation stability".into(),
                value: format!("{:.0}%", (s * 100.0).floor()),
                meaning: format!(
                    "Share of {} bootstrap resamples of the {} rounds (whole rounds, so slowdowns they share stay together) that recommend the same count.",
                    d.resamples, d.rounds
                ),
            });
        }
    }
    if let Some(line) = karp_flatt_line(&a.karp_flatt) {
        out.push(line);
    }
    out
}

fn amdahl_line(f: &AmdahlFit) -> FitLine {
    let meaning = if f.r2 < crate::analysis::POOR_FIT_R2 {
        format!(
            "The fit is poor (r² {:.3}): the speedup is capped by something Amdahl's law does not model, such as the core count, so the {:.1}% serial fraction is rough, not a measured serial part.",
            f.r2,
            f.serial_fraction * 100.0
        )
    } else {
        format!(
            "About {:.1}% of the work behaves as if it cannot run in parallel, so no number of workers can give more than a {} speedup (fit r² {:.3}).",
            f.serial_fraction * 100.0,
            speedup_cap(f.max_speedup),
            f.r2
        )
    };
    FitLine {
        name: "Amdahl serial fraction".into(),
        value: format!("{:.3}", f.serial_fraction),
        meaning,
    }
}

fn speedup_cap(x: f64) -> String {
    if x.is_finite() && x < 1e6 {
        format!("{x:.1}x")
    } else {
        "unbounded".into()
    }
}

fn usl_lines(u: &UslFit) -> Vec<FitLine> {
    let mut out = vec![
        FitLine {
            name: "USL sigma (contention)".into(),
            value: format!("{:.4}", u.sigma),
            meaning: format!(
                "Workers queue for something shared (a lock, a queue, memory bandwidth) for about {:.1}% of the work; contention alone makes throughput level off, not fall.",
                u.sigma * 100.0
            ),
        },
        FitLine {
            name: "USL kappa (coherency)".into(),
            value: format!("{:.5}", u.kappa),
            meaning: if u.kappa > 0.0 {
                "Workers pay to keep shared data consistent with each other, a cost that grows with the square of their number: this is what makes throughput fall after a peak.".into()
            } else {
                "No coherency cost was found: throughput levels off instead of falling.".into()
            },
        },
    ];
    out.push(match (u.peak_workers, u.peak_tasks_per_sec) {
        (Some(n), Some(x)) => FitLine {
            name: "USL N* (modelled peak)".into(),
            value: format!("{n:.1} workers"),
            meaning: format!(
                "The model's throughput peaks near {:.0} workers at {} tasks/s; beyond it more workers are slower.",
                n.round(),
                rate(x)
            ),
        },
        _ => FitLine {
            name: "USL N* (modelled peak)".into(),
            value: "none".into(),
            meaning: "The model has no peak (kappa is zero): it approaches its ceiling and stays there.".into(),
        },
    });
    out.push(FitLine {
        name: "USL constraint".into(),
        value: u.constraint.to_string(),
        meaning: format!(
            "The term that limits scaling most ({}); one worker runs {} tasks/s under the model (fit r² {:.3}).",
            u.constraint.words().term,
            rate(u.lambda),
            u.r2
        ),
    });
    out
}

fn karp_flatt_line(kf: &[KarpFlatt]) -> Option<FitLine> {
    let first = kf.first()?;
    let last = kf.last()?;
    let figures = kf
        .iter()
        .map(|k| format!("{}: {:.3}", k.workers, k.serial_fraction))
        .collect::<Vec<_>>()
        .join(", ");
    let trend = if last.serial_fraction > first.serial_fraction * 1.5 + 0.01 {
        "It grows with the worker count: overhead rises with workers (coordination, oversubscription), not a fixed serial part."
    } else {
        "It stays roughly constant: a fixed serial part limits the speedup."
    };
    Some(FitLine {
        name: "Karp-Flatt serial fraction".into(),
        value: figures,
        meaning: format!("The serial fraction measured at each worker count. {trend}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::testdata;

    #[test]
    fn a_poor_amdahl_fit_is_called_rough() {
        let mut f = AmdahlFit {
            serial_fraction: 0.378,
            max_speedup: 2.6,
            r2: 0.501,
        };
        assert!(amdahl_line(&f).meaning.contains("rough"));
        f.r2 = 0.99;
        assert!(amdahl_line(&f).meaning.starts_with("About 37.8%"));
    }

    #[test]
    fn every_fit_gets_a_meaning_and_missing_fits_say_so() {
        let r = testdata::record_with_analysis();
        let a = r.analysis.as_ref().unwrap();
        let lines = fit_lines(a);
        let names: Vec<&str> = lines.iter().map(|l| l.name.as_str()).collect();
        assert!(names.contains(&"Amdahl serial fraction"));
        assert!(names.contains(&"USL sigma (contention)"));
        assert!(names.contains(&"USL kappa (coherency)"));
        assert!(names.contains(&"USL N* (modelled peak)"));
        assert!(
            lines
                .iter()
                .any(|l| l.meaning.contains("grows with the worker count"))
        );
        assert!(lines.iter().all(|l| !l.meaning.is_empty()));

        let mut bare = a.clone();
        bare.amdahl = None;
        bare.usl = None;
        bare.karp_flatt.clear();
        let lines = fit_lines(&bare);
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| l.value == "not fitted"));
    }

    #[test]
    fn shape_names_the_oversubscription() {
        let r = testdata::record_with_analysis();
        let lines = shape_lines(r.analysis.as_ref().unwrap());
        assert!(lines.iter().any(|l| l.starts_with("Oversubscribed from 4")));
        assert!(lines.iter().any(|l| l.contains("10.0% below")));
    }
}
