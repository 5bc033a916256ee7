//! The flags of `plateau fleet`: collect results from many machines, or write the manifests
//! that run `plateau run --emit-results` on Kubernetes or Slurm. The machines, `fleet k8s`'s
//! quantities and `fleet slurm`'s CPUs and time limit are typed by their value parsers
//! (`crate::fleet_value`); `fleet` validates the rest.

use crate::fleet_value::{self, MachineArg, PerMachine, Quantity, SlurmTime};
use clap::{Args, Subcommand, ValueEnum};
use std::num::NonZeroU32;
use std::path::PathBuf;

/// Flags of `plateau fleet`.
#[derive(Debug, Args)]
pub struct FleetArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: FleetCommand,
}

/// The fleet subcommands.
#[derive(Debug, Subcommand)]
pub enum FleetCommand {
    /// Gather results from many machines (result folders, results.json files, logs with marked
    /// results) into one folder per machine and a comparison report.
    Collect(CollectArgs),
    /// Write one Kubernetes Job per machine type, each running `plateau run --emit-results`.
    K8s(K8sArgs),
    /// Write one sbatch script with a job array, one element per machine type.
    Slurm(SlurmArgs),
}

/// Flags of `plateau fleet collect`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
plateau fleet collect legs/ --out comparison          downloaded GitHub artifacts\n  \
plateau fleet collect logs/*.log --out comparison     kubectl logs of each Job\n  \
plateau fleet collect plateau-*.out --out comparison  a Slurm array's output files\n  \
plateau fleet collect a/results.json b/ c.log --out comparison\n\n\
A folder is searched through: results.json files are results, and .log, .out and .txt files are\n\
logs, read for results.json printed between the marker lines of `plateau run --emit-results`.\n\
A file given by name is a results.json when it holds one, else a log. Each result gets a folder\n\
in --out (results.json, chart.svg, report.html, summary.md) and --out gets the comparison\n\
(report.html, summary.md), as `plateau report` writes it. Runs with the same label are told apart,\n\
never overwritten; the same run found twice is kept once. A log whose result is missing or\n\
truncated is named, the rest is collected, and the exit code is 3.")]
pub struct CollectArgs {
    /// Result folders, results.json files, log files, or folders holding any of them.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,

    /// Output folder. Default: reports/<date>_<time>_fleet under the current folder.
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// The price of a machine in USD per hour, as LABEL=USD (repeatable); overrides the
    /// --price-per-hour recorded at run time.
    #[arg(long, value_name = "LABEL=USD", value_parser = crate::limits::price_override)]
    pub price: Vec<crate::limits::PriceOverride>,
}

/// How a Slurm element picks its machines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SlurmSelect {
    /// `--constraint`: nodes offering this feature (or feature expression).
    Constraint,
    /// `--partition`: nodes of this partition.
    Partition,
}

/// Flags of `plateau fleet k8s`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
plateau fleet k8s --image registry.example/plateau:1 --cpu 3.5 --memory 6Gi \\\n    \
--machine c7i=c7i.xlarge:0.1785 --machine m7g=m7g.xlarge:0.1632 --workers 1..8 --out jobs/\n  \
plateau fleet k8s --image img --cpu c7i=7.5 --cpu m7g=3.5 --memory 8Gi \\\n    \
--machine c7i=c7i.2xlarge --machine m7g=m7g.xlarge -- --tasks 64 -- python3 job.py {task}\n\n\
Fleet flags come first; everything after them (or after --) is given to `plateau run` in each\n\
Job, and checked here first. Each Job pins its pod to the instance type with a nodeSelector,\n\
requests as much CPU and memory as it limits (Guaranteed QoS, so the cgroup quota plateau reports\n\
is the pod's), never retries, and prints its results.json between markers in its log. See\n\
docs/fleet.md for the whole loop: build and push, apply, wait, kubectl logs, fleet collect.")]
#[command(
    mut_arg("out", |a| a.value_name("DIR")
        .help("Write one <job>.yaml per machine into DIR instead of all of them to stdout")),
    mut_arg("run_flags", |a| a
        .help("`plateau run` flags for every Job (e.g. --workers 1..16 --repetitions 7)"))
)]
pub struct K8sArgs {
    /// A machine type: LABEL=INSTANCE_TYPE, or LABEL=INSTANCE_TYPE:USD_PER_HOUR (repeatable,
    /// one Job each).
    #[arg(long, value_name = "LABEL=TYPE[:PRICE]", required = true, value_parser = fleet_value::machine)]
    pub machine: Vec<MachineArg>,

    /// The container image holding plateau (built from the repository's Dockerfile).
    #[arg(long, value_name = "IMAGE")]
    pub image: String,

    /// CPUs each pod requests and is limited to (Kubernetes quantity: 2, 3.5, 1500m); N for
    /// every machine or LABEL=N for one (repeatable). Leave room for the node's daemons.
    #[arg(long, value_name = "[LABEL=]CPUS", required = true, value_parser = fleet_value::cpu)]
    pub cpu: Vec<PerMachine<Quantity>>,

    /// Memory each pod requests and is limited to (Kubernetes quantity: 4Gi, 512Mi); SIZE for
    /// every machine or LABEL=SIZE for one (repeatable).
    #[arg(long, value_name = "[LABEL=]SIZE", required = true, value_parser = fleet_value::memory)]
    pub memory: Vec<PerMachine<Quantity>>,

    /// The fleet's name: the Jobs' name prefix and their `plateau.dev/fleet` label. Default:
    /// plateau-<date>-<time>.
    #[arg(long, value_name = "NAME")]
    pub fleet: Option<String>,

    /// Namespace of the Jobs (default: kubectl's current one).
    #[arg(long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,

    /// Where the Jobs go, and the run flags of every Job.
    #[command(flatten)]
    pub written: WrittenArgs,
}

/// Flags of `plateau fleet slurm`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
plateau fleet slurm --machine icelake=icelake --machine milan=milan:0.9 --workers 1..64:4 > fleet.sh\n  \
plateau fleet slurm --select partition --machine gpu=gpu --machine cpu=cpu --cpus-per-task 16 > fleet.sh\n  \
bash fleet.sh                         submits the array (held, each element set, then released)\n  \
plateau fleet collect plateau-*.out --out comparison\n\n\
A job array cannot give each element its own constraint, partition or CPUs in #SBATCH lines,\n\
so the script submits itself held, sets each element with scontrol update, then releases it.\n\
Every element gets exclusive nodes and runs `plateau run --emit-results`; each writes its own\n\
plateau-<fleet>-<job>_<element>.out file. With --cpus-per-task, plateau runs in a job step of\n\
that many CPUs, so it measures (and recommends for) that share of the node. Fleet flags come\n\
first; everything after them (or after --) is given to `plateau run`, and checked here first.")]
#[command(
    mut_arg("out", |a| a.value_name("FILE").help("Write the script to FILE instead of stdout")),
    mut_arg("run_flags", |a| a.help("`plateau run` flags for every element (e.g. --workers 1..64:4)"))
)]
pub struct SlurmArgs {
    /// A machine type: LABEL=FEATURE (or LABEL=PARTITION with --select partition), optionally
    /// with :USD_PER_HOUR (repeatable, one array element each).
    #[arg(long, value_name = "LABEL=NAME[:PRICE]", required = true, value_parser = fleet_value::machine)]
    pub machine: Vec<MachineArg>,

    /// Whether a machine's name is a node feature (--constraint) or a partition.
    #[arg(long, value_enum, default_value_t = SlurmSelect::Constraint)]
    pub select: SlurmSelect,

    /// CPUs for plateau in each element: N for every machine or LABEL=N for one (repeatable).
    /// Default: the whole node.
    #[arg(long, value_name = "[LABEL=]N", value_parser = fleet_value::cpus_per_task)]
    pub cpus_per_task: Vec<PerMachine<NonZeroU32>>,

    /// The plateau binary as the compute nodes see it.
    #[arg(long, value_name = "PATH", default_value = "plateau")]
    pub plateau: String,

    /// The array's time limit (sbatch --time, e.g. 30:00 or 1-00:00:00).
    #[arg(long, value_name = "LIMIT", value_parser = fleet_value::slurm_time)]
    pub time: Option<SlurmTime>,

    /// The fleet's name: the job name and the prefix of the output files. Default:
    /// plateau-<date>-<time>.
    #[arg(long, value_name = "NAME")]
    pub fleet: Option<String>,

    /// Where the script goes, and the run flags of every element.
    #[command(flatten)]
    pub written: WrittenArgs,
}

/// The flags `fleet k8s` and `fleet slurm` share: where the output goes and the `plateau run`
/// flags of every machine. Each subcommand words their help for what it writes (`mut_arg`).
#[derive(Debug, Args)]
pub struct WrittenArgs {
    /// Write to PATH instead of stdout.
    #[arg(long, short = 'o', value_name = "PATH")]
    pub out: Option<PathBuf>,

    /// `plateau run` flags for every machine.
    #[arg(
        value_name = "RUN FLAGS",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub run_flags: Vec<String>,
}
