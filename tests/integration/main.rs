//! One integration test binary (as ripgrep does): the CLI, whole-pipeline
//! replays of real fixtures, and bundles.

mod architecture;
mod audit;
mod cli;
mod common;
mod compare_fleet;
mod corpus;
mod corpus_integrity;
mod cpuid_dumps;
mod fleet_tools;
mod fuzz;
mod hardening;
mod inference;
mod kernel_log;
mod outcomes;
mod prometheus;
mod qemu_bundles;
mod schemas;
mod smbios_tables;
mod targets;
mod vendor_advice;
