//! The grammar of `--workers` (of `run`, and of `compare`'s gate): counts (`8`), ranges
//! (`1..16`), stepped ranges (`1..64:4`) and lists of any of those (`1,2,4,8` or `1..8,12,16`),
//! read by clap's value parser into a `WorkerList`, so the counts arrive typed. Every refusal is
//! one sentence naming `--workers` and what is accepted.

use crate::error::FlagError;
use std::fmt;
use std::num::NonZeroUsize;

/// Most worker counts one spec may expand to: a sweep of more points than this never ends.
pub const MAX_COUNTS: usize = 10_000;

/// The worker counts of a `--workers` value: ascending and distinct, each at least 1, with the
/// text as given (the gate forwards it to each side's `run` as typed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerList {
    counts: Vec<NonZeroUsize>,
    given: String,
}

impl WorkerList {
    /// The counts, ascending and distinct (never empty).
    pub fn counts(&self) -> &[NonZeroUsize] {
        &self.counts
    }

    /// The value as the user typed it.
    pub fn given(&self) -> &str {
        &self.given
    }
}

impl fmt::Display for WorkerList {
    /// The value as typed, so a forwarded `--workers` reads as the user wrote it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.given)
    }
}

/// The clap value parser of `--workers`: `A..B` is every count from A to B; `A..B:S` is A,
/// every multiple of S above A, and B. The error is one sentence naming `--workers`.
pub fn parse(spec: &str) -> Result<WorkerList, FlagError> {
    read(spec).map_err(FlagError)
}

/// `parse`'s reading, or the sentence of its refusal.
fn read(spec: &str) -> Result<WorkerList, String> {
    let items: Vec<&str> = spec.split(',').map(str::trim).collect();
    if items.iter().all(|i| i.is_empty()) {
        return Err(hint("is empty"));
    }
    let mut counts = Vec::new();
    for item in items {
        if item.is_empty() {
            return Err(hint(&format!("has an empty item in \"{}\"", short(spec))));
        }
        match item.split_once("..") {
            None => counts.push(count(item)?),
            Some((a, rest)) => counts.extend(range(item, a, rest)?),
        }
    }
    counts.sort_unstable();
    counts.dedup();
    Ok(WorkerList {
        counts,
        given: spec.to_string(),
    })
}

/// The counts of one range item `A..B` or `A..B:S` (`rest` is what follows `..`).
fn range(item: &str, a: &str, rest: &str) -> Result<Vec<NonZeroUsize>, String> {
    let (b, step) = match rest.split_once(':') {
        Some((b, s)) => (b, Some(s)),
        None => (rest, None),
    };
    let lo = count(a)?.get();
    let hi = count(b.trim_start_matches('='))?.get();
    if hi < lo {
        return Err(format!(
            "--workers: the range {} runs backwards; write it low to high, as {hi}..{lo}",
            short(item)
        ));
    }
    let step = match step {
        None => 1,
        Some(s) => count(s)
            .map_err(|_| {
                format!(
                    "--workers: the step in \"{}\" must be a whole number of at least 1, as in 1..64:4",
                    short(item)
                )
            })?
            .get(),
    };
    // Refused before expanding: `1..10000000000` would otherwise fill memory.
    if (hi - lo) / step >= MAX_COUNTS {
        return Err(format!(
            "--workers: the range {} expands to more than {MAX_COUNTS} worker counts; use a stepped range such as {lo}..{hi}:{}",
            short(item),
            ((hi - lo) / 20).max(1)
        ));
    }
    let above_lo = (lo / step + 1) * step;
    let steps = (above_lo..=hi).step_by(step);
    Ok(std::iter::once(lo)
        .chain(steps)
        .chain([hi])
        .map(nz)
        .collect())
}

fn nz(v: usize) -> NonZeroUsize {
    NonZeroUsize::new(v).expect("counts are checked to be at least 1")
}

fn count(text: &str) -> Result<NonZeroUsize, String> {
    let t = text.trim();
    match t.parse::<usize>() {
        Ok(0) => Err(
            "--workers: 0 is not a worker count; use counts of at least 1, e.g. 1..16 or 1,2,4,8"
                .to_string(),
        ),
        Ok(v) => Ok(nz(v)),
        Err(_) => Err(hint(&format!(
            "has \"{}\", which is not a whole number",
            short(t)
        ))),
    }
}

/// At most 60 characters of the user's text, for a message.
fn short(text: &str) -> String {
    crate::visible::shorten(text, 60)
}

fn hint(what: &str) -> String {
    format!(
        "--workers {what}; give counts (8), ranges (1..16), stepped ranges (1..64:4) or a list of them (1,2,4,8)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ws(spec: &str) -> Vec<usize> {
        parse(spec)
            .unwrap()
            .counts()
            .iter()
            .map(|n| n.get())
            .collect()
    }

    #[test]
    fn forms() {
        assert_eq!(ws("4"), vec![4]);
        assert_eq!(ws("1..4"), vec![1, 2, 3, 4]);
        assert_eq!(ws("1..=3"), vec![1, 2, 3]);
        assert_eq!(ws("1,2,4,8"), vec![1, 2, 4, 8]);
        assert_eq!(ws("8, 1 ,4,4"), vec![1, 4, 8]);
        assert_eq!(ws("1..8,12,16"), vec![1, 2, 3, 4, 5, 6, 7, 8, 12, 16]);
        assert_eq!(ws("1..16:4"), vec![1, 4, 8, 12, 16]);
        assert_eq!(ws("1..10:4"), vec![1, 4, 8, 10]);
        assert_eq!(ws("3..9:4"), vec![3, 4, 8, 9]);
        assert_eq!(ws("3..3"), vec![3]);
    }

    #[test]
    fn the_text_is_kept_as_given() {
        let list = parse("8, 1..2").unwrap();
        assert_eq!(list.given(), "8, 1..2");
        assert_eq!(list.to_string(), "8, 1..2");
    }

    #[test]
    fn errors_name_the_flag() {
        for bad in [
            "0", "8..2", "abc", "", "1,,2", "1..x", "1..8:0", "-1", "0..4",
        ] {
            let e = parse(bad).unwrap_err().0;
            assert!(e.starts_with("--workers"), "{bad}: {e}");
        }
        assert_eq!(
            parse("8..2").unwrap_err().0,
            "--workers: the range 8..2 runs backwards; write it low to high, as 2..8"
        );
        assert_eq!(
            parse("1..8:0").unwrap_err().0,
            "--workers: the step in \"1..8:0\" must be a whole number of at least 1, as in 1..64:4"
        );
        let huge = parse("1..100000000000").unwrap_err().0;
        assert!(huge.contains("stepped range"), "{huge}");
        assert_eq!(ws("1..100000:10000").len(), 11);
    }
}
