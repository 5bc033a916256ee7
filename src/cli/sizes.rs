//! clap derive: `run --sizes` and its flags (`--size-shape`, `--memory-per-vcpu`,
//! `--price-per-vcpu-hour`, `--price SIZE=USD`, `--reference`), typed by the parsers of
//! `sizes::size`; `sizes::plan` checks how they combine.

use crate::sizes::size::{self, MemoryPerVcpu, SizeList, SizePrice, SizeShape};
use clap::Args;
use std::path::PathBuf;

/// Emulated instance sizes measured side by side on this machine.
#[derive(Debug, Clone, Default, Args)]
pub struct SizesArgs {
    /// Emulate instance sizes of these many vCPUs on this machine (e.g. 1,2,4,8,16; fractions
    /// such as 0.5 or 1.5 are CPU quotas) and measure them interleaved: each gets its own
    /// folder under --out, its own plan (1 to 4x its vCPUs) and its own adaptive stopping,
    /// and the sizes are compared in one report.
    #[arg(long, value_name = "VCPUS", allow_hyphen_values = true, value_parser = size::size_list)]
    pub sizes: Option<SizeList>,

    /// With --sizes: `threads` keeps SMT siblings together (a vCPU is a hyperthread, as on
    /// c7i or m7i); `cores` gives whole cores with their siblings idle (c7a, m7a, Graviton)
    /// [default: threads].
    #[arg(long, value_enum, value_name = "SHAPE")]
    pub size_shape: Option<SizeShape>,

    /// With --sizes: memory per vCPU (e.g. 2GiB, 512MiB), set as each size's memory limit
    /// (it also caps the recommendation). Needs a cgroup.
    #[arg(long, value_name = "BYTES", value_parser = size::memory_per_vcpu)]
    pub memory_per_vcpu: Option<MemoryPerVcpu>,

    /// With --sizes: the family's price in USD per vCPU-hour (each size costs its vCPUs times
    /// this), for cost per million tasks and the best value.
    #[arg(long, value_name = "USD", allow_negative_numbers = true, value_parser = size::price_per_vcpu_hour)]
    pub price_per_vcpu_hour: Option<crate::limits::Price>,

    /// With --sizes: one size's price in USD per hour, as SIZE=USD (repeatable, e.g. --price
    /// 4=0.17); overrides --price-per-vcpu-hour for that size.
    #[arg(long = "price", value_name = "SIZE=USD", value_parser = size::size_price)]
    pub size_prices: Vec<SizePrice>,

    /// With --sizes: a results.json from one real instance of the family; the emulated sizes
    /// are scaled by its throughput per vCPU against the emulated size of its vCPUs.
    #[arg(long, value_name = "FILE")]
    pub reference: Option<PathBuf>,
}
