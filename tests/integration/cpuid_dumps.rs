//! Real CPUID dumps (tests/corpus/cpuid) replayed through the whole
//! pipeline: the JSON report and the text report are insta snapshots, and
//! the facts a user checks first are asserted explicitly.

use serde_json::Value;

fn snapshot(name: &str, relative: &str) -> Value {
    let (value, json, text) = crate::common::import_reports(relative, xenready::import::cpuid_file);
    insta::assert_snapshot!(format!("{name}.json"), json);
    insta::assert_snapshot!(format!("{name}.txt"), text);
    value
}

fn state<'a>(report: &'a Value, capability: &str) -> &'a str {
    report["capabilities"][capability]["state"]
        .as_str()
        .unwrap()
}

fn finding_ids(report: &Value) -> Vec<&str> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect()
}

const DUMPS: &str = "cpuid/instlatx64";

#[test]
fn nocona_xeon_is_64bit_without_vtx_so_limited() {
    let r = snapshot(
        "nocona",
        &format!("{DUMPS}/GenuineIntel0000F34_P4_Nocona_CPUID.txt"),
    );
    assert_eq!(state(&r, "long_mode"), "available");
    assert_eq!(state(&r, "hvm"), "unsupported");
    assert_eq!(r["verdict"], "limited");
    assert!(finding_ids(&r).contains(&"hvm-unsupported"));
}

#[test]
fn irwindale_xeon_is_64bit_without_vtx_so_limited() {
    let r = snapshot(
        "irwindale",
        &format!("{DUMPS}/GenuineIntel0000F4A_P4_Irwindale_CPUID.txt"),
    );
    assert_eq!(state(&r, "long_mode"), "available");
    assert_eq!(state(&r, "hvm"), "unsupported");
    assert_eq!(r["verdict"], "limited");
}

#[test]
fn athlon_k7_cannot_run_xen() {
    let r = snapshot(
        "k7-barton",
        &format!("{DUMPS}/AuthenticAMD00006A0_K7_Barton_CPUID.txt"),
    );
    assert_eq!(state(&r, "long_mode"), "unsupported");
    assert_eq!(r["verdict"], "not-suitable");
    assert_eq!(r["score"], 0);
    assert!(finding_ids(&r).contains(&"cpu-not-64bit"));
}

#[test]
fn woodcrest_has_vtx_but_no_ept() {
    let r = snapshot(
        "woodcrest",
        &format!("{DUMPS}/GenuineIntel00006F4_Woodcrest_CPUID.txt"),
    );
    assert_eq!(r["capabilities"]["hvm"]["silicon"], "yes");
    assert_eq!(state(&r, "hap"), "unsupported");
    assert_eq!(r["verdict"], "limited");
    assert!(finding_ids(&r).contains(&"hap-unsupported"));
}

#[test]
fn clovertown_has_vtx_but_no_ept() {
    let r = snapshot(
        "clovertown",
        &format!("{DUMPS}/GenuineIntel00006F7_Clovertown_CPUID.txt"),
    );
    assert_eq!(r["capabilities"]["hvm"]["silicon"], "yes");
    assert_eq!(state(&r, "hap"), "unsupported");
}

#[test]
fn harpertown_has_vtx_but_no_ept() {
    let r = snapshot(
        "harpertown",
        &format!("{DUMPS}/GenuineIntel0010676_Harpertown_CPUID.txt"),
    );
    assert_eq!(r["capabilities"]["hvm"]["silicon"], "yes");
    assert_eq!(state(&r, "hap"), "unsupported");
    assert_eq!(r["verdict"], "limited");
}

#[test]
fn k10_opteron_has_amd_v_and_npt() {
    let r = snapshot(
        "k10-barcelona",
        &format!("{DUMPS}/AuthenticAMD0100F2A_K10_Barcelona_CPUID.txt"),
    );
    assert_eq!(r["capabilities"]["hvm"]["silicon"], "yes");
    assert_eq!(r["capabilities"]["hap"]["silicon"], "yes");
    assert!(["supported", "available"].contains(&state(&r, "hap")));
    assert!(!finding_ids(&r).contains(&"hap-unsupported"));
}

#[test]
fn westmere_reads_ept_and_unrestricted_guest_from_msr_0x48b() {
    let r = snapshot(
        "westmere-gulftown",
        &format!("{DUMPS}/GenuineIntel00206C2_Gulftown_01_CPUID.txt"),
    );
    assert_eq!(r["capabilities"]["hap"]["silicon"], "yes");
    let evidence = r["capabilities"]["hap"]["evidence"].to_string();
    assert!(evidence.contains("msr 0x48B"), "{evidence}");
}

#[test]
fn sandy_bridge_ep_reads_ept_from_msr_and_full_topology() {
    let r = snapshot(
        "sandybridge-ep",
        &format!("{DUMPS}/GenuineIntel00206D5_SandyBridgeEP_CPUID.txt"),
    );
    assert_eq!(r["capabilities"]["hap"]["silicon"], "yes");
    assert!(r["capabilities"]["hap"]["evidence"]
        .to_string()
        .contains("msr 0x48B"));
    assert_eq!(r["cpu"]["sockets"], 2);
    assert_eq!(r["cpu"]["cores"], 8);
    assert_eq!(r["cpu"]["threads"], 2);
    assert_eq!(state(&r, "smt"), "available");
}
