use super::*;

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/corpus/cpuinfo/util-linux/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn files(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn nothing_collected_decodes_to_nothing() {
    let mut notes = Vec::new();
    assert_eq!(decode(&BTreeMap::new(), &mut notes), OsFacts::default());
    assert_eq!(notes, vec![]);
}

#[test]
fn el5_xen_guest_capture() {
    let f = files(&[
        ("/proc/cpuinfo", &fixture("x86_64-el5xen.cpuinfo")),
        (
            "/proc/xen/capabilities",
            &fixture("x86_64-el5xen.proc_xen_capabilities"),
        ),
    ]);
    let mut notes = Vec::new();
    let os = decode(&f, &mut notes);
    assert_eq!(notes, vec![]);
    assert_eq!(os.cpuinfo.as_ref().map(|c| c.processors), Some(8));
    // Captured as an empty file: this kernel ran as a domU, not dom0.
    assert_eq!(os.proc_xen_capabilities.as_deref(), Some(""));
    assert_eq!(os.hypervisor_type, None);
}

#[test]
fn text_fields_are_trimmed() {
    let f = files(&[
        ("/proc/sys/kernel/osrelease", "6.8.0-45-generic\n"),
        (
            "/proc/cmdline",
            "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet\n",
        ),
        (
            "/proc/meminfo",
            "MemTotal:       65747520 kB\nMemFree:        1 kB\n",
        ),
        ("/sys/devices/system/cpu/present", "0-7\n"),
        ("/sys/devices/system/cpu/possible", "0-15\n"),
        ("/sys/devices/system/cpu/smt/control", "on\n"),
        ("/sys/devices/system/cpu/smt/active", "1\n"),
        (
            "/sys/devices/system/cpu/vulnerabilities/l1tf",
            "Not affected\n",
        ),
        (
            "/sys/devices/system/cpu/vulnerabilities/spectre_v2",
            "Mitigation: Retpolines\n",
        ),
        ("/sys/hypervisor/type", "xen\n"),
        (
            "/sys/hypervisor/properties/capabilities",
            "xen-3.0-x86_64 hvm-3.0-x86_64\n",
        ),
        ("/proc/xen/capabilities", "control_d\n"),
    ]);
    let mut notes = Vec::new();
    let os = decode(&f, &mut notes);
    assert_eq!(notes, vec![]);
    assert_eq!(os.kernel_release.as_deref(), Some("6.8.0-45-generic"));
    assert_eq!(
        os.cmdline.as_deref(),
        Some("BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet")
    );
    assert_eq!(os.mem_total_kib, Some(65_747_520));
    assert_eq!(os.cpus_present.map(|c| c.len()), Some(8));
    assert_eq!(os.cpus_possible.map(|c| c.len()), Some(16));
    assert_eq!(os.smt_control.as_deref(), Some("on"));
    assert_eq!(os.smt_active, Some(true));
    assert_eq!(os.vulnerabilities.len(), 2);
    assert_eq!(
        os.vulnerabilities.get("spectre_v2").map(String::as_str),
        Some("Mitigation: Retpolines")
    );
    assert_eq!(os.hypervisor_type.as_deref(), Some("xen"));
    assert_eq!(
        os.hypervisor_capabilities.as_deref(),
        Some("xen-3.0-x86_64 hvm-3.0-x86_64")
    );
    assert_eq!(os.proc_xen_capabilities.as_deref(), Some("control_d"));
}

#[test]
fn a_malformed_online_list_is_noted_not_guessed() {
    let f = files(&[
        ("/sys/devices/system/cpu/online", "0-1x\n"),
        ("/sys/devices/system/cpu/cpu1/online", "1\n"),
        ("/sys/devices/system/cpu/smt/active", "maybe\n"),
    ]);
    let mut notes = Vec::new();
    let os = decode(&f, &mut notes);
    assert_eq!(os.cpus_online, None);
    assert_eq!(os.smt_active, None);
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(notes.iter().all(|n| n.source == "sysfs"));
}

#[test]
fn garbage_in_every_file_never_panics() {
    let keys = [
        "/proc/cpuinfo",
        "/proc/meminfo",
        "/proc/cmdline",
        "/sys/devices/system/cpu/online",
        "/sys/devices/system/cpu/present",
        "/sys/devices/system/cpu/smt/active",
        "/sys/devices/system/cpu/cpu0/online",
        "/sys/devices/system/cpu/cpu0/topology/physical_package_id",
        "/sys/devices/system/cpu/cpu0/topology/core_id",
        "/sys/devices/system/cpu/cpu0/topology/thread_siblings_list",
        "/sys/devices/system/cpu/cpu1/topology/thread_siblings",
        "/sys/devices/system/cpu/vulnerabilities/",
        "/sys/devices/system/cpu/vulnerabilities/a/b",
    ];
    let seed = fixture("x86_64-necem14.cpuinfo");
    let mut state: u64 = 7;
    for round in 0..300 {
        let mut f = BTreeMap::new();
        for key in keys {
            let mut bytes = seed.as_bytes().to_vec();
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            bytes.truncate((state >> 40) as usize % (bytes.len() + 1));
            for _ in 0..4 {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                if let Some(b) = bytes.get_mut((state >> 33) as usize % (seed.len() + 1)) {
                    *b = (state >> 20) as u8;
                }
            }
            if round % 3 == 0 {
                bytes.retain(|b| b.is_ascii_hexdigit() || *b == b',' || *b == b'-');
            }
            f.insert(
                key.to_string(),
                String::from_utf8_lossy(&bytes).into_owned(),
            );
        }
        let mut notes = Vec::new();
        let os = decode(&f, &mut notes);
        assert!(notes.len() < 40, "{notes:?}");
        assert!(os.vulnerabilities.is_empty());
    }
}
