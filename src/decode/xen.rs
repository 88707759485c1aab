//! `xl info` → `XenFacts`: Xen's version, what it can run (`virt_caps`) and
//! the options it booted with (`xen_commandline`).

use crate::evidence::Evidence;
use crate::facts::XenFacts;
use crate::formats::xl_info::parse;

pub fn decode(evidence: &Evidence) -> Option<XenFacts> {
    let text = evidence.xen.as_ref()?.xl_info.as_deref()?;
    let xl_info = parse(text);
    if xl_info.is_empty() {
        return None;
    }
    let field = |key: &str| xl_info.get(key).filter(|v| !v.is_empty()).cloned();
    let version = field("xen_version").or_else(|| {
        let major = field("xen_major")?;
        let minor = field("xen_minor")?;
        Some(format!(
            "{major}.{minor}{}",
            field("xen_extra").unwrap_or_default()
        ))
    });
    let virt_caps = xl_info
        .get("virt_caps")
        .map(|caps| caps.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default();
    Some(XenFacts {
        version,
        virt_caps,
        commandline: field("xen_commandline"),
        xl_info,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::{Origin, XenRaw};

    /// Shaped like `xl info` of a XenServer 6.5 host (Xen 4.4): its
    /// virt_caps predate the `hap` and `shadow` words.
    const XS65: &str = "host                   : xs65\n\
release                : 3.10.0+2\n\
machine                : x86_64\n\
nr_cpus                : 8\n\
xen_major              : 4\n\
xen_minor              : 4\n\
xen_extra              : .1-xs100346\n\
xen_version            : 4.4.1-xs100346\n\
xen_caps               : xen-3.0-x86_64 xen-3.0-x86_32p hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64\n\
virt_caps              : hvm hvm_directio\n\
xen_commandline        : dom0_mem=752M,max:752M watchdog nim=ignore\n\
cc_compile_date        : Thu Jan  1 10:00:00 UTC 2015\n";

    fn decoded(text: &str) -> Option<XenFacts> {
        let mut evidence = Evidence::new(Origin::Import);
        evidence.xen = Some(XenRaw {
            xl_info: Some(text.to_string()),
            xl_dmesg: None,
        });
        decode(&evidence)
    }

    #[test]
    fn xl_info_fields() {
        let xen = decoded(XS65).unwrap_or_default();
        assert_eq!(xen.version.as_deref(), Some("4.4.1-xs100346"));
        assert!(xen.has_cap("hvm") && xen.has_cap("hvm_directio") && !xen.has_cap("hap"));
        assert_eq!(
            xen.commandline.as_deref(),
            Some("dom0_mem=752M,max:752M watchdog nim=ignore")
        );
        assert_eq!(
            xen.xl_info.get("cc_compile_date").map(String::as_str),
            Some("Thu Jan  1 10:00:00 UTC 2015")
        );
    }

    #[test]
    fn version_from_parts_and_garbage() {
        let xen = decoded("xen_major : 4\nxen_minor : 17\nxen_extra : .2\n").unwrap_or_default();
        assert_eq!(xen.version.as_deref(), Some("4.17.2"));
        assert_eq!(decoded("no colon here\n\u{0}\u{1}"), None);
        for end in 0..XS65.len() {
            if let Some(prefix) = XS65.get(..end) {
                let _ = decoded(prefix);
            }
        }
    }
}
