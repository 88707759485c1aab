//! Per-target verdicts follow what each product's Xen build really does.

use crate::common::{fixture, xenready};
use serde_json::Value;

fn data(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/klog")
        .join(name)
}

const WOODCREST: &str = "cpuid/instlatx64/GenuineIntel00006F4_Woodcrest_CPUID.txt";

fn report(target: &str) -> Value {
    let output = xenready()
        .args(["analyze", "--format", "json", "--target", target, "--cpuid"])
        .arg(fixture(WOODCREST))
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Woodcrest has VT-x and NX but no EPT: XenServer 8 and XCP-ng 8.3 are
/// built without shadow paging and run no PV guests, so nothing starts;
/// Citrix Hypervisor 8.2's Xen 4.13 keeps shadow paging.
#[test]
fn woodcrest_is_not_suitable_for_xenserver_8_and_xcp_ng_8_3_but_limited_on_8_2() {
    let report = report("citrix-hypervisor-8.2");
    assert_eq!(report["target"], "citrix-hypervisor-8.2");
    assert_eq!(report["verdict"], "limited");
    let targets = &report["targets"];
    for (id, verdict) in [
        ("xenserver-8", "not-suitable"),
        ("xcp-ng-8.3", "not-suitable"),
        ("citrix-hypervisor-8.2", "limited"),
        ("xcp-ng-8.2", "limited"),
        ("xenserver-6.5", "limited"),
    ] {
        assert_eq!(targets[id]["verdict"], verdict, "{id}");
    }
}

/// What a missing EPT means is told per target's build.
#[test]
fn hap_unsupported_says_what_each_build_does_without_ept() {
    let finding = |target: &str| {
        let report = report(target);
        report["findings"]
            .as_array()
            .and_then(|f| f.iter().find(|f| f["id"] == "hap-unsupported"))
            .map(|f| f["detail"].as_str().unwrap_or_default().to_string())
            .unwrap_or_else(|| panic!("no hap-unsupported for {target}"))
    };
    assert!(finding("xenserver-8").contains("runs no PV guests, so no guest can start"));
    assert!(finding("citrix-hypervisor-8.2").contains("is built with shadow paging"));
    assert!(
        finding("xen").contains("built without shadow paging (upstream's default since XSA-495)")
    );
}

/// `xenserver-8` used to name XenServer 8 and Citrix Hypervisor 8.2 at
/// once; the id still answers, now for XenServer 8 alone.
#[test]
fn the_old_xenserver_8_id_still_answers() {
    let report = report("xenserver-8");
    assert_eq!(report["target"], "xenserver-8");
    assert_eq!(report["verdict"], "not-suitable");
}

/// The seed case: a PowerEdge 2850 (NetBurst, no VT-x), NMIs in the log,
/// XenServer 6.5's extlinux.conf with the typo `nim=ignore`.
#[test]
fn the_seed_case_says_xenservers_default_is_fatal_and_the_typo_never_took_effect() {
    let output = xenready()
        .args(["analyze", "--format", "json", "--target", "xenserver-6.5"])
        .arg("--dmidecode-text")
        .arg(fixture(
            "dmidecode-text/linuxhw/server/Dell_PowerEdge_2850_1A0BFC21B7EB.txt",
        ))
        .arg("--dmesg")
        .arg(data("nmi-kern.log"))
        .arg("--boot-config")
        .arg(data("xs65-extlinux.conf"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let finding = |id: &str| {
        report["findings"]
            .as_array()
            .and_then(|f| f.iter().find(|f| f["id"] == id))
            .cloned()
            .unwrap_or_else(|| panic!("no {id} finding"))
    };
    let policy = finding("xen-nmi-policy");
    let detail = policy["detail"].as_str().unwrap();
    for words in [
        "`nim=ignore` never took effect",
        "Citrix XenServer 6.5, Xen 4.4, defaults to nmi=fatal in every build",
        "whatever stopped earlier panics was something else",
        "reboots it after 5 seconds, or kexecs the crash kernel",
    ] {
        assert!(detail.contains(words), "{words}: {detail}");
    }
    assert!(!detail.contains("release build"), "{detail}");
    let remedy = policy["remedy"].to_string();
    assert!(
        remedy.contains("Triage in this order: (1) keep the default"),
        "{remedy}"
    );
    // No VT-x on a PE2850: the installer's warning means "not present", and
    // 6.5 is end-of-life with successors that need VT-x, EPT/NPT and NX.
    let hvm = finding("hvm-unsupported")["remedy"].to_string();
    assert!(
        hvm.contains("means, on this CPU, that it is not present"),
        "{hvm}"
    );
    assert!(hvm.contains("need VT-x/AMD-V, EPT/NPT and NX"), "{hvm}");
    // XenServer 6.5's line carries `watchdog`: try without it before HT.
    let nmi = finding("nmi-errors-logged")["remedy"].to_string();
    assert!(nmi.contains("Try the line without `watchdog`"), "{nmi}");
    // Everything found before is still found.
    for id in [
        "hvm-unsupported",
        "nmi-errors-logged",
        "xen-boot-option-unknown",
    ] {
        finding(id);
    }
}

/// The InstLatx64 F41 dump (Xeon 3.40 GHz, LM without NX): XCP-ng 8.3 is
/// built with CONFIG_REQUIRE_NX, so a missing NX is a blocker and says why.
#[test]
fn a_cpu_without_nx_is_a_blocker_where_xen_requires_nx() {
    let output = xenready()
        .args([
            "analyze",
            "--format",
            "json",
            "--target",
            "xcp-ng-8.3",
            "--cpuid",
        ])
        .arg(fixture(
            "cpuid/instlatx64/GenuineIntel0000F41_P4_Cranford_CPUID.txt",
        ))
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let nx = report["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["id"] == "nx-unavailable"))
        .cloned()
        .expect("an nx-unavailable finding");
    assert_eq!(nx["severity"], "blocker");
    assert!(nx["detail"]
        .as_str()
        .is_some_and(|d| d.contains("built with CONFIG_REQUIRE_NX")));
    assert_eq!(report["targets"]["xenserver-6.5"]["verdict"], "limited");
}
