//! Real SMBIOS tables (tests/corpus/smbios-bin) through the whole
//! pipeline: machine identity, virtual-machine detection, damaged tables.

use crate::common::fixture;
use serde_json::Value;
use xenready::evidence::{Evidence, Origin};
use xenready::knowledge::Knowledge;

fn snapshot(name: &str, relative: &str) -> Value {
    let (value, json, text) = crate::common::import_reports(relative, xenready::import::dmi_file);
    insta::assert_snapshot!(format!("{name}.json"), json);
    insta::assert_snapshot!(format!("{name}.txt"), text);
    value
}

fn has_finding(report: &Value, id: &str) -> bool {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["id"] == id)
}

fn source_status<'a>(report: &'a Value, name: &str) -> &'a str {
    report["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .and_then(|s| s["status"].as_str())
        .unwrap()
}

#[test]
fn dell_poweredge_r630_identity() {
    let r = snapshot(
        "dell-r630",
        "smbios-bin/go-smbios/Dell-PowerEdge-R630-Dual-Xeon.dmi",
    );
    assert_eq!(r["machine"]["vendor"], "Dell Inc.");
    assert_eq!(r["machine"]["product"], "PowerEdge R630");
    assert_eq!(r["machine"]["serial"], "790H8D2");
    assert_eq!(r["machine"]["bios_vendor"], "Dell Inc.");
    assert_eq!(r["machine"]["bios_version"], "2.3.4");
    assert_eq!(r["cpu"]["cores"], 8);
    assert_eq!(r["cpu"]["threads"], 2);
    assert_eq!(r["environment"]["platform"], "bare-metal");
    assert!(!has_finding(&r, "running-in-vm"));
    assert_eq!(source_status(&r, "smbios"), "ok");
}

#[test]
fn hyper_v_table_flags_running_in_vm() {
    let r = snapshot("hyper-v", "smbios-bin/go-smbios/HyperV.dmi");
    assert_eq!(r["machine"]["vendor"], "Microsoft Corporation");
    assert_eq!(r["machine"]["product"], "Virtual Machine");
    assert_eq!(r["environment"]["platform"], "virtual-machine");
    assert!(has_finding(&r, "running-in-vm"));
    // The table has a zero-length structure header part-way: the identity
    // before it decodes, and the source says the rest could not be read.
    assert_eq!(source_status(&r, "smbios"), "partial");
}

#[test]
fn vmware_table_flags_running_in_vm() {
    let r = snapshot("vmware", "smbios-bin/u-root/VMWare.bin");
    assert_eq!(r["machine"]["product"], "VMware Virtual Platform");
    assert_eq!(r["environment"]["hypervisor"], "VMware");
    assert!(has_finding(&r, "running-in-vm"));
}

#[test]
fn supermicro_quad_opteron_identity() {
    let r = snapshot(
        "supermicro-quad-opteron",
        "smbios-bin/go-smbios/SuperMicro-Quad-Opteron.dmi",
    );
    assert_eq!(r["cpu"]["sockets"], 4);
    assert!(r["machine"]["vendor"]
        .as_str()
        .unwrap()
        .contains("Supermicro"));
}

#[test]
fn truncated_and_corrupt_tables_give_partial_or_error_never_panic() {
    let bytes = std::fs::read(fixture(
        "smbios-bin/go-smbios/Dell-PowerEdge-R630-Dual-Xeon.dmi",
    ))
    .unwrap();
    let dir = crate::common::scratch("smbios-cut");
    let knowledge = Knowledge::builtin();
    for cut in [40usize, 200, 1000, bytes.len() / 2, bytes.len() - 3] {
        let path = dir.join(format!("cut-{cut}.bin"));
        std::fs::write(&path, &bytes[..cut]).unwrap();
        let mut evidence = Evidence::new(Origin::Import);
        match xenready::import::dmi_file(&mut evidence, &path) {
            Ok(()) => {
                let report = xenready::analyze(&evidence, knowledge, knowledge.default_target());
                let status = report
                    .sources
                    .iter()
                    .find(|s| s.name == "smbios")
                    .unwrap()
                    .status
                    .as_str();
                assert!(
                    status == "partial" || status == "error",
                    "cut at {cut}: {status}"
                );
            }
            Err(error) => assert!(error.to_string().contains("cut-"), "{error}"),
        }
    }
    let garbage = dir.join("garbage.bin");
    std::fs::write(&garbage, [0xFFu8; 512]).unwrap();
    let mut evidence = Evidence::new(Origin::Import);
    let error = xenready::import::dmi_file(&mut evidence, &garbage).unwrap_err();
    assert!(error.to_string().contains("garbage.bin"));
}
