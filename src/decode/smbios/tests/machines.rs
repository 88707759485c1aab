//! Identity, sockets and memory of named machines, as their captures'
//! companions (go-smbios JSON, the vendor's own model names) state them.

use super::{decode, decoded, import};

const GIB: u64 = 1 << 30;

#[test]
fn dell_poweredge_r630() {
    let facts = decoded("go-smbios/Dell-PowerEdge-R630-Dual-Xeon.dmi");
    let system = facts.system.as_ref().unwrap();
    assert_eq!(system.manufacturer.as_deref(), Some("Dell Inc."));
    assert_eq!(system.product.as_deref(), Some("PowerEdge R630"));
    assert_eq!(system.serial.as_deref(), Some("790H8D2"));
    assert_eq!(
        system.uuid.as_deref(),
        Some("4c4c4544-0039-3010-8048-b7c04f384432")
    );
    let bios = facts.bios.as_ref().unwrap();
    assert_eq!(bios.vendor.as_deref(), Some("Dell Inc."));
    assert_eq!(bios.version.as_deref(), Some("2.3.4"));
    assert_eq!(bios.release_date.as_deref(), Some("11/08/2016"));
    assert_eq!(
        facts.baseboard.as_ref().unwrap().product.as_deref(),
        Some("02C2CP")
    );
    let chassis = facts.chassis.as_ref().unwrap();
    assert_eq!(chassis.kind.as_deref(), Some("Rack Mount Chassis"));
    assert_eq!(chassis.serial.as_deref(), Some("790H8D2"));

    // Two sockets, but the capture has a CPU in CPU1 only (status 0x41
    // and 0x00 in go-smbios's own decode).
    assert_eq!(facts.processors.len(), 2);
    assert_eq!(facts.populated_sockets(), 1);
    let cpu = &facts.processors[0];
    assert_eq!(cpu.socket.as_deref(), Some("CPU1"));
    assert_eq!(
        cpu.version.as_deref(),
        Some("Intel(R) Xeon(R) CPU E5-2630 v3 @ 2.40GHz")
    );
    assert_eq!(
        (cpu.core_count, cpu.core_enabled, cpu.thread_count),
        (Some(8), Some(8), Some(16))
    );
    assert_eq!(cpu.current_speed_mhz, Some(2400));
    assert_eq!(cpu.enhanced_virtualization, Some(true));
    assert_eq!(cpu.is_64bit_capable, Some(true));
    // Haswell-EP, family 6 model 0x3F stepping 2.
    assert_eq!(cpu.cpuid_signature, Some(0x306F2));
    let empty = &facts.processors[1];
    assert_eq!(empty.socket.as_deref(), Some("CPU2"));
    assert!(!empty.populated);
    assert_eq!(empty.core_count, None);

    // 24 slots, two 16 GiB DDR4 DIMMs in A3 and A4.
    assert_eq!(facts.memory_devices.len(), 24);
    assert_eq!(facts.installed_memory_bytes(), Some(32 * GIB));
    let dimm = facts
        .memory_devices
        .iter()
        .find(|d| d.size_bytes.is_some())
        .unwrap();
    assert_eq!(dimm.locator.as_deref(), Some("A3"));
    assert_eq!(dimm.memory_type.as_deref(), Some("DDR4"));
    assert_eq!(dimm.speed_mts, Some(2400));
    assert_eq!(dimm.part_number.as_deref(), Some("18ASF2G72PDZ-2G3B1"));
    let array = &facts.memory_arrays[0];
    assert_eq!(array.error_correction.as_deref(), Some("Multi-bit ECC"));
    assert_eq!(array.slots, Some(24));
    // 8000_0000h in the 32-bit field: the 3 TiB comes from the extended one.
    assert_eq!(array.max_capacity_bytes, Some(3 << 40));
}

#[test]
fn hyperv_identity_survives_its_broken_structure() {
    let mut notes = Vec::new();
    let facts = decode(&import("go-smbios/HyperV.dmi"), &mut notes).unwrap();
    let system = facts.system.unwrap();
    assert_eq!(
        system.manufacturer.as_deref(),
        Some("Microsoft Corporation")
    );
    assert_eq!(system.product.as_deref(), Some("Virtual Machine"));
    assert_eq!(
        system.uuid.as_deref(),
        Some("b26849ef-4fb0-4e03-a9d1-1a165a40c8d7")
    );
    assert_eq!(facts.bios.unwrap().version.as_deref(), Some("090008"));
    // Everything after offset 0x1de is lost, and the user is told.
    assert!(facts.processors.is_empty());
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].source, "smbios");
    assert!(notes[0].note.contains("offset 0x1de"), "{}", notes[0].note);
}

