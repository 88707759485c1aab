//! Firmware settings by server vendor (`probes/firmware-settings.toml`):
//! where a setting lives in each vendor's setup screens, its printed name,
//! the value to choose and the remote-management attribute.
//!
//! The setting ids are a closed list ([`Setting`]) because checks name them;
//! everything a vendor calls them is data. Names not backed by a cited
//! source stay marked unconfirmed all the way to the output.

mod advice;
mod event_log;
mod names;
mod table;
#[cfg(test)]
mod tests;
mod validate;

pub use advice::CpuFamily;

use serde::{Deserialize, Serialize};

/// A firmware setting Xen cares about. The ids (kebab-case) are the keys of
/// `probes/firmware-settings.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Setting {
    HyperThreading,
    Virtualization,
    Iommu,
    Nx,
    SrIov,
    CStates,
    X2apic,
    Cores,
}

impl Setting {
    pub const ALL: [Setting; 8] = [
        Setting::HyperThreading,
        Setting::Virtualization,
        Setting::Iommu,
        Setting::Nx,
        Setting::SrIov,
        Setting::CStates,
        Setting::X2apic,
        Setting::Cores,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Setting::HyperThreading => "hyper-threading",
            Setting::Virtualization => "virtualization",
            Setting::Iommu => "iommu",
            Setting::Nx => "nx",
            Setting::SrIov => "sr-iov",
            Setting::CStates => "c-states",
            Setting::X2apic => "x2apic",
            Setting::Cores => "cores",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FirmwareKnowledge {
    #[serde(rename = "source")]
    pub sources: Vec<Source>,
    #[serde(rename = "setting")]
    pub settings: Vec<SettingInfo>,
    #[serde(rename = "vendor")]
    pub vendors: Vec<Vendor>,
}

/// A document the names are taken from.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub id: String,
    pub title: String,
    #[serde(rename = "where")]
    pub location: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingInfo {
    pub id: Setting,
    pub title: String,
    /// What to do, worded for a vendor with no row here.
    pub generic: String,
    /// The change takes effect only after the power is cut.
    pub power_cycle: bool,
    pub power_cycle_source: Option<String>,
    /// Lines after the advice, for causes the setting alone does not cover.
    #[serde(default, rename = "hint")]
    pub hints: Vec<Hint>,
}

/// A line of advice that applies to one processor family's machines only
/// (Intel TXT can lock VT-x off; AMD machines have no TXT).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hint {
    #[serde(default)]
    pub cpu: CpuFamily,
    pub text: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vendor {
    pub id: String,
    pub name: String,
    /// SMBIOS system manufacturer strings, see [`manufacturer_matches`].
    #[serde(rename = "match")]
    pub matches: Vec<String>,
    pub setup_key: String,
    #[serde(default = "yes")]
    pub setup_key_confirmed: bool,
    /// Menu path from the first setup screen to where the settings' own
    /// paths begin.
    #[serde(default)]
    pub setup_root: Vec<String>,
    pub setup_note: Option<String>,
    /// The remote command line after "Remotely: ", with `{attribute}` and
    /// `{value}` placeholders.
    pub remote: Option<String>,
    /// A vendor whose rows apply where this one has neither rows nor an
    /// `absent` entry (IBM System x → Lenovo).
    pub inherits: Option<String>,
    /// What the management controller calls its log of hardware events.
    pub event_log: EventLog,
    #[serde(default, rename = "setting")]
    pub settings: Vec<VendorSetting>,
    #[serde(default)]
    pub absent: Vec<Absent>,
}

/// One setting as one vendor prints it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VendorSetting {
    pub id: Setting,
    #[serde(default)]
    pub cpu: CpuFamily,
    /// Menu path below the vendor's `setup_root`.
    #[serde(default)]
    pub path: Vec<String>,
    pub name: String,
    pub value: String,
    /// The printed name is in the cited source.
    pub confirmed: bool,
    #[serde(default = "yes")]
    pub path_confirmed: bool,
    pub source: Option<String>,
    pub note: Option<String>,
    pub remote: Option<RemoteAttribute>,
}

/// The vendor's name for the log where the management controller records
/// hardware faults (failing DIMMs, PCIe errors, NMIs).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventLog {
    pub name: String,
    pub confirmed: bool,
    pub source: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoteAttribute {
    pub attribute: String,
    pub value: String,
    pub confirmed: bool,
}

/// A setting the vendor has no known name for.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Absent {
    pub setting: Setting,
    pub why: String,
}

fn yes() -> bool {
    true
}

/// Lower case, punctuation as spaces, spaces collapsed: "Cisco Systems,
/// Inc." and "Cisco Systems Inc" compare equal.
fn normalize(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The manufacturer is the pattern, or starts with the pattern's words: "HP"
/// matches "HP" and "HP Inc." but not "HPE" (which has its own pattern).
pub fn manufacturer_matches(manufacturer: &str, pattern: &str) -> bool {
    let (m, p) = (normalize(manufacturer), normalize(pattern));
    !p.is_empty() && (m == p || m.strip_prefix(&p).is_some_and(|r| r.starts_with(' ')))
}

impl FirmwareKnowledge {
    pub fn vendor_for(&self, manufacturer: &str) -> Option<&Vendor> {
        self.vendors.iter().find(|v| {
            v.matches
                .iter()
                .any(|p| manufacturer_matches(manufacturer, p))
        })
    }

    pub fn vendor_by_id(&self, id: &str) -> Option<&Vendor> {
        self.vendors.iter().find(|v| v.id == id)
    }

    pub fn setting(&self, setting: Setting) -> Option<&SettingInfo> {
        self.settings.iter().find(|s| s.id == setting)
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    /// The vendor's rows for a setting, its own or (when it has neither rows
    /// nor an `absent` entry) those of the vendor it inherits from.
    pub fn rows<'a>(&'a self, vendor: &'a Vendor, setting: Setting) -> Vec<&'a VendorSetting> {
        let own: Vec<&VendorSetting> = vendor.settings.iter().filter(|r| r.id == setting).collect();
        if !own.is_empty() || vendor.absent.iter().any(|a| a.setting == setting) {
            return own;
        }
        match vendor
            .inherits
            .as_deref()
            .and_then(|id| self.vendor_by_id(id))
        {
            Some(parent) => parent.settings.iter().filter(|r| r.id == setting).collect(),
            None => own,
        }
    }

    /// Why the vendor has no row for a setting, when it says so.
    pub fn absent<'a>(&'a self, vendor: &'a Vendor, setting: Setting) -> Option<&'a Absent> {
        vendor
            .absent
            .iter()
            .find(|a| a.setting == setting)
            .or_else(|| {
                let parent = self.vendor_by_id(vendor.inherits.as_deref()?)?;
                if vendor.settings.iter().any(|r| r.id == setting) {
                    return None;
                }
                parent.absent.iter().find(|a| a.setting == setting)
            })
    }
}
