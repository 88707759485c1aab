//! The option names Xen's command line knows (`probes/xen-boot-options.toml`).

use super::KnowledgeError;
use serde::Deserialize;
use std::collections::BTreeSet;

const FILE: &str = "xen-boot-options.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct XenBootOptions {
    /// Names in Xen's current documentation.
    pub known: Vec<String>,
    /// Prefixes: every name starting with one is known.
    pub families: Vec<String>,
    /// Names from older Xen versions, with where they come from.
    #[serde(default)]
    pub historical: Vec<HistoricalOption>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoricalOption {
    pub name: String,
    pub note: String,
}

/// Not an option: Debian's grub scripts write it where multiboot expects
/// the image name, and Xen skips it.
const PLACEHOLDER: &str = "placeholder";

impl XenBootOptions {
    fn names(&self) -> impl Iterator<Item = &str> {
        self.known
            .iter()
            .map(String::as_str)
            .chain(self.historical.iter().map(|h| h.name.as_str()))
    }

    /// Whether Xen knows the option `token` (`nmi=dom0`, `no-hap`,
    /// `ivrs_hpet[0]=0:14.0`), compared the way Xen's parse_params() does:
    /// the name before `=` (and before a `[` of an indexed option), with or
    /// without a `no-` prefix.
    pub fn knows(&self, token: &str) -> bool {
        let key = option_key(token);
        let plain = key.strip_prefix("no-").unwrap_or(key);
        self.names().any(|n| n == key || n == plain)
            || self
                .families
                .iter()
                .any(|f| key.starts_with(f.as_str()) || plain.starts_with(f.as_str()))
    }

    /// The known option `token` most likely meant, as a whole token with
    /// the value kept (`nim=ignore` → `nmi=ignore`).
    pub fn did_you_mean(&self, token: &str) -> Option<String> {
        let key = option_key(token);
        let names = self.names().filter(|n| *n != PLACEHOLDER);
        let name = crate::suggest::closest(key, names)?;
        Some(match token.split_once('=') {
            Some((_, value)) => format!("{name}={value}"),
            None => name.to_string(),
        })
    }

    pub(super) fn validate(&self) -> Result<(), KnowledgeError> {
        let mut seen = BTreeSet::new();
        for name in self.names().chain(self.families.iter().map(String::as_str)) {
            let sane = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
            if !sane || !seen.insert(name) {
                return Err(KnowledgeError::Invalid {
                    file: FILE,
                    message: format!("option `{name}` repeats or is not an option name"),
                });
            }
        }
        for required in ["nmi", "watchdog", "dom0_mem", "iommu", "hap"] {
            if !seen.contains(required) {
                return Err(KnowledgeError::Invalid {
                    file: FILE,
                    message: format!("option `{required}` is missing"),
                });
            }
        }
        Ok(())
    }
}

/// The option's name: before `=`, and before any `[`, `(`, `{` or `<`
/// that Xen's custom parameters use for indices.
pub fn option_key(token: &str) -> &str {
    let key = token.split_once('=').map_or(token, |(k, _)| k);
    key.split(['[', '(', '{', '<']).next().unwrap_or(key)
}

#[cfg(test)]
mod tests {
    use crate::knowledge::Knowledge;

    #[test]
    fn the_seed_typo_is_unknown_and_gets_a_suggestion() {
        let options = &Knowledge::builtin().xen_boot_options;
        assert!(!options.knows("nim=ignore"));
        assert_eq!(
            options.did_you_mean("nim=ignore").as_deref(),
            Some("nmi=ignore")
        );
        assert_eq!(
            options.did_you_mean("watchdgo").as_deref(),
            Some("watchdog")
        );
    }

    #[test]
    fn xen_4_4_and_patch_queue_options_are_known() {
        let options = &Knowledge::builtin().xen_boot_options;
        for token in [
            "cachesize=512",
            "nofxsr",
            "noserialnumber",
            "tmem_lock",
            "force_software_vmcs_shadow",
            "xen_pviommu_foreign_offset=0",
            "introspection_extn",
            "pod=0",
            "fred=0",
            "x2apic-mode=mixed",
            "wallclock=auto",
        ] {
            assert!(options.knows(token), "{token}");
        }
    }

    #[test]
    fn real_xenserver_and_xcp_ng_lines_are_all_known() {
        let options = &Knowledge::builtin().xen_boot_options;
        // XenServer 6.5 extlinux.conf and XCP-ng 8 grub.cfg Xen lines.
        for token in "dom0_mem=752M,max:752M watchdog ucode=scan dom0_max_vcpus=1-16 \
                      crashkernel=128M@32M console=vga vga=mode-0x0311 \
                      cpuid_mask_xsave_eax=0 no-hap iommu=no-intremap \
                      ivrs_hpet[0]=0:14.0 com1=115200,8n1 mtrr.show sched-gran=core \
                      no-real-mode crash-debug-panic=0 smt=0 spec-ctrl=no-xen"
            .split_whitespace()
        {
            assert!(options.knows(token), "{token}");
        }
    }
}
