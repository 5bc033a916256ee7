//! A live child's CPU time and context switches, read from `/proc/PID/stat` and
//! `/proc/PID/status` (Linux), so a long-lived worker's usage over the timed part excludes its
//! start-up. Elsewhere, or once the process is gone, the reading is empty. Also the one reader
//! of a stat line's fields, the process group among them.

use super::rusage::Usage;

/// Clock ticks per second of `/proc/PID/stat` times (USER_HZ, 100 on every Linux ABI).
const TICKS_PER_S: f64 = 100.0;

/// Process `pid`'s CPU time and context switches so far (peak RSS left 0); zeros when unknown.
pub fn read(pid: u32) -> Usage {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    parse(&stat, &status)
}

/// Field `n` (1-based, as numbered in proc(5); 3 or more) of a `/proc/PID/stat` line. The
/// command name (field 2) is in parentheses and may itself hold spaces and parentheses, so the
/// fields after it count from the last ')'. None when the line has no ')', is too short, or the
/// field does not parse as `T`; pure.
fn field<T: std::str::FromStr>(stat: &str, n: usize) -> Option<T> {
    let (_, rest) = stat.rsplit_once(')')?;
    rest.split_whitespace().nth(n.checked_sub(3)?)?.parse().ok()
}

/// The process group (pgrp, field 5) of a `/proc/PID/stat` line; pure.
pub fn group(stat: &str) -> Option<i32> {
    field(stat, 5)
}

/// The usage in a `/proc/PID/stat` line and a `/proc/PID/status` text; pure.
pub fn parse(stat: &str, status: &str) -> Usage {
    // utime is field 14, stime field 15.
    let ticks = |n: usize| field::<f64>(stat, n);
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
        let d = Usage::default().since(&u);
        assert_eq!(d.user_s, 0.0);
    }

    #[test]
    fn the_group_field_is_read_past_odd_command_names() {
        assert_eq!(group("12 (a b) c) S 1 77 77 0"), Some(77));
        assert_eq!(group("12 (x) S 1"), None, "too short");
        assert_eq!(group("12 (x) S 1 oops 5"), None, "not a number");
        assert_eq!(group("garbage"), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_group_is_read() {
        let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
        // SAFETY: getpgrp has no preconditions.
        assert_eq!(group(&stat), Some(unsafe { libc::getpgrp() }));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_is_readable() {
        let u = read(std::process::id());
        assert!(u.nvcsw + u.nivcsw > 0);
    }
}
