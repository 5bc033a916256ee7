//! Claiming an output folder: a default dated folder is always a new one (a suffix when the
//! name is taken, so two runs started in the same second never share it); a folder given with
//! `--out` that already holds a result is refused unless `--force` (or `--resume`) says what to
//! do with it; and the folder is flocked while one process writes it, so two processes never
//! write into the same folder at once.

use super::OutputDir;
use super::target::OutputFlag;
use crate::config::OutDir;
use crate::error::usage;
use std::fs::{self, File};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

/// Which command's outputs the folder receives, and so which files count as a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outputs {
    /// `plateau run`: results.json, finished or not.
    Run,
    /// `plateau analyze`: results.json.
    Analysis,
    /// `plateau report`: report.html or summary.md.
    Report,
}

/// What to do with a result the folder already holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Refuse with one sentence saying what to do instead.
    Refuse,
    /// Replace it (`--force`).
    Replace,
    /// Continue it (`--resume DIR`).
    Continue,
}

/// What a folder's results.json says about the run in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holds {
    /// No results.json.
    Nothing,
    /// A run without `finished_at` (killed, or still being written by another machine).
    Unfinished,
    /// A finished run or analysis.
    Finished,
    /// A file plateau cannot read as its own.
    Unreadable(String),
}

/// What `dir/results.json` holds.
pub fn holds(dir: &Path) -> Holds {
    let path = dir.join("results.json");
    if !path.exists() {
        return Holds::Nothing;
    }
    match crate::model::json::read(&path) {
        Ok(r) if r.run.finished_at.is_none() => Holds::Unfinished,
        Ok(_) => Holds::Finished,
        Err(e) => Holds::Unreadable(e.to_string()),
    }
}

/// Claims the folder of `spec` for `outputs`: created if missing (a fresh suffixed name for a
/// dated folder), checked writable, locked against other plateau processes, and refused if it
/// holds a result and `existing` is `Refuse`.
pub fn claim(spec: &OutDir, outputs: Outputs, existing: Existing) -> anyhow::Result<OutputDir> {
    let flag = if existing == Existing::Continue {
        OutputFlag::Resume
    } else {
        OutputFlag::Out
    };
    let path = if spec.dated {
        fresh_folder(&spec.path)?
    } else {
        spec.path.clone()
    };
    let dir = OutputDir::checked(&path, flag)?;
    let held = lock_folder(&path, flag)?;
    if existing == Existing::Refuse {
        refuse_existing(&path, outputs)?;
    }
    let dir = dir.holding(held);
    if spec.dated {
        // Unpublished runs must not dirty a git checkout; publishing removes this file.
        dir.write(".gitignore", b"# written by plateau: unpublished run\n*\n")?;
    }
    Ok(dir)
}

/// `base`, or `base-2`, `base-3`, ... : the first that this call creates itself.
fn fresh_folder(base: &Path) -> anyhow::Result<PathBuf> {
    if let Some(parent) = base.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|e| {
            usage(format!(
                "--out {}: cannot create the folder ({e}); choose a writable folder with --out",
                base.display()
            ))
        })?;
    }
    for n in 1..10_000u32 {
        let candidate = if n == 1 {
            base.to_path_buf()
        } else {
            let mut name = base.as_os_str().to_os_string();
            name.push(format!("-{n}"));
            PathBuf::from(name)
        };
        match fs::create_dir(&candidate) {
            Ok(()) => return Ok(candidate),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                return Err(usage(format!(
                    "--out {}: cannot create the folder ({e}); choose a writable folder with --out",
                    candidate.display()
                )));
            }
        }
    }
    Err(usage(format!(
        "--out {}: every suffixed name up to -9999 is taken; choose a folder with --out",
        base.display()
    )))
}

/// The folder, open and exclusively flocked; refused if another process holds it.
fn lock_folder(path: &Path, flag: OutputFlag) -> anyhow::Result<File> {
    let shown = path.display();
    let dir = File::open(path).map_err(|e| {
        usage(format!(
            "{flag} {shown}: cannot open the folder ({e}); choose a folder you can read"
        ))
    })?;
    // SAFETY: flock on a descriptor we own has no memory effects.
    let rc = unsafe { libc::flock(dir.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if rc != 0 {
        return Err(usage(format!(
            "{flag} {shown} is being written by another plateau process right now; wait for it to end, or choose another folder"
        )));
    }
    Ok(dir)
}

fn refuse_existing(path: &Path, outputs: Outputs) -> anyhow::Result<()> {
    let shown = path.display();
    let other = "choose another folder, or add --force to replace it";
    match outputs {
        Outputs::Run | Outputs::Analysis => match holds(path) {
            Holds::Nothing => Ok(()),
            Holds::Unfinished if outputs == Outputs::Run => Err(usage(format!(
                "--out {shown} holds an unfinished run (its results.json has no finished_at); continue it with `plateau run --resume {shown}`, or choose another folder (--force replaces it)"
            ))),
            Holds::Unfinished | Holds::Finished => Err(usage(format!(
                "--out {shown} already holds a finished results.json; {other}"
            ))),
            Holds::Unreadable(_) => Err(usage(format!(
                "--out {shown} holds a results.json plateau cannot read; {other}"
            ))),
        },
        Outputs::Report => match ["report.html", "summary.md"]
            .into_iter()
            .find(|f| path.join(f).exists())
        {
            Some(f) => Err(usage(format!("--out {shown} already holds {f}; {other}"))),
            None => Ok(()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out(path: PathBuf, dated: bool) -> OutDir {
        OutDir { path, dated }
    }

    #[test]
    fn dated_folders_never_collide() {
        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path().join("reports/2026-01-01_000000_cpu");
        let a = claim(&out(base.clone(), true), Outputs::Run, Existing::Refuse).unwrap();
        let b = claim(&out(base.clone(), true), Outputs::Run, Existing::Refuse).unwrap();
        assert_eq!(a.path(), base);
        assert_eq!(b.path().file_name().unwrap(), "2026-01-01_000000_cpu-2");
        assert!(b.path().join(".gitignore").exists());
    }

    #[test]
    fn a_folder_in_use_is_refused_until_released() {
        let tmp = tempfile::tempdir().unwrap();
        let spec = out(tmp.path().join("o"), false);
        let first = claim(&spec, Outputs::Run, Existing::Refuse).unwrap();
        let err = claim(&spec, Outputs::Run, Existing::Replace).unwrap_err();
        assert!(
            err.to_string()
                .contains("is being written by another plateau process"),
            "{err}"
        );
        drop(first);
        claim(&spec, Outputs::Run, Existing::Replace).unwrap();
    }

    #[test]
    fn existing_results_are_refused_with_what_to_do() {
        let tmp = tempfile::tempdir().unwrap();
        let spec = out(tmp.path().join("o"), false);
        fs::create_dir_all(&spec.path).unwrap();
        fs::write(spec.path.join("results.json"), "{}").unwrap();
        let err = claim(&spec, Outputs::Run, Existing::Refuse).unwrap_err();
        assert!(
            err.to_string()
                .contains("cannot read; choose another folder, or add --force")
        );
        assert!(claim(&spec, Outputs::Run, Existing::Continue).is_ok());
        assert!(claim(&spec, Outputs::Run, Existing::Replace).is_ok());
        assert!(claim(&spec, Outputs::Report, Existing::Refuse).is_ok());
        fs::write(spec.path.join("summary.md"), "x").unwrap();
        let err = claim(&spec, Outputs::Report, Existing::Refuse).unwrap_err();
        assert!(
            err.to_string().contains("already holds summary.md"),
            "{err}"
        );
    }
}
