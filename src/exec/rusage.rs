//! Resource usage snapshots (getrusage) and their per-batch deltas: CPU time, context
//! switches and peak RSS.

use crate::model::Sample;

/// One getrusage reading.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Usage {
    /// User CPU seconds.
    pub user_s: f64,
    /// System CPU seconds.
    pub sys_s: f64,
    /// Voluntary context switches.
    pub nvcsw: u64,
    /// Involuntary context switches.
    pub nivcsw: u64,
    /// Peak resident set size, bytes.
    pub maxrss_bytes: u64,
}

/// Whose usage to read.
#[derive(Debug, Clone, Copy)]
pub enum Who {
    /// This process, all threads.
    SelfProcess,
    /// Waited-for child processes.
    Children,
}

/// Converts the kernel's record (from getrusage or wait4).
#[cfg(unix)]
pub fn from_raw(ru: &libc::rusage) -> Usage {
    let secs = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
    // ru_maxrss is in kilobytes on Linux, bytes on macOS.
    let rss_unit = if cfg!(target_os = "macos") { 1 } else { 1024 };
    Usage {
        user_s: secs(ru.ru_utime),
        sys_s: secs(ru.ru_stime),
        nvcsw: ru.ru_nvcsw as u64,
        nivcsw: ru.ru_nivcsw as u64,
        maxrss_bytes: ru.ru_maxrss as u64 * rss_unit,
    }
}

impl Usage {
    /// Adds another process's usage (of a child, a worker); the peak RSS is the larger one.
    pub fn add(&mut self, o: &Usage) {
        self.user_s += o.user_s;
        self.sys_s += o.sys_s;
        self.nvcsw += o.nvcsw;
        self.nivcsw += o.nivcsw;
        self.maxrss_bytes = self.maxrss_bytes.max(o.maxrss_bytes);
    }

    /// A sample of a batch whose workers were other processes using `self` in all: its CPU
    /// time and switches are theirs; `peak_rss_bytes` stays this coordinating process's own.
    pub fn into_sample(self, wall: std::time::Duration, startup: std::time::Duration) -> Sample {
        Sample {
            wall_s: wall.as_secs_f64(),
            startup_s: startup.as_secs_f64(),
            user_s: self.user_s,
            sys_s: self.sys_s,
            voluntary_ctx_switches: self.nvcsw,
            involuntary_ctx_switches: self.nivcsw,
            peak_rss_bytes: read(Who::SelfProcess).maxrss_bytes,
            ..Sample::default()
        }
    }
}

/// Reads resource usage now; zeros where the platform cannot say.
pub fn read(who: Who) -> Usage {
    #[cfg(unix)]
    {
        let target = match who {
            Who::SelfProcess => libc::RUSAGE_SELF,
            Who::Children => libc::RUSAGE_CHILDREN,
        };
        // SAFETY: rusage is plain data and getrusage fills it.
        let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(target, &mut ru) } != 0 {
            return Usage::default();
        }
        from_raw(&ru)
    }
    #[cfg(not(unix))]
    {
        let _ = who;
        Usage::default()
    }
}

/// Fills a sample's CPU time and context-switch fields from two readings.
pub fn fill_delta(sample: &mut Sample, before: &Usage, after: &Usage) {
    sample.user_s = (after.user_s - before.user_s).max(0.0);
    sample.sys_s = (after.sys_s - before.sys_s).max(0.0);
    sample.voluntary_ctx_switches = after.nvcsw.saturating_sub(before.nvcsw);
    sample.involuntary_ctx_switches = after.nivcsw.saturating_sub(before.nivcsw);
    sample.peak_rss_bytes = after.maxrss_bytes;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deltas_are_differences_and_never_negative() {
        let a = Usage {
            user_s: 1.0,
            sys_s: 0.5,
            nvcsw: 10,
            nivcsw: 3,
            maxrss_bytes: 100,
        };
        let b = Usage {
            user_s: 1.5,
            sys_s: 0.4,
            nvcsw: 15,
            nivcsw: 2,
            maxrss_bytes: 200,
        };
        let mut s = Sample::default();
        fill_delta(&mut s, &a, &b);
        assert_eq!(s.user_s, 0.5);
        assert_eq!(s.sys_s, 0.0);
        assert_eq!(s.voluntary_ctx_switches, 5);
        assert_eq!(s.involuntary_ctx_switches, 0);
        assert_eq!(s.peak_rss_bytes, 200);
    }

    #[test]
    fn this_process_has_used_some_memory() {
        assert!(read(Who::SelfProcess).maxrss_bytes > 0);
    }
}
