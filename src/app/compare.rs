//! `plateau compare`: read both results.json files, refuse mismatched settings unless allowed,
//! compare, then print the table (or the JSON verdict), write the markdown where asked and
//! append it to `$GITHUB_STEP_SUMMARY`. The verdict becomes the exit code.

use super::{append_step_summary, print_stdout, write_markdown};
use crate::cli::CompareArgs;
use crate::compare::{Comparison, Verdict, compare as compare_runs, config_diff};
use crate::config::compare::CompareConfig;
use crate::config::report::MarkdownTarget;
use crate::error::{Inconclusive, RegressionFound, usage};
use crate::model::json;
use crate::outdir::target::{self, OutputFlag};
use crate::render::compare_fmt;
use crate::render::compare_md;
use crate::term::compare_text;

/// Runs `plateau compare`.
pub fn compare(args: &CompareArgs) -> anyhow::Result<()> {
    if args.gate.any_side() {
        return super::gate::gate(args);
    }
    let step_summary = std::env::var_os("GITHUB_STEP_SUMMARY").map(Into::into);
    let config = CompareConfig::from_args(args, step_summary)?;
    let inputs = [config.baseline.clone(), config.current.clone()];
    if let Some(MarkdownTarget::File(path)) = &config.markdown {
        target::check_file(OutputFlag::Markdown, path, &inputs)?;
    }
    let baseline = json::read(&config.baseline)?;
    let current = json::read(&config.current)?;
    if let Some(why) = crate::compare::overlap::no_shared_count(
        &baseline,
        &current,
        &config.baseline.display().to_string(),
        &config.current.display().to_string(),
    ) {
        return Err(usage(why));
    }
    let differences = config_diff::config_differences(&baseline.config, &current.config);
    if !differences.is_empty() && !config.allow_config_change {
        let list: Vec<String> = differences.iter().map(ToString::to_string).collect();
        return Err(usage(format!(
            "{} and {} measured different things: {}. Compare runs of the same workload, task count and mode, or pass --allow-config-change if the change is deliberate",
            config.baseline.display(),
            config.current.display(),
            list.join("; ")
        )));
    }
    let mut comparison = compare_runs(&baseline, &current, &config.options);
    comparison.baseline.file = Some(config.baseline.display().to_string());
    comparison.current.file = Some(config.current.display().to_string());

    let markdown = compare_md::render(&comparison);
    if let Some(MarkdownTarget::File(path)) = &config.markdown {
        write_markdown(path, &markdown)?;
    }
    append_step_summary(config.step_summary.as_deref(), &markdown);
    if config.json {
        let mut text = serde_json::to_string_pretty(&comparison)?;
        text.push('\n');
        print_stdout(&text)?;
    } else if config.markdown == Some(MarkdownTarget::Stdout) {
        print_stdout(&markdown)?;
    } else {
        print_stdout(&compare_text::render(&comparison))?;
    }
    verdict_result(&comparison)
}

/// Exit 0 on pass, 1 on a regression, 2 when nothing could be decided, 4 when inconclusive.
fn verdict_result(c: &Comparison) -> anyhow::Result<()> {
    match c.verdict {
        Verdict::Pass => Ok(()),
        Verdict::Regression => Err(RegressionFound(compare_fmt::headline(c)).into()),
        Verdict::Inconclusive => Err(Inconclusive(compare_fmt::headline(c)).into()),
        Verdict::Undecided => Err(usage(format!(
            "too few samples to decide: no worker count has {} or more samples in both {} and {}; rerun them with --repetitions {} or more",
            c.min_samples,
            c.baseline.file.as_deref().unwrap_or("the baseline"),
            c.current.file.as_deref().unwrap_or("the current run"),
            c.min_samples
        ))),
    }
}
