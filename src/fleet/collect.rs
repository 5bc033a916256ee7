//! Finding a fleet's results in what its engines leave behind: result folders, results.json
//! files, and logs holding results.json between the markers of `--emit-results` (a `kubectl
//! logs` capture, a Slurm `.out` file, a downloaded artifact tree). Every result that cannot be
//! read whole is named with the reason; the rest are kept. The same run found twice (its folder
//! and its log) is kept once.

use super::marked::{self, Block};
use crate::error::usage;
use crate::render::comparison::LoadedRun;
use std::path::{Path, PathBuf};

/// Log files a folder is searched for.
pub const LOG_EXTENSIONS: &[&str] = &["log", "out", "txt"];

/// What the paths held.
#[derive(Debug, Default)]
pub struct Gathered {
    /// Whole results, in the order found.
    pub runs: Vec<LoadedRun>,
    /// Results that could not be read whole: where, and why.
    pub lost: Vec<Lost>,
    /// Results found again (the same run in its folder and its log), kept once.
    pub repeated: Vec<PathBuf>,
}

/// A result that could not be collected.
#[derive(Debug, Clone, PartialEq)]
pub struct Lost {
    /// The file (with `:LINE` for a block in a log).
    pub source: PathBuf,
    /// Why, as a phrase: "is truncated: ...".
    pub why: String,
}

/// Reads every path: files as given, folders searched through (sorted, so the order is the
/// same on every machine). A path that does not exist is bad input.
pub fn gather(paths: &[PathBuf]) -> anyhow::Result<Gathered> {
    for p in paths {
        if !p.exists() {
            return Err(usage(format!(
                "{} does not exist; give result folders, results.json files or logs of plateau run --emit-results",
                p.display()
            )));
        }
    }
    let mut g = Gathered::default();
    for p in paths {
        if p.is_dir() {
            let mut files = Vec::new();
            walk(p, &mut files)?;
            for f in files {
                let name = f.file_name().map(|n| n.to_string_lossy().into_owned());
                let ext = f.extension().map(|e| e.to_string_lossy().to_lowercase());
                if name.as_deref() == Some("results.json") {
                    read_results(&f, &mut g);
                } else if ext.is_some_and(|e| LOG_EXTENSIONS.contains(&e.as_str())) {
                    read_log(&f, &mut g);
                }
            }
        } else {
            read_file(p, &mut g);
        }
    }
    Ok(g)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| usage(format!("cannot read the folder {} ({e})", dir.display())))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            walk(&p, out)?;
        } else {
            out.push(p);
        }
    }
    Ok(())
}

/// A file given by name: a results.json when its text is a JSON object, else a log.
fn read_file(path: &Path, g: &mut Gathered) {
    match crate::input::read_text(path, "a results.json or a log") {
        Ok(text) if text.trim_start().starts_with('{') => add(path, &text, g),
        Ok(text) => from_log(path, &text, g),
        Err(e) => lose(path.to_path_buf(), format!("cannot be read: {e}"), g),
    }
}

fn read_results(path: &Path, g: &mut Gathered) {
    match crate::input::read_text(path, "a results.json written by plateau") {
        Ok(text) => add(path, &text, g),
        Err(e) => lose(path.to_path_buf(), format!("cannot be read: {e}"), g),
    }
}

fn read_log(path: &Path, g: &mut Gathered) {
    match crate::input::read_text(path, "a log of plateau run --emit-results") {
        Ok(text) => from_log(path, &text, g),
        Err(e) => lose(path.to_path_buf(), format!("cannot be read: {e}"), g),
    }
}

fn from_log(path: &Path, text: &str, g: &mut Gathered) {
    let blocks = marked::blocks(text);
    if blocks.is_empty() {
        let why = "holds no result (no line `----- BEGIN PLATEAU RESULTS.JSON -----`: did the job run `plateau run --emit-results`, and did it finish?)";
        lose(path.to_path_buf(), why.into(), g);
        return;
    }
    for b in blocks {
        match b {
            Block::Complete { line, text } => add(&at_line(path, line), &text, g),
            Block::Truncated { line, lines } => lose(
                at_line(path, line),
                format!(
                    "is truncated: the result begins here but its end marker never comes ({lines} lines of it were kept; was the job killed, or the log cut?)"
                ),
                g,
            ),
        }
    }
}

fn at_line(path: &Path, line: usize) -> PathBuf {
    PathBuf::from(format!("{}:{line}", path.display()))
}

fn add(source: &Path, text: &str, g: &mut Gathered) {
    match LoadedRun::from_text(text, source) {
        Ok(run) => {
            if g.runs.iter().any(|r| same_run(r, &run)) {
                g.repeated.push(source.to_path_buf());
            } else {
                g.runs.push(run);
            }
        }
        Err(e) => lose(
            source.to_path_buf(),
            format!("is not a whole results.json: {e:#}"),
            g,
        ),
    }
}

fn lose(source: PathBuf, why: String, g: &mut Gathered) {
    g.lost.push(Lost { source, why });
}

/// One run seen twice: the same label, host, start time and seed.
fn same_run(a: &LoadedRun, b: &LoadedRun) -> bool {
    let (a, b) = (&a.record, &b.record);
    a.run.label == b.run.label
        && a.machine.hostname == b.machine.hostname
        && a.run.started_at == b.run.started_at
        && a.config.seed == b.config.seed
}
