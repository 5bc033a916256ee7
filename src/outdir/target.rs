//! Where an output may go, checked before anything runs: an output file must be a regular file
//! or a new one in an existing folder, never a device, FIFO, socket, symbolic link or folder
//! (the atomic write would replace it), and never one of the same command's inputs; a run's
//! `--out` folder must not hold another run's results.json. Each refusal is one sentence naming
//! the flag.

use crate::error::usage;
use crate::input::kind_of;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// The four files `run` and `analyze` write into their folder.
pub const RUN_OUTPUTS: [&str; 4] = ["results.json", "chart.svg", "report.html", "summary.md"];

/// The two files `report` writes into its folder.
pub const REPORT_OUTPUTS: [&str; 2] = ["report.html", "summary.md"];

/// Checks one output file given by `flag` (e.g. `--markdown`): a regular file or a new file in
/// an existing folder, and none of `inputs`.
pub fn check_file(flag: &str, path: &Path, inputs: &[PathBuf]) -> anyhow::Result<()> {
    let shown = path.display();
    match std::fs::symlink_metadata(path) {
        Ok(meta) if !meta.file_type().is_file() => Err(usage(format!(
            "{flag} {shown} is {}, not a regular file, and writing would replace it; name a regular or new file{}",
            kind_of(&meta),
            if flag == "--markdown" {
                " (or - for stdout)"
            } else {
                ""
            }
        ))),
        Ok(meta) => match inputs.iter().find(|i| same_file(&meta, i)) {
            Some(input) => Err(usage(format!(
                "{flag} {shown} is the input {} of this command, and writing would replace it; name another file",
                input.display()
            ))),
            None => Ok(()),
        },
        Err(_) => {
            let parent = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            if parent.is_dir() {
                Ok(())
            } else {
                Err(usage(format!(
                    "{flag} {shown}: the folder {} does not exist; create it or name a file in an existing folder",
                    parent.display()
                )))
            }
        }
    }
}

/// Checks each output file `names` would write into the folder `dir` given by `flag`.
pub fn check_folder(
    flag: &str,
    dir: &Path,
    names: &[&str],
    inputs: &[PathBuf],
) -> anyhow::Result<()> {
    if !dir.is_dir() {
        return Ok(()); // created later; OutputDir::prepare checks it
    }
    for name in names {
        let path = dir.join(name);
        check_file(flag, &path, inputs).map_err(|e| {
            usage(format!(
                "{e} (it is one of the files {flag} {} receives)",
                dir.display()
            ))
        })?;
    }
    Ok(())
}

/// The last line of defence of an atomic write: refuses to rename over anything but a regular
/// file (a device node, FIFO, socket, symbolic link or folder would be replaced).
pub fn refuse_special(target: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(target) {
        Ok(meta) if !meta.file_type().is_file() => Err(std::io::Error::other(format!(
            "{} is {}, not a regular file; it is left as it is",
            target.display(),
            kind_of(&meta)
        ))),
        _ => Ok(()),
    }
}

/// What a folder's results.json says about the run in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeldRun {
    /// No results.json.
    None,
    /// An interrupted or failed run, which `--resume` can continue.
    Unfinished,
    /// A finished run (or a file that cannot be read as one).
    Finished,
    /// A results.json written by `plateau analyze`.
    Imported,
}

/// What `dir/results.json` holds, read without trusting it.
pub fn held_run(dir: &Path) -> HeldRun {
    let path = dir.join("results.json");
    if std::fs::symlink_metadata(&path).is_err() {
        return HeldRun::None;
    }
    let Ok(text) = crate::input::read_text(&path, "a results.json") else {
        return HeldRun::Finished;
    };
    let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
        return HeldRun::Finished;
    };
    if v.pointer("/config/mode").and_then(|m| m.as_str()) == Some("imported") {
        return HeldRun::Imported;
    }
    let interrupted = v.pointer("/run/interrupted").and_then(|i| i.as_bool()) == Some(true);
    if interrupted {
        HeldRun::Unfinished
    } else {
        HeldRun::Finished
    }
}

/// `plateau run --out DIR` (not resuming): refuses a folder holding a run's results.json. An
/// unfinished run is pointed to `--resume DIR`; a finished one is replaced only with `force`.
pub fn check_fresh_run_folder(dir: &Path, force: bool) -> anyhow::Result<()> {
    let shown = dir.display();
    match held_run(dir) {
        HeldRun::None => Ok(()),
        _ if force => Ok(()),
        HeldRun::Unfinished => Err(usage(format!(
            "--out {shown} holds an unfinished run; continue it with `plateau run --resume {shown}`, name another folder, or pass --force to replace it"
        ))),
        HeldRun::Finished | HeldRun::Imported => Err(usage(format!(
            "--out {shown} already holds a results.json; name another folder, or pass --force to replace it"
        ))),
    }
}

/// `plateau analyze --out DIR`: refuses a folder holding a measured run's results.json (an
/// earlier analysis may be replaced: it is re-made from its sources).
pub fn check_analyze_folder(dir: &Path) -> anyhow::Result<()> {
    match held_run(dir) {
        HeldRun::None | HeldRun::Imported => Ok(()),
        _ => Err(usage(format!(
            "--out {} holds the results.json of a measured run, which analyze would replace; name another folder",
            dir.display()
        ))),
    }
}

/// True when `meta` (of an output) is the same file as `input` (hard links and symbolic links
/// included).
fn same_file(meta: &std::fs::Metadata, input: &Path) -> bool {
    std::fs::metadata(input).is_ok_and(|m| m.dev() == meta.dev() && m.ino() == meta.ino())
}

#[cfg(test)]
mod tests;
