//! Validated settings of `plateau report`: the input files, the output folder (and the rule for
//! a given or dated one, shared by `analyze` and the gate), price overrides (`--price LABEL=USD`,
//! typed by its value parser; one per label) and where the markdown summary goes. Labels are
//! checked against the runs later, once the files are read.

use super::OutDir;
use crate::cli::ReportArgs;
use crate::error::usage;
use std::path::{Path, PathBuf};

/// A price given at report time for the run with this label (typed by `--price`'s parser).
pub use crate::limits::PriceOverride;

/// Where `--markdown` sends the summary.
#[derive(Debug, Clone, PartialEq)]
pub enum MarkdownTarget {
    /// `--markdown -`: printed on stdout, to append to a CI step summary.
    Stdout,
    /// Written (replaced) at this path.
    File(PathBuf),
}

impl MarkdownTarget {
    /// `-` is stdout; anything else a file.
    pub fn from_path(p: &std::path::Path) -> Self {
        if p.as_os_str() == "-" {
            MarkdownTarget::Stdout
        } else {
            MarkdownTarget::File(p.to_path_buf())
        }
    }
}

/// A validated `plateau report`.
#[derive(Debug, Clone)]
pub struct ReportConfig {
    /// The results.json files, in the order given.
    pub inputs: Vec<PathBuf>,
    /// Where report.html and summary.md go.
    pub out: OutDir,
    /// Prices that override the recorded ones.
    pub prices: Vec<PriceOverride>,
    /// An extra copy of the markdown summary.
    pub markdown: Option<MarkdownTarget>,
    /// `--force`: replace outputs the folder already holds.
    pub replace: bool,
}

impl ReportConfig {
    /// Validates `args`. `now_stamp` names the default dated folder.
    pub fn from_args(args: &ReportArgs, now_stamp: &str) -> anyhow::Result<Self> {
        if args.results.is_empty() {
            return Err(usage(
                "plateau report needs at least one results.json written by plateau run",
            ));
        }
        let prices = args.price.clone();
        for (i, p) in prices.iter().enumerate() {
            if prices[..i].iter().any(|q| q.label == p.label) {
                return Err(usage(format!(
                    "--price gives label {:?} twice; give one price per label",
                    p.label
                )));
            }
        }
        let out = OutDir::given_or_dated(args.out.as_deref(), now_stamp, "report");
        let markdown = args.markdown.as_deref().map(MarkdownTarget::from_path);
        Ok(Self {
            inputs: args.results.clone(),
            out,
            prices,
            markdown,
            replace: args.force,
        })
    }
}

impl OutDir {
    /// The folder given with `--out`, or the default dated one,
    /// `reports/<stamp>_<what>` (`what` is e.g. "report", "analyze", "gate").
    pub fn given_or_dated(given: Option<&Path>, stamp: &str, what: &str) -> OutDir {
        match given {
            Some(p) => OutDir {
                path: p.to_path_buf(),
                dated: false,
            },
            None => OutDir {
                path: PathBuf::from("reports").join(format!("{stamp}_{what}")),
                dated: true,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn config(argv: &[&str]) -> anyhow::Result<ReportConfig> {
        let mut full = vec!["plateau", "report"];
        full.extend_from_slice(argv);
        let Command::Report(args) = Cli::try_parse_from(full).unwrap().command else {
            panic!("not report")
        };
        ReportConfig::from_args(&args, "2026-01-01_000000")
    }

    #[test]
    fn a_label_given_twice_is_refused() {
        let twice = config(&["a.json", "--price", "x=1", "--price", "x=2"]).unwrap_err();
        assert!(twice.downcast_ref::<crate::error::UsageError>().is_some());
        assert!(twice.to_string().contains("twice"), "{twice}");
        let c = config(&["a.json", "--price", "size=large=0.5"]).unwrap();
        assert_eq!(c.prices[0].label, "size=large");
        assert_eq!(c.prices[0].usd_per_hour, 0.5);
    }

    #[test]
    fn default_folder_is_dated_and_markdown_dash_means_stdout() {
        let c = config(&["a.json", "--markdown", "-"]).unwrap();
        assert!(c.out.dated);
        assert!(c.out.path.ends_with("2026-01-01_000000_report"));
        assert_eq!(c.markdown, Some(MarkdownTarget::Stdout));
        let c = config(&["a.json", "b.json", "--out", "x", "--markdown", "s.md"]).unwrap();
        assert!(!c.out.dated);
        assert_eq!(c.inputs.len(), 2);
        assert_eq!(c.markdown, Some(MarkdownTarget::File("s.md".into())));
    }
}
