//! Processor sockets (type 4): what sits in each socket and what the
//! firmware says the CPU can do.

use super::names;
use crate::facts::ProcessorSocket;
use crate::formats::smbios::strings::field;
use smbioslib::{
    CoreCount, CoreCount2, CoresEnabled, CoresEnabled2, ProcessorSpeed, SMBiosProcessorInformation,
    ThreadCount, ThreadCount2,
};

pub fn socket(s: &SMBiosProcessorInformation<'_>) -> ProcessorSocket {
    let status = s.status().map(|st| st.raw);
    let populated = status.is_some_and(|raw| raw & 0x40 != 0);
    let mut socket = ProcessorSocket {
        socket: field(s.socket_designation()),
        populated,
        status: status.map(|raw| names::cpu_status(raw).to_string()),
        max_speed_mhz: s.max_speed().and_then(mhz),
        ..ProcessorSocket::default()
    };
    // An empty socket's CPU fields are leftovers (zeros, "Not Specified"),
    // not facts about a CPU.
    if !populated {
        return socket;
    }
    socket.manufacturer = field(s.processor_manufacturer());
    socket.version = field(s.processor_version());
    socket.current_speed_mhz = s.current_speed().and_then(mhz);
    socket.core_count = core_count(s);
    socket.core_enabled = cores_enabled(s);
    socket.thread_count = thread_count(s);

    // Characteristics exist from SMBIOS 2.5; bit 1 set means "unknown".
    if let Some(bits) = s
        .processor_characteristics()
        .filter(|c| c.raw & 0x0002 == 0)
    {
        socket.is_64bit_capable = Some(bits.bit_64capable());
        socket.hardware_thread = Some(bits.hardware_thread());
        socket.execute_protection = Some(bits.execute_protection());
        socket.enhanced_virtualization = Some(bits.enhanced_virtualization());
    }

    // On x86 the processor ID is CPUID leaf 1: EAX then EDX, little-endian.
    if let Some(id) = s.processor_id().filter(|id| id.iter().any(|&b| b != 0)) {
        socket.cpuid_signature = Some(u32::from_le_bytes([id[0], id[1], id[2], id[3]]));
        socket.cpuid_edx = Some(u32::from_le_bytes([id[4], id[5], id[6], id[7]]));
    }
    socket
}

fn mhz(speed: ProcessorSpeed) -> Option<u16> {
    match speed {
        ProcessorSpeed::MHz(n) => Some(n),
        ProcessorSpeed::Unknown => None,
    }
}

// The 8-bit counts say 0xFF when the real value (256 or more) sits in the
// 16-bit field added in SMBIOS 3.0.
fn core_count(s: &SMBiosProcessorInformation<'_>) -> Option<u16> {
    match s.core_count()? {
        CoreCount::Count(n) => Some(u16::from(n)),
        CoreCount::SeeCoreCount2 => match s.core_count_2()? {
            CoreCount2::Count(n) => Some(n),
            CoreCount2::Unknown | CoreCount2::Reserved => None,
        },
        CoreCount::Unknown => None,
    }
}

fn cores_enabled(s: &SMBiosProcessorInformation<'_>) -> Option<u16> {
    match s.cores_enabled()? {
        CoresEnabled::Count(n) => Some(u16::from(n)),
        CoresEnabled::SeeCoresEnabled2 => match s.cores_enabled_2()? {
            CoresEnabled2::Count(n) => Some(n),
            CoresEnabled2::Unknown | CoresEnabled2::Reserved => None,
        },
        CoresEnabled::Unknown => None,
    }
}

