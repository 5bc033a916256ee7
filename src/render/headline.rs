//! The headline of a run: the answer in one sentence ("Use 2 workers on this machine: 90.5
//! tasks/s, the same in 100% of resamples"), which the terminal, report.html and summary.md
//! open with; the verdict cut into its sentences, the reasons that follow; and the peak in one
//! sentence, which leads where there is no analysis. Pure.

use crate::analysis::Provenance;
use crate::analysis::verdict_noise::UNDECIDED_SHARE;
use crate::model::{MemoryBinds, RunRecord};
use crate::numbers::rate;
use crate::render::pick;
use crate::summary::{Measured, measured, measured_peak};
use crate::words::workers;

/// The peak, its speedup, and the machine's effective CPUs (for imported data, without the
/// machine it does not know), in one sentence.
pub fn peak_line(record: &RunRecord) -> String {
    let m = &record.machine;
    let prov = Provenance::of(record);
    match peak(record) {
        None => "No worker count was measured.".into(),
        Some(Measured {
            workers: w,
            summary: s,
        }) if !prov.machine_recorded => format!(
            "Peak {} {} at {} ({:.2}x speedup, {:.0}% efficiency).",
            rate(s.tasks_per_sec),
            prov.unit,
            workers(w),
            s.speedup,
            s.efficiency * 100.0,
        ),
        Some(Measured {
            workers: w,
            summary: s,
        }) => format!(
            "Peak {} tasks/s at {} ({:.2}x speedup, {:.0}% efficiency) on {} effective CPUs ({} physical cores, {} logical).",
            rate(s.tasks_per_sec),
            workers(w),
            s.speedup,
            s.efficiency * 100.0,
            m.effective_cpus,
            m.physical_cores,
            m.logical_cpus
        ),
    }
}

/// The analysis's peak when it was measured, else the measured point with the highest
/// throughput.
pub fn peak(record: &RunRecord) -> Option<Measured<'_>> {
    if let Some(a) = &record.analysis {
        if let Some(m) = measured(&record.points).find(|m| m.workers == a.peak.workers) {
            return Some(m);
        }
    }
    measured_peak(&record.points)
}

/// The answer in one sentence: how many workers to use, the throughput there and how certain
/// that is; `None` without an analysis (or when the recommended count was not measured).
pub fn answer(record: &RunRecord) -> Option<String> {
    let a = record.analysis.as_ref()?;
    let c = pick::chosen(record).filter(|c| c.from_analysis)?;
    let prov = Provenance::of(record);
    let (w, x) = (workers(c.workers), rate(c.tasks_per_sec));
    let unit = &prov.unit;
    let here = if prov.machine_recorded {
        "on this machine"
    } else {
        "on the machine that measured these numbers"
    };
    let measured: Vec<usize> = measured(&record.points).map(|m| m.workers).collect();
    let d = a.decision.as_ref();
    if let Some(share) = d
        .map(|d| d.disturbed_share)
        .filter(|s| *s >= UNDECIDED_SHARE)
    {
        return Some(format!(
            "No firm answer yet: other work disturbed {:.0}% of the batches, so {w} {here} \
({x} {unit}) is provisional; rerun on a quiet machine.",
            share * 100.0
        ));
    }
    if measured.len() == 1 {
        return Some(format!(
            "Only one count was measured, {w} ({x} {unit}): measure several to get a \
recommendation."
        ));
    }
    let last = measured.last().copied();
    if last == Some(c.workers) && a.peak.workers == c.workers {
        return Some(format!(
            "Use at least {w} {here}: {x} {unit}, and throughput still rises at the largest count \
measured."
        ));
    }
    if a.memory
        .as_ref()
        .is_some_and(|m| m.binds == MemoryBinds::Memory)
    {
        return Some(format!(
            "Use {w} {here}: {x} {unit}, as many as fit in its memory."
        ));
    }
    let stability = d
        .and_then(|d| d.stability)
        .map(|s| format!(", the same in {:.0}% of resamples", (s * 100.0).floor()))
        .unwrap_or_default();
    Some(format!("Use {w} {here}: {x} {unit}{stability}."))
}

