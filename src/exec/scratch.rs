//! The temporary folders of running batches (the workers' and commands' stderr files): each is
//! listed while it exists (here and with the guard), so an exit that cannot wait for the batch
//! to end still removes them: a second Ctrl-C here, a SIGKILL by the guard; otherwise a folder
//! is removed when its batch drops it.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Folders of running batches.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn live() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock().unwrap_or_else(|p| p.into_inner())
}

/// A batch's temporary folder, listed until it is dropped (and then removed).
#[derive(Debug)]
pub struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    /// A new folder in the system's temp folder, its name starting with `prefix`.
    pub fn new(prefix: &str) -> std::io::Result<Self> {
        let dir = tempfile::Builder::new().prefix(prefix).tempdir()?;
        live().push(dir.path().to_path_buf());
        super::guard::tell_folder('>', dir.path());
        Ok(Self { dir })
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let mut l = live();
        if let Some(i) = l.iter().position(|p| p == self.dir.path()) {
            l.swap_remove(i);
        }
        super::guard::tell_folder('<', self.dir.path());
    }
}

/// Removes every listed folder now: for an exit that skips the batches' own clean-up.
pub fn remove_all() {
    let listed: Vec<PathBuf> = live().drain(..).collect();
    remove(&listed);
}

fn remove(folders: &[PathBuf]) {
    for p in folders {
        let _ = std::fs::remove_dir_all(p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_are_listed_while_alive_and_removed_with_their_files() {
        let scratch = Scratch::new("plateau-scratch-test-").unwrap();
        let path = scratch.path().to_path_buf();
        std::fs::write(path.join("stderr-0"), b"x").unwrap();
        assert!(live().contains(&path));
        remove(std::slice::from_ref(&path));
        assert!(!path.exists(), "removed with its files");
        drop(scratch);
        assert!(!live().contains(&path), "unlisted when dropped");
    }
}
