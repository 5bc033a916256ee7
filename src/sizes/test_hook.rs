//! Hidden fault injection for tests of the affinity fallback: with the `testing` feature, the
//! variable `PLATEAU_TEST_CGROUP_FAIL` makes the cgroup step fail as an unprivileged container
//! would. Builds without the feature read no variable and never fail here.

/// The variable that makes the cgroup step fail.
#[cfg(any(test, feature = "testing"))]
pub const CGROUP_FAIL_ENV: &str = "PLATEAU_TEST_CGROUP_FAIL";

/// The injected refusal, when the hook is set.
#[cfg(any(test, feature = "testing"))]
pub(super) fn cgroup_refused() -> Option<String> {
    std::env::var_os(CGROUP_FAIL_ENV)
        .map(|_| format!("the cgroup step was made to fail on purpose ({CGROUP_FAIL_ENV})"))
}

/// No hook in a build without the `testing` feature.
#[cfg(not(any(test, feature = "testing")))]
pub(super) fn cgroup_refused() -> Option<String> {
    None
}
