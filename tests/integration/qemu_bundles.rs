//! The bundles the boot stick saved on the project's QEMU machines
//! (tests/fixtures/qemu, made by `tests/e2e/run.sh --update-fixtures`),
//! replayed through the pipeline with the end-to-end harness's assertions,
//! so a regression shows up even where QEMU is absent.

use serde_json::Value;
use xenready::evidence::Evidence;
use xenready::knowledge::Knowledge;

fn report(scenario: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/qemu/{scenario}.evidence.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let evidence: Evidence = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let knowledge = Knowledge::builtin();
    let report = xenready::analyze(&evidence, knowledge, knowledge.default_target());
    serde_json::to_value(&report).unwrap()
}

fn cap<'a>(r: &'a Value, name: &str, field: &str) -> &'a str {
    r["capabilities"][name][field].as_str().unwrap_or_default()
}

fn finding<'a>(r: &'a Value, id: &str) -> Option<&'a Value> {
    r["findings"].as_array()?.iter().find(|f| f["id"] == id)
}

fn source_status<'a>(r: &'a Value, name: &str) -> &'a str {
    r["sources"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["name"] == name))
        .and_then(|s| s["status"].as_str())
        .unwrap_or("missing")
}

#[test]
fn old_dell_without_vt_x_is_limited() {
    let r = report("old-dell");
    assert_eq!(r["machine"]["vendor"], "Dell Inc.");
    assert_eq!(r["machine"]["product"], "PowerEdge 2950");
    assert_eq!(r["machine"]["serial"], "7XJ2K3J");
    assert_eq!(r["machine"]["bios_version"], "2.7.0");
    assert_eq!(r["environment"]["platform"], "bare-metal");
    assert_eq!(cap(&r, "hvm", "state"), "unsupported");
    assert!(finding(&r, "hvm-unsupported").is_some());
    assert_eq!(r["verdict"], "limited");
}

#[test]
fn epyc_has_amd_v_and_npt_available() {
    let r = report("epyc");
    assert!(r["cpu"]["vendor"].as_str().unwrap().contains("AMD"));
    assert_eq!(r["environment"]["platform"], "bare-metal");
    assert_eq!(cap(&r, "hvm", "state"), "available");
    assert_eq!(cap(&r, "hap", "state"), "available");
}

#[test]
fn two_sockets_one_core_two_threads() {
    let r = report("smt");
    assert_eq!(r["cpu"]["sockets"], 2);
    assert_eq!(r["cpu"]["cores"], 1);
    assert_eq!(r["cpu"]["threads"], 2);
    assert_eq!(cap(&r, "smt", "state"), "available");
    assert_eq!(cap(&r, "smt", "os"), "active");
    assert!(finding(&r, "cpus-missing").is_none());
    assert!(finding(&r, "smt-disabled").is_none());
}

#[test]
fn intel_iommu_is_read_from_the_dmar_table() {
    let r = report("intel-iommu");
    assert_eq!(source_status(&r, "acpi"), "ok");
    assert_eq!(cap(&r, "iommu", "silicon"), "yes");
    assert!(r["capabilities"]["iommu"]["evidence"]
        .to_string()
        .contains("DMAR"));
}

#[test]
fn amd_iommu_is_read_from_the_ivrs_table() {
    let r = report("amd-iommu");
    assert_eq!(source_status(&r, "acpi"), "ok");
    assert_eq!(cap(&r, "iommu", "silicon"), "yes");
    assert!(r["capabilities"]["iommu"]["evidence"]
        .to_string()
        .contains("IVRS"));
}

#[test]
fn an_injected_nmi_is_reported_with_reason_and_cpu() {
    let r = report("nmi");
    let f = finding(&r, "nmi-errors-logged").expect("nmi-errors-logged");
    let text = f.to_string().to_lowercase();
    assert!(text.contains("reason"), "{text}");
    assert!(text.contains("cpu 0"), "{text}");
}

#[test]
fn a_guest_with_the_hypervisor_bit_is_a_virtual_machine() {
    let r = report("uefi-vm");
    assert_eq!(r["environment"]["platform"], "virtual-machine");
    assert!(finding(&r, "running-in-vm").is_some());
}
