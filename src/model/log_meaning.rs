use serde::{Deserialize, Serialize};

/// Declares the enum together with `ALL`, so the list the knowledge base is
/// validated against cannot miss a variant.
macro_rules! meanings {
    ($($(#[doc = $doc:literal])* $variant:ident = $name:literal,)*) => {
        /// What a recognised log line says, as assessments and checks ask
        /// for it. Signatures in `probes/log-signatures.toml` declare their
        /// meanings (`means = [...]`); code never names a signature id, so
        /// renaming a signature cannot silently switch a check off, and
        /// validation refuses a file where no signature declares one of these.
        #[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[serde(rename_all = "kebab-case")]
        pub enum LogMeaning {
            $($(#[doc = $doc])* $variant,)*
        }

        impl LogMeaning {
            pub const ALL: &'static [LogMeaning] = &[$(LogMeaning::$variant,)*];

            /// The kebab-case name used in the probe file.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(LogMeaning::$variant => $name,)*
                }
            }
        }
    };
}

meanings! {
    /// Firmware locked VT-x/AMD-V off (Linux's or Xen's word for it).
    HvmDisabledByFirmware = "hvm-disabled-by-firmware",
    /// A hypervisor (KVM or Xen) enabled VT-x/AMD-V and uses it.
    HvmActive = "hvm-active",
    /// Xen pages HVM guests with EPT/NPT.
    HapActive = "hap-active",
    /// The CPU has EPT/NPT but Xen was told not to use it (`hap=0`).
    HapSwitchedOff = "hap-switched-off",
    /// Xen found no EPT/NPT it can use and pages in software.
    HapAbsent = "hap-absent",
    /// KVM pages its guests with AMD's nested page tables.
    NptUsedByKvm = "npt-used-by-kvm",
    /// The kernel runs with NX on.
    NxActive = "nx-active",
    /// CPUID shows no NX (absent or hidden by firmware).
    NxNotInCpuid = "nx-not-in-cpuid",
    /// The OS or Xen set the IOMMU up.
    IommuInUse = "iommu-in-use",
    /// Xen runs without the IOMMU.
    IommuNotInUse = "iommu-not-in-use",
    /// The IOMMU was switched off because of a chipset erratum.
    IommuErratum = "iommu-erratum",
    /// The firmware's DMAR/IVRS tables are broken.
    IommuFirmwareBug = "iommu-firmware-bug",
    /// Interrupt remapping is off (erratum, firmware or Xen's decision).
    InterruptRemappingUnavailable = "interrupt-remapping-unavailable",
    /// An NMI was handled and logged; the machine kept running.
    NmiLogged = "nmi-logged",
    /// An NMI stopped the machine (kernel panic or Xen's `nmi=fatal`).
    NmiFatal = "nmi-fatal",
    /// The NMI came with no reason the chipset reports.
    NmiUnknownReason = "nmi-unknown-reason",
    /// The NMI reports a PCI system error (SERR).
    NmiSystemError = "nmi-system-error",
    /// The NMI reports an I/O channel check (IOCHK).
    NmiIoCheck = "nmi-io-check",
    /// HPE's watchdog driver caught the NMI.
    NmiCaughtByHpwdt = "nmi-caught-by-hpwdt",
    /// The CPU reported a machine check.
    MachineCheck = "machine-check",
    /// EDAC counted corrected memory errors.
    MemoryErrorCorrected = "memory-error-corrected",
    /// EDAC counted uncorrected memory errors.
    MemoryErrorUncorrected = "memory-error-uncorrected",
    /// Xen ignored a boot option it does not know.
    XenOptionUnknown = "xen-option-unknown",
    /// Xen ignored a boot option whose value it could not parse.
    XenOptionInvalid = "xen-option-invalid",
    /// Xen's NMI watchdog found a CPU stuck and panicked the host.
    XenWatchdogPanic = "xen-watchdog-panic",
    /// Firmware had Execute Disable off; Xen switched NX back on.
    NxReenabled = "nx-reenabled",
    /// The CPU has VT-x/AMD-V but Xen could not enable it.
    HvmUnusable = "hvm-unusable",
    /// Xen's banner says `debug=y`.
    XenDebugBuild = "xen-debug-build",
    /// Xen's banner says `debug=n`.
    XenReleaseBuild = "xen-release-build",
}

#[cfg(test)]
mod tests {
    use super::LogMeaning;

    #[test]
    fn names_are_the_serde_names_and_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for &meaning in LogMeaning::ALL {
            let json = serde_json::to_string(&meaning).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", meaning.as_str()));
            assert!(seen.insert(meaning.as_str()), "{meaning:?}");
        }
    }
}
