//! Wording and number formats shared by the comparison's writers (markdown and terminal): the
//! headline verdict, changes in percent, p-values, and the curve checks as sentences. Pure.

use crate::compare::{Comparison, Evidence, PointComparison, Verdict};
use crate::numbers::rate;
use crate::words::workers;

/// A ratio as a signed change in percent: 0.909 -> "-9.1%".
pub fn change(ratio: f64) -> String {
    format!("{:+.1}%", (ratio - 1.0) * 100.0)
}

/// A p-value with three significant digits, or "<0.0001".
pub fn pval(p: f64) -> String {
    if p < 1e-4 {
        "<0.0001".into()
    } else if p >= 0.1 {
        format!("{p:.2}")
    } else if p >= 0.001 {
        format!("{p:.3}")
    } else {
        format!("{p:.4}")
    }
}

/// The CI of a ratio: "[0.881, 0.934]".
pub fn ratio_ci(e: &Evidence) -> String {
    format!("[{:.3}, {:.3}]", e.ratio.ci.lo, e.ratio.ci.hi)
}

/// The p-value of the direction the change points in, raw and Holm-corrected: "0.004 / 0.012".
pub fn directional_p(e: &Evidence) -> String {
    if e.ratio.ratio < 1.0 {
        format!("{} / {}", pval(e.p_slower), pval(e.p_slower_holm))
    } else {
        format!("{} / {}", pval(e.p_faster), pval(e.p_faster_holm))
    }
}

/// A median rate or "-" when absent.
pub fn opt_rate(x: Option<f64>) -> String {
    x.map_or_else(|| "-".into(), rate)
}

/// The cells of one table row: workers, baseline, current, change, CI, p, samples, verdict.
pub fn row_cells(p: &PointComparison) -> [String; 8] {
    let (chg, ci, pv) = match &p.evidence {
        Some(e) => (change(e.ratio.ratio), ratio_ci(e), directional_p(e)),
        None => ("-".into(), "-".into(), "-".into()),
    };
    [
        p.workers.to_string(),
        opt_rate(p.baseline_tasks_per_sec),
        opt_rate(p.current_tasks_per_sec),
        chg,
        ci,
        pv,
        format!("{}/{}", p.baseline_samples, p.current_samples),
        p.status.words().to_string(),
    ]
}

/// Column titles matching `row_cells`.
pub const HEADERS: [&str; 8] = [
    "workers",
    "baseline tasks/s",
    "current tasks/s",
    "change",
    "95% CI of ratio",
    "p / Holm p",
    "samples",
    "verdict",
];

/// The verdict in one sentence.
pub fn headline(c: &Comparison) -> String {
    let pct = c.threshold * 100.0;
    match c.verdict {
        Verdict::Pass => format!(
            "PASS: no throughput regression beyond {pct}% that is significant at alpha {} ({} worker count{} compared).",
            c.alpha,
            c.whole_curve.as_ref().map_or(0, |w| w.workers.len()),
            if c.whole_curve.as_ref().is_some_and(|w| w.workers.len() == 1) {
                ""
            } else {
                "s"
            }
        ),
        Verdict::Regression => {
            let mut parts = Vec::new();
            if let Some(w) = c
                .whole_curve
                .as_ref()
                .filter(|w| w.status == crate::compare::Status::Regression)
            {
                parts.push(format!(
                    "whole-curve throughput changed by {} (95% CI of the ratio {}, Holm p {})",
                    change(w.evidence.ratio.ratio),
                    ratio_ci(&w.evidence),
                    pval(w.evidence.p_slower_holm)
                ));
            }
            if !c.regressions.is_empty() {
                let list: Vec<String> = c.regressions.iter().map(usize::to_string).collect();
                parts.push(format!("worker count {} regressed", list.join(", ")));
            }
            format!(
                "REGRESSION beyond {pct}% at alpha {}: {}.",
                c.alpha,
                parts.join("; ")
            )
        }
        Verdict::Inconclusive => format!(
            "INCONCLUSIVE: a throughput drop beyond {pct}% was seen but is not significant at alpha {}: these files cannot tell it from noise (exit 4). Measure both sides interleaved in one job (plateau compare --baseline-args/--baseline-cmd ...) or with more repetitions.",
            c.alpha
        ),
        Verdict::Undecided => format!(
            "UNDECIDED: no worker count has {} or more samples in both runs, so nothing can be decided; rerun both with --repetitions {} or more.",
            c.min_samples, c.min_samples
        ),
    }
}

/// The whole-curve line, when there is one.
pub fn whole_curve_line(c: &Comparison) -> Option<String> {
    let w = c.whole_curve.as_ref()?;
    let e = &w.evidence;
    Some(format!(
        "Whole curve (geometric mean over {} worker counts): throughput {} (ratio {:.3}, 95% CI {}), p / Holm p {}: {}.",
        w.workers.len(),
        change(e.ratio.ratio),
        e.ratio.ratio,
        ratio_ci(e),
        directional_p(e),
        w.status.words()
    ))
}

/// The curve checks as sentences.
pub fn curve_lines(c: &Comparison) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(p) = &c.curve.peak {
        let ci = p
            .ratio
            .map(|r| format!(", 95% CI of the ratio [{:.3}, {:.3}]", r.ci.lo, r.ci.hi))
            .unwrap_or_default();
        out.push(format!(
            "Peak throughput: {} tasks/s at {} -> {} tasks/s at {} ({}{ci}; from {}): {}.",
            rate(p.baseline.tasks_per_sec),
            workers(p.baseline.workers),
            rate(p.current.tasks_per_sec),
            workers(p.current.workers),
            change(if p.baseline.tasks_per_sec > 0.0 {
                p.current.tasks_per_sec / p.baseline.tasks_per_sec
            } else {
                1.0
            }),
            p.source,
            p.movement.words()
        ));
    }
    out.push(format!(
        "Recommended workers: {}",
        c.curve.recommendation.note
    ));
    if let Some(e) = &c.curve.efficiency {
        out.push(format!(
            "Efficiency at the effective CPU count ({}): {:.0}% -> {:.0}%: {}.",
            workers(e.workers),
            e.baseline * 100.0,
            e.current * 100.0,
            e.movement.words()
        ));
    }
    out
}

/// "file (label, started_at)" for one side.
pub fn describe_run(r: &crate::compare::RunRef) -> String {
    match &r.file {
        Some(f) => format!("{f} ({}, {})", r.label, r.started_at),
        None => format!("{} ({})", r.label, r.started_at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(change(0.909), "-9.1%");
        assert_eq!(change(1.032), "+3.2%");
        assert_eq!(pval(0.00397), "0.004");
        assert_eq!(pval(0.0123), "0.012");
        assert_eq!(pval(0.5), "0.50");
        assert_eq!(pval(1e-6), "<0.0001");
        assert_eq!(pval(0.00031), "0.0003");
    }
}
