//! End-to-end tests of `plateau report` (and the report.html / summary.md that `plateau run`
//! writes) through the real binary, on the synthetic fixtures in tests/fixtures/.

pub mod common;

use common::files::write_json as save;
use common::{fixture, plateau, read_json, refused_in_one_sentence, short_run};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A fixture, parsed.
fn load(name: &str) -> Value {
    read_json(&fixture(name))
}

fn read(p: PathBuf) -> String {
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The sections of a page, by id, in the order they appear.
fn section_ids(html: &str) -> Vec<String> {
    html.match_indices("<section id=\"")
        .map(|(i, m)| {
            let rest = &html[i + m.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect()
}

#[test]
fn one_file_gives_the_single_run_report_and_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("rep");
    plateau()
        .arg("report")
        .arg(fixture("small-2cpu.json"))
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicates::str::contains("report.html"));
    let html = read(out.join("report.html"));
    assert_eq!(html.matches("<svg").count(), 1, "one chart");
    assert_eq!(
        section_ids(&html),
        [
            "verdict", "chart", "points", "fits", "warnings", "machine", "method"
        ]
    );
    assert_eq!(html.matches("<tr class=\"chosen\">").count(), 1);
    // The answer leads, in one sentence; the verdict's sentences follow as the reasons.
    let lead = html
        .find("<p class=\"lead\">Use 2 workers on this machine: ")
        .unwrap();
    let reasons = html.find("<li>Run 2 workers: throughput plateaus").unwrap();
    assert!(lead < reasons);
    assert!(!html.contains("<script") && !html.contains("<link"));
    let md = read(out.join("summary.md"));
    assert!(md.starts_with("### plateau: c7i.large\n\n**Use 2 workers on this machine: "));
    assert!(md.contains("| 2 | "));
}

#[test]
fn three_runs_give_a_comparison_with_two_overlay_charts() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("cmp");
    let md_copy = tmp.path().join("step-summary.md");
    plateau()
        .arg("report")
        .args(["small-2cpu.json", "medium-4cpu.json", "large-8cpu.json"].map(fixture))
        .arg("--out")
        .arg(&out)
        .arg("--markdown")
        .arg(&md_copy)
        .assert()
        .success();
    let html = read(out.join("report.html"));
    assert_eq!(
        html.matches("<svg").count(),
        2,
        "total and per-core overlays"
    );
    assert_eq!(
        section_ids(&html),
        ["verdict", "table", "chart", "runs", "method"]
    );
    for label in ["c7i.large", "c7i.xlarge", "m7g.2xlarge"] {
        assert!(html.contains(label), "{label}");
    }
    // Each overlay has one legend entry per run.
    assert_eq!(html.matches("(8 effective CPUs)").count(), 2);
    assert_eq!(read(md_copy), read(out.join("summary.md")));
}

#[test]
fn a_script_label_appears_only_escaped() {
    let tmp = tempfile::tempdir().unwrap();
    let evil = "<script>alert(1)</script>";
    let mut a = load("small-2cpu.json");
    a["run"]["label"] = evil.into();
    a["machine"]["cpu_brand"] = "CPU <b>&\"x\"".into();
    a["machine"]["hostname"] = evil.into();
    a["run"]["command_line"] = serde_json::json!(["plateau", "run", "--label", evil]);
    a["analysis"]["warnings"] = serde_json::json!([evil]);
    a["analysis"]["verdict"] = evil.into();
    let a = save(tmp.path(), "a.json", &a);
    for (inputs, out) in [
        (vec![a.clone()], tmp.path().join("one")),
        (
            vec![a.clone(), fixture("medium-4cpu.json")],
            tmp.path().join("two"),
        ),
    ] {
        plateau()
            .arg("report")
            .args(&inputs)
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        let html = read(out.join("report.html"));
        assert!(
            !html.contains("<script"),
            "raw <script> in {}",
            out.display()
        );
        assert!(!html.contains("<b>&"), "raw CPU brand in {}", out.display());
        assert!(html.contains("&lt;script&gt;alert(1)"));
        let md = read(out.join("summary.md"));
        assert!(!md.contains("<script"), "raw <script> in summary.md");
        assert!(md.contains("&lt;script&gt;alert(1)"));
    }
}

/// Three copies of a fixture without analysis, throughput scaled by `factors`.
fn priced_runs(dir: &Path, prices: [f64; 3], factors: [f64; 3]) -> Vec<PathBuf> {
    ["A", "B", "C"]
        .iter()
        .zip(prices.iter().zip(factors))
        .map(|(label, (price, factor))| {
            let mut v = load("large-8cpu.json");
            v["run"]["label"] = (*label).into();
            v["run"]["price_per_hour"] = (*price).into();
            for p in v["points"].as_array_mut().unwrap() {
                let s = &mut p["summary"]["tasks_per_sec"];
                *s = (s.as_f64().unwrap() * factor).into();
            }
            save(dir, &format!("{label}.json"), &v)
        })
        .collect()
}

fn best_label(html: &str) -> String {
    assert_eq!(
        html.matches("<tr class=\"best\">").count(),
        1,
        "one best value"
    );
    let row = &html[html.find("<tr class=\"best\">").unwrap()..];
    let cell = &row[row.find("<td class=\"text\">").unwrap() + 17..];
    cell[..cell.find('<').unwrap()].trim().to_string()
}

#[test]
fn the_cost_column_marks_the_cheapest_million_tasks() {
    let tmp = tempfile::tempdir().unwrap();
    // Same curve scaled by 1, 0.4 and 3; prices 1.0, 0.5 and 2.0 USD/h. Cost per million tasks
    // is proportional to price / factor: A 1.0, B 1.25, C 0.667 -> C.
    let files = priced_runs(tmp.path(), [1.0, 0.5, 2.0], [1.0, 0.4, 3.0]);
    let out = tmp.path().join("r1");
    plateau()
        .arg("report")
        .args(&files)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let html = read(out.join("report.html"));
    assert_eq!(best_label(&html), "C");
    let peak = load("large-8cpu.json")["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["summary"]["tasks_per_sec"].as_f64().unwrap())
        .fold(0.0, f64::max);
    let expected = 2.0 / (peak * 3.0 * 3600.0) * 1e6;
    assert!(
        html.contains(&format!("${expected:.4}")),
        "cost of C = ${expected:.4}"
    );
    let md = read(out.join("summary.md"));
    let best_rows: Vec<&str> = md
        .lines()
        .filter(|l| l.contains("**best value**"))
        .collect();
    assert_eq!(best_rows.len(), 1);
    assert!(best_rows[0].starts_with("| C"), "{}", best_rows[0]);

    // A report-time price overrides the recorded one: B at 0.1 USD/h costs 0.25 -> B.
    let out = tmp.path().join("r2");
    plateau()
        .arg("report")
        .args(&files)
        .args(["--price", "B=0.1", "--out"])
        .arg(&out)
        .assert()
        .success();
    assert_eq!(best_label(&read(out.join("report.html"))), "B");
}

#[test]
fn duplicate_labels_are_made_distinct() {
    let tmp = tempfile::tempdir().unwrap();
    let v = load("large-8cpu.json");
    let a = save(tmp.path(), "first.json", &v);
    let b = save(tmp.path(), "second.json", &v);
    let out = tmp.path().join("dup");
    plateau()
        .arg("report")
        .args([&a, &b])
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let html = read(out.join("report.html"));
    assert!(html.contains("m7g.2xlarge (first)") && html.contains("m7g.2xlarge (second)"));
}

#[test]
fn runs_of_different_work_are_refused_naming_the_files() {
    let tmp = tempfile::tempdir().unwrap();
    let mut v = load("medium-4cpu.json");
    v["config"]["workload"]["iterations"] = 5.into();
    let odd = save(tmp.path(), "odd.json", &v);
    let out = tmp.path().join("never");
    let o = plateau()
        .arg("report")
        .arg(fixture("small-2cpu.json"))
        .arg(&odd)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("small-2cpu.json") && err.contains("odd.json"),
        "{err}"
    );
    assert!(err.contains("different workloads"), "{err}");
    assert!(!out.exists(), "nothing is written for refused input");
}

#[test]
fn bad_inputs_get_one_sentence_and_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let broken = tmp.path().join("broken.json");
    std::fs::write(&broken, "{ not json").unwrap();
    let good = fixture("small-2cpu.json");
    let missing = tmp.path().join("missing.json");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec![missing.display().to_string()], "missing.json"),
        (vec![broken.display().to_string()], "broken.json"),
        (
            vec![
                good.display().to_string(),
                "--price".into(),
                "c7i.large".into(),
            ],
            "--price",
        ),
        (
            vec![
                good.display().to_string(),
                "--price".into(),
                "c7i.large=-2".into(),
            ],
            "--price",
        ),
        (
            vec![
                good.display().to_string(),
                "--price".into(),
                "nope=1".into(),
            ],
            "--price nope",
        ),
        (
            vec![
                good.display().to_string(),
                "--price".into(),
                "c7i=2000000".into(),
            ],
            "error: --price \"c7i=2000000\": \"2000000\" is not a positive number of USD per hour (at most 1000000)",
        ),
    ];
    for (args, needle) in cases {
        let o = plateau()
            .arg("report")
            .args(&args)
            .arg("--out")
            .arg(tmp.path().join("never"))
            .output()
            .unwrap();
        refused_in_one_sentence(&o, needle);
    }
}

