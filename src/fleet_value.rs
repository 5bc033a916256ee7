//! Values of `plateau fleet` flags, typed by clap's value parsers: a value for every machine or
//! for one (`N` or `LABEL=N`, `PerMachine`), and the Kubernetes quantities of `fleet k8s --cpu`
//! and `--memory` (`Quantity`, its kind an enum). Each refusal is one sentence naming the flag.

use crate::error::FlagError;
use crate::limits::{MAX_PRICE_PER_HOUR, Price};
use std::convert::Infallible;
use std::fmt;
use std::num::NonZeroU32;

/// A flag value for every machine (`N`) or for the machine labelled LABEL (`LABEL=N`);
/// `fleet::machines::per_machine` gives each machine its value.
#[derive(Debug, Clone, PartialEq)]
pub struct PerMachine<T> {
    /// The label before `=`, when given.
    pub label: Option<String>,
    /// The value (after `=`, when a label is given).
    pub value: T,
    /// The whole value as typed, for messages.
    pub given: String,
}

impl PerMachine<String> {
    /// `text` split at its first `=` into a label and the value's text.
    pub fn text(text: &str) -> Self {
        let (label, value) = match text.split_once('=') {
            Some((label, value)) => (Some(label.to_string()), value),
            None => (None, text),
        };
        PerMachine {
            label,
            value: value.to_string(),
            given: text.to_string(),
        }
    }
}

/// What a Kubernetes quantity measures, which decides its suffixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuantityKind {
    /// CPUs: `2`, `3.5`, or millicores `1500m`.
    Cpu,
    /// Bytes: `4Gi`, `512Mi`, or a decimal suffix (`4G`).
    Memory,
}

impl QuantityKind {
    /// The flag that gives it.
    pub fn flag(self) -> &'static str {
        match self {
            QuantityKind::Cpu => "--cpu",
            QuantityKind::Memory => "--memory",
        }
    }

    /// The suffixes accepted after the number (none is accepted too).
    fn suffixes(self) -> &'static [&'static str] {
        match self {
            QuantityKind::Cpu => &["m"],
            QuantityKind::Memory => &[
                "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "k", "M", "G", "T", "P", "E",
            ],
        }
    }

    /// Examples for a message.
    fn example(self) -> &'static str {
        match self {
            QuantityKind::Cpu => "2, 3.5 or 1500m",
            QuantityKind::Memory => "4Gi or 512Mi",
        }
    }
}

/// A positive Kubernetes quantity, kept as written (it goes into the manifest as typed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quantity {
    kind: QuantityKind,
    text: String,
}

impl Quantity {
    /// Reads `text` as a positive decimal number with one of `kind`'s suffixes or none, or says
    /// why not in one sentence naming the flag.
    pub fn parse(kind: QuantityKind, text: &str) -> Result<Self, String> {
        let number = kind
            .suffixes()
            .iter()
            .find_map(|s| text.strip_suffix(s))
            .unwrap_or(text);
        let digits_ok = !number.is_empty()
            && number.chars().all(|c| c.is_ascii_digit() || c == '.')
            && number.matches('.').count() <= 1
            && !number.starts_with('.')
            && !number.ends_with('.');
        match number.parse::<f64>() {
            Ok(v) if digits_ok && v > 0.0 => Ok(Quantity {
                kind,
                text: text.to_string(),
            }),
            _ => Err(format!(
                "{} {text:?} is not a positive Kubernetes quantity; write it like {}",
                kind.flag(),
                kind.example()
            )),
        }
    }

    /// What it measures.
    pub fn kind(&self) -> QuantityKind {
        self.kind
    }

    /// The quantity as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The clap value parser of `fleet k8s --cpu [LABEL=]CPUS`.
pub fn cpu(text: &str) -> Result<PerMachine<Quantity>, FlagError> {
    per_machine_quantity(QuantityKind::Cpu, text)
}

/// The clap value parser of `fleet k8s --memory [LABEL=]SIZE`.
pub fn memory(text: &str) -> Result<PerMachine<Quantity>, FlagError> {
    per_machine_quantity(QuantityKind::Memory, text)
}

fn per_machine_quantity(kind: QuantityKind, text: &str) -> Result<PerMachine<Quantity>, FlagError> {
    let PerMachine {
        label,
        value,
        given,
    } = PerMachine::text(text);
    Ok(PerMachine {
        label,
        value: Quantity::parse(kind, &value).map_err(FlagError)?,
        given,
    })
}

/// A machine type of the fleet from `--machine LABEL=TARGET[:USD_PER_HOUR]`.
#[derive(Debug, Clone, PartialEq)]
pub struct MachineType {
    /// The run's label (`plateau run --label`).
    pub label: String,
    /// The instance type, node feature or partition that selects it.
    pub target: String,
    /// The price, when given.
    pub price: Option<Price>,
}

/// What is wrong with a `--machine` value. Its sentence names what the target is (an instance
/// type, a node feature or a partition), which `fleet slurm` knows only from `--select`, so the
/// fault is kept until then (`MachineFault::sentence`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MachineFault {
    /// The value as typed.
    pub given: String,
    /// Which part is wrong.
    pub why: MachineWhy,
}

