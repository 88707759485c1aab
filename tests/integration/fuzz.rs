//! Property tests: arbitrary bytes and mutated real fixtures (cut short,
//! bytes flipped, lines shuffled) into every importer, then decode and
//! analyse whatever was accepted. The property is "no panic": an importer
//! may refuse, never crash. PROPTEST_CASES raises the 64 cases per
//! importer kept for CI time.

use proptest::prelude::*;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use xenready::evidence::{Evidence, Origin};
use xenready::import;
use xenready::knowledge::Knowledge;

type ImportFn = fn(&mut Evidence, &Path) -> Result<(), import::ImportError>;

fn bundle(evidence: &mut Evidence, path: &Path) -> Result<(), import::ImportError> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    if let Ok(parsed) = serde_json::from_str::<Evidence>(&text) {
        *evidence = parsed;
    }
    Ok(())
}

/// Real fixtures to mutate, by importer flag; an importer may have several
/// (one per format it tells apart). `every_importer_has_a_seed` keeps this
/// in step with the registry.
const SEEDS: &[(&str, &str)] = &[
    (
        "cpuid",
        "cpuid/instlatx64/GenuineIntel00106A2_Nehalem-EP_CPUID.txt",
    ),
    ("cpuid", "cpuid/cpuid-r/amd-epyc-vm-firecracker.txt"),
    (
        "dmi",
        "smbios-bin/go-smbios/Dell-PowerEdge-R630-Dual-Xeon.dmi",
    ),
    (
        "dmidecode-text",
        "dmidecode-text/parse-dmidecode/dmidecode_example5.txt",
    ),
    (
        "acpi",
        "acpi/dmar/server/Dell_PowerEdge_R820_E5985CCBA349.DMAR.dat",
    ),
    (
        "acpi",
        "acpi/acpidump-text/Supermicro_X8DTT_CE92DF29C87C.acpidump.txt",
    ),
    (
        "dmesg",
        "dmesg/linuxhw/HP_ProLiant-DL360-G6_5A1D7821BD30.debian-10_4.19.0-10-amd64.dmesg",
    ),
    ("cpuinfo", "cpuinfo/util-linux/x86_64-dellr710.cpuinfo"),
    ("xl-info", "cpuinfo/util-linux/x86_64-el5xen.cpuinfo"),
    (
        "boot-config",
        "dmesg/linuxhw/Dell_PowerEdge_R710_837DD65D6009.pve-5.15.53-1.excerpt.dmesg",
    ),
];

/// Every registered importer with each of its seeds, then the bundle
/// reader (a seed of "" is a real bundle).
fn importers() -> Vec<(&'static str, ImportFn, &'static str)> {
    let mut all: Vec<(&str, ImportFn, &str)> = SEEDS
        .iter()
        .filter_map(|&(flag, seed)| import::importer(flag).map(|i| (i.flag, i.run, seed)))
        .collect();
    all.push(("bundle", bundle, ""));
    all
}

#[test]
fn every_importer_has_a_seed() {
    for importer in import::IMPORTERS {
        assert!(
            SEEDS.iter().any(|(flag, _)| *flag == importer.flag),
            "--{} has no seed fixture in SEEDS",
            importer.flag
        );
    }
    for (flag, _) in SEEDS {
        assert!(
            import::importer(flag).is_some(),
            "seed for unknown --{flag}"
        );
    }
}

/// Imports `bytes` as a file with every importer, then analyses.
fn through_everything(name: &str, importer: ImportFn, bytes: &[u8]) {
    let dir = crate::common::scratch_root().join("fuzz");
    let _ = std::fs::create_dir_all(&dir);
    // Tests run on several threads: one file per call.
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let path = dir.join(format!("{}-{name}", NEXT.fetch_add(1, Ordering::Relaxed)));
    if std::fs::write(&path, bytes).is_err() {
        return;
    }
    let mut evidence = Evidence::new(Origin::Import);
    let imported = importer(&mut evidence, &path).is_ok();
    let _ = std::fs::remove_file(&path);
    if imported {
        import::declare_missing_sources(&mut evidence);
        let knowledge = Knowledge::builtin();
        for target in &knowledge.targets {
            let report = xenready::analyze(&evidence, knowledge, target);
            assert!(report.score <= 100);
        }
        xenready::redact::redact(&mut evidence);
        let _ = xenready::analyze(&evidence, knowledge, &knowledge.targets[0]);
    }
}

fn seed(relative: &str) -> Vec<u8> {
    if relative.is_empty() {
        return real_bundle();
    }
    let path = crate::common::fixtures().join(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A bundle of a real machine, to mutate as JSON.
fn real_bundle() -> Vec<u8> {
    let mut evidence = Evidence::new(Origin::Import);
    import::dmidecode_text_file(
        &mut evidence,
        &crate::common::fixtures().join("dmidecode-text/parse-dmidecode/dmidecode_example5.txt"),
    )
    .unwrap_or_else(|e| panic!("the seed bundle's fixture: {e}"));
    serde_json::to_vec(&evidence).unwrap_or_default()
}

#[derive(Debug, Clone)]
enum Mutation {
    Truncate(usize),
    Flip(Vec<(usize, u8)>),
    ShuffleLines(u64),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Truncate),
        prop::collection::vec((any::<usize>(), any::<u8>()), 1..16).prop_map(Mutation::Flip),
        any::<u64>().prop_map(Mutation::ShuffleLines),
    ]
}

fn apply(mut bytes: Vec<u8>, mutation: &Mutation) -> Vec<u8> {
    match mutation {
        Mutation::Truncate(at) => {
            let at = if bytes.is_empty() {
                0
            } else {
                at % bytes.len()
            };
            bytes.truncate(at);
            bytes
        }
        Mutation::Flip(flips) => {
            let len = bytes.len();
            for (at, value) in flips {
                if let Some(b) = bytes.get_mut(at % len.max(1)) {
                    *b = *value;
                }
            }
            bytes
        }
        Mutation::ShuffleLines(seed) => {
            let mut lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
            // Fisher-Yates with a small LCG: reproducible from the seed.
            let mut state = *seed | 1;
            for i in (1..lines.len()).rev() {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                lines.swap(i, (state >> 33) as usize % (i + 1));
            }
            lines.join(&b'\n')
        }
    }
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        for (name, importer, _) in importers() {
            through_everything(name, importer, &bytes);
        }
    }

    #[test]
    fn mutated_fixtures_never_panic(mutation in mutation()) {
        for (name, importer, relative) in importers() {
            through_everything(name, importer, &apply(seed(relative), &mutation));
        }
    }
}