#[test]
fn markdown_dash_prints_the_summary_on_stdout() {
    let tmp = tempfile::tempdir().unwrap();
    let o = plateau()
        .arg("report")
        .arg(fixture("small-2cpu.json"))
        .arg(fixture("medium-4cpu.json"))
        .args(["--markdown", "-", "--out"])
        .arg(tmp.path().join("md"))
        .output()
        .unwrap();
    assert!(o.status.success());
    let stdout = String::from_utf8(o.stdout).unwrap();
    assert!(
        stdout.starts_with("### plateau: 2 runs compared"),
        "{stdout}"
    );
    assert!(!stdout.contains("Wrote"), "only markdown on stdout");
}

#[test]
fn a_run_writes_its_report_and_summary_with_its_analysis() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    short_run(&out, 1)
        .args(["--workers", "1,2", "--tasks", "4", "--iterations", "1000"])
        .args(["--label", "<script>x</script>"])
        .assert()
        .success();
    let html = read(out.join("report.html"));
    // The chart and, since every run records task latencies, the latency chart.
    assert_eq!(html.matches("<svg").count(), 2);
    assert!(html.contains("id=\"latency\""), "the latency section");
    assert!(!html.contains("No scaling analysis in this file"));
    assert!(
        html.contains("Recommended"),
        "the run's analysis leads the report"
    );
    assert!(!html.contains("<script"));
    assert!(read(out.join("summary.md")).contains("| 2 | "));
}