/// A verdict cut into its sentences, for a list of reasons. A sentence ends at a full stop
/// (or a full stop inside a closing parenthesis) followed by a space and a capital letter or a
/// digit ("42 batches ..."), so "e.g. a lock", decimals and a parenthesised remark starting
/// "(A pool" stay whole.
pub fn sentences(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut start = 0;
    for i in 0..chars.len() {
        let end = match (chars[i], chars.get(i + 1)) {
            ('.', Some(' ')) => i + 1,
            ('.', Some(')')) if chars.get(i + 2) == Some(&' ') => i + 2,
            _ => continue,
        };
        if chars
            .get(end + 1)
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
        {
            out.push(
                chars[start..end]
                    .iter()
                    .collect::<String>()
                    .trim()
                    .to_string(),
            );
            start = end + 1;
        }
    }
    let rest: String = chars[start..].iter().collect();
    if !rest.trim().is_empty() {
        out.push(rest.trim().to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{AnalysisOptions, analyze};
    use crate::testdata::{record_from_samples, record_from_throughput};

    #[test]
    fn sentences_keep_decimals_abbreviations_and_remarks_whole() {
        let v = "Throughput peaks at 2 workers (90.5 tasks/s), e.g. a lock. Recommended: 2 \
workers. (A pool sized by os.cpu_count() = 4 gets 97% of the peak.) The USL fit (r² 0.990; \
sigma 0.0100) says so. Amdahl gives 0.021. 42 batches were left out.";
        assert_eq!(
            sentences(v),
            vec![
                "Throughput peaks at 2 workers (90.5 tasks/s), e.g. a lock.",
                "Recommended: 2 workers. (A pool sized by os.cpu_count() = 4 gets 97% of the peak.)",
                "The USL fit (r² 0.990; sigma 0.0100) says so.",
                "Amdahl gives 0.021.",
                "42 batches were left out.",
            ]
        );
        assert_eq!(sentences(""), Vec::<String>::new());
        assert_eq!(sentences("One."), vec!["One."]);
    }

    #[test]
    fn sentences_lose_no_word_of_a_real_verdict() {
        let mut r = record_from_throughput(&[1, 2, 4, 8, 16], &[1.0, 1.9, 3.6, 3.7, 3.3], 4);
        r.analysis = analyze(&r, &AnalysisOptions::default());
        let v = &r.analysis.as_ref().unwrap().verdict;
        let parts = sentences(v);
        assert!(parts.len() >= 3, "{parts:?}");
        assert_eq!(parts.join(" "), *v);
    }

    #[test]
    fn the_answer_names_the_count_its_throughput_and_its_stability() {
        let mut r = record_from_samples(
            &[
                (1, vec![4.0, 4.1, 3.9, 4.0, 4.05]),
                (2, vec![2.0, 2.1, 1.9, 2.0, 2.02]),
                (4, vec![2.3, 2.4, 2.35, 2.3, 2.32]),
            ],
            8,
            2,
        );
        r.analysis = analyze(&r, &AnalysisOptions::default());
        let a = answer(&r).unwrap();
        let x = r.points[1].summary.as_ref().unwrap().tasks_per_sec;
        assert!(
            a.starts_with(&format!(
                "Use 2 workers on this machine: {} tasks/s",
                rate(x)
            )),
            "{a}"
        );
        assert!(
            a.contains("% of resamples.") || a.ends_with("tasks/s."),
            "{a}"
        );
        // Without an analysis there is no answer, only the peak.
        r.analysis = None;
        assert_eq!(answer(&r), None);
    }

    #[test]
    fn a_curve_still_rising_or_a_single_count_says_so() {
        let mut rising = record_from_throughput(&[1, 2, 4], &[1.0, 2.0, 4.0], 8);
        rising.analysis = analyze(&rising, &AnalysisOptions::default());
        let a = answer(&rising).unwrap();
        assert!(a.starts_with("Use at least 4 workers"), "{a}");
        let mut one = record_from_throughput(&[4], &[10.0], 8);
        one.analysis = analyze(&one, &AnalysisOptions::default());
        assert!(
            answer(&one)
                .unwrap()
                .starts_with("Only one count was measured, 4 workers")
        );
    }
}
