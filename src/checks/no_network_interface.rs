use super::{network, Check, Context, Doc, Hit, Outcome};
use crate::model::{CheckId, Severity, SourceName};

pub static CHECK: Check = Check {
    id: CheckId::NoNetworkInterface,
    severity: Severity::Action,
    title: "No network card the OS can use",
    subject: "A physical network interface",
    doc: Doc {
        what: "Looks in /sys/class/net for a physical network interface: one with a device \
               behind it, unlike loopback, bridges, bonds, VLANs and Xen backend interfaces.",
        why: "A Xen host is managed and reached over the network, and XenServer and XCP-ng \
              installers need a NIC for the management interface. A card without a driver in \
              the running kernel does not appear at all.",
        evidence: "/sys/class/net/*: the interface's sysfs location, its device and driver \
                   links.",
        fix: "Enable the onboard network ports in firmware setup (Integrated Devices / Onboard \
              LAN), fit a supported card, or check `lspci` for an Ethernet controller the \
              kernel has no driver for.",
    },
    settings: &[],
    reads: &[&[SourceName::Net]],
    run,
};

fn run(context: &Context) -> Outcome {
    let facts = context.facts;
    match network::physical_interfaces(context) {
        Ok(physical) if physical.is_empty() => {}
        Ok(_) => return Outcome::Clear,
        Err(answer) => return answer,
    }
    let mut evidence: Vec<String> = facts
        .network
        .iter()
        .map(|n| format!("net: {} is virtual (no device behind it)", n.name))
        .collect();
    if evidence.is_empty() {
        evidence.push("net: /sys/class/net has no interface besides lo".into());
    }
    Outcome::found(Hit {
        detail: "The OS sees no physical network interface: Xen's management network would have \
                 nowhere to go."
            .into(),
        evidence,
        remedy: vec![
            "Enable the onboard network ports in firmware setup if they are switched off \
             (Integrated Devices / Onboard LAN)."
                .into(),
            "If a card is fitted, look for it in `lspci`: an Ethernet controller with no driver \
             bound needs a driver the running kernel lacks."
                .into(),
        ],
    })
}
