//! The latency warnings' sentences: counts where Little's law does not hold.

use super::warning::and_list;
use std::fmt;

/// `Warning::LittleLaw`: at these counts throughput x mean latency is not the worker count.
pub(super) fn little_law(f: &mut fmt::Formatter<'_>, counts: &[(usize, f64)]) -> fmt::Result {
    let list: Vec<String> = counts
        .iter()
        .map(|(w, r)| format!("{:.1} of {w}", r * *w as f64))
        .collect();
    let low = counts.iter().any(|(_, r)| *r < 1.0);
    let high = counts.iter().any(|(_, r)| *r > 1.0);
    let why = match (!low, !high) {
        (false, true) => {
            "workers sat idle or waited to be handed tasks (dispatch gaps, an uneven last wave)"
        }
        (true, false) => "more tasks were in flight than workers, which is a measurement fault",
        _ => {
            "workers sat idle or waited for tasks at some counts, and the figures are faulty at others"
        }
    };
    write!(
        f,
        "Little's law does not hold within 10% at {} workers: throughput x mean latency gives {} \
tasks in flight, so {why}.",
        and_list(&counts.iter().map(|c| c.0).collect::<Vec<_>>()),
        and_list(&list)
    )
}

#[cfg(test)]
mod tests {
    use super::super::warning::{Warning, says};

    #[test]
    fn idle_workers_and_faults_are_told_apart() {
        says(
            Warning::LittleLaw {
                counts: vec![(8, 0.5)],
            },
            "Little's law does not hold within 10% at 8 workers: throughput x mean latency gives \
4.0 of 8 tasks in flight, so workers sat idle or waited to be handed tasks (dispatch gaps, an \
uneven last wave).",
        );
        says(
            Warning::LittleLaw {
                counts: vec![(2, 1.5), (4, 1.25)],
            },
            "Little's law does not hold within 10% at 2 and 4 workers: throughput x mean latency \
gives 3.0 of 2 and 5.0 of 4 tasks in flight, so more tasks were in flight than workers, which \
is a measurement fault.",
        );
    }
}
