//! Parses `--workers`: counts (`8`), ranges (`1..16`), stepped ranges (`1..64:4`) and lists
//! of any of those (`1,2,4,8` or `1..8,12,16`).

use std::num::NonZeroUsize;

/// Most worker counts one spec may expand to: a sweep of more points than this never ends.
pub const MAX_COUNTS: usize = 10_000;

/// Parses a worker spec into ascending, distinct worker counts.
/// `A..B` is every count from A to B; `A..B:S` is A, every multiple of S above A, and B.
/// The error is one sentence naming `--workers` and what is accepted.
pub fn parse_workers(spec: &str) -> Result<Vec<NonZeroUsize>, String> {
    let mut out = Vec::new();
    let items: Vec<&str> = spec.split(',').map(str::trim).collect();
    if items.iter().all(|i| i.is_empty()) {
        return Err(hint("is empty"));
    }
    for item in items {
        if item.is_empty() {
            return Err(hint(&format!("has an empty item in \"{}\"", short(spec))));
        }
        match item.split_once("..") {
            None => out.push(count(item)?),
            Some((a, rest)) => {
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
                            format!("--workers: the step in \"{}\" must be a whole number of at least 1, as in 1..64:4", short(item))
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
                out.push(nz(lo));
                let mut v = (lo / step + 1) * step;
                while v <= hi {
                    out.push(nz(v));
                    v += step;
                }
                out.push(nz(hi));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
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
        parse_workers(spec)
            .unwrap()
            .into_iter()
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
        assert_eq!(ws("3..3"), vec![3]);
    }

    #[test]
    fn errors_name_the_flag() {
        for bad in [
            "0", "8..2", "abc", "", "1,,2", "1..x", "1..8:0", "-1", "0..4",
        ] {
            let e = parse_workers(bad).unwrap_err();
            assert!(e.starts_with("--workers"), "{bad}: {e}");
        }
        assert!(parse_workers("8..2").unwrap_err().contains("2..8"));
        let huge = parse_workers("1..100000000000").unwrap_err();
        assert!(huge.contains("stepped range"), "{huge}");
        assert_eq!(ws("1..100000:10000").len(), 11);
    }
}
