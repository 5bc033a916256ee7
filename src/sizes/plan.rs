//! How the flags of `run --sizes` combine, checked before anything is measured: every size
//! placed on the CPUs plateau may use (its slot), each size's price, the flags that only mean
//! something with `--sizes`, and those that cannot go with it. Each refusal is one sentence
//! naming the flag. Pure.

use super::cgroup::Needs;
use super::emulate::Slot;
use super::size::{MemoryPerVcpu, SizeList, SizePrice, SizeShape, Vcpus};
use super::topology::{PlaceError, Topology};
use crate::limits::Price;
use crate::model::MachineInfo;
use std::path::{Path, PathBuf};

/// What the command line asks of `--sizes`, as typed by its parsers.
#[derive(Debug, Clone, Copy, Default)]
pub struct Request<'a> {
    /// `--sizes`.
    pub sizes: Option<&'a SizeList>,
    /// `--size-shape`.
    pub shape: Option<SizeShape>,
    /// `--memory-per-vcpu`.
    pub memory_per_vcpu: Option<MemoryPerVcpu>,
    /// `--price-per-vcpu-hour`.
    pub price_per_vcpu_hour: Option<Price>,
    /// Every `--price SIZE=USD`.
    pub size_prices: &'a [SizePrice],
    /// `--reference`.
    pub reference: Option<&'a Path>,
    /// The `run` flags that cannot go with `--sizes`, by name, when given.
    pub conflicting: &'a [&'static str],
}

/// The sizes of a run, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct SizesPlan {
    /// One slot per size, ascending.
    pub slots: Vec<Slot>,
    /// Each size's price in USD per hour, when one is known.
    pub prices: Vec<Option<f64>>,
    /// What the run's cgroup must limit.
    pub needs: Needs,
    /// `--reference`, to scale by.
    pub reference: Option<PathBuf>,
}

/// The plan, `None` without `--sizes`, or the sentence of the first refusal.
pub fn plan(
    req: &Request<'_>,
    host: &MachineInfo,
    topo: &Topology,
) -> Result<Option<SizesPlan>, String> {
    let Some(list) = req.sizes else {
        return match only_with_sizes(req) {
            Some(flag) => Err(format!(
                "{flag} only applies to emulated sizes; give --sizes too (e.g. --sizes 1,2,4), or leave {flag} out"
            )),
            None => Ok(None),
        };
    };
    if let Some(flag) = req.conflicting.first() {
        return Err(format!(
            "{flag} cannot be combined with --sizes: each size is a run of its own in a folder under --out; leave {flag} out"
        ));
    }
    let shape = req.shape.unwrap_or(SizeShape::Threads);
    let capacity = crate::machine::capacity(host);
    let slots = list
        .sizes
        .iter()
        .map(|&size| slot(size, shape, list, req, host, topo, capacity))
        .collect::<Result<Vec<_>, String>>()?;
    for p in req.size_prices {
        if !list.sizes.contains(&p.size) {
            return Err(format!(
                "--price {}={}: {} is not one of --sizes {}; price the sizes measured",
                p.size,
                p.price.usd_per_hour(),
                p.size,
                list.text
            ));
        }
    }
    let prices = list.sizes.iter().map(|&size| price_of(size, req)).collect();
    Ok(Some(SizesPlan {
        needs: Needs {
            quota: list.sizes.iter().any(|s| s.is_fraction()),
            memory: req.memory_per_vcpu.is_some(),
        },
        slots,
        prices,
        reference: req.reference.map(Path::to_path_buf),
    }))
}

