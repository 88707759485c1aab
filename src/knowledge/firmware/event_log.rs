//! Where a machine records its hardware faults: IPMI's system event log,
//! which every BMC keeps, and the vendor's own richer log, by the name the
//! vendor gives it (iDRAC Lifecycle Log, iLO IML, …).

use super::advice::NAME_UNCONFIRMED;
use super::{EventLog, FirmwareKnowledge};

/// The log any IPMI management controller keeps, read from the host.
const IPMI_SEL: &str = "`ipmitool sel elist`";

impl FirmwareKnowledge {
    /// Where to read the hardware event log on a machine whose SMBIOS
    /// system manufacturer is `manufacturer`: a phrase to end a sentence
    /// with. An unknown vendor gets the names the known vendors use.
    pub fn event_log_phrase(&self, manufacturer: Option<&str>) -> String {
        if let Some(vendor) = manufacturer.and_then(|m| self.vendor_for(m)) {
            return format!("{IPMI_SEL} or the {}", named(&vendor.event_log));
        }
        let any_confirmed = self.vendors.iter().any(|v| v.event_log.confirmed);
        let names: Vec<String> = self
            .vendors
            .iter()
            .filter(|v| v.event_log.confirmed || !any_confirmed)
            .map(|v| format!("{} on {}", named(&v.event_log), v.name))
            .collect();
        if names.is_empty() {
            return IPMI_SEL.to_string();
        }
        format!(
            "{IPMI_SEL}, or the management controller's own log ({})",
            names.join(", ")
        )
    }
}

fn named(log: &EventLog) -> String {
    let mark = if log.confirmed { "" } else { NAME_UNCONFIRMED };
    format!("{}{mark}", log.name)
}
