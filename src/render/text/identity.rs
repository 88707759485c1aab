//! The report's head: what the machine is, what it runs, where the
//! readings come from.

use super::Style;
use crate::evidence::Origin;
use crate::model::Platform;
use crate::report::Report;
use crate::sanitize::for_terminal;
use std::fmt::Write;

pub(super) fn identity(out: &mut String, report: &Report, style: &Style) {
    let m = &report.machine;
    let text = |v: &Option<String>| for_terminal(v.as_deref().unwrap_or("")).into_owned();
    let machine = join_present(&[text(&m.vendor), text(&m.product)]);
    let serial = m
        .serial
        .as_deref()
        .map(|s| format!("   serial {}", for_terminal(s)))
        .unwrap_or_default();
    row(out, style.width, "Machine", &or_unknown(machine + &serial));
    let bios = join_present(&[text(&m.bios_vendor), text(&m.bios_version)]);
    let bios_date = m
        .bios_date
        .as_deref()
        .map(|d| format!(" ({})", for_terminal(d)))
        .unwrap_or_default();
    row(out, style.width, "BIOS", &or_unknown(bios + &bios_date));

    let c = &report.cpu;
    let mut cpu = text(&c.brand);
    if let (Some(f), Some(m), Some(s)) = (c.family, c.model, c.stepping) {
        let vendor = text(&c.vendor);
        let _ = write!(cpu, " ({vendor} family {f:#x} model {m:#x} stepping {s})");
    }
    row(out, style.width, "CPU", &or_unknown(cpu.trim().to_string()));
    let count = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_else(|| "?".into());
    let topology = if c.sockets.is_none() && c.cores.is_none() && c.threads.is_none() {
        "unknown".to_string()
    } else {
        let x = style.times();
        format!(
            "{} socket(s) {x} {} core(s) {x} {} thread(s) per core",
            count(c.sockets),
            count(c.cores),
            count(c.threads)
        )
    };
    row(out, style.width, "Topology", &topology);
    memory_and_system(out, report, style);
    let env = &report.environment;
    let origin = match env.origin {
        Origin::Live => match env.as_root {
            Some(true) => "live scan as root",
            Some(false) => "live scan as a normal user (run as root for MSRs and firmware tables)",
            None => "live scan",
        },
        Origin::Import => "imported evidence",
    };
    let platform = match env.platform {
        Platform::BareMetal => "bare metal".to_string(),
        Platform::VirtualMachine => {
            format!("virtual machine ({})", for_terminal(env.hypervisor_name()))
        }
        Platform::XenDom0 => "Xen dom0".to_string(),
        Platform::Unknown => "unknown".to_string(),
    };
    row(
        out,
        style.width,
        "Platform",
        &format!("{platform}; {origin}"),
    );
    let _ = writeln!(out);
}

/// What memory the machine has, and what the running system said of itself.
fn memory_and_system(out: &mut String, report: &Report, style: &Style) {
    row(
        out,
        style.width,
        "Memory",
        &or_unknown(report.memory.overview()),
    );
    let system = report
        .system
        .overview(|s| for_terminal(s).into_owned())
        .unwrap_or_else(|| {
            let reason = report.system.reason.as_deref().unwrap_or("not read");
            format!("not read ({})", for_terminal(reason))
        });
    row(out, style.width, "System", &system);
}

/// A labelled line; one longer than the screen wraps under its value
/// (the stick's VGA console has 80 columns).
fn row(out: &mut String, width: usize, label: &str, value: &str) {
    let line = format!("{label:<10} {value}");
    if super::visible_width(&line) <= width {
        let _ = writeln!(out, "{line}");
    } else {
        super::wrap(out, width, &format!("{label:<10} "), value);
    }
}

fn join_present(parts: &[String]) -> String {
    parts
        .iter()
        .filter(|p| !p.trim().is_empty())
        .map(|p| p.trim())
        .collect::<Vec<_>>()
        .join(" ")
}

fn or_unknown(text: String) -> String {
    if text.trim().is_empty() {
        "unknown".into()
    } else {
        text
    }
}
