use super::fake::Tree;
use crate::evidence::{Evidence, Origin, SourceStatus};

fn collect(tree: &Tree) -> Evidence {
    let mut evidence = Evidence::new(Origin::Live);
    super::collect(&mut evidence, tree.root());
    evidence
}

fn status(evidence: &Evidence, name: &str) -> (SourceStatus, String) {
    let record = evidence.source(name).expect("source recorded");
    (record.status, record.detail.clone())
}

#[test]
fn server_tree_stores_files_and_link_targets_under_machine_paths() {
    let e = collect(&Tree::server());
    assert_eq!(e.file("/sys/block/sda/size"), Some("976773168\n"));
    assert_eq!(e.file("/sys/block/sdb/removable"), Some("1\n"));
    assert_eq!(
        e.file("/sys/block/sda/device/model"),
        Some("ST500DM002-1BD14\n")
    );
    assert_eq!(e.file("/sys/block/sdb/device/vendor"), Some("SanDisk \n"));
    assert!(e
        .file("/sys/block/sdb")
        .is_some_and(|t| t.contains("/usb1/")));
    assert_eq!(
        e.file("/sys/block/md0"),
        Some("../devices/virtual/block/md0")
    );
    assert_eq!(e.file("/sys/block/md0/device"), None);
    assert!(!e.files.keys().any(|k| k.starts_with("/sys/block/loop0")));
    assert_eq!(
        e.file("/sys/class/net/eth0/device/driver"),
        Some("../../../bus/pci/drivers/e1000e")
    );
    assert_eq!(
        e.file("/sys/class/net/eth0/address"),
        Some("00:1E:C9:AA:BB:CC\n")
    );
    assert_eq!(e.file("/sys/class/net/xenbr0/device"), None);
    assert!(!e.files.keys().any(|k| k.starts_with("/sys/class/net/lo")));

    let (block, detail) = status(&e, "block");
    assert_eq!(block, SourceStatus::Ok, "{detail}");
    assert!(detail.starts_with("3 disk(s)"), "{detail}");
    assert!(
        detail.contains("1 loop/ram/zram devices skipped"),
        "{detail}"
    );
    let (net, detail) = status(&e, "net");
    assert_eq!(net, SourceStatus::Ok, "{detail}");
    assert!(detail.starts_with("2 interface(s) besides lo"), "{detail}");
}

#[test]
fn decoded_devices_are_what_a_user_would_check() {
    let e = collect(&Tree::server());
    let facts = crate::decode::decode(&e, crate::knowledge::Knowledge::builtin());
    let disk = |name: &str| facts.storage.iter().find(|d| d.name == name).expect(name);
    let sda = disk("sda");
    assert_eq!(sda.size_bytes, Some(500_107_862_016));
    assert_eq!(sda.model.as_deref(), Some("ST500DM002-1BD14"));
    assert_eq!(sda.vendor.as_deref(), Some("ATA"));
    assert_eq!(sda.rotational, Some(true));
    assert!(sda.is_install_candidate() && !sda.usb);
    let sdb = disk("sdb");
    assert!(sdb.usb && sdb.removable == Some(true) && !sdb.is_install_candidate());
    let md0 = disk("md0");
    assert!(md0.virtual_device && !md0.is_install_candidate());
    assert_eq!(facts.storage.len(), 3);

    let eth0 = facts
        .network
        .iter()
        .find(|n| n.name == "eth0")
        .expect("eth0");
    assert_eq!(eth0.driver.as_deref(), Some("e1000e"));
    assert_eq!(eth0.mac.as_deref(), Some("00:1e:c9:aa:bb:cc"));
    assert_eq!(eth0.speed_mbps, Some(1000));
    assert!(eth0.has_link() && !eth0.virtual_device);
    let bridge = facts
        .network
        .iter()
        .find(|n| n.name == "xenbr0")
        .expect("xenbr0");
    assert!(bridge.virtual_device && bridge.driver.is_none());
    assert_eq!(facts.network.len(), 2);
}

#[test]
fn a_down_interface_has_no_speed_or_carrier_and_that_is_not_a_failure() {
    let tree = Tree::new("devices-down");
    tree.interface(
        "eth1",
        Some("tg3"),
        &[
            ("address", "00:10:18:00:00:01\n"),
            ("operstate", "down\n"),
            ("speed", "-1\n"),
        ],
    );
    let e = collect(&tree);
    assert_eq!(status(&e, "net").0, SourceStatus::Ok);
    let facts = crate::decode::decode(&e, crate::knowledge::Knowledge::builtin());
    let eth1 = &facts.network[0];
    assert_eq!((eth1.carrier, eth1.speed_mbps), (None, None));
    assert!(!eth1.has_link() && !eth1.virtual_device);
    assert_eq!(eth1.driver.as_deref(), Some("tg3"));
}

#[test]
fn missing_and_empty_directories() {
    let empty = Tree::new("devices-empty");
    let e = collect(&empty);
    assert_eq!(
        status(&e, "block"),
        (SourceStatus::Ok, "0 disk(s), 0 readings".into())
    );
    assert_eq!(status(&e, "net").0, SourceStatus::Ok);

    let bare = crate::collect::procfs::scratch::ScratchDir::new("devices-none");
    let mut e = Evidence::new(Origin::Live);
    super::collect(&mut e, bare.path());
    let (block, detail) = status(&e, "block");
    assert_eq!(block, SourceStatus::Absent);
    assert!(
        detail.contains("/sys/block") && detail.contains("ENOENT"),
        "{detail}"
    );
    assert_eq!(status(&e, "net").0, SourceStatus::Absent);
}

/// A tree copied with links dereferenced (`cp -rL`): `device` is a
/// directory, which still marks a physical device.
#[test]
fn dereferenced_copy_keeps_devices_physical() {
    let tree = Tree::new("devices-copied");
    tree.0.put("/sys/block/sda/size", b"100000000\n");
    tree.0.put("/sys/block/sda/removable", b"0\n");
    tree.0.put("/sys/block/sda/device/model", b"PERC H710\n");
    tree.0
        .put("/sys/class/net/eth0/address", b"aa:bb:cc:dd:ee:ff\n");
    tree.0.put("/sys/class/net/eth0/device/vendor", b"0x8086\n");
    let e = collect(&tree);
    assert_eq!(e.file("/sys/block/sda/device"), Some(""));
    let facts = crate::decode::decode(&e, crate::knowledge::Knowledge::builtin());
    assert!(facts.storage[0].is_install_candidate());
    assert!(!facts.network[0].virtual_device);
    assert_eq!(facts.network[0].driver, None);
}
