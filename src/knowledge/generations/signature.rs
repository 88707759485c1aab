//! The processor signature (CPUID leaf 1 EAX, also in SMBIOS type 4).

/// CPUID leaf 1 EAX → display (family, model, stepping), as Intel and AMD
/// define them (extended fields count only for base family 0xF, and for
/// Intel family 6).
pub fn decode_signature(eax: u32) -> (u32, u32, u32) {
    let stepping = eax & 0xF;
    let base_model = (eax >> 4) & 0xF;
    let base_family = (eax >> 8) & 0xF;
    let ext_model = (eax >> 16) & 0xF;
    let ext_family = (eax >> 20) & 0xFF;
    let family = if base_family == 0xF {
        base_family + ext_family
    } else {
        base_family
    };
    let model = if base_family == 0xF || base_family == 6 {
        (ext_model << 4) | base_model
    } else {
        base_model
    };
    (family, model, stepping)
}

/// The inverse of `decode_signature`.
pub fn encode_signature(family: u32, model: u32, stepping: u32) -> u32 {
    let (base_family, ext_family) = if family >= 0xF {
        (0xF, family - 0xF)
    } else {
        (family, 0)
    };
    ((ext_family & 0xFF) << 20)
        | ((model >> 4 & 0xF) << 16)
        | ((base_family & 0xF) << 8)
        | ((model & 0xF) << 4)
        | (stepping & 0xF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_decode_as_intel_and_amd_define_them() {
        assert_eq!(decode_signature(0x106A2), (6, 0x1A, 2));
        assert_eq!(decode_signature(0xF43), (0xF, 4, 3));
        assert_eq!(decode_signature(0x40F33), (0xF, 0x43, 3));
        assert_eq!(decode_signature(0x100F42), (0x10, 4, 2));
        assert_eq!(decode_signature(0x610F01), (0x15, 0x10, 1));
        assert_eq!(decode_signature(0xA00F11), (0x19, 0x01, 1));
    }

    #[test]
    fn encoding_round_trips() {
        for (family, model, stepping) in [
            (6, 0x1A, 2),
            (0xF, 0x43, 3),
            (0x10, 9, 1),
            (0x1A, 0x11, 0),
            (6, 0xCF, 2),
        ] {
            let eax = encode_signature(family, model, stepping);
            assert_eq!(decode_signature(eax), (family, model, stepping), "{eax:#x}");
        }
    }
}
