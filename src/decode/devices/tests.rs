use super::{decode_block, decode_net};
use crate::collect::devices::fake::Tree;
use crate::evidence::{Evidence, Origin};
use std::collections::BTreeMap;

fn files(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn malformed_values_leave_fields_empty_and_say_why() {
    let mut notes = Vec::new();
    let disks = decode_block(
        &files(&[
            ("/sys/block/sda/size", "lots\n"),
            ("/sys/block/sda/removable", "yes"),
            ("/sys/block/sdb/size", "18446744073709551615\n"),
            ("/sys/block/dm-0/size", "2048\n"),
            ("/sys/block/md127/size", "2048\n"),
        ]),
        &mut notes,
    );
    assert_eq!(disks.len(), 4);
    let by_name = |n: &str| disks.iter().find(|d| d.name == n).expect(n);
    assert_eq!(by_name("sda").size_bytes, None);
    assert_eq!(by_name("sda").removable, None);
    // u64::MAX sectors overflows bytes: unknown, not wrapped.
    assert_eq!(by_name("sdb").size_bytes, None);
    assert!(by_name("dm-0").virtual_device && by_name("md127").virtual_device);
    // Without link readings a disk is taken as physical.
    assert!(!by_name("sda").virtual_device);
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(notes[0].note.contains("/sys/block/sda/") && notes[0].source == "block");

    let mut notes = Vec::new();
    let nics = decode_net(
        &files(&[
            ("/sys/class/net/eth0/speed", "fast"),
            ("/sys/class/net/eth0/carrier", "2"),
            ("/sys/class/net/lo/address", "00:00:00:00:00:00"),
            ("/sys/class/net/eth1/speed", "4294967296000"),
        ]),
        &mut notes,
    );
    assert_eq!(nics.len(), 2);
    assert!(nics
        .iter()
        .all(|n| n.speed_mbps.is_none() && n.carrier.is_none()));
    assert_eq!(notes.len(), 1);
}

/// Every prefix of every value of a real-layout tree, and random bytes in
/// their place: decoding never panics.
#[test]
fn truncated_and_garbage_values_never_panic() {
    let mut evidence = Evidence::new(Origin::Live);
    crate::collect::devices::collect(&mut evidence, Tree::server().root());
    let original = evidence.files.clone();
    for (path, text) in &original {
        for cut in 0..=text.len() {
            let Some(prefix) = text.get(..cut) else {
                continue;
            };
            let mut files = original.clone();
            files.insert(path.clone(), prefix.to_string());
            let mut notes = Vec::new();
            decode_block(&files, &mut notes);
            decode_net(&files, &mut notes);
        }
    }
    let mut seed: u64 = 0x5eed;
    for round in 0..200 {
        let mut files = original.clone();
        for text in files.values_mut() {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let len = (seed >> 59) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|i| (seed >> ((i % 8) * 8)) as u8 ^ round as u8)
                .collect();
            *text = String::from_utf8_lossy(&bytes).into_owned();
        }
        files.insert(format!("/sys/block/{round}/"), String::new());
        files.insert("/sys/class/net/".into(), "x".into());
        let mut notes = Vec::new();
        decode_block(&files, &mut notes);
        decode_net(&files, &mut notes);
        assert!(notes.len() <= 6);
    }
}
