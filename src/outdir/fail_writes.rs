//! Hidden fault injection for tests of what a run keeps when the disk fills up, off unless a
//! test sets the environment variable: `PLATEAU_TEST_FAIL_WRITES` lists which writes of
//! results.json fail, counted from 1 in this process, as numbers and ranges (`2`, `2-3`,
//! `4-`), and which other outputs fail at every write, by name (`report.html`). Only builds
//! with the `testing` feature (the crate's own tests) carry the hook; elsewhere `injected`
//! never fails and reads no variable.

/// The variable that lists the failing writes.
#[cfg(any(test, feature = "testing"))]
pub const FAIL_WRITES_ENV: &str = "PLATEAU_TEST_FAIL_WRITES";

/// Writes of results.json so far in this process.
#[cfg(any(test, feature = "testing"))]
static RESULTS_WRITES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The injected "No space left on device" for this write of `name`, when the hook lists it.
#[cfg(any(test, feature = "testing"))]
pub(super) fn injected(name: &str) -> anyhow::Result<()> {
    let Ok(spec) = std::env::var(FAIL_WRITES_ENV) else {
        return Ok(());
    };
    let fails = if name == "results.json" {
        let n = RESULTS_WRITES.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        write_listed(&spec, n)
    } else {
        spec.split(',').any(|part| part.trim() == name)
    };
    if fails {
        return Err(
            anyhow::Error::new(std::io::Error::from_raw_os_error(libc::ENOSPC))
                .context(format!("could not write {name} ({FAIL_WRITES_ENV})")),
        );
    }
    Ok(())
}

/// No failure: a build without the `testing` feature has no hook.
#[cfg(not(any(test, feature = "testing")))]
pub(super) fn injected(_name: &str) -> anyhow::Result<()> {
    Ok(())
}

/// Whether write `n` is in the list `spec`.
#[cfg(any(test, feature = "testing"))]
fn write_listed(spec: &str, n: usize) -> bool {
    spec.split(',').any(|part| {
        let part = part.trim();
        match part.split_once('-') {
            Some((a, b)) => {
                let lo = a.parse().unwrap_or(usize::MAX);
                let hi = if b.is_empty() {
                    usize::MAX
                } else {
                    b.parse().unwrap_or(0)
                };
                (lo..=hi).contains(&n)
            }
            None => part.parse() == Ok(n),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_failure_list_reads_numbers_and_ranges() {
        assert!(write_listed("2", 2));
        assert!(!write_listed("2", 3));
        assert!(write_listed("1,3-4", 4));
        assert!(!write_listed("3-4", 5));
        assert!(write_listed("5-", 500));
        assert!(!write_listed("x", 1));
        // A named output is not a results.json write number.
        assert!(!write_listed("report.html", 1));
    }
}