/// Which part of a `--machine` value is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MachineWhy {
    /// No `=` between the label and the target.
    NoEquals,
    /// Nothing before `=`.
    EmptyLabel,
    /// A control character in the label.
    ControlInLabel,
    /// Nothing (or words with spaces) after `=`.
    NoTarget,
    /// The text after `:` is not a price.
    BadPrice(String),
}

/// A `--machine` value as its value parser read it: a machine type, or what is wrong with it.
pub type MachineArg = Result<MachineType, MachineFault>;

impl MachineType {
    /// Reads `LABEL=TARGET[:USD_PER_HOUR]`; the price is `limits::Price`'s grammar (above 0, at
    /// most the ceiling `plateau run --price-per-hour` accepts, which each machine passes it to).
    pub fn parse(text: &str) -> MachineArg {
        let fault = |why| MachineFault {
            given: text.to_string(),
            why,
        };
        let (label, rest) = text
            .split_once('=')
            .ok_or_else(|| fault(MachineWhy::NoEquals))?;
        let label = label.trim();
        if label.is_empty() {
            return Err(fault(MachineWhy::EmptyLabel));
        }
        if label.chars().any(char::is_control) {
            return Err(fault(MachineWhy::ControlInLabel));
        }
        let (target, price) = match rest.rsplit_once(':') {
            Some((target, price)) => match Price::parse(price) {
                Some(p) => (target, Some(p)),
                None => return Err(fault(MachineWhy::BadPrice(price.to_string()))),
            },
            None => (rest, None),
        };
        let target = target.trim();
        if target.is_empty() || target.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(fault(MachineWhy::NoTarget));
        }
        Ok(MachineType {
            label: label.to_string(),
            target: target.to_string(),
            price,
        })
    }
}

impl MachineFault {
    /// The refusal in one sentence naming `--machine`; `target` names what follows `=` (e.g.
    /// "INSTANCE_TYPE").
    pub fn sentence(&self, target: &str) -> String {
        let text = &self.given;
        let example =
            format!("write it as LABEL={target}[:USD_PER_HOUR], e.g. c7i=c7i.2xlarge:0.357");
        match &self.why {
            MachineWhy::NoEquals => format!("--machine {text:?} has no '='; {example}"),
            MachineWhy::EmptyLabel => {
                format!("--machine {text:?} has an empty label before '='; {example}")
            }
            MachineWhy::ControlInLabel => {
                format!("--machine {text:?}: the label holds a control character; {example}")
            }
            MachineWhy::NoTarget => format!(
                "--machine {text:?} names no {target} after '=' (or one with spaces); {example}"
            ),
            MachineWhy::BadPrice(price) => format!(
                "--machine {text:?}: the price {price:?} after ':' is not a positive number of USD per hour (at most {MAX_PRICE_PER_HOUR})"
            ),
        }
    }
}

/// The clap value parser of `fleet k8s --machine` and `fleet slurm --machine`: the value read,
/// a fault kept to be worded by the subcommand (it never refuses by itself).
pub fn machine(text: &str) -> Result<MachineArg, Infallible> {
    Ok(MachineType::parse(text))
}

/// The clap value parser of `fleet slurm --cpus-per-task [LABEL=]N`: N a whole number of CPUs,
/// 1 or more.
pub fn cpus_per_task(text: &str) -> Result<PerMachine<NonZeroU32>, FlagError> {
    let PerMachine {
        label,
        value,
        given,
    } = PerMachine::text(text);
    match value.parse::<NonZeroU32>() {
        Ok(n) => Ok(PerMachine {
            label,
            value: n,
            given,
        }),
        Err(_) => Err(FlagError(format!(
            "--cpus-per-task {value:?} is not a whole number of CPUs, 1 or more"
        ))),
    }
}

/// A Slurm time limit (`fleet slurm --time`, sbatch's `--time`: 30:00, 1-00:00:00), kept as
/// written; only letters, digits and `- _ . : + /`, so it is one safe word in the script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlurmTime(String);

