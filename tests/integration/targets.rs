//! Per-target verdicts follow what each product's Xen build really does.

use crate::common::{fixture, xenready};
use serde_json::Value;

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

/// `xenserver-8` used to name XenServer 8 and Citrix Hypervisor 8.2 at
/// once; the id still answers, now for XenServer 8 alone.
#[test]
fn the_old_xenserver_8_id_still_answers() {
    let report = report("xenserver-8");
    assert_eq!(report["target"], "xenserver-8");
    assert_eq!(report["verdict"], "not-suitable");
}
