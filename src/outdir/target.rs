//! Where an output may go, checked before anything runs: an output file must be a regular file
//! or a new one in an existing folder, never a device, FIFO, socket, symbolic link or folder
//! (the atomic write would replace it), and never one of the same command's inputs; a run's
//! `--out` folder must not hold another run's results.json. Each refusal is one sentence naming
//! the flag.

use crate::error::usage;
use crate::input::kind_of;
use std::fmt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// The four files `run` and `analyze` write into their folder.
pub const RUN_OUTPUTS: [&str; 4] = ["results.json", "chart.svg", "report.html", "summary.md"];

/// The two files `report` writes into its folder.
pub const REPORT_OUTPUTS: [&str; 2] = ["report.html", "summary.md"];

/// The flag that names an output, which its refusals name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFlag {
    /// `--out`: the output folder.
    Out,
    /// `--resume`: the folder of the run being continued.
    Resume,
    /// `--markdown`: the summary file (or `-` for stdout).
    Markdown,
}

impl OutputFlag {
    /// The flag as typed on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            OutputFlag::Out => "--out",
            OutputFlag::Resume => "--resume",
            OutputFlag::Markdown => "--markdown",
        }
    }

    /// What else the flag accepts besides a file, for a refusal's advice.
    fn besides_a_file(self) -> &'static str {
        match self {
            OutputFlag::Markdown => " (or - for stdout)",
            OutputFlag::Out | OutputFlag::Resume => "",
        }
    }
}

impl fmt::Display for OutputFlag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Checks one output file given by `flag` (e.g. `--markdown`): a regular file or a new file in
/// an existing folder, and none of `inputs`.
pub fn check_file(flag: OutputFlag, path: &Path, inputs: &[PathBuf]) -> anyhow::Result<()> {
    let shown = path.display();
    match std::fs::symlink_metadata(path) {
        Ok(meta) if !meta.file_type().is_file() => Err(usage(format!(
            "{flag} {shown} is {}, not a regular file, and writing would replace it; name a regular or new file{}",
            kind_of(&meta),
            flag.besides_a_file()
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
    flag: OutputFlag,
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

/// True when `meta` (of an output) is the same file as `input` (hard links and symbolic links
/// included).
fn same_file(meta: &std::fs::Metadata, input: &Path) -> bool {
    std::fs::metadata(input).is_ok_and(|m| m.dev() == meta.dev() && m.ino() == meta.ino())
}

#[cfg(test)]
mod tests;
