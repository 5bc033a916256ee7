//! Validated settings of `plateau report`: the input files, the output folder, price overrides
//! (`--price LABEL=USD`) and where the markdown summary goes. Labels are checked against the
//! runs later, once the files are read.

use super::OutDir;
use crate::cli::ReportArgs;
use crate::error::usage;
use std::path::PathBuf;

/// A price given at report time for the run with this label.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceOverride {
    /// The run's label as shown in the comparison.
    pub label: String,
    /// USD per hour, positive and finite.
    pub usd_per_hour: f64,
}

/// Where `--markdown` sends the summary.
#[derive(Debug, Clone, PartialEq)]
pub enum MarkdownTarget {
    /// `--markdown -`: printed on stdout, to append to a CI step summary.
    Stdout,
    /// Written (replaced) at this path.
    File(PathBuf),
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
        let prices = args
            .price
            .iter()
            .map(|p| parse_price(p))
            .collect::<anyhow::Result<Vec<_>>>()?;
        for (i, p) in prices.iter().enumerate() {
            if prices[..i].iter().any(|q| q.label == p.label) {
                return Err(usage(format!(
                    "--price gives label {:?} twice; give one price per label",
                    p.label
                )));
            }
        }
        let out = match &args.out {
            Some(p) => OutDir {
                path: p.clone(),
                dated: false,
            },
            None => OutDir {
                path: PathBuf::from("reports").join(format!("{now_stamp}_report")),
                dated: true,
            },
        };
        let markdown = args.markdown.as_ref().map(|p| {
            if p.as_os_str() == "-" {
                MarkdownTarget::Stdout
            } else {
                MarkdownTarget::File(p.clone())
            }
        });
        Ok(Self {
            inputs: args.results.clone(),
            out,
            prices,
            markdown,
            replace: args.force,
        })
    }
}

/// Parses `LABEL=USD`. The last `=` splits, so labels may contain `=` themselves.
pub fn parse_price(text: &str) -> anyhow::Result<PriceOverride> {
    let Some((label, usd)) = text.rsplit_once('=') else {
        return Err(usage(format!(
            "--price {text:?} is not LABEL=USD; write it like --price c7i.2xlarge=0.357"
        )));
    };
    if label.is_empty() {
        return Err(usage(format!(
            "--price {text:?} has no label before '='; write it like --price c7i.2xlarge=0.357"
        )));
    }
    match usd.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(PriceOverride {
            label: label.to_string(),
            usd_per_hour: v,
        }),
        _ => Err(usage(format!(
            "--price {text:?}: {usd:?} is not a positive number of USD per hour"
        ))),
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
    fn prices_split_on_the_last_equals_sign() {
        let p = parse_price("size=large=0.5").unwrap();
        assert_eq!(p.label, "size=large");
        assert_eq!(p.usd_per_hour, 0.5);
    }

    #[test]
    fn bad_prices_are_usage_errors_naming_the_flag() {
        for bad in [
            "c7i", "=1.0", "c7i=", "c7i=abc", "c7i=-1", "c7i=0", "c7i=inf",
        ] {
            let err = parse_price(bad).unwrap_err();
            assert!(err.downcast_ref::<crate::error::UsageError>().is_some());
            assert!(err.to_string().starts_with("--price"), "{bad}: {err}");
        }
        let twice = config(&["a.json", "--price", "x=1", "--price", "x=2"]).unwrap_err();
        assert!(twice.to_string().contains("twice"), "{twice}");
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
