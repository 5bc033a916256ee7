//! Resource usage snapshots (getrusage, wait4) and their differences: CPU time, context
//! switches and peak RSS.

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

    /// The usage from `before` to `self` (a later reading of the same process): CPU time and
    /// switches as differences, never negative; the peak RSS is the later reading's.
    pub fn since(&self, before: &Usage) -> Usage {
        Usage {
            user_s: (self.user_s - before.user_s).max(0.0),
            sys_s: (self.sys_s - before.sys_s).max(0.0),
            nvcsw: self.nvcsw.saturating_sub(before.nvcsw),
            nivcsw: self.nivcsw.saturating_sub(before.nivcsw),
            maxrss_bytes: self.maxrss_bytes,
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
        let d = b.since(&a);
        assert_eq!(d.user_s, 0.5);
        assert_eq!(d.sys_s, 0.0);
        assert_eq!(d.nvcsw, 5);
        assert_eq!(d.nivcsw, 0);
        assert_eq!(d.maxrss_bytes, 200);
    }

    #[test]
    fn this_process_has_used_some_memory() {
        assert!(read(Who::SelfProcess).maxrss_bytes > 0);
    }
}
