//! Executes CPUID on every logical CPU this process may run on.
//!
//! CPUID answers for the CPU that executes it: the APIC id always differs,
//! and so can the core type (hybrid parts) or the features (sockets with
//! different steppings or microcode). The thread is pinned to each allowed
//! CPU in turn. The leaves are stored raw; decoding happens later and can
//! improve.

#[cfg(not(target_arch = "x86_64"))]
use crate::evidence::SourceStatus;
use crate::evidence::{CpuidLeaf, Evidence};

/// Highest basic leaf read. A larger maximum is garbage (the highest leaf
/// defined today is below 0x30).
const MAX_BASIC: u32 = 0x7F;
/// Highest extended leaf read.
const MAX_EXTENDED: u32 = 0x8000_00FF;
/// Cache sub-leaves of leaves 4 and 0x8000001D: real CPUs stop near 5.
const MAX_CACHE_SUBLEAVES: u32 = 16;
/// Leaf 7 sub-leaves (EAX of sub-leaf 0 is the last one; 2 today).
const MAX_LEAF7_SUBLEAVES: u32 = 8;
/// Topology levels of leaves 0xB and 0x1F.
const MAX_TOPOLOGY_LEVELS: u32 = 8;

pub fn collect(evidence: &mut Evidence) {
    #[cfg(target_arch = "x86_64")]
    pinned::collect(evidence);
    #[cfg(not(target_arch = "x86_64"))]
    evidence.record(
        crate::model::SourceName::Cpuid,
        SourceStatus::Absent,
        "CPUID exists only on x86; this build targets another architecture",
    );
}

/// Every leaf worth keeping, asked of `cpuid(leaf, subleaf)`. Pure so that
/// tests can answer from a recorded dump.
pub(crate) fn read_leaves(mut cpuid: impl FnMut(u32, u32) -> CpuidLeaf) -> Vec<CpuidLeaf> {
    let mut leaves = Vec::with_capacity(96);
    let mut read = |leaf: u32, subleaf: u32, out: &mut Vec<CpuidLeaf>| {
        let registers = cpuid(leaf, subleaf);
        out.push(registers);
        registers
    };

    let max_basic = read(0, 0, &mut leaves).eax.min(MAX_BASIC);
    for leaf in 1..=max_basic {
        match leaf {
            4 => read_until(&mut read, &mut leaves, leaf, MAX_CACHE_SUBLEAVES, |r| {
                r.eax & 0x1F == 0
            }),
            7 => {
                let last = read(leaf, 0, &mut leaves).eax.min(MAX_LEAF7_SUBLEAVES);
                for subleaf in 1..=last {
                    read(leaf, subleaf, &mut leaves);
                }
            }
            0xB | 0x1F => read_until(&mut read, &mut leaves, leaf, MAX_TOPOLOGY_LEVELS, |r| {
                (r.ecx >> 8) & 0xFF == 0
            }),
            0xD => {
                let user = read(leaf, 0, &mut leaves);
                let supervisor = read(leaf, 1, &mut leaves);
                let components = u64::from(user.eax)
                    | u64::from(user.edx) << 32
                    | u64::from(supervisor.ecx)
                    | u64::from(supervisor.edx) << 32;
                for component in 2..64 {
                    if components & (1u64 << component) != 0 {
                        read(leaf, component, &mut leaves);
                    }
                }
            }
            _ => {
                read(leaf, 0, &mut leaves);
            }
        }
    }

    // Hypervisors answer at 0x40000000; on bare metal the leaf echoes
    // another one, which the range check and the decoder's hypervisor bit
    // reject. Xen moves its own leaves to 0x40000100 when it also presents
    // Hyper-V's (viridian), so that range is read as well.
    for base in [0x4000_0000, 0x4000_0100] {
        let last = read(base, 0, &mut leaves).eax;
        if (base + 1..=base + 0xFF).contains(&last) {
            for leaf in base + 1..=last {
                read(leaf, 0, &mut leaves);
            }
        }
    }

    let max_extended = read(0x8000_0000, 0, &mut leaves).eax;
    // Below 0x80000001 there is no extended leaf; above 0x8000FFFF the
    // value is not a leaf number of this range at all.
    if (0x8000_0001..=0x8000_FFFF).contains(&max_extended) {
        for leaf in 0x8000_0001..=max_extended.min(MAX_EXTENDED) {
            if leaf == 0x8000_001D {
                read_until(&mut read, &mut leaves, leaf, MAX_CACHE_SUBLEAVES, |r| {
                    r.eax & 0x1F == 0
                });
            } else {
                read(leaf, 0, &mut leaves);
            }
        }
    }
    leaves
}

