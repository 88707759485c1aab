//! What a target's Xen build really does, each fact with the source that
//! says so. The grades of the CPU checks follow from these facts, so that a
//! product's verdict cannot drift from what its hypervisor was built to do.

use crate::model::Severity;
use serde::Deserialize;

/// One fact and where it comes from. `confirmed = false` marks a belief the
/// sources read so far do not settle; it is still shown with its source.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sourced<T> {
    pub value: T,
    pub source: String,
    #[serde(default = "yes")]
    pub confirmed: bool,
}

fn yes() -> bool {
    true
}

/// What Xen does with an NMI when its line carries no `nmi=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NmiDefault {
    /// The product's patch queue makes `fatal` the default of every build.
    Fatal,
    /// Upstream: `dom0` in release builds, `fatal` in debug builds.
    ByBuild,
}

impl NmiDefault {
    /// The default for a build whose banner says `debug=y` (`Some(true)`),
    /// `debug=n` (`Some(false)`), or was not seen (`None`).
    pub fn for_build(self, debug: Option<bool>) -> Option<&'static str> {
        match (self, debug) {
            (NmiDefault::Fatal, _) | (NmiDefault::ByBuild, Some(true)) => Some("fatal"),
            (NmiDefault::ByBuild, Some(false)) => Some("dom0"),
            (NmiDefault::ByBuild, None) => None,
        }
    }

    /// The default in words, for texts that cannot tell the build.
    pub fn describe(self) -> &'static str {
        match self {
            NmiDefault::Fatal => "nmi=fatal in every build",
            NmiDefault::ByBuild => {
                "nmi=dom0 in a release build (banner `debug=n`), nmi=fatal in a debug build"
            }
        }
    }
}

/// The build facts of a target's Xen.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct XenFacts {
    /// The Xen release the product ships, e.g. "4.17".
    pub xen_version: Sourced<String>,
    pub nmi_default: Sourced<NmiDefault>,
    /// Built with shadow paging (`CONFIG_SHADOW_PAGING`): the only way to
    /// run an HVM guest on a CPU without EPT/NPT.
    pub shadow_paging: Sourced<bool>,
    /// Built with `CONFIG_REQUIRE_NX`: Xen stops on a CPU without NX.
    pub require_nx: Sourced<bool>,
    /// PV guests can run at all.
    pub pv_guests: Sourced<bool>,
    /// 32-bit PV guests can run (`CONFIG_PV32`).
    pub pv32: Sourced<bool>,
    pub end_of_life: Sourced<bool>,
}

impl XenFacts {
    /// Every fact's name and source, for validation and display.
    pub fn sources(&self) -> [(&'static str, &str); 7] {
        [
            ("xen_version", &self.xen_version.source),
            ("nmi_default", &self.nmi_default.source),
            ("shadow_paging", &self.shadow_paging.source),
            ("require_nx", &self.require_nx.source),
            ("pv_guests", &self.pv_guests.source),
            ("pv32", &self.pv32.source),
            ("end_of_life", &self.end_of_life.source),
        ]
    }

    /// The oldest Xen release the target ships, as (major, minor): "4.17 to
    /// 4.21" is (4, 17).
    pub fn oldest_version(&self) -> Option<(u32, u32)> {
        let first = self.xen_version.value.split_whitespace().next()?;
        let (major, minor) = first.split_once('.')?;
        let minor: String = minor.chars().take_while(char::is_ascii_digit).collect();
        Some((major.parse().ok()?, minor.parse().ok()?))
    }

    /// Xen 4.7 and later clear Intel's XD Bit Disable at boot themselves
    /// (7cc65a9e81, "x86: re-enable NX if disabled").
    pub fn reenables_nx(&self) -> bool {
        self.oldest_version().is_some_and(|v| v >= (4, 7))
    }

    /// The grade the facts give a check, when they decide it.
    pub fn implied_grade(&self, check_id: &str) -> Option<Severity> {
        let nothing_runs_without_hvm = !self.pv_guests.value;
        match check_id {
            // No VT-x/AMD-V: only PV guests could run.
            "hvm-unsupported" if nothing_runs_without_hvm => Some(Severity::Blocker),
            "hvm-unsupported" => Some(Severity::Limitation),
            // No EPT/NPT: HVM guests need shadow paging; without it and
            // without PV no guest can start.
            "hap-unsupported" if !self.shadow_paging.value && nothing_runs_without_hvm => {
                Some(Severity::Blocker)
            }
            "hap-unsupported" => Some(Severity::Limitation),
            "nx-unavailable" if self.require_nx.value => Some(Severity::Blocker),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact<T>(value: T) -> Sourced<T> {
        Sourced {
            value,
            source: "test".into(),
            confirmed: true,
        }
    }

    fn facts(shadow: bool, nx: bool, pv: bool) -> XenFacts {
        XenFacts {
            xen_version: fact("4.17".into()),
            nmi_default: fact(NmiDefault::Fatal),
            shadow_paging: fact(shadow),
            require_nx: fact(nx),
            pv_guests: fact(pv),
            pv32: fact(pv),
            end_of_life: fact(false),
        }
    }

    #[test]
    fn a_build_without_shadow_paging_or_pv_makes_missing_hap_a_blocker() {
        let xs8 = facts(false, true, false);
        assert_eq!(
            xs8.implied_grade("hap-unsupported"),
            Some(Severity::Blocker)
        );
        assert_eq!(
            xs8.implied_grade("hvm-unsupported"),
            Some(Severity::Blocker)
        );
        assert_eq!(xs8.implied_grade("nx-unavailable"), Some(Severity::Blocker));
        let ch82 = facts(true, false, true);
        assert_eq!(
            ch82.implied_grade("hap-unsupported"),
            Some(Severity::Limitation)
        );
        assert_eq!(
            ch82.implied_grade("hvm-unsupported"),
            Some(Severity::Limitation)
        );
        assert_eq!(ch82.implied_grade("nx-unavailable"), None);
        // Upstream today: no shadow paging by default, but PV guests still run.
        let upstream = facts(false, false, true);
        assert_eq!(
            upstream.implied_grade("hap-unsupported"),
            Some(Severity::Limitation)
        );
    }

    #[test]
    fn xen_4_7_and_later_re_enable_nx_themselves() {
        let mut f = facts(true, false, true);
        for (version, parsed, reenables) in [
            ("4.4", Some((4, 4)), false),
            ("4.13", Some((4, 13)), true),
            ("4.17 to 4.21", Some((4, 17)), true),
            ("unknown", None, false),
        ] {
            f.xen_version = fact(version.into());
            assert_eq!(f.oldest_version(), parsed, "{version}");
            assert_eq!(f.reenables_nx(), reenables, "{version}");
        }
    }

    #[test]
    fn the_upstream_nmi_default_follows_the_banner() {
        assert_eq!(NmiDefault::ByBuild.for_build(Some(false)), Some("dom0"));
        assert_eq!(NmiDefault::ByBuild.for_build(Some(true)), Some("fatal"));
        assert_eq!(NmiDefault::ByBuild.for_build(None), None);
        assert_eq!(NmiDefault::Fatal.for_build(Some(false)), Some("fatal"));
    }
}