impl SlurmTime {
    /// The limit as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SlurmTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The clap value parser of `fleet slurm --time`.
pub fn slurm_time(text: &str) -> Result<SlurmTime, FlagError> {
    plain_word("--time", text).map_err(FlagError)?;
    Ok(SlurmTime(text.to_string()))
}

/// Refuses a value of `flag` that is not one plain word of the script (letters, digits and
/// `- _ . : + /`), in one sentence naming the flag.
pub fn plain_word(flag: &str, v: &str) -> Result<(), String> {
    let ok = !v.is_empty()
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:+/".contains(c));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{flag} {v:?} may hold only letters, digits and - _ . : + /"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_is_what_comes_before_the_first_equals_sign() {
        let all = PerMachine::text("2");
        assert_eq!((all.label, all.value.as_str()), (None, "2"));
        let one = PerMachine::text("M7G large=1500m");
        assert_eq!(one.label.as_deref(), Some("M7G large"));
        assert_eq!(
            (one.value.as_str(), one.given.as_str()),
            ("1500m", "M7G large=1500m")
        );
        assert_eq!(PerMachine::text("a=b=c").value, "b=c");
    }

    #[test]
    fn quantities_keep_their_text_and_kind() {
        for (text, kind) in [
            ("3.5", QuantityKind::Cpu),
            ("1500m", QuantityKind::Cpu),
            ("1.5m", QuantityKind::Cpu),
            ("6Gi", QuantityKind::Memory),
            ("512Mi", QuantityKind::Memory),
            ("4G", QuantityKind::Memory),
            ("1000", QuantityKind::Memory),
        ] {
            let q = Quantity::parse(kind, text).unwrap();
            assert_eq!((q.as_str(), q.kind()), (text, kind));
            assert_eq!(q.to_string(), text);
        }
        let c = cpu("a=250m").unwrap();
        assert_eq!(c.label.as_deref(), Some("a"));
        assert_eq!(c.value.as_str(), "250m");
    }

    #[test]
    fn each_refusal_names_the_flag_and_the_value() {
        for (parser, text, says) in [
            (cpu as fn(&str) -> _, "0", "--cpu \"0\" is not"),
            (cpu, "two", "--cpu \"two\" is not"),
            (cpu, "a=two", "--cpu \"two\" is not"),
            (cpu, ".5", "--cpu \".5\""),
            (cpu, "1Gi", "--cpu \"1Gi\""),
            (memory, "4GB", "--memory \"4GB\" is not"),
            (memory, "a=", "--memory \"\" is not"),
            (memory, "1m", "--memory \"1m\""),
        ] {
            let e = parser(text).unwrap_err().0;
            assert!(e.starts_with(says), "{text}: {e}");
        }
        assert_eq!(
            cpu("x").unwrap_err().0,
            "--cpu \"x\" is not a positive Kubernetes quantity; write it like 2, 3.5 or 1500m"
        );
        assert_eq!(
            memory("x").unwrap_err().0,
            "--memory \"x\" is not a positive Kubernetes quantity; write it like 4Gi or 512Mi"
        );
    }

    #[test]
    fn a_machine_is_read_and_a_fault_kept_for_its_subcommand() {
        let m = MachineType::parse("c7i=c7i.2xlarge:0.357").unwrap();
        assert_eq!(
            (m.label.as_str(), m.target.as_str()),
            ("c7i", "c7i.2xlarge")
        );
        assert_eq!(m.price.map(Price::usd_per_hour), Some(0.357));
        assert_eq!(MachineType::parse("a=b").unwrap().price, None);
        let fault = machine("a=").unwrap().unwrap_err();
        assert_eq!(
            fault.sentence("PARTITION"),
            "--machine \"a=\" names no PARTITION after '=' (or one with spaces); write it as LABEL=PARTITION[:USD_PER_HOUR], e.g. c7i=c7i.2xlarge:0.357"
        );
    }

    #[test]
    fn slurm_cpus_and_time_are_typed_or_refused_naming_the_flag() {
        let c = cpus_per_task("a=4").unwrap();
        assert_eq!((c.label.as_deref(), c.value.get()), (Some("a"), 4));
        for (bad, value) in [("0", "0"), ("x", "x"), ("a=1.5", "1.5"), ("-2", "-2")] {
            assert_eq!(
                cpus_per_task(bad).unwrap_err().0,
                format!("--cpus-per-task {value:?} is not a whole number of CPUs, 1 or more")
            );
        }
        assert_eq!(slurm_time("1-00:00:00").unwrap().as_str(), "1-00:00:00");
        for bad in ["", "x y", "1;rm"] {
            assert_eq!(
                slurm_time(bad).unwrap_err().0,
                format!("--time {bad:?} may hold only letters, digits and - _ . : + /")
            );
        }
    }
}
