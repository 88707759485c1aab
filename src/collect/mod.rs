//! The only code that touches the machine. Each collector stores raw
//! readings in the Evidence and records a status for its source; none of
//! them aborts the run.

pub mod acpi;
pub mod boot;
pub mod cpuid;
pub mod devices;
pub mod kmsg;
pub mod msr;
pub mod process;
pub mod procfs;
pub mod smbios;
pub mod system;
pub mod xen;

use crate::evidence::{Evidence, Origin};
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct CollectOptions {
    /// Where the machine's filesystem is mounted: `/` for a live scan, a
    /// captured tree in tests.
    pub root: PathBuf,
    /// Execute CPUID on this machine. Off when `root` points at a capture of
    /// another machine, whose CPU this one is not.
    pub cpuid: bool,
    /// Load the `msr` (and `cpuid`) kernel modules when their device nodes
    /// are missing, and unload them afterwards. Only a root scan of `/`
    /// ever does; `--no-modules` turns it off.
    pub load_modules: bool,
}

impl Default for CollectOptions {
    fn default() -> Self {
        CollectOptions {
            root: PathBuf::from("/"),
            cpuid: true,
            load_modules: true,
        }
    }
}

pub fn collect(options: &CollectOptions) -> Evidence {
    let started = std::time::Instant::now();
    let mut evidence = Evidence::new(Origin::Live);
    evidence.meta.captured_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .map(|d| d.as_secs());
    let as_root = nix::unistd::geteuid().is_root();
    evidence.meta.as_root = Some(as_root);
    // Before CPUID, which may use /dev/cpu/N/cpuid too.
    let modules = msr::Modules::prepare(&options.root, options.load_modules, as_root);
    if options.cpuid {
        cpuid::collect(&mut evidence);
    }
    smbios::collect(&mut evidence, &options.root);
    procfs::collect(&mut evidence, &options.root);
    msr::collect(&mut evidence, &options.root, &modules);
    acpi::collect(&mut evidence, &options.root);
    modules.unload();
    devices::collect(&mut evidence, &options.root);
    kmsg::collect(&mut evidence, &options.root);
    xen::collect(&mut evidence, &options.root);
    boot::collect(&mut evidence, &options.root);
    system::collect(&mut evidence, &options.root);
    evidence.meta.collect_micros = u64::try_from(started.elapsed().as_micros()).ok();
    evidence
}
