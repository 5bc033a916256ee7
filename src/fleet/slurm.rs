//! A Slurm job array for a fleet: one element per machine type, each on exclusive nodes picked
//! by a feature (`--constraint`) or a partition, running `plateau run --emit-results` into its
//! own `.out` file. `#SBATCH` lines cannot differ between the elements of an array, so the
//! script, run with bash, submits itself held, gives each element its machine (and CPUs) with
//! `scontrol update`, and releases the array. Pure: validated settings in, script text out.

use super::machines::{parse_machines, per_machine};
use super::run_flags::RunFlags;
use crate::cli::fleet::SlurmSelect;
use crate::error::usage;
use crate::fleet_value::{MachineArg, MachineType, PerMachine, SlurmTime, plain_word};
use crate::render::facts::shell_join;
use std::num::NonZeroU32;

/// A validated `plateau fleet slurm`.
#[derive(Debug, Clone)]
pub struct SlurmFleet {
    /// The fleet's name: the job name and the prefix of the output files.
    pub name: String,
    /// Whether a machine's target is a feature or a partition.
    pub select: SlurmSelect,
    /// The machines, one array element each, in order.
    pub machines: Vec<MachineType>,
    /// CPUs per task for each machine (None: the whole node).
    pub cpus: Vec<Option<NonZeroU32>>,
    /// The plateau binary on the compute nodes.
    pub plateau: String,
    /// `--time`, when given.
    pub time: Option<SlurmTime>,
    /// The run flags every element passes.
    pub run_flags: RunFlags,
}

/// The settings `SlurmFleet::new` checks (the machines, CPUs and time limit arrive read by
/// their value parsers).
#[derive(Debug, Clone)]
pub struct SlurmInput<'a> {
    /// `--machine` values.
    pub machines: &'a [MachineArg],
    /// `--select`.
    pub select: SlurmSelect,
    /// `--cpus-per-task` values.
    pub cpus_per_task: &'a [PerMachine<NonZeroU32>],
    /// `--plateau`.
    pub plateau: &'a str,
    /// `--time`.
    pub time: Option<SlurmTime>,
    /// `--fleet`, or the default name.
    pub name: String,
}

impl SlurmFleet {
    /// Checks every setting; each refusal is one sentence naming the flag.
    pub fn new(input: SlurmInput<'_>, run_flags: RunFlags) -> anyhow::Result<Self> {
        let target = match input.select {
            SlurmSelect::Constraint => "FEATURE",
            SlurmSelect::Partition => "PARTITION",
        };
        let machines = parse_machines(input.machines, target)?;
        plain_word("--fleet", &input.name).map_err(usage)?;
        if input.plateau.trim().is_empty() {
            return Err(usage(
                "--plateau is empty; give the path of plateau on the compute nodes",
            ));
        }
        let cpus = per_machine("--cpus-per-task", input.cpus_per_task, &machines)?;
        Ok(Self {
            name: input.name,
            select: input.select,
            machines,
            cpus,
            plateau: input.plateau.to_string(),
            time: input.time,
            run_flags,
        })
    }

    /// The sbatch script.
    pub fn script(&self) -> String {
        let n = self.machines.len();
        let array = |f: &dyn Fn(usize) -> String| -> String {
            (0..n).map(|i| words(&[f(i)])).collect::<Vec<_>>().join(" ")
        };
        let labels = array(&|i| self.machines[i].label.clone());
        let targets = array(&|i| self.machines[i].target.clone());
        let cpus = array(&|i| self.cpus[i].map(|c| c.to_string()).unwrap_or_default());
        let prices = array(&|i| {
            self.machines[i]
                .price
                .map(|p| p.usd_per_hour().to_string())
                .unwrap_or_default()
        });
        let field = match self.select {
            SlurmSelect::Constraint => "Features",
            SlurmSelect::Partition => "Partition",
        };
        let time = self
            .time
            .as_ref()
            .map(|t| format!("#SBATCH --time={t}\n"))
            .unwrap_or_default();
        let flags = words(self.run_flags.argv());
        TEMPLATE
            .replace("@NAME@", &self.name)
            .replace("@LAST@", &(n - 1).to_string())
            .replace("@TIME@", &time)
            .replace("@LABELS@", &labels)
            .replace("@TARGETS@", &targets)
            .replace("@CPUS@", &cpus)
            .replace("@PRICES@", &prices)
            .replace("@FIELD@", field)
            .replace(
                "@PLATEAU@",
                &shell_join(std::slice::from_ref(&self.plateau)),
            )
            .replace("@FLAGS@", &flags)
    }
}

