//! `plateau fleet`: `collect` gathers results from many machines into one folder per machine
//! and the comparison report; `k8s` and `slurm` check the run flags and write the manifests
//! that measure each machine, to stdout or a file.

use super::print_stdout;
use crate::cli::fleet::{CollectArgs, FleetArgs, FleetCommand, K8sArgs, SlurmArgs};
use crate::clock::UtcTime;
use crate::config::OutDir;
use crate::error::{RunFailed, usage};
use crate::fleet::collect::{Gathered, Lost, gather};
use crate::fleet::k8s::{K8sFleet, K8sInput};
use crate::fleet::slurm::{SlurmFleet, SlurmInput};
use crate::fleet::{default_name, run_flags, slug};
use crate::outdir::{OutputDir, write_atomic};
use crate::render::comparison::{Comparison, compare};
use std::path::PathBuf;

/// Runs `plateau fleet`.
pub fn fleet(args: &FleetArgs) -> anyhow::Result<()> {
    match &args.command {
        FleetCommand::Collect(a) => collect(a),
        FleetCommand::K8s(a) => k8s(a),
        FleetCommand::Slurm(a) => slurm(a),
    }
}

fn k8s(args: &K8sArgs) -> anyhow::Result<()> {
    let flags = run_flags::validate(&args.written.run_flags)?;
    let fleet = K8sFleet::new(
        K8sInput {
            machines: &args.machine,
            image: &args.image,
            cpu: &args.cpu,
            memory: &args.memory,
            name: args
                .fleet
                .clone()
                .unwrap_or_else(|| default_name(&UtcTime::now().folder_stamp())),
            namespace: args.namespace.clone(),
        },
        flags,
    )?;
    let docs = fleet.manifests();
    match &args.written.out {
        None => print_stdout(&docs.iter().map(|(_, d)| d.as_str()).collect::<String>()),
        Some(dir) => {
            let out = OutputDir::prepare(&OutDir {
                path: dir.clone(),
                dated: false,
            })?;
            for (name, doc) in &docs {
                out.write(&format!("{name}.yaml"), doc.as_bytes())?;
            }
            print_stdout(&format!(
                "Wrote {} Job manifests to {} (fleet {}); apply them with kubectl apply -f {}\n",
                docs.len(),
                dir.display(),
                fleet.name,
                dir.display()
            ))
        }
    }
}

fn slurm(args: &SlurmArgs) -> anyhow::Result<()> {
    let flags = run_flags::validate(&args.written.run_flags)?;
    let fleet = SlurmFleet::new(
        SlurmInput {
            machines: &args.machine,
            select: args.select,
            cpus_per_task: &args.cpus_per_task,
            plateau: &args.plateau,
            time: args.time.clone(),
            name: args
                .fleet
                .clone()
                .unwrap_or_else(|| default_name(&UtcTime::now().folder_stamp())),
        },
        flags,
    )?;
    let script = fleet.script();
    match &args.written.out {
        None => print_stdout(&script),
        Some(path) => {
            write_atomic(path, script.as_bytes()).map_err(|e| {
                usage(format!(
                    "cannot write --out {} ({}); check the folder exists and is writable",
                    path.display(),
                    e.root_cause()
                ))
            })?;
            print_stdout(&format!(
                "Wrote {}; submit it with: bash {}\n",
                path.display(),
                path.display()
            ))
        }
    }
}

fn collect(args: &CollectArgs) -> anyhow::Result<()> {
    let out_spec = collect_out_dir(args.out.as_ref());
    let Gathered {
        runs,
        lost,
        repeated,
    } = gather(&args.paths)?;
    if runs.is_empty() {
        return Err(nothing_collected(&lost));
    }
    let comparison = compare(runs, &args.price)?;
    let rendered = super::report::render(&comparison)?;
    let out = OutputDir::prepare(&out_spec)?;
    let mut text = write_machine_folders(&out, &comparison)?;
    out.write("report.html", rendered.html.as_bytes())?;
    out.write("summary.md", rendered.markdown.as_bytes())?;
    for r in &repeated {
        text.push_str(&format!(
            "  (the same run again in {}: kept once)\n",
            r.display()
        ));
    }
    print_stdout(&format!(
        "Collected {} from {} into {}:\n{text}Wrote {}/report.html and summary.md\n",
        crate::words::count(comparison.runs.len(), "result"),
        crate::words::count(args.paths.len(), "path"),
        out.path().display(),
        out.path().display()
    ))?;
    if !lost.is_empty() {
        return Err(RunFailed(format!(
            "{} could not be collected: {}; the other results are in {}",
            crate::words::count(lost.len(), "result"),
            lost_list(&lost),
            out.path().display()
        ))
        .into());
    }
    Ok(())
}

/// `--out` as given, else a dated `reports/<stamp>_fleet` folder.
fn collect_out_dir(out: Option<&PathBuf>) -> OutDir {
    match out {
        Some(p) => OutDir {
            path: p.clone(),
            dated: false,
        },
        None => OutDir {
            path: PathBuf::from("reports").join(format!("{}_fleet", UtcTime::now().folder_stamp())),
            dated: true,
        },
    }
}

/// The usage error when no whole result was found: what was lost, or what to give.
fn nothing_collected(lost: &[Lost]) -> anyhow::Error {
    usage(if lost.is_empty() {
        "nothing given to plateau fleet collect holds a result: give result folders, results.json files, or logs of plateau run --emit-results".to_string()
    } else {
        format!("no whole result was found: {}", lost_list(lost))
    })
}

/// One folder per machine under `out`, named after its label, with that run's outputs; the
/// lines that say where each came from.
fn write_machine_folders(out: &OutputDir, comparison: &Comparison) -> anyhow::Result<String> {
    let mut text = String::new();
    let mut folders: Vec<String> = Vec::new();
    for run in &comparison.runs {
        let name = unique_name(&slug(&run.label, 60), &folders);
        let dir = OutputDir::prepare(&OutDir {
            path: out.path().join(&name),
            dated: false,
        })?;
        super::write_outputs(&dir, &run.record)?;
        text.push_str(&format!(
            "  {} <- {}{}\n",
            dir.path().display(),
            run.source.display(),
            if run.record.run.interrupted {
                " (interrupted: the points measured before it stopped)"
            } else {
                ""
            }
        ));
        folders.push(name);
    }
    Ok(text)
}

/// `base`, or `base-2`, `base-3`, ... : the first not in `taken`.
fn unique_name(base: &str, taken: &[String]) -> String {
    let mut name = base.to_string();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{base}-{n}");
        n += 1;
    }
    name
}

fn lost_list(lost: &[Lost]) -> String {
    lost.iter()
        .map(|l| format!("{} {}", l.source.display(), l.why))
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_taken_folder_name_gets_the_first_free_number() {
        let taken = vec!["m".to_string(), "m-2".to_string()];
        assert_eq!(unique_name("m", &taken), "m-3");
        assert_eq!(unique_name("n", &taken), "n");
    }
}
