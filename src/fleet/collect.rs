//! Finding a fleet's results in what its engines leave behind: result folders, results.json
//! files, and logs holding results.json between the markers of `--emit-results` (a `kubectl
//! logs` capture, a Slurm `.out` file, a downloaded artifact tree). Every result that cannot be
//! read whole is named with the reason; the rest are kept. The same run found twice (its folder
//! and its log) is kept once. Folders are walked once each (a symbolic link back up the tree
//! is not followed again); files are read by `log_reader` (any size, gzip, lossy text).

use super::log_reader::{self, Json};
use super::marked::Block;
use crate::error::usage;
use crate::render::comparison::LoadedRun;
use std::collections::HashSet;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Log files a folder is searched for (also gzip-compressed: `job.log.gz`).
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
    let mut seen = HashSet::new();
    for p in paths {
        if p.is_dir() {
            let mut files = Vec::new();
            walk(p, &mut files, &mut seen)?;
            for f in files.iter().filter(|f| collected(f)) {
                read(f, &mut g);
            }
        } else {
            read(p, &mut g);
        }
    }
    Ok(g)
}

/// Whether a file found in a folder is read: a results.json or a log, plain or gzipped.
fn collected(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    name == "results.json"
        || Path::new(name)
            .extension()
            .is_some_and(|e| LOG_EXTENSIONS.contains(&e.to_string_lossy().as_ref()))
}

/// The files under `dir`, sorted (so the order is the same on every machine); a folder seen
/// before (by device and inode: a symbolic link loop, or two links to one folder) is skipped.
fn walk(dir: &Path, out: &mut Vec<PathBuf>, seen: &mut HashSet<(u64, u64)>) -> anyhow::Result<()> {
    let cannot =
        |e: std::io::Error| usage(format!("cannot read the folder {} ({e})", dir.display()));
    let meta = std::fs::metadata(dir).map_err(cannot)?;
    if !seen.insert((meta.dev(), meta.ino())) {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(cannot)?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            walk(&p, out, seen)?;
        } else {
            out.push(p);
        }
    }
    Ok(())
}

/// A file: its marked blocks when it has any (a log, whatever its first line), else the
/// whole file as a results.json when it starts like one; else it holds no result.
fn read(path: &Path, g: &mut Gathered) {
    let scan = match log_reader::scan(path) {
        Ok(s) => s,
        Err(why) => return lose(path.to_path_buf(), why, g),
    };
    if !scan.blocks.is_empty() {
        return from_blocks(path, scan.blocks, g);
    }
    match scan.json {
        Json::Text(text) => add(path, &text, g),
        Json::TooBig => lose(
            path.to_path_buf(),
            format!(
                "starts like a results.json but is larger than {} MiB, far more than any sweep writes, and holds no marked result",
                crate::input::MAX_BYTES >> 20
            ),
            g,
        ),
        Json::No => {
            let why = "holds no result (no line `----- BEGIN PLATEAU RESULTS.JSON -----`: did the job run `plateau run --emit-results`, and did it finish?)";
            lose(path.to_path_buf(), why.into(), g);
        }
    }
}

fn from_blocks(path: &Path, blocks: Vec<Block>, g: &mut Gathered) {
    for b in blocks {
        match b {
            Block::Complete { line, text } => add(&at_line(path, line), &text, g),
            Block::Truncated { line, lines } => {
                let seen = match lines {
                    0 => "nothing of it follows the begin marker".to_string(),
                    1 => "1 line of it follows".to_string(),
                    n => format!("{n} lines of it follow"),
                };
                lose(
                    at_line(path, line),
                    format!(
                        "is truncated: the result begins here but its end marker never comes ({seen} before the log ends or another result begins; an incomplete result is not used: was the job killed, or the log cut?)"
                    ),
                    g,
                )
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> String {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/results-v1.json");
        std::fs::read_to_string(p).unwrap()
    }

    #[test]
    fn a_symbolic_link_loop_is_walked_once() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        std::fs::create_dir_all(a.join("b")).unwrap();
        std::fs::write(a.join("b/results.json"), fixture()).unwrap();
        // Each folder links back to the top: without the inode check the walk doubles at
        // every level.
        std::os::unix::fs::symlink(&a, a.join("b/up")).unwrap();
        std::os::unix::fs::symlink(&a, a.join("up")).unwrap();
        let g = gather(&[a]).unwrap();
        assert_eq!(g.runs.len(), 1);
        assert!(g.lost.is_empty(), "{:?}", g.lost);
    }

    #[test]
    fn a_log_given_by_name_is_a_log_even_when_it_starts_with_json() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("job.out");
        let text = format!(
            "{{\"level\": \"info\"}}\n{}",
            super::super::marked::wrap(&fixture())
        );
        std::fs::write(&log, text).unwrap();
        let g = gather(&[log]).unwrap();
        assert_eq!(g.runs.len(), 1, "{:?}", g.lost);
    }

    #[test]
    fn a_truncated_block_says_nothing_of_it_was_kept() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("job.log");
        std::fs::write(&log, format!("{}\n", super::super::marked::BEGIN)).unwrap();
        let g = gather(&[log]).unwrap();
        let why = &g.lost[0].why;
        assert!(why.contains("nothing of it follows"), "{why}");
        assert!(!why.contains("were kept"), "{why}");
    }
}
