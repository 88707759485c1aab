//! disk-below-minimum, no-network-interface and network-link-down over
//! fake sysfs trees laid out as the kernel lays them out.

use crate::collect::devices::fake::Tree;
use crate::evidence::{Evidence, Origin};
use crate::knowledge::{Knowledge, Target};
use crate::model::Finding;

fn findings_for(tree: &Tree, target: &Target) -> Vec<Finding> {
    let mut evidence = Evidence::new(Origin::Live);
    crate::collect::devices::collect(&mut evidence, tree.root());
    crate::analyze(&evidence, Knowledge::builtin(), target).findings
}

/// XCP-ng 8.3: a target with a published disk minimum (46 GB).
fn findings(tree: &Tree) -> Vec<Finding> {
    let knowledge = Knowledge::builtin();
    findings_for(tree, knowledge.target("xcp-ng-8.3").expect("target exists"))
}

fn find<'a>(findings: &'a [Finding], id: &str) -> Option<&'a Finding> {
    findings.iter().find(|f| f.id == id)
}

const GIB_SECTORS: u64 = (1 << 30) / 512;

#[test]
fn a_server_with_a_big_disk_and_a_cabled_nic_passes() {
    let all = findings(&Tree::server());
    for id in [
        "disk-below-minimum",
        "no-network-interface",
        "network-link-down",
    ] {
        assert!(find(&all, id).is_none(), "{id}: {all:?}");
    }
}

/// The installer floors sectors to GiB: a disk sold as 46 GB is 42 "GB" to
/// it, below XCP-ng's 46; 46 GiB exactly passes.
#[test]
fn a_46_gb_disk_is_42_gib_as_the_installer_counts_and_too_small() {
    let tree = Tree::new("checks-46gb-disk");
    tree.sata_disk("sda", 46_000_000_000 / 512);
    let all = findings(&tree);
    let f = find(&all, "disk-below-minimum").expect("a 46x10^9-byte disk is too small");
    assert!(
        f.detail
            .contains("has 42 GiB as installers count (46.0 GB)"),
        "{}",
        f.detail
    );
    let exact = Tree::new("checks-46gib-disk");
    exact.sata_disk("sda", 46 * GIB_SECTORS);
    assert!(find(&findings(&exact), "disk-below-minimum").is_none());
}

#[test]
fn the_usb_stick_the_probe_booted_from_is_not_the_install_disk() {
    let tree = Tree::new("checks-small-disk");
    tree.sata_disk("sda", 30 * GIB_SECTORS);
    tree.usb_stick("sdb", 64 * GIB_SECTORS);
    let all = findings(&tree);
    let f = find(&all, "disk-below-minimum").expect("small disk flagged");
    assert_eq!(
        f.detail,
        "The largest fixed disk has 30 GiB as installers count (32.2 GB); XCP-ng 8.3 needs 46 GiB, as its installer counts."
    );
    assert!(f.evidence.iter().any(|e| e
        .starts_with("block: sdb 64 GiB as installers count (68.7 GB) \"SanDisk Cruzer Blade\" (removable, not counted, USB")));
    assert!(f
        .remedy
        .iter()
        .any(|r| r.starts_with("sdb is large enough but removable")));

    let only_stick = Tree::new("checks-only-stick");
    only_stick.usb_stick("sda", 64 * GIB_SECTORS);
    let all = findings(&only_stick);
    let f = find(&all, "disk-below-minimum").expect("no fixed disk");
    assert!(
        f.detail.starts_with("No fixed disk was found"),
        "{}",
        f.detail
    );
    assert!(f.remedy.iter().any(|r| r.contains("RAID controller")));
}

#[test]
fn no_minimum_or_no_block_source_means_no_disk_finding() {
    let tree = Tree::new("checks-tiny-disk");
    tree.sata_disk("sda", GIB_SECTORS);
    let mut target = Knowledge::builtin().default_target().clone();
    target.min_disk_gb = None;
    assert!(find(&findings_for(&tree, &target), "disk-below-minimum").is_none());

    let bare = crate::collect::procfs::scratch::ScratchDir::new("checks-no-sys");
    let mut evidence = Evidence::new(Origin::Live);
    crate::collect::devices::collect(&mut evidence, bare.path());
    let knowledge = Knowledge::builtin();
    let all = crate::analyze(&evidence, knowledge, knowledge.default_target()).findings;
    assert!(find(&all, "disk-below-minimum").is_none());
    assert!(find(&all, "no-network-interface").is_none());
}

#[test]
fn only_virtual_interfaces_means_no_network_card() {
    let tree = Tree::new("checks-bridge-only");
    tree.sata_disk("sda", 100 * GIB_SECTORS);
    tree.interface(
        "xenbr0",
        None,
        &[("operstate", "unknown\n"), ("carrier", "1\n")],
    );
    tree.interface("lo", None, &[("operstate", "unknown\n")]);
    let all = findings(&tree);
    let f = find(&all, "no-network-interface").expect("no physical NIC");
    assert_eq!(f.evidence, ["net: xenbr0 is virtual (no device behind it)"]);
    assert!(find(&all, "network-link-down").is_none());
}

#[test]
fn physical_nics_without_link_warn_only_when_a_link_is_known_down() {
    let tree = Tree::new("checks-unplugged");
    tree.interface(
        "eth0",
        Some("bnx2"),
        &[
            ("address", "00:10:18:aa:bb:cc\n"),
            ("operstate", "down\n"),
            ("carrier", "0\n"),
        ],
    );
    let all = findings(&tree);
    let f = find(&all, "network-link-down").expect("link down");
    assert_eq!(f.severity, crate::model::Severity::Warning);
    assert_eq!(
        f.evidence,
        ["net: eth0 (bnx2, 00:10:18:aa:bb:cc): no carrier"]
    );
    assert!(find(&all, "no-network-interface").is_none());

    // Left down by the probe system: the link is unknown, not missing.
    let idle = Tree::new("checks-admin-down");
    idle.interface("eth0", Some("e1000e"), &[("operstate", "down\n")]);
    assert!(find(&findings(&idle), "network-link-down").is_none());
}
