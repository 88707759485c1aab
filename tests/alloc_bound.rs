//! No importer allocates more than 4× its input: each kind's largest real
//! fixture is imported while a counting global allocator records the peak
//! of live heap bytes. A separate test binary, because a global allocator
//! counts everything its process does; one test function, so no other test
//! allocates in parallel.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use xenready::evidence::{Evidence, Origin};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwards the caller's valid layout to the system allocator.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Fixed costs independent of the input (the Evidence skeleton, error and
/// path strings, buffers rounded up): small next to any fixture.
const OVERHEAD: usize = 64 * 1024;

fn fixture(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(relative)
}

/// Peak heap bytes above what was live before the import.
fn peak_of(import: impl FnOnce(&mut Evidence, &Path), path: &Path) -> usize {
    let mut evidence = Evidence::new(Origin::Import);
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    import(&mut evidence, path);
    let peak = PEAK.load(Ordering::Relaxed);
    drop(evidence);
    peak.saturating_sub(before)
}

#[test]
fn no_importer_allocates_more_than_four_times_its_input() {
    assert!(
        fixture("").is_dir(),
        "{} is missing: the test corpus is part of the repository",
        fixture("").display()
    );
    // By importer flag, so each case runs the registry's function.
    let cases: [(&str, &str); 7] = [
        (
            "cpuid",
            "cpuid/instlatx64/AuthenticAMD0800F12_K17_Zen_CPUID.txt",
        ),
        ("dmi", "smbios-bin/u-root/VMWare.bin"),
        (
            "dmidecode-text",
            "dmidecode-text/linuxhw/server/Hewlett-Packard_ProLiant_DL580_G7_8A0E49E03542.txt",
        ),
        (
            "acpi",
            "acpi/acpidump-text/Supermicro_X8DTT_CE92DF29C87C.acpidump.txt",
        ),
        (
            "dmesg",
            "dmesg/linuxhw/Dell_PowerEdge-1950_7D3E387CFF5B.ubuntu-22.04_5.15.0-40-generic.dmesg",
        ),
        ("cpuinfo", "cpuinfo/util-linux/x86_64-epyc_7451.cpuinfo"),
        ("cpuid", "cpuid/cpuid-r/amd-epyc-vm-firecracker.txt"),
    ];
    let mut report = Vec::new();
    for (flag, relative) in cases {
        let importer = xenready::import::importer(flag).expect("a registered importer");
        let path = fixture(relative);
        let size = std::fs::metadata(&path).unwrap().len() as usize;
        let peak = peak_of(|e, p| (importer.run)(e, p).unwrap(), &path);
        report.push(format!(
            "{relative}: {size} bytes in, peak {peak} bytes ({:.2}x)",
            peak as f64 / size as f64
        ));
        assert!(
            peak <= 4 * size + OVERHEAD,
            "{relative}: peak {peak} bytes for a {size}-byte file exceeds 4x + {OVERHEAD}"
        );
    }
    eprintln!("{}", report.join("\n"));
}
