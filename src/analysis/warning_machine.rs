//! The sentences of the warnings about the machine the run used: busy at the start, a CPU
//! governor other than `performance`, a binding cgroup quota. Pure writers for `Warning`'s
//! Display.

use std::fmt::{Formatter, Result};

pub(super) fn busy_start(f: &mut Formatter<'_>, busy: f64, effective_cpus: usize) -> Result {
    write!(
        f,
        "The machine was busy when the run started ({busy:.2} CPUs' worth of other work on \
{effective_cpus} effective CPUs, measured just before the sweep): other work competed for the \
CPUs, so the curve may flatten early."
    )
}

pub(super) fn governor(f: &mut Formatter<'_>, governor: &str) -> Result {
    write!(
        f,
        "The CPU frequency governor is {governor:?}, not \"performance\": clock speed follows \
load, which bends scaling curves (set it with `cpupower frequency-set -g performance`)."
    )
}

pub(super) fn binding_quota(
    f: &mut Formatter<'_>,
    quota: Option<f64>,
    logical_cpus: usize,
    effective_cpus: usize,
) -> Result {
    let quota = quota.map_or_else(|| "?".to_string(), |q| format!("{q:.2}"));
    write!(
        f,
        "A cgroup CPU quota of {quota} CPUs binds, below the {logical_cpus} logical CPUs: \
workers beyond {effective_cpus} are throttled, not run in parallel, and os.cpu_count() \
overstates what the pool can use."
    )
}

#[cfg(test)]
mod tests {
    use crate::analysis::warning::Warning::*;
    use crate::analysis::warning::says;

    #[test]
    fn busy_start() {
        says(
            BusyStart {
                busy_cpus: 1.5,
                effective_cpus: 2,
            },
            "The machine was busy when the run started (1.50 CPUs' worth of other work on 2 \
effective CPUs, measured just before the sweep): other work competed for the CPUs, so the curve \
may flatten early.",
        );
    }

    #[test]
    fn governor() {
        says(
            Governor {
                governor: "powersave".into(),
            },
            "The CPU frequency governor is \"powersave\", not \"performance\": clock speed \
follows load, which bends scaling curves (set it with `cpupower frequency-set -g performance`).",
        );
    }

    #[test]
    fn binding_quota() {
        says(
            BindingQuota {
                quota: Some(1.5),
                logical_cpus: 4,
                effective_cpus: 2,
            },
            "A cgroup CPU quota of 1.50 CPUs binds, below the 4 logical CPUs: workers beyond 2 \
are throttled, not run in parallel, and os.cpu_count() overstates what the pool can use.",
        );
        says(
            BindingQuota {
                quota: None,
                logical_cpus: 4,
                effective_cpus: 2,
            },
            "A cgroup CPU quota of ? CPUs binds, below the 4 logical CPUs: workers beyond 2 are \
throttled, not run in parallel, and os.cpu_count() overstates what the pool can use.",
        );
    }
}
