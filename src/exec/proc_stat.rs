//! A live child's CPU time and context switches, read from `/proc/PID/stat` and
//! `/proc/PID/status` (Linux), so a long-lived worker's usage over the timed part excludes its
//! start-up. Elsewhere, or once the process is gone, the reading is empty.

use super::rusage::Usage;

/// Clock ticks per second of `/proc/PID/stat` times (USER_HZ, 100 on every Linux ABI).
const TICKS_PER_S: f64 = 100.0;

/// Process `pid`'s CPU time and context switches so far (peak RSS left 0); zeros when unknown.
pub fn read(pid: u32) -> Usage {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    parse(&stat, &status)
}

/// The usage in a `/proc/PID/stat` line and a `/proc/PID/status` text; pure.
pub fn parse(stat: &str, status: &str) -> Usage {
    // The command name (field 2) may hold spaces and parentheses: fields count from the last ')'.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    // After ')': state is field 3, utime field 14, stime field 15 (1-based in proc(5)).
    let ticks = |n: usize| fields.get(n - 3).and_then(|v| v.parse::<f64>().ok());
    let count = |key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or(0)
    };
    Usage {
        user_s: ticks(14).unwrap_or(0.0) / TICKS_PER_S,
        sys_s: ticks(15).unwrap_or(0.0) / TICKS_PER_S,
        nvcsw: count("voluntary_ctxt_switches:"),
        nivcsw: count("nonvoluntary_ctxt_switches:"),
        maxrss_bytes: 0,
    }
}

/// `after - before`, never negative; the peak RSS is left to the caller.
pub fn delta(before: &Usage, after: &Usage) -> Usage {
    Usage {
        user_s: (after.user_s - before.user_s).max(0.0),
        sys_s: (after.sys_s - before.sys_s).max(0.0),
        nvcsw: after.nvcsw.saturating_sub(before.nvcsw),
        nivcsw: after.nivcsw.saturating_sub(before.nivcsw),
        maxrss_bytes: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_count_from_the_last_parenthesis() {
        let stat = "123 (a (b) c) S 1 123 123 0 -1 4194304 100 0 0 0 250 30 0 0 20 0 1 0";
        let status = "Name:\tx\nvoluntary_ctxt_switches:\t7\nnonvoluntary_ctxt_switches:\t3\n";
        let u = parse(stat, status);
        assert_eq!(u.user_s, 2.5);
        assert_eq!(u.sys_s, 0.3);
        assert_eq!((u.nvcsw, u.nivcsw), (7, 3));
        assert_eq!(parse("", ""), Usage::default());
        let d = delta(&u, &Usage::default());
        assert_eq!(d.user_s, 0.0);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_is_readable() {
        let u = read(std::process::id());
        assert!(u.nvcsw + u.nivcsw > 0);
    }
}
