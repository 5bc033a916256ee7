//! Values of `plateau fleet` flags, typed by clap's value parsers: a value for every machine or
//! for one (`N` or `LABEL=N`, `PerMachine`), and the Kubernetes quantities of `fleet k8s --cpu`
//! and `--memory` (`Quantity`, its kind an enum). Each refusal is one sentence naming the flag.

use std::fmt;

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
pub fn cpu(text: &str) -> Result<PerMachine<Quantity>, String> {
    per_machine_quantity(QuantityKind::Cpu, text)
}

/// The clap value parser of `fleet k8s --memory [LABEL=]SIZE`.
pub fn memory(text: &str) -> Result<PerMachine<Quantity>, String> {
    per_machine_quantity(QuantityKind::Memory, text)
}

fn per_machine_quantity(kind: QuantityKind, text: &str) -> Result<PerMachine<Quantity>, String> {
    let PerMachine {
        label,
        value,
        given,
    } = PerMachine::text(text);
    Ok(PerMachine {
        label,
        value: Quantity::parse(kind, &value)?,
        given,
    })
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
            let e = parser(text).unwrap_err();
            assert!(e.starts_with(says), "{text}: {e}");
        }
        assert_eq!(
            cpu("x").unwrap_err(),
            "--cpu \"x\" is not a positive Kubernetes quantity; write it like 2, 3.5 or 1500m"
        );
        assert_eq!(
            memory("x").unwrap_err(),
            "--memory \"x\" is not a positive Kubernetes quantity; write it like 4Gi or 512Mi"
        );
    }
}