/// The first flag given that needs `--sizes`.
fn only_with_sizes(req: &Request<'_>) -> Option<&'static str> {
    [
        (req.shape.is_some(), "--size-shape"),
        (req.memory_per_vcpu.is_some(), "--memory-per-vcpu"),
        (req.price_per_vcpu_hour.is_some(), "--price-per-vcpu-hour"),
        (!req.size_prices.is_empty(), "--price"),
        (req.reference.is_some(), "--reference"),
    ]
    .into_iter()
    .find_map(|(given, flag)| given.then_some(flag))
}

/// One size's slot, or the refusal: above the CPUs plateau may use, or not enough cores.
fn slot(
    size: Vcpus,
    shape: SizeShape,
    list: &SizeList,
    req: &Request<'_>,
    host: &MachineInfo,
    topo: &Topology,
    capacity: f64,
) -> Result<Slot, String> {
    if size.get() > capacity + 1e-9 {
        return Err(format!(
            "--sizes {}: {size} vCPUs is more than the {capacity} CPUs plateau may use here ({}); give sizes of at most {capacity}",
            list.text,
            limit_words(&host.binding_limit),
        ));
    }
    Slot::new(size, shape, topo, &host.allowed_cpu_ids, req.memory_per_vcpu).map_err(|e| match e {
        PlaceError::TooFewCores { needed, usable } => format!(
            "--size-shape cores: the size {size} needs {needed} whole cores and plateau may use {usable} here; give sizes of at most {usable}, or --size-shape threads"
        ),
        PlaceError::TooFewCpus { needed, usable } => format!(
            "--sizes {}: the size {size} needs {needed} CPUs and plateau may use {usable} here; give sizes of at most {usable}",
            list.text
        ),
    })
}

/// What sets the CPUs plateau may use, in words.
fn limit_words(b: &crate::model::BindingLimit) -> String {
    use crate::model::BindingLimit;
    match b {
        BindingLimit::LogicalCpus => "the machine's logical CPUs".into(),
        BindingLimit::Affinity => "the CPU affinity mask".into(),
        BindingLimit::CgroupQuota => "the cgroup CPU quota".into(),
        BindingLimit::Other(name) => name.clone(),
    }
}

/// A size's price per hour: its own `--price`, else its vCPUs times `--price-per-vcpu-hour`.
fn price_of(size: Vcpus, req: &Request<'_>) -> Option<f64> {
    req.size_prices
        .iter()
        .rev()
        .find(|p| p.size == size)
        .map(|p| p.price.usd_per_hour())
        .or_else(|| {
            req.price_per_vcpu_hour
                .map(|p| p.usd_per_hour() * size.get())
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sizes::size::{size_list, size_price};

    fn host(cpus: usize) -> MachineInfo {
        crate::testdata::machine(cpus)
    }

    fn request(list: &SizeList) -> Request<'_> {
        Request {
            sizes: Some(list),
            ..Request::default()
        }
    }

    #[test]
    fn sizes_get_slots_and_prices() {
        let list = size_list("1,2,0.5").unwrap();
        let prices = [size_price("2=0.2").unwrap()];
        let req = Request {
            price_per_vcpu_hour: Price::parse("0.05"),
            size_prices: &prices,
            ..request(&list)
        };
        let p = plan(&req, &host(2), &Topology::synthetic(1, 2, 1))
            .unwrap()
            .unwrap();
        let cpus: Vec<&[usize]> = p.slots.iter().map(|s| &s.cpus[..]).collect();
        assert_eq!(cpus, [&[0][..], &[0], &[0, 1]]);
        assert_eq!(p.prices, [Some(0.025), Some(0.05), Some(0.2)]);
        assert_eq!(
            p.needs,
            Needs {
                quota: true,
                memory: false
            }
        );
        assert_eq!(
            plan(&Request::default(), &host(2), &Topology::synthetic(1, 2, 1)),
            Ok(None)
        );
    }

    #[test]
    fn each_bad_combination_is_one_sentence() {
        let topo = Topology::synthetic(1, 2, 1);
        let refused = |req: &Request<'_>| plan(req, &host(2), &topo).unwrap_err();
        let big = size_list("1,4").unwrap();
        let e = refused(&request(&big));
        assert!(
            e.starts_with("--sizes 1,4: 4 vCPUs is more than the 2 CPUs"),
            "{e}"
        );
        let list = size_list("1,2").unwrap();
        let prices = [size_price("8=1").unwrap()];
        let e = refused(&Request {
            size_prices: &prices,
            ..request(&list)
        });
        assert!(e.contains("8 is not one of --sizes 1,2"), "{e}");
        let e = refused(&Request {
            conflicting: &["--resume"],
            ..request(&list)
        });
        assert!(
            e.starts_with("--resume cannot be combined with --sizes"),
            "{e}"
        );
        let e = plan(
            &Request {
                shape: Some(SizeShape::Cores),
                ..Request::default()
            },
            &host(2),
            &topo,
        )
        .unwrap_err();
        assert!(e.starts_with("--size-shape only applies"), "{e}");
        // Two cores of two threads: 4 vCPUs fit as threads, not as whole cores.
        let smt = Topology::synthetic(1, 2, 2);
        let four = size_list("4").unwrap();
        let req = Request {
            shape: Some(SizeShape::Cores),
            ..request(&four)
        };
        let e = plan(&req, &host(4), &smt).unwrap_err();
        assert!(
            e.starts_with("--size-shape cores: the size 4 needs 4 whole cores"),
            "{e}"
        );
        assert!(plan(&request(&four), &host(4), &smt).is_ok());
    }
}
