//! Kubernetes Jobs for a fleet: one per machine type, pinned to its instance type by a
//! `nodeSelector`, with CPU and memory requests equal to limits (Guaranteed QoS: the cgroup
//! quota plateau reports is the pod's), no retries (a rerun would restart a half-measured
//! sweep), labels tying the fleet's Jobs together, and `plateau run --emit-results` as the
//! command, so each Job's log carries its result. Pure: validated settings in, YAML out.

use super::machines::{parse_machines, per_machine};
use super::run_flags::RunFlags;
use super::{slug, yaml};
use crate::error::usage;
use crate::fleet_value::{MachineArg, MachineType, PerMachine, Quantity};
use serde_json::{Value, json};

/// The label every Job and pod of a fleet carries: `kubectl get jobs -l plateau.dev/fleet=NAME`.
pub const FLEET_LABEL: &str = "plateau.dev/fleet";
/// The label naming the machine a Job measures.
pub const MACHINE_LABEL: &str = "plateau.dev/machine";
/// Where results.json and the other outputs go inside the pod (an emptyDir volume).
pub const RESULTS_DIR: &str = "/results";

/// A validated `plateau fleet k8s`.
#[derive(Debug, Clone)]
pub struct K8sFleet {
    /// The fleet's name, a valid Kubernetes name.
    pub name: String,
    /// The image with plateau in its PATH.
    pub image: String,
    /// The namespace, when given.
    pub namespace: Option<String>,
    /// The Jobs, one per machine.
    pub jobs: Vec<JobSpec>,
    /// The run flags every Job passes.
    pub run_flags: RunFlags,
}

/// One machine's Job.
#[derive(Debug, Clone)]
pub struct JobSpec {
    /// The machine.
    pub machine: MachineType,
    /// The Job's name: `<fleet>-<machine slug>`.
    pub name: String,
    /// CPUs requested and limited.
    pub cpu: Quantity,
    /// Memory requested and limited.
    pub memory: Quantity,
}

/// The settings `K8sFleet::new` checks (the machines and quantities arrive read by their
/// value parsers).
#[derive(Debug, Clone)]
pub struct K8sInput<'a> {
    /// `--machine` values.
    pub machines: &'a [MachineArg],
    /// `--image`.
    pub image: &'a str,
    /// `--cpu` values.
    pub cpu: &'a [PerMachine<Quantity>],
    /// `--memory` values.
    pub memory: &'a [PerMachine<Quantity>],
    /// `--fleet`, or the default name.
    pub name: String,
    /// `--namespace`.
    pub namespace: Option<String>,
}

impl K8sFleet {
    /// Checks every setting; each refusal is one sentence naming the flag.
    pub fn new(input: K8sInput<'_>, run_flags: RunFlags) -> anyhow::Result<Self> {
        let machines = parse_machines(input.machines, "INSTANCE_TYPE")?;
        check_name("--fleet", &input.name, 40)?;
        if let Some(ns) = &input.namespace {
            check_name("--namespace", ns, 63)?;
        }
        if input.image.trim().is_empty() || input.image.contains(char::is_whitespace) {
            return Err(usage(format!(
                "--image {:?} is not an image reference; give one like registry.example/plateau:1",
                input.image
            )));
        }
        let cpus = per_machine("--cpu", input.cpu, &machines)?;
        let memories = per_machine("--memory", input.memory, &machines)?;
        let mut jobs: Vec<JobSpec> = Vec::new();
        for ((machine, cpu), memory) in machines.into_iter().zip(cpus).zip(memories) {
            let cpu = cpu.ok_or_else(|| missing("--cpu", &machine.label))?;
            let memory = memory.ok_or_else(|| missing("--memory", &machine.label))?;
            let base = format!(
                "{}-{}",
                input.name,
                slug(&machine.label, 62 - input.name.len())
            );
            let mut name = base.clone();
            let mut n = 2;
            while jobs.iter().any(|j| j.name == name) {
                name = format!("{}-{n}", &base[..base.len().min(60)]);
                n += 1;
            }
            jobs.push(JobSpec {
                machine,
                name,
                cpu,
                memory,
            });
        }
        Ok(Self {
            name: input.name,
            image: input.image.to_string(),
            namespace: input.namespace,
            jobs,
            run_flags,
        })
    }

    /// Every Job as a YAML document, each starting with `---`.
    pub fn manifests(&self) -> Vec<(String, String)> {
        self.jobs
            .iter()
            .map(|j| {
                (
                    j.name.clone(),
                    format!("---\n{}", yaml::document(&self.job(j))),
                )
            })
            .collect()
    }

    fn job(&self, j: &JobSpec) -> Value {
        let labels = json!({
            "app.kubernetes.io/name": "plateau",
            FLEET_LABEL: self.name,
            MACHINE_LABEL: slug(&j.machine.label, 63),
        });
        let mut command: Vec<String> = ["plateau", "run", "--emit-results", "--label"]
            .map(String::from)
            .to_vec();
        command.push(j.machine.label.clone());
        if let Some(p) = j.machine.price {
            command.extend(["--price-per-hour".into(), p.usd_per_hour().to_string()]);
        }
        command.extend(["--out".into(), format!("{RESULTS_DIR}/run")]);
        command.extend(self.run_flags.argv().iter().cloned());
        let resources = json!({"cpu": j.cpu.as_str(), "memory": j.memory.as_str()});
        let mut metadata = json!({
            "name": j.name,
            "labels": labels,
            "annotations": {
                "plateau.dev/label": j.machine.label,
                "plateau.dev/instance-type": j.machine.target,
            },
        });
        if let Some(ns) = &self.namespace {
            metadata["namespace"] = json!(ns);
        }
        json!({
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": metadata,
            "spec": {
                "backoffLimit": 0,
                "template": {
                    "metadata": {"labels": labels},
                    "spec": {
                        "restartPolicy": "Never",
                        "nodeSelector": {"node.kubernetes.io/instance-type": j.machine.target},
                        "containers": [{
                            "name": "plateau",
                            "image": self.image,
                            "command": command,
                            "resources": {"requests": resources, "limits": resources},
                            "volumeMounts": [{"name": "results", "mountPath": RESULTS_DIR}],
                        }],
                        "volumes": [{"name": "results", "emptyDir": {}}],
                    },
                },
            },
        })
    }
}

