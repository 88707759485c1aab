//! Package layout (threads per core, cores per package) and where each
//! dumped CPU sits, from APIC ids and the bit widths CPUID gives for them.
//!
//! Leaves 0xB and 0x1F are read raw: raw_cpuid's `ExtendedTopologyIter`
//! hits `unreachable!()` on a level type above 5, which newer CPUs define
//! and corrupted dumps hold. Leaf 0x8000001E too: its `threads_per_core`
//! adds 1 to a `u8` and overflows on 0xFF.

use super::{note, DumpReader};
use crate::evidence::CpuidDump;
use crate::facts::{CpuLocation, CpuTopology, CpuVendor, DecodeNote};
use raw_cpuid::CpuId;

pub(super) struct Layout {
    pub(super) topology: CpuTopology,
    /// Leaf 0xB or 0x1F when it gave the layout: each CPU's x2APIC id is
    /// then its EDX. Otherwise the initial APIC id of leaf 1.
    id_leaf: Option<u32>,
    /// Low APIC id bits numbering threads within a core.
    thread_bits: u32,
    /// APIC id bits below the package number.
    package_shift: u32,
}

struct Level {
    kind: u32,
    shift: u32,
    count: u32,
}

pub(super) fn layout(
    cpuid: &CpuId<DumpReader<'_>>,
    dump: &CpuidDump,
    vendor: CpuVendor,
    family: u32,
    max_basic: u32,
    notes: &mut Vec<DecodeNote>,
) -> Layout {
    // The x2APIC id comes from leaf 0xB/0x1F whenever it is valid, on any
    // vendor; the widths follow each vendor's documented method.
    let amd_like = matches!(vendor, CpuVendor::Amd | CpuVendor::Hygon);
    let mut extended = None;
    for leaf in [0x1F, 0xB] {
        if max_basic < leaf {
            continue;
        }
        if dump.get(leaf, 0).is_none() {
            // AMD defined leaf 0xB only with Zen 2; before it the leaf is
            // reserved, and dumps rightly skip it.
            if !amd_like {
                note(
                    notes,
                    format!("leaf 0 announces leaf {leaf:#x} but the dump lacks it"),
                );
            }
            continue;
        }
        match levels(dump, leaf) {
            Some(levels) => {
                extended = Some((leaf, levels));
                break;
            }
            None if leaf == 0xB && matches!(vendor, CpuVendor::Intel) => note(
                notes,
                "leaf 0xB reports no valid topology level; using leaves 4 and 1",
            ),
            None => {}
        }
    }

    let mut layout = match (amd_like, extended) {
        (true, extended) => {
            let mut layout = amd(cpuid, dump, family, notes);
            layout.id_leaf = extended.map(|(leaf, _)| leaf);
            layout
        }
        (false, Some((leaf, levels))) => from_levels(leaf, &levels, notes),
        (false, None) => legacy_intel(cpuid, max_basic, notes),
    };
    if layout.package_shift < layout.thread_bits {
        note(
            notes,
            "the APIC id width of a package is smaller than that of a core's threads",
        );
        layout.package_shift = layout.thread_bits;
    }
    layout
}

/// The valid levels of leaf 0xB or 0x1F, SMT first, package-wide last.
fn levels(dump: &CpuidDump, leaf: u32) -> Option<Vec<Level>> {
    let mut levels: Vec<Level> = Vec::new();
    for subleaf in 0..8 {
        let Some(r) = dump.get(leaf, subleaf) else {
            break;
        };
        let kind = (r.ecx >> 8) & 0xFF;
        if kind == 0 {
            break;
        }
        let level = Level {
            kind,
            shift: r.eax & 0x1F,
            count: r.ebx & 0xFFFF,
        };
        let widening = levels.last().is_none_or(|prev| level.shift >= prev.shift);
        if level.count == 0 || !widening {
            return None;
        }
        levels.push(level);
    }
    (!levels.is_empty()).then_some(levels)
}

fn from_levels(leaf: u32, levels: &[Level], notes: &mut Vec<DecodeNote>) -> Layout {
    let smt = levels.iter().find(|l| l.kind == 1);
    let threads = smt.map_or(1, |l| l.count);
    let thread_bits = smt.map_or(0, |l| l.shift);
    let (logical, package_shift) = levels.last().map_or((1, 0), |l| (l.count, l.shift));
    Layout {
        topology: topology(logical, threads, notes),
        id_leaf: Some(leaf),
        thread_bits,
        package_shift,
    }
}

