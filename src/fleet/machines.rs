//! The machines of a fleet from `--machine LABEL=TARGET[:PRICE]` (each value read by its clap
//! value parser, `fleet_value::MachineType`), and the flags that give a value for every machine
//! (`N`) or for one (`LABEL=N`), such as `--cpu` or `--cpus-per-task`. Every refusal is one
//! sentence naming the flag (exit 2).

use crate::error::usage;
use crate::fleet_value::{MachineArg, MachineType, PerMachine};

/// The machines of the fleet, in order: each `--machine` value as its value parser read it;
/// `target` names what follows `=` in the messages (e.g. "INSTANCE_TYPE"). A value the parser
/// could not read, and two machines with one label, are refused.
pub fn parse_machines(values: &[MachineArg], target: &str) -> anyhow::Result<Vec<MachineType>> {
    if values.is_empty() {
        return Err(usage(format!(
            "--machine is needed at least once, e.g. --machine c7i=c7i.2xlarge:0.357 (LABEL={target}[:USD_PER_HOUR])"
        )));
    }
    let mut machines: Vec<MachineType> = Vec::new();
    for v in values {
        let m = v.clone().map_err(|fault| usage(fault.sentence(target)))?;
        if machines.iter().any(|o| o.label == m.label) {
            return Err(usage(format!(
                "--machine gives the label {:?} twice; give each machine its own label",
                m.label
            )));
        }
        machines.push(m);
    }
    Ok(machines)
}

/// The value a per-machine flag gives each machine, in the machines' order (None where the
/// flag gives none). `N` applies to every machine, `LABEL=N` to one and wins over `N`.
pub fn per_machine<T: Clone>(
    flag: &str,
    values: &[PerMachine<T>],
    machines: &[MachineType],
) -> anyhow::Result<Vec<Option<T>>> {
    let mut all: Option<&T> = None;
    let mut one: Vec<(&str, &T)> = Vec::new();
    for v in values {
        let given = &v.given;
        match v.label.as_deref() {
            None => {
                if all.is_some() {
                    return Err(usage(format!(
                        "{flag} gives a value for every machine twice ({given:?}); give one, or LABEL=VALUE per machine"
                    )));
                }
                all = Some(&v.value);
            }
            Some(label) => {
                if !machines.iter().any(|m| m.label == label) {
                    let labels: Vec<String> =
                        machines.iter().map(|m| format!("{:?}", m.label)).collect();
                    return Err(usage(format!(
                        "{flag} {given:?}: no --machine has the label {label:?}; the labels are {}",
                        labels.join(", ")
                    )));
                }
                if one.iter().any(|(l, _)| *l == label) {
                    return Err(usage(format!(
                        "{flag} gives the machine {label:?} two values; give one"
                    )));
                }
                one.push((label, &v.value));
            }
        }
    }
    Ok(machines
        .iter()
        .map(|m| {
            one.iter()
                .find(|(l, _)| *l == m.label)
                .map(|(_, v)| *v)
                .or(all)
                .cloned()
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn machines(values: &[&str]) -> anyhow::Result<Vec<MachineType>> {
        let v: Vec<MachineArg> = values.iter().map(|s| MachineType::parse(s)).collect();
        parse_machines(&v, "INSTANCE_TYPE")
    }

    #[test]
    fn labels_targets_and_prices_are_parsed() {
        let m = machines(&["c7i=c7i.2xlarge:0.357", "arm=m7g.large"]).unwrap();
        assert_eq!(m[0].label, "c7i");
        assert_eq!(m[0].target, "c7i.2xlarge");
        assert_eq!(m[0].price.map(|p| p.usd_per_hour()), Some(0.357));
        assert_eq!(m[1].price, None);
    }

    #[test]
    fn each_bad_machine_is_one_sentence_naming_the_flag() {
        for (bad, says) in [
            ("c7i", "no '='"),
            ("=c7i.large", "empty label"),
            (" =c7i.large", "empty label"),
            ("a=", "names no"),
            ("a=:1", "names no"),
            ("a=x:abc", "not a positive number"),
            ("a=x:-1", "not a positive number"),
            ("a=x:0", "not a positive number"),
            ("a=x:inf", "not a positive number"),
            ("a=x:1000001", "at most 1000000"),
        ] {
            let err = machines(&[bad]).unwrap_err();
            assert!(err.downcast_ref::<crate::error::UsageError>().is_some());
            let msg = err.to_string();
            assert!(
                msg.starts_with("--machine") && msg.contains(says),
                "{bad}: {msg}"
            );
        }
        let twice = machines(&["a=x", "a=y"]).unwrap_err().to_string();
        assert!(twice.contains("twice"), "{twice}");
        assert!(machines(&[]).is_err());
    }

    #[test]
    fn per_machine_values_apply_to_all_or_to_one() {
        let m = machines(&["a=x", "b=y", "c=z"]).unwrap();
        let v = |vals: &[&str]| {
            let vals: Vec<PerMachine<String>> = vals.iter().map(|s| PerMachine::text(s)).collect();
            per_machine("--cpu", &vals, &m)
        };
        assert_eq!(
            v(&["2", "b=4"]).unwrap(),
            [Some("2".into()), Some("4".into()), Some("2".into())]
        );
        assert_eq!(v(&["a=1"]).unwrap(), [Some("1".into()), None, None]);
        for bad in [&["1", "2"][..], &["zz=1"], &["a=1", "a=2"]] {
            let err = v(bad).unwrap_err().to_string();
            assert!(err.starts_with("--cpu"), "{err}");
        }
    }
}
