//! Runs plateau's real default path on a simulated machine: the plan, the calibration, the
//! per-count batches, the adaptive rounds with interference marking and the decision, with only
//! the executor and the clock simulated. Prints one JSON object on stdout:
//! `{"runs": [{"seed", "recommended", "truth", "stability", "rounds", "simulated_s",
//! "stop_reason", "workers", "tasks"}]}`.
//!
//!     cargo run --release --example simulate -- --machine machine.json --runs 100 --seed 1
//!
//! The machine file: every key optional but `logical_cpus` (see `docs/simulation.md`).

use plateau::app::simulate::{machine::MachineModel, simulate};
use std::process::ExitCode;

/// The command line: `--machine FILE` (required), `--runs N` (default 1), `--seed S` (the
/// first seed, default 1; run k uses S + k), and any `plateau run` flags after `--`.
struct Args {
    machine: String,
    runs: u64,
    seed: u64,
    extra: Vec<String>,
}

fn parse(argv: &[String]) -> Result<Args, String> {
    let mut args = Args {
        machine: String::new(),
        runs: 1,
        seed: 1,
        extra: vec![],
    };
    let mut it = argv.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match a.as_str() {
            "--machine" => args.machine = value("--machine")?,
            "--runs" => {
                args.runs = value("--runs")?
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or("--runs takes a whole number above 0")?
            }
            "--seed" => {
                args.seed = value("--seed")?
                    .parse()
                    .map_err(|_| "--seed takes a whole number")?
            }
            "--" => {
                args.extra = it.by_ref().cloned().collect();
            }
            other => return Err(format!("unknown argument {other}; see the file's header")),
        }
    }
    if args.machine.is_empty() {
        return Err("--machine FILE is required: a JSON machine model".into());
    }
    Ok(args)
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse(&argv) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("simulate: {e}");
            return ExitCode::from(2);
        }
    };
    let model = match std::fs::read_to_string(&args.machine)
        .map_err(|e| format!("--machine {}: {e}", args.machine))
        .and_then(|text| MachineModel::parse(&text, &args.machine))
    {
        Ok(m) => m,
        Err(e) => {
            eprintln!("simulate: {e}");
            return ExitCode::from(2);
        }
    };
    let extra: Vec<&str> = args.extra.iter().map(String::as_str).collect();
    let mut runs = Vec::new();
    for k in 0..args.runs {
        match simulate(&model, args.seed.wrapping_add(k), &extra) {
            Ok(r) => runs.push(r),
            Err(e) => {
                eprintln!("simulate: {e:#}");
                return ExitCode::from(2);
            }
        }
    }
    println!("{}", serde_json::json!({ "runs": runs }));
    ExitCode::SUCCESS
}