fn thread_count(s: &SMBiosProcessorInformation<'_>) -> Option<u16> {
    match s.thread_count()? {
        ThreadCount::Count(n) => Some(u16::from(n)),
        ThreadCount::SeeThreadCount2 => match s.thread_count_2()? {
            ThreadCount2::Count(n) => Some(n),
            ThreadCount2::Unknown | ThreadCount2::Reserved => None,
        },
        ThreadCount::Unknown => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use smbioslib::{SMBiosStruct, UndefinedStruct};

    /// A type 4 structure of SMBIOS 3.0 length (0x30), strings "CPU1",
    /// "Intel", "Xeon".
    fn type4(status: u8, count: u8, count2: u16, characteristics: u16) -> Vec<u8> {
        let mut s = vec![0u8; 0x30];
        s[0] = 4;
        s[1] = 0x30;
        s[0x04] = 1;
        s[0x07] = 2;
        s[0x08..0x10].copy_from_slice(&[0xF2, 0x06, 0x03, 0x00, 0xFF, 0xFB, 0xEB, 0xBF]);
        s[0x10] = 3;
        s[0x14..0x16].copy_from_slice(&4000u16.to_le_bytes());
        s[0x16..0x18].copy_from_slice(&2400u16.to_le_bytes());
        s[0x18] = status;
        s[0x23] = count;
        s[0x24] = count;
        s[0x25] = count;
        s[0x26..0x28].copy_from_slice(&characteristics.to_le_bytes());
        for offset in [0x2A, 0x2C, 0x2E] {
            s[offset..offset + 2].copy_from_slice(&count2.to_le_bytes());
        }
        s.extend_from_slice(b"CPU1\0Intel\0Xeon\0\0");
        s
    }

    fn decode(bytes: &[u8]) -> ProcessorSocket {
        let parts = UndefinedStruct::new(&bytes.to_vec());
        socket(&SMBiosProcessorInformation::new(&parts))
    }

    #[test]
    fn reads_counts_above_255_from_the_16_bit_fields() {
        let cpu = decode(&type4(0x41, 0xFF, 288, 0x00FC));
        assert_eq!(cpu.core_count, Some(288));
        assert_eq!(cpu.core_enabled, Some(288));
        assert_eq!(cpu.thread_count, Some(288));
    }

    #[test]
    fn decodes_a_populated_socket() {
        let cpu = decode(&type4(0x41, 8, 8, 0x00EC));
        assert_eq!(cpu.socket.as_deref(), Some("CPU1"));
        assert!(cpu.populated);
        assert_eq!(cpu.status.as_deref(), Some("enabled"));
        assert_eq!(cpu.version.as_deref(), Some("Xeon"));
        assert_eq!(
            (cpu.max_speed_mhz, cpu.current_speed_mhz),
            (Some(4000), Some(2400))
        );
        assert_eq!(cpu.core_count, Some(8));
        // 0xEC: 64-bit, (multi-core,) no hardware thread, NX, VT.
        assert_eq!(cpu.is_64bit_capable, Some(true));
        assert_eq!(cpu.hardware_thread, Some(false));
        assert_eq!(cpu.execute_protection, Some(true));
        assert_eq!(cpu.enhanced_virtualization, Some(true));
        assert_eq!(cpu.cpuid_signature, Some(0x0003_06F2));
        assert_eq!(cpu.cpuid_edx, Some(0xBFEB_FBFF));
    }

    #[test]
    fn an_empty_socket_says_nothing_about_a_cpu() {
        let cpu = decode(&type4(0x00, 0, 0, 0x0004));
        assert!(!cpu.populated);
        assert_eq!(cpu.status.as_deref(), Some("unpopulated"));
        assert_eq!(cpu.socket.as_deref(), Some("CPU1"));
        assert_eq!(
            (cpu.version, cpu.cpuid_signature, cpu.is_64bit_capable),
            (None, None, None)
        );
    }

    #[test]
    fn unknown_characteristics_stay_unknown() {
        let cpu = decode(&type4(0x41, 8, 8, 0x0002));
        assert_eq!(cpu.is_64bit_capable, None);
        assert_eq!(cpu.enhanced_virtualization, None);
    }
}
