//! A setting named inside a sentence ("the setting Dell calls "Logical
//! Processor""), for a finding's detail: the machine's own vendor's name
//! where it is on record, a generic wording plus the names server vendors
//! use where it is not.

use super::advice::{CpuFamily, NAME_UNCONFIRMED};
use super::{FirmwareKnowledge, Setting, VendorSetting};

impl FirmwareKnowledge {
    /// A noun phrase for `setting` on a machine whose SMBIOS system
    /// manufacturer is `manufacturer`, with a CPU of family `cpu`.
    pub fn setting_phrase(
        &self,
        setting: Setting,
        manufacturer: Option<&str>,
        cpu: Option<CpuFamily>,
    ) -> String {
        let vendor = manufacturer.and_then(|m| self.vendor_for(m));
        if let Some(vendor) = vendor {
            let rows: Vec<&VendorSetting> = self
                .rows(vendor, setting)
                .into_iter()
                .filter(|r| r.cpu.applies_to(cpu))
                .collect();
            if !rows.is_empty() {
                let per_cpu = rows.len() > 1;
                let names: Vec<String> = rows
                    .iter()
                    .map(|r| {
                        let mark = if r.confirmed { "" } else { NAME_UNCONFIRMED };
                        let on = if per_cpu {
                            format!(" on {} CPUs", r.cpu.label())
                        } else {
                            String::new()
                        };
                        format!("\"{}\"{mark}{on}", r.name)
                    })
                    .collect();
                return format!("the setting {} calls {}", vendor.name, names.join(" or "));
            }
        }
        let title = self
            .setting(setting)
            .map_or_else(|| setting.id().to_string(), |s| s.title.clone());
        let hint = self
            .usual_names(setting, cpu)
            .map(|names| format!(" ({})", lowercase_first(names.trim_end_matches('.'))))
            .unwrap_or_default();
        format!("the firmware's {title} setting{hint}")
    }
}

/// "Names server vendors use: …" reads as "names server vendors use: …"
/// inside parentheses.
fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