#[test]
fn vmware_virtual_platform() {
    let facts = decoded("u-root/VMWare.bin");
    assert_eq!(facts.version, Some((2, 7)));
    let system = facts.system.unwrap();
    assert_eq!(system.manufacturer.as_deref(), Some("VMware, Inc."));
    assert_eq!(system.product.as_deref(), Some("VMware Virtual Platform"));
    assert_eq!(
        system.version, None,
        "VMware writes the placeholder \"None\""
    );
}

#[test]
fn supermicro_dual_xeon() {
    let facts = decoded("go-smbios/SuperMicro-Dual-Xeon.dmi");
    let system = facts.system.as_ref().unwrap();
    assert_eq!(system.manufacturer.as_deref(), Some("Supermicro"));
    assert_eq!(system.product.as_deref(), Some("SYS-1027R-WRF"));
    assert_eq!(system.serial.as_deref(), Some("E09626824801435"));
    assert_eq!(system.version, None, "\"0123456789\" is a placeholder");
    assert_eq!(
        facts.baseboard.as_ref().unwrap().product.as_deref(),
        Some("X9DRW")
    );
    let bios = facts.bios.as_ref().unwrap();
    assert_eq!(bios.version.as_deref(), Some("3.0c"));
    assert_eq!(bios.release_date.as_deref(), Some("03/24/2014"));
    assert_eq!(facts.populated_sockets(), 2);
    for cpu in &facts.processors {
        assert_eq!(
            cpu.version.as_deref(),
            Some("Intel(R) Xeon(R) CPU E5-2650 v2 @ 2.60GHz")
        );
        assert_eq!((cpu.core_count, cpu.thread_count), (Some(8), Some(16)));
    }
    assert_eq!(facts.installed_memory_bytes(), Some(64 * GIB));
}

#[test]
fn supermicro_quad_opteron() {
    let facts = decoded("go-smbios/SuperMicro-Quad-Opteron.dmi");
    let system = facts.system.as_ref().unwrap();
    assert_eq!(system.manufacturer.as_deref(), Some("Supermicro"));
    assert_eq!(system.product.as_deref(), Some("H8QG6"));
    assert_eq!(system.family.as_deref(), Some("Server"));
    assert_eq!(system.serial, None, "\"1234567890\" is a placeholder");
    assert_eq!(facts.populated_sockets(), 4);
    for cpu in &facts.processors {
        assert_eq!(
            cpu.version.as_deref(),
            Some("AMD Opteron(tm) Processor 6174")
        );
        assert_eq!((cpu.core_count, cpu.thread_count), (Some(12), Some(12)));
        // Magny-Cours: family 0x10 model 9 (0x100F91), no SMT.
        assert_eq!(cpu.cpuid_signature, Some(0x0010_0F91));
        assert_eq!(cpu.hardware_thread, Some(false));
    }
    assert_eq!(facts.installed_memory_bytes(), Some(128 * GIB));
}

#[test]
fn extended_dimm_sizes_of_the_asrock_ryzen() {
    // Two 32 GiB DIMMs whose size word is 7FFFh (see the extended size).
    let facts = decoded("go-smbios/ASRock-Single-Ryzen.dmi");
    assert_eq!(facts.installed_memory_bytes(), Some(64 * GIB));
    assert_eq!(facts.processors[0].thread_count, Some(24));
}

#[test]
fn windows_rsmb_blob_of_a_surface_laptop() {
    let facts = decoded("smbios-lib/jeffgerlap_3_2_0.dat");
    assert_eq!(facts.version, Some((3, 2)));
    let system = facts.system.unwrap();
    assert_eq!(
        system.manufacturer.as_deref(),
        Some("Microsoft Corporation")
    );
    assert_eq!(system.product.as_deref(), Some("Surface Laptop 3"));
    assert_eq!(facts.chassis.unwrap().kind.as_deref(), Some("Laptop"));
}

#[test]
fn beelink_dump_without_end_marker_decodes_but_says_so() {
    let mut notes = Vec::new();
    let facts = decode(&import("go-smbios/Beelink-EQ12.dmi"), &mut notes).unwrap();
    assert_eq!(facts.system.unwrap().product.as_deref(), Some("EQ"));
    assert_eq!(
        facts.processors[0].version.as_deref(),
        Some("Intel(R) N100")
    );
    assert!(
        notes.iter().any(|n| n.note.contains("type 127")),
        "{notes:?}"
    );
}