/// Shell words as `shell_join` quotes them, and plain words with a comma single-quoted too
/// (`'1,2'`), which would otherwise read as array separators to a reader and to shellcheck.
fn words(args: &[String]) -> String {
    args.iter()
        .map(|a| {
            let w = shell_join(std::slice::from_ref(a));
            if w.contains(',') && !w.starts_with('\'') {
                format!("'{w}'")
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

const TEMPLATE: &str = r#"#!/bin/bash
# A plateau fleet as a Slurm job array, written by `plateau fleet slurm`: one element per machine.
# Submit it with `bash THIS_FILE` (not sbatch): #SBATCH lines cannot differ between the elements
# of an array, so this script submits itself held, gives each element its machine and CPUs with
# `scontrol update`, then releases the array. Each element prints its results.json between
# markers into its own .out file; gather them with `plateau fleet collect @NAME@-*.out`.
#SBATCH --job-name=@NAME@
#SBATCH --array=0-@LAST@
#SBATCH --nodes=1
#SBATCH --ntasks=1
#SBATCH --exclusive
#SBATCH --output=@NAME@-%A_%a.out
@TIME@set -euo pipefail
labels=(@LABELS@)
targets=(@TARGETS@)
cpus=(@CPUS@)
prices=(@PRICES@)

if [ -z "${SLURM_ARRAY_TASK_ID:-}" ]; then
    job=$(sbatch --parsable --hold --export=ALL,PLATEAU_FLEET_SUBMITTED=1 "$0")
    job=${job%%;*}
    for i in "${!labels[@]}"; do
        settings=("@FIELD@=${targets[$i]}")
        if [ -n "${cpus[$i]}" ]; then settings+=("CPUsPerTask=${cpus[$i]}"); fi
        scontrol update JobId="${job}_${i}" "${settings[@]}"
    done
    scontrol release "$job"
    echo "submitted job array $job (${#labels[@]} elements); each writes @NAME@-${job}_<element>.out"
    exit 0
fi

if [ -z "${PLATEAU_FLEET_SUBMITTED:-}" ]; then
    echo "error: submit this script with bash, not sbatch, so each element gets its own machine" >&2
    exit 2
fi
i=$SLURM_ARRAY_TASK_ID
args=(run --emit-results --label "${labels[$i]}" --out "@NAME@-results/${SLURM_ARRAY_JOB_ID}_${i}")
if [ -n "${prices[$i]}" ]; then args+=(--price-per-hour "${prices[$i]}"); fi
args+=(@FLAGS@)
echo "plateau fleet @NAME@: element $i, machine ${labels[$i]} (@FIELD@ ${targets[$i]}) on $(hostname)"
if [ -n "${cpus[$i]}" ]; then
    # A job step of that many CPUs: plateau measures, and recommends for, that share of the node.
    exec srun --ntasks=1 --cpus-per-task="${cpus[$i]}" --exact @PLATEAU@ "${args[@]}"
fi
exec @PLATEAU@ "${args[@]}"
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet_value;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn fleet(machines: &[&str], cpus: &[&str], select: SlurmSelect) -> anyhow::Result<SlurmFleet> {
        let flags = super::super::run_flags::validate(&strings(&[
            "--workers",
            "1,2",
            "--",
            "sh",
            "-c",
            "echo 'hi there'",
        ]))?;
        SlurmFleet::new(
            SlurmInput {
                machines: &machines
                    .iter()
                    .map(|m| MachineType::parse(m))
                    .collect::<Vec<_>>(),
                select,
                cpus_per_task: &cpus
                    .iter()
                    .map(|c| fleet_value::cpus_per_task(c))
                    .collect::<Result<Vec<_>, _>>()?,
                plateau: "/opt/plateau/bin/plateau",
                time: Some(fleet_value::slurm_time("30:00")?),
                name: "fleet-1".into(),
            },
            flags,
        )
    }

    #[test]
    fn one_element_per_machine_with_its_target_and_cpus() {
        let f = fleet(
            &["one=featA", "two cpus=featB:0.5"],
            &["one=1", "two cpus=2"],
            SlurmSelect::Constraint,
        )
        .unwrap();
        let s = f.script();
        assert!(s.contains("#SBATCH --array=0-1\n"), "{s}");
        assert!(s.contains("#SBATCH --exclusive\n"));
        assert!(s.contains("#SBATCH --time=30:00\n"));
        assert!(s.contains("#SBATCH --output=fleet-1-%A_%a.out\n"));
        assert!(s.contains("labels=(one 'two cpus')\n"), "{s}");
        assert!(s.contains("targets=(featA featB)\n"));
        assert!(s.contains("cpus=(1 2)\n"));
        assert!(s.contains("prices=('' 0.5)\n"), "{s}");
        assert!(s.contains("settings=(\"Features=${targets[$i]}\")"));
        assert!(
            s.contains("args+=(--workers '1,2' -- sh -c 'echo '\\''hi there'\\''')\n"),
            "{s}"
        );
        assert!(s.contains("exec /opt/plateau/bin/plateau \"${args[@]}\""));
        let p = fleet(&["a=batch"], &[], SlurmSelect::Partition)
            .unwrap()
            .script();
        assert!(p.contains("settings=(\"Partition=${targets[$i]}\")"));
        assert!(p.contains("cpus=('')\n"), "{p}");
    }

    #[test]
    fn cpus_for_no_machine_and_bad_machines_are_refused_naming_the_flag() {
        let err = fleet(&["a=f"], &["b=2"], SlurmSelect::Constraint)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("--cpus-per-task \"b=2\": no --machine"),
            "{err}"
        );
        let err = fleet(&["a="], &[], SlurmSelect::Partition)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("--machine \"a=\" names no PARTITION"),
            "{err}"
        );
    }
}
