//! What a report says about task latency beside the table: whether Little's law held, the
//! USL's response-time fit, and that the figures are closed-loop service times. Pure.

use crate::analysis::latency::LITTLE_TOLERANCE;
use crate::model::{Analysis, RunRecord};
use crate::numbers::rate;

/// True when some point recorded task latencies.
pub fn has_latency(record: &RunRecord) -> bool {
    record
        .points
        .iter()
        .any(|p| p.summary.as_ref().is_some_and(|s| s.latency.is_some()))
}

/// The latency sentences of a report; empty when the analysis has no latencies.
pub fn notes(a: &Analysis) -> Vec<String> {
    let Some(l) = &a.latency else {
        return vec![];
    };
    let mut out = vec![
        "Latencies are service times in a closed loop: each worker takes the next task as soon as \
it finishes one, so they say how long a task takes at W workers, not how long a request would \
wait under a given arrival rate (see docs/latency.md)."
            .to_string(),
    ];
    let off: Vec<String> = l
        .little
        .iter()
        .filter(|c| (c.ratio - 1.0).abs() > LITTLE_TOLERANCE)
        .map(|c| c.workers.to_string())
        .collect();
    out.push(if off.is_empty() {
        format!(
            "Little's law (workers = throughput x mean latency) holds within {:.0}% at every count.",
            LITTLE_TOLERANCE * 100.0
        )
    } else {
        format!(
            "Little's law (workers = throughput x mean latency) does not hold within {:.0}% at {} \
workers (see the warnings).",
            LITTLE_TOLERANCE * 100.0,
            crate::analysis::verdict_noise::join(&off)
        )
    });
    if let Some(f) = &l.response_fit {
        out.push(format!(
            "USL response-time fit over the mean latencies, R(N) = (1 + sigma (N-1) + kappa N \
(N-1)) / lambda: sigma {:.3}, kappa {:.4}, lambda {} tasks/s, r² {:.2}.",
            f.sigma,
            f.kappa,
            rate(f.lambda),
            f.r2
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LatencyAnalysis, LittleCheck, ResponseFit};
    use crate::render::testdata;

    #[test]
    fn little_and_the_fit_are_said() {
        let mut r = testdata::record_with_analysis();
        assert!(notes(r.analysis.as_ref().unwrap()).is_empty());
        let check = |workers, ratio| LittleCheck {
            workers,
            in_flight: ratio * workers as f64,
            ratio,
        };
        r.analysis.as_mut().unwrap().latency = Some(LatencyAnalysis {
            little: vec![check(1, 0.99), check(2, 0.8), check(4, 0.5)],
            response_fit: Some(ResponseFit {
                sigma: 0.25,
                kappa: 0.0,
                lambda: 50.0,
                r2: 0.97,
            }),
            cpu_share: Some(0.05),
            waits_outside: false,
            slo: None,
        });
        let n = notes(r.analysis.as_ref().unwrap());
        assert!(n[0].starts_with("Latencies are service times in a closed loop"));
        assert!(
            n[1].contains("does not hold within 10% at 2 and 4 workers"),
            "{n:?}"
        );
        assert!(
            n[2].contains("sigma 0.250, kappa 0.0000, lambda 50.0 tasks/s, r² 0.97"),
            "{n:?}"
        );
    }
}
