//! The structure types xenready reads, from their dmidecode wording into
//! the same facts the binary decoder produces. Key lists name the pre-2.0
//! wording second (`Vendor` for `Manufacturer`, `Release` for `Release
//! Date`).

use crate::facts::{
    BaseboardInfo, BiosInfo, ChassisInfo, MemoryArray, MemoryDevice, ProcessorSocket, SystemInfo,
};
use crate::formats::dmidecode_text::lexer::Structure;
use crate::formats::dmidecode_text::values::{self, clean, leading_number, SignatureStyle};

fn text(s: &Structure, keys: &[&str]) -> Option<String> {
    s.value(keys).and_then(clean)
}

/// An enumerated value (`Error Correction Type: None`, `Type: Other`),
/// where "None" and "Other" are answers and only "Unknown" says nothing.
fn word(s: &Structure, keys: &[&str]) -> Option<String> {
    s.value(keys)
        .map(str::trim)
        .filter(|v| !v.is_empty() && !v.eq_ignore_ascii_case("Unknown"))
        .filter(|v| !(v.starts_with('<') && v.ends_with('>')))
        .map(str::to_string)
}

fn number<T: TryFrom<u64>>(s: &Structure, keys: &[&str]) -> Option<T> {
    s.value(keys)
        .and_then(leading_number)
        .filter(|&n| n > 0)
        .and_then(|n| T::try_from(n).ok())
}

pub fn bios(s: &Structure) -> BiosInfo {
    BiosInfo {
        vendor: text(s, &["Vendor"]),
        version: text(s, &["Version"]),
        release_date: text(s, &["Release Date", "Release"]),
    }
}

pub fn system(s: &Structure) -> SystemInfo {
    SystemInfo {
        manufacturer: text(s, &["Manufacturer", "Vendor"]),
        product: text(s, &["Product Name", "Product"]),
        version: text(s, &["Version"]),
        serial: text(s, &["Serial Number"]),
        // Lower case, as the binary decoder writes it, so a fleet
        // comparison matches the same machine read both ways.
        uuid: text(s, &["UUID"])
            .filter(|u| u.len() == 36 && u.chars().all(|c| c == '-' || c.is_ascii_hexdigit()))
            .filter(|u| !u.chars().all(|c| c == '-' || c == '0'))
            .filter(|u| !u.chars().all(|c| c == '-' || c == 'F' || c == 'f'))
            .map(|u| u.to_ascii_lowercase()),
        sku: text(s, &["SKU Number"]),
        family: text(s, &["Family"]),
    }
}

pub fn baseboard(s: &Structure) -> BaseboardInfo {
    BaseboardInfo {
        manufacturer: text(s, &["Manufacturer", "Vendor"]),
        product: text(s, &["Product Name", "Product"]),
        version: text(s, &["Version"]),
        serial: text(s, &["Serial Number"]),
    }
}

pub fn chassis(s: &Structure) -> ChassisInfo {
    ChassisInfo {
        manufacturer: text(s, &["Manufacturer", "Vendor"]),
        kind: word(s, &["Type", "Chassis Type"]),
        serial: text(s, &["Serial Number"]),
        asset_tag: text(s, &["Asset Tag"]),
    }
}

/// The `Status:` line in the binary decoder's words: `Populated, Enabled`
/// → (true, "enabled").
fn cpu_status(text: &str) -> (bool, Option<String>) {
    let Some(rest) = text.strip_prefix("Populated") else {
        let unpopulated = text.eq_ignore_ascii_case("Unpopulated");
        return (false, unpopulated.then(|| "unpopulated".to_string()));
    };
    let state = rest.trim_start_matches([',', ' ']);
    let word = match state {
        "Enabled" => "enabled",
        "Disabled By User" => "disabled by user (BIOS setup)",
        "Disabled By BIOS" => "disabled by BIOS (POST error)",
        "Idle" => "idle",
        "Other" => "other",
        "Unknown" | "" => "unknown",
        _ => "reserved",
    };
    (true, Some(word.to_string()))
}

/// `style` is how this dmidecode version writes the `Signature:` line.
pub fn processor(s: &Structure, style: SignatureStyle, notes: &mut Vec<String>) -> ProcessorSocket {
    let (populated, status) = s
        .value(&["Status"])
        .map(cpu_status)
        .unwrap_or((false, None));
    let mut socket = ProcessorSocket {
        socket: text(s, &["Socket Designation"]),
        populated,
        status,
        max_speed_mhz: number(s, &["Max Speed"]),
        ..ProcessorSocket::default()
    };
    // An empty socket's CPU fields are leftovers, not facts about a CPU.
    // Without any Status line (pre-2.0 output) keep what is there.
    if !populated && socket.status.is_some() {
        return socket;
    }
    socket.manufacturer = text(s, &["Manufacturer", "Processor Manufacturer"]);
    socket.version = text(s, &["Version", "Processor Version"]);
    socket.current_speed_mhz = number(s, &["Current Speed"]);
    socket.core_count = number(s, &["Core Count"]);
    socket.core_enabled = number(s, &["Core Enabled"]);
    socket.thread_count = number(s, &["Thread Count"]);

    // dmidecode prints "None" both for an empty word and for one whose
    // only bit is "unknown", so "None" says nothing either way.
    if let Some(list) = s
        .field(&["Characteristics"])
        .filter(|f| !f.items.is_empty())
    {
        let has = |name: &str| Some(list.items.iter().any(|i| i.eq_ignore_ascii_case(name)));
        socket.is_64bit_capable = has("64-bit capable");
        socket.hardware_thread = has("Hardware Thread");
        socket.execute_protection = has("Execute Protection");
        socket.enhanced_virtualization = has("Enhanced Virtualization");
    }

    let id = s.value(&["ID"]).and_then(values::processor_id);
    let signature = s
        .value(&["Signature"])
        .and_then(|line| values::signature(line, style));
    if let (Some((eax, _)), Some(sig), Some(line)) = (id, signature, s.value(&["Signature"])) {
        if eax & values::signature_bits(line, style, eax) != sig {
            notes.push(format!(
                "{}: the ID bytes say signature {eax:#x}, the Signature line {sig:#x}; \
                 using the ID bytes",
                socket.socket.as_deref().unwrap_or("a processor socket")
            ));
        }
    }
    socket.cpuid_signature = id.map(|(eax, _)| eax).or(signature);
    socket.cpuid_edx = id.map(|(_, edx)| edx);
    socket
}

pub fn memory_array(s: &Structure) -> MemoryArray {
    MemoryArray {
        usage: word(s, &["Use"]),
        error_correction: word(s, &["Error Correction Type"]),
        max_capacity_bytes: s.value(&["Maximum Capacity"]).and_then(values::size_bytes),
        slots: number(s, &["Number Of Devices"]),
    }
}

pub fn memory_device(s: &Structure) -> MemoryDevice {
    let size_bytes = s.value(&["Size"]).and_then(values::size_bytes);
    let mut device = MemoryDevice {
        locator: text(s, &["Locator"]),
        bank: text(s, &["Bank Locator"]),
        size_bytes,
        ..MemoryDevice::default()
    };
    // An empty slot's type, speed and part fields describe no module.
    if size_bytes.is_some() {
        device.memory_type = word(s, &["Type"]);
        device.speed_mts = number(s, &["Speed"]);
        device.manufacturer = text(s, &["Manufacturer"]);
        device.part_number = text(s, &["Part Number"]);
    }
    device
}