fn missing(flag: &str, label: &str) -> anyhow::Error {
    usage(format!(
        "{flag} gives no value for the machine {label:?}; requests equal limits, so give {flag} VALUE for every machine or {flag} {label}=VALUE"
    ))
}

/// A Kubernetes name: lowercase letters, digits and `-`, starting and ending with a letter or
/// digit, at most `max` characters.
fn check_name(flag: &str, name: &str, max: usize) -> anyhow::Result<()> {
    let ok = !name.is_empty()
        && name.len() <= max
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(usage(format!(
            "{flag} {name:?} is not a Kubernetes name: use lowercase letters, digits and '-', at most {max} characters"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn quantities(
        parse: fn(&str) -> Result<PerMachine<Quantity>, crate::error::FlagError>,
        v: &[&str],
    ) -> Vec<PerMachine<Quantity>> {
        v.iter().map(|t| parse(t).unwrap()).collect()
    }

    fn fleet(machines: &[&str], cpu: &[&str], memory: &[&str]) -> anyhow::Result<K8sFleet> {
        let flags = super::super::run_flags::validate(&strings(&["--workers", "1..4"]))?;
        K8sFleet::new(
            K8sInput {
                machines: &machines
                    .iter()
                    .map(|m| MachineType::parse(m))
                    .collect::<Vec<_>>(),
                image: "registry.example/plateau:1",
                cpu: &quantities(crate::fleet_value::cpu, cpu),
                memory: &quantities(crate::fleet_value::memory, memory),
                name: "plateau-test".into(),
                namespace: None,
            },
            flags,
        )
    }

    #[test]
    fn each_job_pins_its_type_with_requests_equal_to_limits_and_no_retries() {
        let f = fleet(
            &["c7i=c7i.xlarge:0.1785", "M7G large=m7g.large"],
            &["3.5", "M7G large=1500m"],
            &["6Gi"],
        )
        .unwrap();
        let docs = f.manifests();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].0, "plateau-test-c7i");
        assert_eq!(docs[1].0, "plateau-test-m7g-large");
        let job = f.job(&f.jobs[0]);
        assert_eq!(job["spec"]["backoffLimit"], 0);
        let pod = &job["spec"]["template"]["spec"];
        assert_eq!(pod["restartPolicy"], "Never");
        assert_eq!(
            pod["nodeSelector"]["node.kubernetes.io/instance-type"],
            "c7i.xlarge"
        );
        let c = &pod["containers"][0];
        assert_eq!(c["resources"]["requests"], c["resources"]["limits"]);
        assert_eq!(c["resources"]["limits"]["cpu"], "3.5");
        let cmd: Vec<&str> = c["command"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(
            cmd,
            [
                "plateau",
                "run",
                "--emit-results",
                "--label",
                "c7i",
                "--price-per-hour",
                "0.1785",
                "--out",
                "/results/run",
                "--workers",
                "1..4"
            ]
        );
        assert_eq!(job["metadata"]["labels"][FLEET_LABEL], "plateau-test");
        assert_eq!(
            f.job(&f.jobs[1])["metadata"]["labels"][MACHINE_LABEL],
            "m7g-large"
        );
        assert_eq!(
            f.job(&f.jobs[1])["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["cpu"],
            "1500m"
        );
        assert!(
            docs[0].1.starts_with("---\napiVersion: \"batch/v1\"\n"),
            "{}",
            docs[0].1
        );
    }

    #[test]
    fn labels_that_slug_alike_get_distinct_job_names() {
        let f = fleet(&["A=x", "a=y"], &["1"], &["1Gi"]).unwrap();
        assert_eq!(f.jobs[0].name, "plateau-test-a");
        assert_eq!(f.jobs[1].name, "plateau-test-a-2");
    }

    #[test]
    fn bad_settings_are_refused_naming_the_flag() {
        for (m, cpu, mem, says) in [
            (&["a=x"][..], &[][..], &["1Gi"][..], "--cpu gives no value"),
            (&["a=x"], &["1"], &[], "--memory gives no value"),
            (&["a=x"], &["b=1"], &["1Gi"], "--cpu \"b=1\": no --machine"),
            (&["a=x"], &["1", "a=2", "a=3"], &["1Gi"], "two values"),
            (&["a=x", "a=y"], &["1"], &["1Gi"], "twice"),
        ] {
            let err = fleet(m, cpu, mem).unwrap_err().to_string();
            assert!(err.contains(says), "{err}");
        }
        assert!(check_name("--fleet", "Bad_Name", 40).is_err());
        assert!(check_name("--fleet", "good-1", 40).is_ok());
    }
}