/// Sub-leaves 0, 1, ... up to and including the first one for which `last`
/// holds (kept: it shows where the list ended), at most `cap` of them.
fn read_until(
    read: &mut impl FnMut(u32, u32, &mut Vec<CpuidLeaf>) -> CpuidLeaf,
    leaves: &mut Vec<CpuidLeaf>,
    leaf: u32,
    cap: u32,
    last: impl Fn(&CpuidLeaf) -> bool,
) {
    for subleaf in 0..cap {
        if last(&read(leaf, subleaf, leaves)) {
            break;
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod pinned {
    use super::read_leaves;
    use crate::evidence::{CpuidDump, CpuidLeaf, Evidence, SourceStatus};
    use nix::sched::{sched_getaffinity, sched_getcpu, sched_setaffinity, CpuSet};
    use nix::unistd::Pid;

    pub(super) fn collect(evidence: &mut Evidence) {
        let this_thread = Pid::from_raw(0);
        let original = match sched_getaffinity(this_thread) {
            Ok(set) => set,
            Err(e) => {
                // Without the mask nothing can be pinned: read where we are.
                let cpu = sched_getcpu().map_or(0, |c| c as u32);
                let dump = read_here(cpu);
                let detail = format!(
                    "read {} leaves on one logical CPU only (CPU {cpu}, unpinned): \
                     the CPU affinity mask could not be read ({e})",
                    dump.leaves.len()
                );
                evidence.cpuid = vec![dump];
                evidence.record(
                    crate::model::SourceName::Cpuid,
                    SourceStatus::Partial,
                    detail,
                );
                return;
            }
        };

        let allowed: Vec<usize> = (0..CpuSet::count())
            .filter(|&cpu| original.is_set(cpu).unwrap_or(false))
            .collect();
        let order = here_first(&allowed);
        let mut dumps = Vec::with_capacity(allowed.len());
        let mut unpinned: Vec<String> = Vec::new();
        for &cpu in &order {
            match pin(this_thread, cpu) {
                Ok(()) => dumps.push(read_here(cpu as u32)),
                Err(why) => unpinned.push(format!("CPU {cpu} ({why})")),
            }
        }
        let restored = sched_setaffinity(this_thread, &original);
        into_cpu_order(&mut dumps);

        let mut fallback = None;
        if dumps.is_empty() {
            let cpu = sched_getcpu().map_or(0, |c| c as u32);
            dumps.push(read_here(cpu));
            fallback = Some(cpu);
        }
        let leaves: usize = dumps.iter().map(|d| d.leaves.len()).sum();
        let mut detail = format!("read {leaves} leaves on {} logical CPUs", dumps.len());
        let mut status = SourceStatus::Ok;
        if !unpinned.is_empty() {
            status = SourceStatus::Partial;
            detail.push_str(&format!(
                " of the {} this process may use; could not pin the thread to {}",
                allowed.len(),
                unpinned.join(", ")
            ));
        }
        if let Some(cpu) = fallback {
            detail.push_str(&format!("; read once, unpinned, on CPU {cpu} instead"));
        }
        if let Err(e) = restored {
            detail.push_str(&format!(
                "; the original CPU affinity was not restored ({e})"
            ));
        }
        evidence.cpuid = dumps;
        evidence.record(crate::model::SourceName::Cpuid, status, detail);
    }

    /// The CPU the thread is on first: each move to another CPU waits for
    /// that CPU's run queue, the largest cost of a scan on a busy machine,
    /// and this saves one.
    fn here_first(allowed: &[usize]) -> Vec<usize> {
        let here = sched_getcpu().ok();
        allowed
            .iter()
            .copied()
            .filter(|&cpu| Some(cpu) == here)
            .chain(allowed.iter().copied().filter(|&cpu| Some(cpu) != here))
            .collect()
    }

    /// The first dump is the CPU decoded: the one read first goes back to
    /// its place (the rest are in order; no sort, whose code the static
    /// binary pays for).
    fn into_cpu_order(dumps: &mut Vec<CpuidDump>) {
        if dumps.len() > 1 {
            let first = dumps.remove(0);
            let at = dumps.partition_point(|d| d.cpu < first.cpu);
            dumps.insert(at, first);
        }
    }

    fn pin(thread: Pid, cpu: usize) -> Result<(), String> {
        let mut only = CpuSet::new();
        only.set(cpu).map_err(|e| e.to_string())?;
        sched_setaffinity(thread, &only).map_err(|e| e.to_string())?;
        // Some sandboxes accept the call and ignore it; data labelled with
        // the wrong CPU would give wrong APIC ids, so check where we run.
        match sched_getcpu() {
            Ok(now) if now != cpu => Err(format!("asked for it, but the thread ran on CPU {now}")),
            _ => Ok(()),
        }
    }

    fn read_here(cpu: u32) -> CpuidDump {
        let leaves = read_leaves(|leaf, subleaf| {
            // SAFETY: CPUID exists on every x86-64 CPU and has no side
            // effects. The intrinsic became safe in newer Rust; the block
            // keeps older compilers (rust-version) building.
            #[allow(unused_unsafe)]
            let r = unsafe { core::arch::x86_64::__cpuid_count(leaf, subleaf) };
            CpuidLeaf {
                leaf,
                subleaf,
                eax: r.eax,
                ebx: r.ebx,
                ecx: r.ecx,
                edx: r.edx,
            }
        });
        CpuidDump { cpu, leaves }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::{CpuidDump, SourceStatus};

    /// A CPU that answers from a recorded dump, as hardware would: zeros for
    /// what it lacks.
    fn replay(dump: &CpuidDump) -> impl FnMut(u32, u32) -> CpuidLeaf + '_ {
        move |leaf, subleaf| {
            dump.get(leaf, subleaf).unwrap_or(CpuidLeaf {
                leaf,
                subleaf,
                ..CpuidLeaf::default()
            })
        }
    }

    fn firecracker_cpu0() -> CpuidDump {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/corpus/cpuid/cpuid-r/amd-epyc-vm-firecracker.txt"
        ))
        .expect("fixture readable");
        match crate::import::cpuid_r::parse(&text) {
            Ok(mut d) => d.cpuid.remove(0),
            Err(e) => panic!("{e:?}"),
        }
    }

    #[test]
    fn enumeration_reads_what_cpuid_r_read_on_the_same_cpu() {
        let recorded = firecracker_cpu0();
        let read = read_leaves(replay(&recorded));
        let pairs: Vec<(u32, u32)> = read.iter().map(|l| (l.leaf, l.subleaf)).collect();
        // Every recorded leaf is enumerated, and every sub-leaf of the
        // leaves that matter here, including the sparse XSAVE components
        // 5, 6, 7, 11, 12 and the terminating topology level. (`cpuid -r`
        // also walks SGX leaf 0x12, which this collector leaves at 0, and
        // the Xeon Phi, Transmeta and Centaur ranges, which it skips.)
        for l in &recorded.leaves {
            let range = l.leaf & 0xFFFF_0000;
            let wanted = matches!(range, 0 | 0x4000_0000 | 0x8000_0000)
                && (l.subleaf == 0 || matches!(l.leaf, 4 | 7 | 0xB | 0xD | 0x1F | 0x8000_001D));
            assert!(
                !wanted || pairs.contains(&(l.leaf, l.subleaf)),
                "missed {:#x}/{:#x}",
                l.leaf,
                l.subleaf
            );
        }
        for (leaf, subleaf) in [
            (0xB, 2),
            (0xD, 0xB),
            (0xD, 0xC),
            (0x4000_0001, 0),
            (0x8000_0021, 0),
        ] {
            assert!(pairs.contains(&(leaf, subleaf)));
        }
        assert!(!pairs.contains(&(0xD, 3)), "component 3 is not in XCR0");
        assert!(!pairs.contains(&(0xB, 3)), "stops after the invalid level");
    }

    #[test]
    fn garbage_maxima_are_capped() {
        let read = read_leaves(|leaf, subleaf| CpuidLeaf {
            leaf,
            subleaf,
            // Every leaf claims to be the last of a huge range and every
            // sub-leaf list to go on forever.
            eax: 0xFFFF_FFFF,
            ebx: 0,
            ecx: 0x0000_FF00,
            edx: 0xFFFF_FFFF,
        });
        assert!(read
            .iter()
            .all(|l| l.leaf <= MAX_BASIC
                || [0x4000_0000, 0x4000_0100, 0x8000_0000].contains(&l.leaf)));
        assert!(read.len() < 2000);
        assert_eq!(
            read.iter().filter(|l| l.leaf == 4).count(),
            MAX_CACHE_SUBLEAVES as usize
        );
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn live_scan_keeps_to_the_allowed_cpus_and_restores_the_mask() {
        use nix::sched::{sched_getaffinity, sched_setaffinity, CpuSet};
        let me = nix::unistd::Pid::from_raw(0);
        let before = sched_getaffinity(me).expect("affinity readable");
        let last = (0..CpuSet::count())
            .rev()
            .find(|&c| before.is_set(c).unwrap_or(false))
            .expect("some CPU allowed");
        let mut only_last = CpuSet::new();
        only_last.set(last).expect("valid CPU");
        sched_setaffinity(me, &only_last).expect("pin the test thread");

        let mut evidence = Evidence::new(crate::evidence::Origin::Live);
        collect(&mut evidence);
        let after = sched_getaffinity(me).expect("affinity readable");
        sched_setaffinity(me, &before).expect("restore the test thread");

        let cpus: Vec<u32> = evidence.cpuid.iter().map(|d| d.cpu).collect();
        assert_eq!(cpus, [last as u32]);
        assert_eq!(after, only_last, "the collector restored the caller's mask");
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn live_scan_reads_every_allowed_cpu_and_decodes_the_vendor() {
        let started = std::time::Instant::now();
        let mut evidence = Evidence::new(crate::evidence::Origin::Live);
        collect(&mut evidence);
        let elapsed = started.elapsed();
        let source = evidence.source("cpuid").expect("recorded");
        assert_eq!(source.status, SourceStatus::Ok, "{}", source.detail);
        let allowed = nix::sched::sched_getaffinity(nix::unistd::Pid::from_raw(0))
            .map(|set| {
                (0..nix::sched::CpuSet::count())
                    .filter(|&c| set.is_set(c).unwrap_or(false))
                    .count()
            })
            .expect("affinity readable");
        assert_eq!(evidence.cpuid.len(), allowed);
        for dump in &evidence.cpuid {
            assert!(dump.get(0, 0).is_some() && dump.get(1, 0).is_some());
        }
        let mut notes = Vec::new();
        let facts = crate::decode::cpuid::decode(&evidence.cpuid, &mut notes).expect("decodes");
        // The kernel decoded the same CPUID for /proc/cpuinfo.
        if let Ok(cpuinfo) = std::fs::read_to_string("/proc/cpuinfo") {
            let kernel_vendor = cpuinfo
                .lines()
                .find_map(|l| l.strip_prefix("vendor_id"))
                .and_then(|rest| rest.split(':').nth(1))
                .map(str::trim);
            assert_eq!(kernel_vendor, Some(facts.vendor_id.as_str()));
        }
        let expected = match facts.vendor_id.as_str() {
            "GenuineIntel" => crate::facts::CpuVendor::Intel,
            "AuthenticAMD" => crate::facts::CpuVendor::Amd,
            "HygonGenuine" => crate::facts::CpuVendor::Hygon,
            "CentaurHauls" | "  Shanghai  " => crate::facts::CpuVendor::Centaur,
            _ => crate::facts::CpuVendor::Other,
        };
        assert_eq!(facts.vendor, expected);
        assert!(
            facts.features.long_mode,
            "an x86-64 build runs in long mode"
        );
        // Generous: the test threads share two cores with the rest of the suite.
        assert!(elapsed.as_millis() < 100, "took {elapsed:?}");
    }
}
