//! The typed values of an emulated instance size: `Vcpus` (a size in thousandths of a vCPU,
//! above 0), the `--sizes` list, `--size-shape`, `--memory-per-vcpu` and `--price SIZE=USD`,
//! each with the clap value parser that refuses bad text in one sentence naming the flag.

use crate::error::FlagError;
use crate::limits::Price;
use std::fmt;
use std::num::NonZeroU32;

/// The largest size `--sizes` accepts, in vCPUs.
pub const MAX_VCPUS: u32 = 4096;

/// A size in vCPUs, kept as thousandths so that 0.5 and 1.5 are exact and comparable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Vcpus(NonZeroU32);

impl Vcpus {
    /// A whole number of vCPUs (at least 1).
    pub fn whole(n: NonZeroU32) -> Vcpus {
        Vcpus(n.saturating_mul(NonZeroU32::new(1000).expect("1000 is not 0")))
    }

    /// Thousandths of a vCPU.
    pub fn millis(self) -> u32 {
        self.0.get()
    }

    /// The size as a number of vCPUs (0.5, 4).
    pub fn get(self) -> f64 {
        f64::from(self.0.get()) / 1000.0
    }

    /// True for a size that is not a whole number of vCPUs (it needs a CPU quota).
    pub fn is_fraction(self) -> bool {
        self.0.get() % 1000 != 0
    }

    /// The CPUs of the smallest cpuset that holds the size (1.5 needs 2).
    pub fn cpus_needed(self) -> usize {
        self.0.get().div_ceil(1000) as usize
    }

    /// The size in words: "1 vCPU", "0.5 vCPUs", "4 vCPUs".
    pub fn words(self) -> String {
        match self.0.get() {
            1000 => "1 vCPU".to_string(),
            _ => format!("{self} vCPUs"),
        }
    }

    /// Reads `4`, `0.5` or `1.25`: a decimal number above 0 with at most three decimals, at
    /// most `MAX_VCPUS`; `None` for anything else.
    pub fn parse(text: &str) -> Option<Vcpus> {
        let t = text.trim();
        let (int, frac) = t.split_once('.').unwrap_or((t, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) || frac.len() > 3 {
            return None;
        }
        let whole: u32 = if int.is_empty() { 0 } else { int.parse().ok()? };
        let frac_millis: u32 = format!("{frac:0<3}").parse().ok()?;
        let millis = whole.checked_mul(1000)?.checked_add(frac_millis)?;
        (millis <= MAX_VCPUS * 1000)
            .then_some(millis)
            .and_then(NonZeroU32::new)
            .map(Vcpus)
    }
}

impl fmt::Display for Vcpus {
    /// `4`, `0.5`, `1.25`: the shortest decimal that is exact.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.0.get();
        let (whole, frac) = (m / 1000, m % 1000);
        if frac == 0 {
            return write!(f, "{whole}");
        }
        let text = format!("{frac:03}");
        write!(f, "{whole}.{}", text.trim_end_matches('0'))
    }
}

/// The `--sizes` list: distinct sizes, ascending, with the text as given.
#[derive(Debug, Clone, PartialEq)]
pub struct SizeList {
    /// The sizes, ascending and distinct.
    pub sizes: Vec<Vcpus>,
    /// The text as given, for messages.
    pub text: String,
}

/// A clap value parser for `--sizes 1,2,4,8` (fractions such as 0.5 allowed).
pub fn size_list(text: &str) -> Result<SizeList, FlagError> {
    let shown = crate::visible::shorten(text, 60);
    let mut sizes: Vec<Vcpus> = Vec::new();
    for part in text.split(',') {
        let size = Vcpus::parse(part).ok_or_else(|| {
            FlagError(format!(
                "--sizes \"{shown}\": \"{}\" is not a size; give vCPU counts above 0 and at most {MAX_VCPUS}, such as --sizes 1,2,4,8 or 0.5,1,1.5",
                crate::visible::shorten(part.trim(), 20)
            ))
        })?;
        if sizes.contains(&size) {
            return Err(FlagError(format!(
                "--sizes \"{shown}\" gives the size {size} twice; give each size once"
            )));
        }
        sizes.push(size);
    }
    sizes.sort_unstable();
    Ok(SizeList {
        sizes,
        text: text.to_string(),
    })
}

/// How a size's vCPUs sit on the host's cores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SizeShape {
    /// SMT siblings kept together, as on families where a vCPU is a hyperthread: 4 vCPUs are 2
    /// cores x 2 threads.
    Threads,
    /// Whole cores, one vCPU each, their siblings left idle (c7a, m7a, Graviton).
    Cores,
}

impl SizeShape {
    /// The name as the flag spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            SizeShape::Threads => "threads",
            SizeShape::Cores => "cores",
        }
    }
}

/// Bytes of memory per vCPU (`--memory-per-vcpu`), at least 1 MiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryPerVcpu(pub u64);

/// A clap value parser for `--memory-per-vcpu 2GiB`: a number with a unit (B, KiB, MiB, GiB,
/// TiB, or the decimal KB, MB, GB, TB), at least 1 MiB.
pub fn memory_per_vcpu(text: &str) -> Result<MemoryPerVcpu, FlagError> {
    parse_bytes(text)
        .filter(|b| *b >= 1 << 20)
        .map(MemoryPerVcpu)
        .ok_or_else(|| {
            FlagError(format!(
                "--memory-per-vcpu \"{}\" is not an amount of memory of at least 1MiB; write it like 2GiB or 512MiB",
                crate::visible::shorten(text, 40)
            ))
        })
}