/// Intel before leaf 0xB (and Centaur): leaf 4 gives the addressable cores,
/// leaf 1 the addressable logical processors when HTT is set.
fn legacy_intel(
    cpuid: &CpuId<DumpReader<'_>>,
    max_basic: u32,
    notes: &mut Vec<DecodeNote>,
) -> Layout {
    let info = cpuid.get_feature_info();
    let logical = info
        .as_ref()
        .filter(|i| i.has_htt())
        .map_or(1, |i| u32::from(i.max_logical_processor_ids()).max(1));
    let first_cache = cpuid.get_cache_parameters().and_then(|mut c| c.next());
    if max_basic >= 4 && first_cache.is_none() {
        note(
            notes,
            "leaf 4 is announced but reports no cache; counting one core per package",
        );
    }
    let cores = first_cache.map_or(1, |c| c.max_cores_for_package() as u32);
    let logical = if cores > logical {
        note(
            notes,
            format!("leaf 4 counts {cores} cores but leaf 1 only {logical} logical processors"),
        );
        cores
    } else {
        logical
    };
    let cores = cores.max(1);
    if logical % cores != 0 {
        note(
            notes,
            format!("leaf 1 counts {logical} logical processors, not a multiple of leaf 4's {cores} cores"),
        );
    }
    let threads = (logical / cores).max(1);
    Layout {
        topology: CpuTopology {
            logical_per_package: Some(logical),
            cores_per_package: Some(cores),
            threads_per_core: Some(threads),
        },
        id_leaf: None,
        thread_bits: ceil_log2(threads),
        package_shift: ceil_log2(logical),
    }
}

/// AMD and Hygon: 0x80000008 ECX counts the package's logical processors
/// (cores before Zen) and gives its APIC id width; Zen's 0x8000001E tells
/// the threads per core. K8, K10 and Bulldozer have one thread per core (a
/// Bulldozer module's two integer cores count as two cores).
fn amd(
    cpuid: &CpuId<DumpReader<'_>>,
    dump: &CpuidDump,
    family: u32,
    notes: &mut Vec<DecodeNote>,
) -> Layout {
    let (logical, apic_id_size) = match cpuid.get_processor_capacity_feature_info() {
        Some(capacity) => (
            capacity.num_phys_threads() as u32,
            u32::from(capacity.apic_id_size()),
        ),
        None => {
            let logical = cpuid
                .get_feature_info()
                .filter(|i| i.has_htt())
                .map_or(1, |i| u32::from(i.max_logical_processor_ids()).max(1));
            (logical, 0)
        }
    };
    let threads = match dump.get(0x8000_001E, 0) {
        Some(leaf) if family >= 0x17 => ((leaf.ebx >> 8) & 0xFF) + 1,
        _ => 1,
    };
    let topology = topology(logical, threads, notes);
    Layout {
        topology,
        id_leaf: None,
        thread_bits: ceil_log2(threads),
        package_shift: if apic_id_size != 0 {
            apic_id_size
        } else {
            ceil_log2(logical)
        },
    }
}

fn topology(logical: u32, threads: u32, notes: &mut Vec<DecodeNote>) -> CpuTopology {
    let threads = threads.max(1);
    if logical % threads != 0 {
        note(
            notes,
            format!("{logical} logical processors per package do not split into cores of {threads} threads"),
        );
    }
    CpuTopology {
        logical_per_package: Some(logical),
        cores_per_package: Some((logical / threads).max(1)),
        threads_per_core: Some(threads),
    }
}

pub(super) fn locations(
    dumps: &[CpuidDump],
    layout: &Layout,
    notes: &mut Vec<DecodeNote>,
) -> Vec<CpuLocation> {
    let core_bits = layout.package_shift.saturating_sub(layout.thread_bits);
    let mut out: Vec<CpuLocation> = Vec::with_capacity(dumps.len());
    for dump in dumps {
        let x2apic = layout
            .id_leaf
            .and_then(|leaf| dump.get(leaf, 0))
            .map(|l| l.edx);
        let Some(apic_id) = x2apic.or_else(|| dump.get(1, 0).map(|l| l.ebx >> 24)) else {
            continue;
        };
        out.push(CpuLocation {
            cpu: dump.cpu,
            apic_id,
            package: apic_id.checked_shr(layout.package_shift).unwrap_or(0),
            core: apic_id.checked_shr(layout.thread_bits).unwrap_or(0) & low_bits(core_bits),
            thread: apic_id & low_bits(layout.thread_bits),
        });
    }
    let mut ids: Vec<u32> = out.iter().map(|l| l.apic_id).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.len() < out.len() {
        note(
            notes,
            format!(
                "{} dumped CPUs share {} APIC ids: the dump may have been taken without pinning each CPU",
                out.len(),
                ids.len()
            ),
        );
    }
    out
}

fn low_bits(bits: u32) -> u32 {
    if bits >= 32 {
        u32::MAX
    } else {
        (1u32 << bits) - 1
    }
}

fn ceil_log2(n: u32) -> u32 {
    if n <= 1 {
        0
    } else {
        32 - (n - 1).leading_zeros()
    }
}
