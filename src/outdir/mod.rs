//! The output folder: checked before anything is measured, written atomically (temporary file
//! then rename), and, for default dated folders, marked ignored so git checkouts stay clean.
//! `claim` (in `claim.rs`) adds the rules against overwriting and sharing a folder; `rescue`
//! takes a record the folder could not, and `append` adds to a file another tool keeps.

pub mod append;
pub mod claim;
mod fail_writes;
pub mod rescue;
pub mod target;

use crate::config::OutDir;
use crate::error::usage;
use anyhow::Context;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A folder that exists and was writable when checked.
#[derive(Debug, Clone)]
pub struct OutputDir {
    path: PathBuf,
    /// The folder, open and flocked while this run writes it (see `claim`).
    _held: Option<std::sync::Arc<fs::File>>,
}

impl OutputDir {
    /// Creates the folder if needed and proves it writable; a problem is a usage error
    /// naming `--out`. A default dated folder gets a `.gitignore` of `*`. Replaces whatever
    /// the folder holds: commands that must not overwrite use `claim`.
    pub fn prepare(spec: &OutDir) -> anyhow::Result<Self> {
        claim::claim(spec, claim::Outputs::Run, claim::Existing::Replace)
    }

    /// Creates `path` if needed and proves it writable (errors name `flag`).
    pub(super) fn checked(path: &Path, flag: target::OutputFlag) -> anyhow::Result<Self> {
        let shown = path.display();
        if path.exists() && !path.is_dir() {
            return Err(usage(format!(
                "{flag} {shown} is a file, not a folder; name a folder (it is created if missing)"
            )));
        }
        fs::create_dir_all(path).map_err(|e| {
            usage(format!(
                "{flag} {shown}: cannot create the folder ({e}); choose a writable folder"
            ))
        })?;
        let probe = path.join(".plateau-write-check");
        fs::write(&probe, b"")
            .and_then(|_| fs::remove_file(&probe))
            .map_err(|e| {
                usage(format!(
                    "{flag} {shown} is not writable ({e}); choose a folder you can write to"
                ))
            })?;
        Ok(Self {
            path: path.to_path_buf(),
            _held: None,
        })
    }

    /// Keeps the folder's open, locked handle for as long as this value (or a clone) lives.
    pub(super) fn holding(self, folder: fs::File) -> Self {
        Self {
            _held: Some(std::sync::Arc::new(folder)),
            ..self
        }
    }

    /// Removes a folder this run created and left unused (a refusal found only after it was
    /// claimed, such as a budget too short for calibration's figures): its `.gitignore`, then
    /// the folder itself if nothing else is in it. Anything else keeps the folder.
    pub fn discard_unused(self) {
        let _ = fs::remove_file(self.path.join(".gitignore"));
        let _ = fs::remove_dir(&self.path);
    }

    /// An existing folder, used as is (for tests and re-rendering).
    pub fn existing(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            _held: None,
        }
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes `name` atomically: a crash or a full disk never leaves a truncated file, and the
    /// previous version survives a failed write.
    pub fn write(&self, name: &str, bytes: &[u8]) -> anyhow::Result<PathBuf> {
        fail_writes::injected(name)?;
        write_atomic(&self.path.join(name), bytes)
    }
}

/// Writes `target` through a temporary file in the same folder, synced, then renamed over it.
pub fn write_atomic(target: &Path, bytes: &[u8]) -> anyhow::Result<PathBuf> {
    let dir = target.parent().unwrap_or_else(|| Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        target::refuse_special(target)?;
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, target)?;
        // The rename itself is durable only once the folder is synced; best effort, as some
        // file systems refuse to sync a folder and the data is already safe in the file.
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.with_context(|| format!("could not write {}", target.display()))?;
    Ok(target.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_refused_and_a_dated_folder_is_git_ignored() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("f");
        fs::write(&file, "x").unwrap();
        let err = OutputDir::prepare(&OutDir {
            path: file.clone(),
            dated: false,
        })
        .unwrap_err();
        assert!(err.to_string().starts_with("--out"), "{err}");
        let under_file = OutputDir::prepare(&OutDir {
            path: file.join("sub"),
            dated: false,
        })
        .unwrap_err();
        assert!(under_file.to_string().starts_with("--out"), "{under_file}");
        let d = OutputDir::prepare(&OutDir {
            path: tmp.path().join("a/b"),
            dated: true,
        })
        .unwrap();
        assert_eq!(
            fs::read_to_string(d.path().join(".gitignore"))
                .unwrap()
                .lines()
                .last(),
            Some("*")
        );
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temporary() {
        let tmp = tempfile::tempdir().unwrap();
        let d = OutputDir::existing(tmp.path());
        d.write("r.json", b"one").unwrap();
        d.write("r.json", b"two").unwrap();
        assert_eq!(fs::read(tmp.path().join("r.json")).unwrap(), b"two");
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_failed_write_leaves_the_previous_file_intact() {
        // Fails for root too: the temporary's name is taken by a non-empty folder.
        let tmp = tempfile::tempdir().unwrap();
        let d = OutputDir::existing(tmp.path());
        d.write("results.json", b"previous").unwrap();
        let blocker = tmp
            .path()
            .join(format!(".results.json.tmp-{}", std::process::id()));
        fs::create_dir(&blocker).unwrap();
        fs::write(blocker.join("x"), b"").unwrap();
        let err = d.write("results.json", b"new and longer").unwrap_err();
        assert!(format!("{err:#}").contains("could not write"), "{err:#}");
        assert_eq!(
            fs::read(tmp.path().join("results.json")).unwrap(),
            b"previous"
        );
    }

    #[test]
    fn a_target_that_is_a_folder_is_not_clobbered_and_no_temporary_stays() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("chart.svg");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("keep"), b"k").unwrap();
        let err = write_atomic(&target, b"<svg/>").unwrap_err();
        assert!(format!("{err:#}").contains("chart.svg"), "{err:#}");
        assert_eq!(fs::read(target.join("keep")).unwrap(), b"k");
        let names: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("chart.svg")]);
    }
}
