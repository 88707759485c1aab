use super::{network, Check, Context, Doc, Hit, Outcome};
use crate::facts::NetInterface;
use crate::model::{CheckId, Severity, SourceName};

pub static CHECK: Check = Check {
    id: CheckId::NetworkLinkDown,
    severity: Severity::Warning,
    title: "No network card has a link",
    subject: "Network link",
    doc: Doc {
        what: "Fires when the machine has physical network interfaces but none reports a link \
               (carrier), and at least one is known to be without one.",
        why: "The installer and the management interface need a cabled, working port; a dead \
              port or switch is easier to find now than after the installation.",
        evidence: "/sys/class/net/*/carrier, operstate and speed of the physical interfaces. \
                   An interface nobody brought up reports no carrier at all: its link is \
                   unknown, not down.",
        fix: "Cable a port to a live switch port and check the link lights; to test a port the \
              probe system left down, bring it up (`ip link set eth0 up`) and read its carrier.",
    },
    settings: &[],
    reads: &[&[SourceName::Net]],
    run,
};

fn run(context: &Context) -> Outcome {
    let physical = match network::physical_interfaces(context) {
        Ok(physical) => physical,
        Err(answer) => return answer,
    };
    let known_down = physical.iter().any(|n| n.carrier == Some(false));
    if physical.is_empty() || physical.iter().any(|n| n.has_link()) || !known_down {
        return Outcome::Clear;
    }
    Outcome::found(Hit {
        detail: format!(
            "None of the {} network interface(s) has a link.",
            physical.len()
        ),
        evidence: physical.iter().map(|n| describe(n)).collect(),
        remedy: vec![
            "Connect a port to a live switch port and check its link lights.".into(),
            "For an interface the probe system left down (state unknown), bring it up with \
             `ip link set DEV up` and look at its carrier again."
                .into(),
        ],
    })
}

fn describe(n: &NetInterface) -> String {
    let driver = n.driver.as_deref().unwrap_or("driver unknown");
    let mac = n
        .mac
        .as_deref()
        .map(|m| format!(", {m}"))
        .unwrap_or_default();
    let state = match n.carrier {
        Some(true) => "link up".to_string(),
        Some(false) => "no carrier".to_string(),
        None => format!(
            "interface {}, link unknown",
            n.operstate.as_deref().unwrap_or("state unknown")
        ),
    };
    format!("net: {} ({driver}{mac}): {state}", n.name)
}
