//! Asserting a refusal: bad input ends with exit 2 and a message naming what was wrong, never a
//! panic.

use std::process::Output;

/// Exit 2, `needle` on stderr, and no panic or backtrace.
pub fn refused(o: &Output, needle: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{needle:?}: {err}");
    assert!(err.contains(needle), "{needle:?} not in: {err}");
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{err}"
    );
}

/// The same, in one sentence: a single line on stderr.
pub fn refused_in_one_sentence(o: &Output, needle: &str) {
    refused(o, needle);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.trim().lines().count(), 1, "one sentence: {err}");
}

/// `plateau run` with each case's flags is refused naming the case's needle, and no run
/// writes its `--out` folder.
pub fn runs_refused(cases: &[(&[&str], &str)]) {
    let tmp = tempfile::tempdir().unwrap();
    let never = tmp.path().join("never");
    for (args, needle) in cases {
        let o = super::plateau()
            .arg("run")
            .args(*args)
            .arg("--out")
            .arg(&never)
            .output()
            .unwrap();
        refused(&o, needle);
    }
    assert!(!never.exists(), "a refused run wrote its folder");
}