/// `2GiB`, `1.5GiB`, `512MiB`, `4GB`: bytes, or `None`.
fn parse_bytes(text: &str) -> Option<u64> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let scale: f64 = match unit.trim() {
        "B" => 1.0,
        "KiB" | "K" => 1024.0,
        "MiB" | "M" => 1024.0 * 1024.0,
        "GiB" | "G" => 1024.0 * 1024.0 * 1024.0,
        "TiB" | "T" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        "KB" => 1e3,
        "MB" => 1e6,
        "GB" => 1e9,
        "TB" => 1e12,
        _ => return None,
    };
    let n: f64 = num.parse().ok()?;
    let bytes = n * scale;
    (1.0..1e18).contains(&bytes).then_some(bytes.round() as u64)
}

/// A clap value parser for `--price-per-vcpu-hour`.
pub fn price_per_vcpu_hour(text: &str) -> Result<Price, FlagError> {
    Price::parse(text).ok_or_else(|| {
        FlagError(format!(
            "--price-per-vcpu-hour {} is not a price: give a number of USD per vCPU-hour above 0, such as 0.0425",
            crate::visible::excerpt(text, 40)
        ))
    })
}

/// A price for one size (`--price 4=0.17`): USD per hour of that size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SizePrice {
    /// The size it prices.
    pub size: Vcpus,
    /// USD per hour.
    pub price: Price,
}

/// A clap value parser for `--price SIZE=USD`.
pub fn size_price(text: &str) -> Result<SizePrice, FlagError> {
    let shown = crate::visible::shorten(text, 60);
    let Some((size, usd)) = text.split_once('=') else {
        return Err(FlagError(format!(
            "--price \"{shown}\" is not SIZE=USD; write it like --price 4=0.17 (USD per hour of the 4-vCPU size)"
        )));
    };
    let size = Vcpus::parse(size).ok_or_else(|| {
        FlagError(format!(
            "--price \"{shown}\": \"{}\" is not a size; write it like --price 4=0.17",
            crate::visible::shorten(size, 20)
        ))
    })?;
    let price = Price::parse(usd).ok_or_else(|| {
        FlagError(format!(
            "--price \"{shown}\": \"{}\" is not a positive number of USD per hour",
            crate::visible::shorten(usd, 20)
        ))
    })?;
    Ok(SizePrice { size, price })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Vcpus {
        Vcpus::parse(text).unwrap()
    }

    #[test]
    fn sizes_read_and_show_exactly() {
        assert_eq!(v("4").millis(), 4000);
        assert_eq!(v("0.5").millis(), 500);
        assert_eq!(v(".5"), v("0.5"));
        assert_eq!(v("1.25").to_string(), "1.25");
        assert_eq!(v("1.50").to_string(), "1.5");
        assert_eq!(v("16").to_string(), "16");
        assert_eq!(
            (v("1").words(), v("0.5").words()),
            ("1 vCPU".into(), "0.5 vCPUs".into())
        );
        assert!(v("1.5").is_fraction() && !v("2").is_fraction());
        assert_eq!(v("1.5").cpus_needed(), 2);
        assert_eq!(v("0.5").cpus_needed(), 1);
        assert_eq!(v("8").cpus_needed(), 8);
        for bad in [
            "0", "0.0", "-1", "", ".", "1.2345", "1e3", "x", "4097", "1,5",
        ] {
            assert_eq!(Vcpus::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_list_is_sorted_and_refuses_repeats_and_nonsense() {
        let l = size_list("4,1,0.5").unwrap();
        assert_eq!(l.sizes, vec![v("0.5"), v("1"), v("4")]);
        let twice = size_list("2,1,2.0").unwrap_err().0;
        assert!(twice.contains("the size 2 twice"), "{twice}");
        let zero = size_list("1,0").unwrap_err().0;
        assert!(zero.contains("\"0\" is not a size"), "{zero}");
        let neg = size_list("-2").unwrap_err().0;
        assert!(neg.starts_with("--sizes"), "{neg}");
    }

    #[test]
    fn memory_and_prices() {
        assert_eq!(memory_per_vcpu("2GiB").unwrap().0, 2 << 30);
        assert_eq!(memory_per_vcpu("512MiB").unwrap().0, 512 << 20);
        assert_eq!(memory_per_vcpu("1.5GiB").unwrap().0, 3 << 29);
        assert_eq!(memory_per_vcpu("4GB").unwrap().0, 4_000_000_000);
        for bad in ["2", "2 parsecs", "1KiB", "-1GiB", "GiB"] {
            let e = memory_per_vcpu(bad).unwrap_err().0;
            assert!(e.starts_with("--memory-per-vcpu"), "{bad}: {e}");
        }
        let p = size_price("4=0.17").unwrap();
        assert_eq!(p.size, v("4"));
        assert_eq!(p.price.usd_per_hour(), 0.17);
        assert!(size_price("4").unwrap_err().0.contains("SIZE=USD"));
        assert!(size_price("x=1").unwrap_err().0.contains("not a size"));
        assert!(size_price("4=-1").unwrap_err().0.contains("USD per hour"));
    }
}
