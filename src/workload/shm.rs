//! A counter under a lock in shared memory, the Rust form of Python's `Value('q')` with its
//! `get_lock()`: a process-shared pthread mutex and a u64 in a small file-backed mapping, so
//! threads of one process and worker processes that attach by path all update the same value.

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

#[repr(C)]
struct Cell {
    mutex: libc::pthread_mutex_t,
    value: u64,
}

/// A lock-protected counter in shared memory. The process that created it removes its file
/// when dropped; processes that attached only unmap it.
#[derive(Debug)]
pub struct SharedCounter {
    cell: *mut Cell,
    path: PathBuf,
    owner: bool,
}

// SAFETY: the value is only touched with the process-shared mutex held, and the mapping
// lives as long as the SharedCounter.
unsafe impl Send for SharedCounter {}
unsafe impl Sync for SharedCounter {}

fn shm_dir() -> PathBuf {
    let dev_shm = Path::new("/dev/shm");
    if dev_shm.is_dir() {
        dev_shm.to_path_buf()
    } else {
        std::env::temp_dir()
    }
}

fn map(path: &Path, create: bool) -> Result<*mut Cell, String> {
    use std::os::unix::io::AsRawFd;
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(create)
        .open(path)
        .map_err(|e| format!("cannot open the shared counter {}: {e}", path.display()))?;
    let size = std::mem::size_of::<Cell>();
    if create {
        file.set_len(size as u64)
            .map_err(|e| format!("cannot size the shared counter {}: {e}", path.display()))?;
    }
    // SAFETY: a fresh shared mapping of a file at least `size` bytes long.
    let ptr = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            size,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED,
            file.as_raw_fd(),
            0,
        )
    };
    if ptr == libc::MAP_FAILED {
        return Err(format!(
            "cannot map the shared counter {}: {}",
            path.display(),
            std::io::Error::last_os_error()
        ));
    }
    Ok(ptr.cast())
}

impl SharedCounter {
    /// Creates a counter at 0 in a new file under /dev/shm (or the temporary folder).
    pub fn create() -> Result<Self, String> {
        static SEQ: AtomicU64 = AtomicU64::new(0);
        let path = shm_dir().join(format!(
            "plateau-counter-{}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_file(&path); // a leftover of a killed run with a reused pid
        let cell = map(&path, true)?;
        // SAFETY: the mapping is ours and zeroed; the mutex is initialised before any use.
        unsafe {
            let mut attr: libc::pthread_mutexattr_t = std::mem::zeroed();
            libc::pthread_mutexattr_init(&mut attr);
            libc::pthread_mutexattr_setpshared(&mut attr, libc::PTHREAD_PROCESS_SHARED);
            // A worker killed while holding the lock must not hang the others.
            #[cfg(target_os = "linux")]
            libc::pthread_mutexattr_setrobust(&mut attr, libc::PTHREAD_MUTEX_ROBUST);
            let rc = libc::pthread_mutex_init(&mut (*cell).mutex, &attr);
            libc::pthread_mutexattr_destroy(&mut attr);
            if rc != 0 {
                libc::munmap(cell.cast(), std::mem::size_of::<Cell>());
                let _ = std::fs::remove_file(&path);
                return Err(format!("cannot initialise the shared lock (error {rc})"));
            }
            (*cell).value = 0;
        }
        Ok(Self {
            cell,
            path,
            owner: true,
        })
    }

    /// Attaches to a counter another process created.
    pub fn attach(path: &Path) -> Result<Self, String> {
        Ok(Self {
            cell: map(path, false)?,
            path: path.to_path_buf(),
            owner: false,
        })
    }

    /// The file other processes attach to.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn with_lock<T>(&self, f: impl FnOnce(*mut u64) -> T) -> Result<T, String> {
        // SAFETY: the mutex was initialised by the creator and the mapping is live.
        unsafe {
            let m = &raw mut (*self.cell).mutex;
            let rc = libc::pthread_mutex_lock(m);
            #[cfg(target_os = "linux")]
            if rc == libc::EOWNERDEAD {
                // Its holder died mid-update; the batch will fail its count, but others go on.
                libc::pthread_mutex_consistent(m);
            } else if rc != 0 {
                return Err(format!("locking the shared counter failed (error {rc})"));
            }
            #[cfg(not(target_os = "linux"))]
            if rc != 0 {
                return Err(format!("locking the shared counter failed (error {rc})"));
            }
            let out = f(&raw mut (*self.cell).value);
            libc::pthread_mutex_unlock(m);
            Ok(out)
        }
    }

    /// Adds one under the lock.
    pub fn increment(&self) -> Result<(), String> {
        // SAFETY: the pointer is to the live mapping and the lock is held.
        self.with_lock(|v| unsafe { v.write_volatile(v.read_volatile().wrapping_add(1)) })
    }

    /// The value, read under the lock.
    pub fn get(&self) -> Result<u64, String> {
        // SAFETY: as in `increment`.
        self.with_lock(|v| unsafe { v.read_volatile() })
    }

    /// Sets the value under the lock.
    pub fn set(&self, value: u64) -> Result<(), String> {
        // SAFETY: as in `increment`.
        self.with_lock(|v| unsafe { v.write_volatile(value) })
    }
}

impl Drop for SharedCounter {
    fn drop(&mut self) {
        // SAFETY: the mapping was made by `map` with this size and is not used after this.
        unsafe {
            if self.owner {
                libc::pthread_mutex_destroy(&raw mut (*self.cell).mutex);
            }
            libc::munmap(self.cell.cast(), std::mem::size_of::<Cell>());
        }
        if self.owner {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_attached_view_shares_the_value_and_the_file_goes_with_its_owner() {
        let a = SharedCounter::create().unwrap();
        let b = SharedCounter::attach(a.path()).unwrap();
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..1000 {
                        b.increment().unwrap();
                    }
                });
            }
        });
        assert_eq!(a.get().unwrap(), 4000);
        a.set(7).unwrap();
        assert_eq!(b.get().unwrap(), 7);
        let path = a.path().to_path_buf();
        drop(b);
        drop(a);
        assert!(!path.exists());
        assert!(SharedCounter::attach(&path).is_err());
    }
}
