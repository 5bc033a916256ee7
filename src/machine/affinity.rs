//! The CPUs this process may run on: the affinity mask (sched_getaffinity) and the
//! kernel's CPU-list format ("0-3,8,10-11") used by /proc and /sys.

/// Parses a CPU list such as `0-3,8,10-11` into CPU ids, ascending and without repeats.
pub fn parse_cpu_list(text: &str) -> Result<Vec<usize>, String> {
    let mut ids = Vec::new();
    for part in text.trim().split(',').filter(|p| !p.is_empty()) {
        let (lo, hi) = match part.split_once('-') {
            Some((a, b)) => (parse_id(a)?, parse_id(b)?),
            None => {
                let id = parse_id(part)?;
                (id, id)
            }
        };
        if hi < lo {
            return Err(format!("CPU range {part:?} runs backwards"));
        }
        ids.extend(lo..=hi);
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// Writes CPU ids in the kernel's list format, ascending with runs joined (`0-3,8,10-11`).
pub fn format_cpu_list(ids: &[usize]) -> String {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < ids.len() {
        let mut j = i;
        while j + 1 < ids.len() && ids[j + 1] == ids[j] + 1 {
            j += 1;
        }
        parts.push(match j > i {
            true => format!("{}-{}", ids[i], ids[j]),
            false => ids[i].to_string(),
        });
        i = j + 1;
    }
    parts.join(",")
}

fn parse_id(s: &str) -> Result<usize, String> {
    s.trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a CPU number"))
}

/// The CPU ids in this process's affinity mask; falls back to /proc's `Cpus_allowed_list`,
/// then to 0..logical when neither is readable.
pub fn allowed_cpus(logical: usize) -> Vec<usize> {
    if let Some(ids) = sched_mask() {
        return ids;
    }
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Cpus_allowed_list:"))
                .and_then(|v| parse_cpu_list(v).ok())
        })
        .filter(|ids| !ids.is_empty())
        .unwrap_or_else(|| (0..logical.max(1)).collect())
}

#[cfg(target_os = "linux")]
fn sched_mask() -> Option<Vec<usize>> {
    // SAFETY: cpu_set_t is plain data; sched_getaffinity writes at most its size.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) != 0 {
            return None;
        }
        let ids: Vec<usize> = (0..libc::CPU_SETSIZE as usize)
            .filter(|&i| libc::CPU_ISSET(i, &set))
            .collect();
        (!ids.is_empty()).then_some(ids)
    }
}

#[cfg(not(target_os = "linux"))]
fn sched_mask() -> Option<Vec<usize>> {
    None
}

/// Pins the calling thread to one CPU. Returns false where pinning is not supported or refused.
#[cfg(target_os = "linux")]
pub fn pin_current_thread(cpu: usize) -> bool {
    // SAFETY: the set is initialised by CPU_ZERO/CPU_SET before use.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_ZERO(&mut set);
        libc::CPU_SET(cpu, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) == 0
    }
}

/// Pins the calling thread to one CPU. Returns false where pinning is not supported or refused.
#[cfg(not(target_os = "linux"))]
pub fn pin_current_thread(_cpu: usize) -> bool {
    false
}

/// Confines the calling thread (and the threads and processes it starts afterwards) to these
/// CPUs. Returns false where it is not supported or refused.
#[cfg(target_os = "linux")]
pub fn confine_current_thread(cpus: &[usize]) -> bool {
    // SAFETY: the set is initialised by CPU_ZERO/CPU_SET before use; ids beyond the set's
    // size are left out.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_ZERO(&mut set);
        for &cpu in cpus.iter().filter(|&&c| c < libc::CPU_SETSIZE as usize) {
            libc::CPU_SET(cpu, &mut set);
        }
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) == 0
    }
}

/// Confines the calling thread to these CPUs. Returns false where it is not supported.
#[cfg(not(target_os = "linux"))]
pub fn confine_current_thread(_cpus: &[usize]) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_list_fixtures() {
        assert_eq!(
            parse_cpu_list("0-3,8,10-11\n"),
            Ok(vec![0, 1, 2, 3, 8, 10, 11])
        );
        assert_eq!(parse_cpu_list("5"), Ok(vec![5]));
        assert_eq!(parse_cpu_list("1,1,0"), Ok(vec![0, 1]));
        assert!(parse_cpu_list("3-1").is_err());
        assert!(parse_cpu_list("a-b").is_err());
        assert_eq!(format_cpu_list(&[11, 0, 1, 2, 3, 8, 10]), "0-3,8,10-11");
        assert_eq!(format_cpu_list(&[5]), "5");
        assert_eq!(
            parse_cpu_list(&format_cpu_list(&[0, 2, 3, 4, 7])),
            Ok(vec![0, 2, 3, 4, 7])
        );
    }

    #[test]
    fn this_process_may_run_somewhere() {
        assert!(!allowed_cpus(1).is_empty());
    }
}
