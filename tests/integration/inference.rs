//! Real InstLatx64/AIDA64 CPUID dumps through the public pipeline
//! (`import::cpuid_file` → `analyze`), asserting what a user reads in the
//! report: inference fills what the dump cannot show and never overrides
//! what it does show.

use std::path::Path;
use xenready::evidence::{Evidence, Origin};
use xenready::knowledge::Knowledge;
use xenready::model::{CapState, Platform, Silicon, Verdict};
use xenready::report::Report;

const DUMPS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/corpus/cpuid/instlatx64/"
);

fn report(file: &str, target: &str) -> Report {
    let mut evidence = Evidence::new(Origin::Import);
    let path = Path::new(DUMPS).join(file);
    if let Err(error) = xenready::import::cpuid_file(&mut evidence, &path) {
        panic!("{file}: {error}");
    }
    let knowledge = Knowledge::builtin();
    let Some(target) = knowledge.target(target) else {
        panic!("no target {target}");
    };
    xenready::analyze(&evidence, knowledge, target)
}

fn says_inferred(evidence: &[String], words: &str) -> bool {
    evidence
        .iter()
        .any(|e| e.contains("inferred") && e.contains(words))
}

#[test]
fn sandy_bridge_with_nx_hidden_reads_nx_disabled_in_firmware() {
    let r = report("GenuineIntel00206A7_SandyBridge4_CPUID.txt", "xen");
    let nx = &r.capabilities.nx;
    assert_eq!(nx.state, CapState::DisabledInFirmware, "{:?}", nx.evidence);
    assert!(says_inferred(&nx.evidence, "Sandy Bridge"));
}

#[test]
fn beckton_in_a_vm_has_vt_x_hidden_by_the_hypervisor() {
    let r = report("GenuineIntel00206E6_Beckton_CPUID.txt", "xen");
    assert_eq!(r.environment.platform, Platform::VirtualMachine);
    assert!(r.findings.iter().any(|f| f.id == "running-in-vm"));
    let hvm = &r.capabilities.hvm;
    assert_ne!(hvm.state, CapState::Unsupported);
    assert_eq!(hvm.silicon, Silicon::Yes);
    assert!(
        says_inferred(&hvm.evidence, "hidden by the hypervisor"),
        "{:?}",
        hvm.evidence
    );
}

#[test]
fn beckton_on_bare_metal_shows_vt_x_itself() {
    let r = report("GenuineIntel00206E5_Beckton_CPUID.txt", "xen");
    let hvm = &r.capabilities.hvm;
    assert_eq!(hvm.silicon, Silicon::Yes);
    assert!(hvm
        .evidence
        .iter()
        .any(|e| e.contains("VMX") && !e.contains("inferred")));
}

#[test]
fn nehalem_ep_without_vmx_msrs_has_hap_supported_by_inference() {
    let r = report("GenuineIntel00106A2_Nehalem-EP_CPUID.txt", "xen");
    let hap = &r.capabilities.hap;
    assert_eq!(hap.state, CapState::Supported, "{:?}", hap.evidence);
    assert!(says_inferred(&hap.evidence, "Nehalem-EP"));
}

#[test]
fn celeron_420_conroe_l_has_no_vt_x() {
    let r = report("GenuineIntel0010661_ConroeL_CPUID.txt", "xen");
    assert_eq!(r.capabilities.hvm.state, CapState::Unsupported);
}

#[test]
fn pentium_t4200_penryn_has_no_vt_x() {
    let r = report("GenuineIntel001067A_Penryn_CPUID.txt", "xen");
    assert_eq!(r.capabilities.hvm.state, CapState::Unsupported);
}

#[test]
fn woodcrest_is_limited_upstream_and_not_suitable_for_xcp_ng_8_3() {
    let upstream = report("GenuineIntel00006F4_Woodcrest_CPUID.txt", "xen");
    assert_eq!(upstream.verdict, Verdict::Limited);
    let xcp = report("GenuineIntel00006F4_Woodcrest_CPUID.txt", "xcp-ng-8.3");
    assert_eq!(xcp.verdict, Verdict::NotSuitable);
    let ids: Vec<&str> = xcp.targets.iter().map(|(id, _)| id).collect();
    assert_eq!(
        ids,
        [
            "xen",
            "xenserver-6.5",
            "xenserver-8",
            "citrix-hypervisor-8.2",
            "xcp-ng-8.2",
            "xcp-ng-8.3"
        ]
    );
    // The matrix is the same whichever target heads the report.
    assert_eq!(upstream.targets, xcp.targets);
}
