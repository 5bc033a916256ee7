//! All CPUs' busy and steal time from the first line of /proc/stat, read before and after
//! each batch so the sweep can tell what else used the machine (see
//! `decision::interference`), and the /proc folders of every process, which the limits check
//! and the task groups list. `parse` is pure; `read` returns `None` off Linux.

/// One reading of the machine-wide CPU counters, in seconds summed over all CPUs.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CpuTimes {
    /// user + nice + system + irq + softirq (guest time is inside user).
    pub busy_s: f64,
    /// Time the hypervisor gave this VM's CPUs to something else.
    pub steal_s: f64,
}

/// Parses the `cpu ` line of /proc/stat with `ticks_per_s` clock ticks per second.
pub fn parse(text: &str, ticks_per_s: f64) -> Option<CpuTimes> {
    let line = text.lines().find(|l| l.starts_with("cpu "))?;
    let v: Vec<f64> = line
        .split_whitespace()
        .skip(1)
        .map(|x| x.parse::<f64>())
        .collect::<Result<_, _>>()
        .ok()?;
    if v.len() < 4 || ticks_per_s <= 0.0 {
        return None;
    }
    let at = |i: usize| v.get(i).copied().unwrap_or(0.0);
    Some(CpuTimes {
        busy_s: (at(0) + at(1) + at(2) + at(5) + at(6)) / ticks_per_s,
        steal_s: at(7) / ticks_per_s,
    })
}

/// The counters now, or `None` where /proc/stat cannot be read.
pub fn read() -> Option<CpuTimes> {
    let text = std::fs::read_to_string("/proc/stat").ok()?;
    // SAFETY: sysconf has no preconditions.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    parse(&text, if ticks > 0 { ticks as f64 } else { 100.0 })
}

/// The /proc folder of every process on the machine (empty when /proc cannot be read).
pub fn process_dirs() -> impl Iterator<Item = std::path::PathBuf> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .bytes()
                .all(|b| b.is_ascii_digit())
        })
        .map(|e| e.path())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cpu_line_gives_busy_and_steal() {
        let t = "cpu  100 10 50 1000 5 2 3 7 0 0\ncpu0 1 2 3 4\n";
        let c = parse(t, 100.0).unwrap();
        assert!((c.busy_s - 1.65).abs() < 1e-12);
        assert!((c.steal_s - 0.07).abs() < 1e-12);
        assert!(parse("intr 1 2", 100.0).is_none());
        assert!(parse("cpu  a b c d", 100.0).is_none());
    }
}
