//! Several CPUID dumps in one import (`--cpuid A --cpuid B`): each adds
//! its logical CPUs after the ones already held, so both are analysed and
//! both are named in the sources. Two different machines' dumps then
//! disagree in the report, which is what the user should see.

use crate::evidence::{Evidence, SourceRecord, SourceStatus};
use crate::model::SourceName;

/// Moves `dump`'s CPUID and MSR readings and their source records into
/// `evidence`. The first dump is taken as it is.
pub(super) fn absorb(evidence: &mut Evidence, mut dump: Evidence) {
    if evidence.cpuid.is_empty() {
        for name in [SourceName::Cpuid, SourceName::Msr] {
            if let Some(record) = dump.source(name) {
                evidence.record(name, record.status, record.detail.clone());
            }
        }
        evidence.cpuid = dump.cpuid;
        evidence.msr = dump.msr;
        return;
    }
    let first_free = evidence
        .cpuid
        .iter()
        .map(|d| d.cpu)
        .chain(evidence.msr.iter().map(|d| d.cpu))
        .max()
        .map_or(0, |cpu| cpu.saturating_add(1));
    for cpu in &mut dump.cpuid {
        cpu.cpu = cpu.cpu.saturating_add(first_free);
    }
    for cpu in &mut dump.msr {
        cpu.cpu = cpu.cpu.saturating_add(first_free);
    }
    let had_msr = !evidence.msr.is_empty();
    let adds_msr = !dump.msr.is_empty();
    evidence.cpuid.append(&mut dump.cpuid);
    evidence.msr.append(&mut dump.msr);
    join(
        evidence,
        dump.source(SourceName::Cpuid),
        SourceName::Cpuid,
        worse,
    );
    // MSRs of some CPUs only are a partial reading.
    let msr_status = |old: SourceStatus, new: SourceStatus| match (had_msr, adds_msr) {
        (true, true) => worse(old, new),
        (false, false) => old,
        _ => SourceStatus::Partial,
    };
    join(
        evidence,
        dump.source(SourceName::Msr),
        SourceName::Msr,
        msr_status,
    );
}

fn worse(a: SourceStatus, b: SourceStatus) -> SourceStatus {
    a.max(b)
}

/// One record for `name` saying both what was held and what was added.
fn join(
    evidence: &mut Evidence,
    added: Option<&SourceRecord>,
    name: SourceName,
    status: impl Fn(SourceStatus, SourceStatus) -> SourceStatus,
) {
    let Some(added) = added else { return };
    let (status, detail) = match evidence.source(name) {
        Some(held) => (
            status(held.status, added.status),
            format!("{}; {}", held.detail, added.detail),
        ),
        None => (added.status, added.detail.clone()),
    };
    evidence.record(name, status, detail);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::{CpuidDump, CpuidLeaf, Origin};

    fn dump(cpus: u32, file: &str, status: SourceStatus) -> Evidence {
        let mut evidence = Evidence::new(Origin::Import);
        evidence.cpuid = (0..cpus)
            .map(|cpu| CpuidDump {
                cpu,
                leaves: vec![CpuidLeaf {
                    leaf: 0,
                    subleaf: 0,
                    eax: 0xd,
                    ebx: 0,
                    ecx: 0,
                    edx: 0,
                }],
            })
            .collect();
        evidence.record(
            SourceName::Cpuid,
            status,
            format!("{cpus} CPUs from {file}"),
        );
        evidence.record(
            SourceName::Msr,
            SourceStatus::Absent,
            format!("{file} holds no MSRs"),
        );
        evidence
    }

    #[test]
    fn a_second_dump_adds_its_cpus_and_names_both_files() {
        let mut evidence = Evidence::new(Origin::Import);
        absorb(&mut evidence, dump(2, "a.txt", SourceStatus::Ok));
        absorb(&mut evidence, dump(3, "b.txt", SourceStatus::Partial));
        let cpus: Vec<u32> = evidence.cpuid.iter().map(|d| d.cpu).collect();
        assert_eq!(cpus, [0, 1, 2, 3, 4]);
        let cpuid = evidence.source("cpuid").expect("cpuid source");
        assert_eq!(cpuid.status, SourceStatus::Partial);
        assert_eq!(cpuid.detail, "2 CPUs from a.txt; 3 CPUs from b.txt");
        let msr = evidence.source("msr").expect("msr source");
        assert_eq!(msr.status, SourceStatus::Absent);
        assert!(msr.detail.contains("a.txt") && msr.detail.contains("b.txt"));
    }
}
