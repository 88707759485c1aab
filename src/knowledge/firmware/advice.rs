//! Remedy lines in the vendor's own words: which key enters setup, the menu
//! path, the printed name and value, the remote command, and whether a
//! power cycle is needed. Unconfirmed names say so in the line itself, so
//! a reader never takes a lead for a fact.

use super::{FirmwareKnowledge, Setting, SettingInfo, Vendor, VendorSetting};
use crate::knowledge::generations::Vendor as CpuVendor;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Which processors a vendor row applies to: Intel and AMD setup screens
/// name several settings differently (VT-x vs SVM Mode).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum CpuFamily {
    Intel,
    Amd,
    #[default]
    Any,
}

impl CpuFamily {
    pub(super) fn label(self) -> &'static str {
        match self {
            CpuFamily::Intel => "Intel",
            CpuFamily::Amd => "AMD",
            CpuFamily::Any => "any CPU",
        }
    }

    /// The family whose setting names a CPU of this maker uses: VIA has no
    /// rows of its own.
    pub fn of(vendor: CpuVendor) -> Option<CpuFamily> {
        match vendor {
            CpuVendor::Intel => Some(CpuFamily::Intel),
            CpuVendor::Amd => Some(CpuFamily::Amd),
            CpuVendor::Centaur => None,
        }
    }

    /// Whether a row written for `self` applies to a machine with `cpu`
    /// (`None`: the CPU vendor is not known, every row applies).
    pub fn applies_to(self, cpu: Option<CpuFamily>) -> bool {
        match (self, cpu) {
            (CpuFamily::Any, _) | (_, None) | (_, Some(CpuFamily::Any)) => true,
            (row, Some(machine)) => row == machine,
        }
    }
}

pub(super) const NAME_UNCONFIRMED: &str = " (name unconfirmed)";
pub(super) const PATH_UNCONFIRMED: &str = " (menu path unconfirmed)";
pub(super) const ATTRIBUTE_UNCONFIRMED: &str = " (attribute unconfirmed)";

const POWER_CYCLE: &str =
    "Power the machine off completely: a reboot is not enough, the processor keeps \
     the old setting locked until the power is cut.";
const RESTART: &str = "Save the change and restart the machine.";

impl FirmwareKnowledge {
    /// What to change for `setting` on a machine whose SMBIOS system
    /// manufacturer is `manufacturer`, with a CPU of family `cpu`. An
    /// unknown vendor gets the generic wording and the names the known
    /// vendors use.
    pub fn advice(
        &self,
        setting: Setting,
        manufacturer: Option<&str>,
        cpu: Option<CpuFamily>,
    ) -> Vec<String> {
        let Some(info) = self.setting(setting) else {
            return Vec::new();
        };
        let vendor = manufacturer.and_then(|m| self.vendor_for(m));
        let mut lines = match vendor {
            Some(vendor) => self.vendor_lines(vendor, info, cpu),
            None => self.generic_lines(info, cpu),
        };
        lines.push(
            if info.power_cycle {
                POWER_CYCLE
            } else {
                RESTART
            }
            .to_string(),
        );
        lines.extend(
            info.hints
                .iter()
                .filter(|h| h.cpu.applies_to(cpu))
                .map(|h| h.text.clone()),
        );
        lines
    }

    fn vendor_lines(
        &self,
        vendor: &Vendor,
        info: &SettingInfo,
        cpu: Option<CpuFamily>,
    ) -> Vec<String> {
        let rows: Vec<&VendorSetting> = self
            .rows(vendor, info.id)
            .into_iter()
            .filter(|r| r.cpu.applies_to(cpu))
            .collect();
        if rows.is_empty() {
            let why = self
                .absent(vendor, info.id)
                .map(|a| format!(" ({})", a.why))
                .unwrap_or_default();
            let mut lines = vec![format!(
                "No {} name for this setting is on record{why}: press {} at boot and {}.",
                vendor.name,
                setup_key(vendor),
                info.generic
            )];
            lines.extend(self.usual_names(info.id, cpu));
            return lines;
        }
        let label_cpu = rows.len() > 1;
        let mut lines = Vec::new();
        for row in rows {
            let prefix = if label_cpu {
                format!("{} CPUs: ", row.cpu.label())
            } else {
                String::new()
            };
            lines.push(format!("{prefix}{}", setup_line(vendor, row)));
            if let Some(note) = &row.note {
                lines.push(format!("{prefix}Note: {note}."));
            }
            if let Some(remote) = remote_line(vendor, row) {
                lines.push(format!("{prefix}{remote}"));
            }
        }
        if let Some(note) = &vendor.setup_note {
            lines.push(note.clone());
        }
        lines
    }

    fn generic_lines(&self, info: &SettingInfo, cpu: Option<CpuFamily>) -> Vec<String> {
        let mut lines = vec![format!(
            "In firmware setup (the boot screen names the key, often F2, F1, F9 or Del), {}.",
            info.generic
        )];
        lines.extend(self.usual_names(info.id, cpu));
        lines
    }

    /// "Names server vendors use: ..." — the confirmed names, or, when no
    /// vendor's name is confirmed, the leads marked as such.
    pub(super) fn usual_names(&self, setting: Setting, cpu: Option<CpuFamily>) -> Option<String> {
        let rows: Vec<(&Vendor, &VendorSetting)> = self
            .vendors
            .iter()
            .filter(|v| v.inherits.is_none())
            .flat_map(|v| v.settings.iter().map(move |r| (v, r)))
            .filter(|(_, r)| r.id == setting && r.cpu.applies_to(cpu))
            .collect();
        let any_confirmed = rows.iter().any(|(_, r)| r.confirmed);
        let mut seen = BTreeSet::new();
        let names: Vec<String> = rows
            .iter()
            .filter(|(_, r)| r.confirmed || !any_confirmed)
            .filter(|(v, r)| seen.insert((v.id.as_str(), r.name.as_str())))
            .map(|(v, r)| {
                let mark = if r.confirmed { "" } else { NAME_UNCONFIRMED };
                format!("\"{}\"{mark} ({})", r.name, v.name)
            })
            .collect();
        (!names.is_empty()).then(|| format!("Names server vendors use: {}.", names.join(", ")))
    }
}

pub(super) fn setup_key(vendor: &Vendor) -> String {
    if vendor.setup_key_confirmed {
        vendor.setup_key.clone()
    } else {
        format!("{} (key unconfirmed)", vendor.setup_key)
    }
}

/// "Press F2 at boot → System BIOS → Processor Settings → Virtualization
/// Technology → Enabled".
fn setup_line(vendor: &Vendor, row: &VendorSetting) -> String {
    let mut steps: Vec<String> = vendor.setup_root.iter().chain(&row.path).cloned().collect();
    let mark = if row.confirmed { "" } else { NAME_UNCONFIRMED };
    steps.push(format!("{}{mark}", row.name));
    steps.push(row.value.clone());
    let path_mark = if row.path_confirmed {
        ""
    } else {
        PATH_UNCONFIRMED
    };
    format!(
        "Press {} at boot → {}{path_mark}",
        setup_key(vendor),
        steps.join(" → ")
    )
}

fn remote_line(vendor: &Vendor, row: &VendorSetting) -> Option<String> {
    let remote = row.remote.as_ref()?;
    let template = vendor.remote.as_deref()?;
    let command = template
        .replace("{attribute}", &remote.attribute)
        .replace("{value}", &remote.value);
    let mark = if remote.confirmed {
        ""
    } else {
        ATTRIBUTE_UNCONFIRMED
    };
    Some(format!("Remotely: {command}{mark}"))
}
