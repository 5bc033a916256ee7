//! The machines of a fleet from `--machine LABEL=TARGET[:PRICE]`, and the flags that give a
//! value for every machine (`N`) or for one (`LABEL=N`), such as `--cpu` or
//! `--cpus-per-task`. Every refusal is one sentence naming the flag (exit 2).

use crate::error::usage;
use crate::fleet_value::PerMachine;
use crate::limits::{MAX_PRICE_PER_HOUR, Price};

/// One machine of the fleet.
#[derive(Debug, Clone, PartialEq)]
pub struct Machine {
    /// The run's label (`plateau run --label`), unique in the fleet.
    pub label: String,
    /// The instance type, node feature or partition that selects it.
    pub target: String,
    /// USD per hour, positive, when given.
    pub price: Option<f64>,
}

/// Parses every `--machine` value; `target` names what follows `=` in the messages (e.g.
/// "INSTANCE_TYPE"). Two machines with one label are refused.
pub fn parse_machines(values: &[String], target: &str) -> anyhow::Result<Vec<Machine>> {
    if values.is_empty() {
        return Err(usage(format!(
            "--machine is needed at least once, e.g. --machine c7i=c7i.2xlarge:0.357 (LABEL={target}[:USD_PER_HOUR])"
        )));
    }
    let mut machines: Vec<Machine> = Vec::new();
    for v in values {
        let m = parse_machine(v, target)?;
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

fn parse_machine(text: &str, target: &str) -> anyhow::Result<Machine> {
    let example = format!("write it as LABEL={target}[:USD_PER_HOUR], e.g. c7i=c7i.2xlarge:0.357");
    let Some((label, rest)) = text.split_once('=') else {
        return Err(usage(format!("--machine {text:?} has no '='; {example}")));
    };
    let label = label.trim();
    if label.is_empty() {
        return Err(usage(format!(
            "--machine {text:?} has an empty label before '='; {example}"
        )));
    }
    if label.chars().any(char::is_control) {
        return Err(usage(format!(
            "--machine {text:?}: the label holds a control character; {example}"
        )));
    }
    let (name, price) = match rest.rsplit_once(':') {
        Some((name, price)) => (name, Some(parse_price(text, price)?)),
        None => (rest, None),
    };
    let name = name.trim();
    if name.is_empty() || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(usage(format!(
            "--machine {text:?} names no {target} after '=' (or one with spaces); {example}"
        )));
    }
    Ok(Machine {
        label: label.to_string(),
        target: name.to_string(),
        price,
    })
}

/// The price after ':' in the one grammar of prices (`limits::Price`: above 0, at most the
/// ceiling `plateau run --price-per-hour` accepts, which each Job passes it to).
fn parse_price(text: &str, price: &str) -> anyhow::Result<f64> {
    match Price::parse(price) {
        Some(p) => Ok(p.usd_per_hour()),
        None => Err(usage(format!(
            "--machine {text:?}: the price {price:?} after ':' is not a positive number of USD per hour (at most {MAX_PRICE_PER_HOUR})"
        ))),
    }
}

/// The value a per-machine flag gives each machine, in the machines' order (None where the
/// flag gives none). `N` applies to every machine, `LABEL=N` to one and wins over `N`.
pub fn per_machine<T: Clone>(
    flag: &str,
    values: &[PerMachine<T>],
    machines: &[Machine],
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

    fn machines(values: &[&str]) -> anyhow::Result<Vec<Machine>> {
        let v: Vec<String> = values.iter().map(|s| s.to_string()).collect();
        parse_machines(&v, "INSTANCE_TYPE")
    }

    #[test]
    fn labels_targets_and_prices_are_parsed() {
        let m = machines(&["c7i=c7i.2xlarge:0.357", "arm=m7g.large"]).unwrap();
        assert_eq!(m[0].label, "c7i");
        assert_eq!(m[0].target, "c7i.2xlarge");
        assert_eq!(m[0].price, Some(0.357));
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
