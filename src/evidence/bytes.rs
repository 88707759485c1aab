use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// Raw bytes that serialise as a lowercase hex string, so a bundle stays
/// plain JSON that `jq` and a text editor can read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HexBytes(pub Vec<u8>);

impl Serialize for HexBytes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut text = String::with_capacity(self.0.len() * 2);
        for byte in &self.0 {
            text.push(DIGITS[usize::from(byte >> 4)] as char);
            text.push(DIGITS[usize::from(byte & 0xF)] as char);
        }
        serializer.serialize_str(&text)
    }
}

impl<'de> Deserialize<'de> for HexBytes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        decode_hex(&text).map(HexBytes).map_err(de::Error::custom)
    }
}

fn decode_hex(text: &str) -> Result<Vec<u8>, String> {
    let digits = text.as_bytes();
    if digits.len() % 2 != 0 {
        return Err("hex string has an odd number of digits".into());
    }
    digits
        .chunks_exact(2)
        .map(|pair| {
            let high = (pair[0] as char).to_digit(16);
            let low = (pair[1] as char).to_digit(16);
            match (high, low) {
                (Some(h), Some(l)) => Ok((h * 16 + l) as u8),
                _ => Err("hex string has a character that is not a hex digit".into()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_json() {
        let bytes = HexBytes(vec![0x00, 0x5f, 0xff, 0x10]);
        let json = serde_json::to_string(&bytes).unwrap();
        assert_eq!(json, "\"005fff10\"");
        assert_eq!(serde_json::from_str::<HexBytes>(&json).unwrap(), bytes);
    }

    #[test]
    fn rejects_bad_hex() {
        assert!(serde_json::from_str::<HexBytes>("\"abc\"").is_err());
        assert!(serde_json::from_str::<HexBytes>("\"zz\"").is_err());
    }
}
