//! Which generation a processor belongs to, from what the machine shows:
//! the CPUID (or SMBIOS, or /proc/cpuinfo) signature narrows to candidates,
//! brand strings refine among them.

use super::{BrandRule, Generation, GenerationKnowledge, PlatformIommu, Presence, Segment, Vendor};
use crate::knowledge::brand::{self, Pattern, Specificity};

/// How a generation was identified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Cpuid,
    SmbiosSignature,
    CpuinfoSignature,
    Brand,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Cpuid => "CPUID signature",
            Via::SmbiosSignature => "SMBIOS processor signature",
            Via::CpuinfoSignature => "/proc/cpuinfo family/model",
            Via::Brand => "brand string",
        }
    }
}

/// What is known of a processor's identity, best source first.
#[derive(Debug, Clone, Default)]
pub struct Identity<'a> {
    pub vendor: Option<Vendor>,
    /// (family, model, stepping) and where it was read.
    pub signature: Option<(u32, u32, Option<u32>, Via)>,
    /// Brand strings to refine with (CPUID brand, SMBIOS version, cpuinfo).
    pub brands: Vec<&'a str>,
}

/// The generation(s) a processor belongs to. Several generations share a
/// CPUID model (Woodcrest, Conroe and Merom are all family 6 model 0x0F);
/// then `generations` holds them all and every feature question is answered
/// for the weakest of them.
#[derive(Debug, Clone)]
pub struct Identified<'k> {
    pub generations: Vec<&'k Generation>,
    pub rule: Option<&'k BrandRule>,
    pub via: Via,
    pub signature: Option<(u32, u32, Option<u32>)>,
}

impl<'k> Identified<'k> {
    /// "Nehalem-EP, Xeon 5500" or "Woodcrest / Clovertown / Conroe (family
    /// 6 model 0xf)".
    pub fn label(&self) -> String {
        match self.generations.as_slice() {
            [one] => one.label(),
            many => {
                let names: Vec<&str> = many.iter().map(|g| g.codename.as_str()).collect();
                match self.signature {
                    Some((f, m, _)) => format!("{} (family {f} model {m:#x})", names.join(" / ")),
                    None => names.join(" / "),
                }
            }
        }
    }

    /// Where the identification came from, for evidence lines.
    pub fn basis(&self) -> String {
        let mut basis = match (self.via, self.signature) {
            (Via::Brand, _) | (_, None) => "by brand string".to_string(),
            (via, Some((f, m, s))) => format!(
                "by {} family {f} model {m:#x}{}",
                via.as_str(),
                s.map(|s| format!(" stepping {s}")).unwrap_or_default()
            ),
        };
        if let Some(rule) = self.rule {
            basis.push_str(&format!(" and brand pattern `{}`", rule.pattern));
        }
        basis
    }

    fn weakest<T: Ord + Copy>(&self, f: impl Fn(&Generation) -> T) -> Option<T> {
        self.generations.iter().map(|g| f(g)).min()
    }

    fn agreed<T: PartialEq + Copy>(&self, f: impl Fn(&Generation) -> Option<T>) -> Option<T> {
        let first = f(self.generations.first()?)?;
        self.generations
            .iter()
            .all(|g| f(g) == Some(first))
            .then_some(first)
    }

    pub fn long_mode(&self) -> Option<Presence> {
        self.weakest(|g| g.long_mode)
    }

    pub fn nx(&self) -> Option<Presence> {
        self.weakest(|g| g.nx)
    }

    pub fn hvm(&self) -> Option<Presence> {
        match self.rule.and_then(|r| r.hvm) {
            Some(p) => Some(p),
            None => self.weakest(|g| g.hvm),
        }
    }

    pub fn smt(&self) -> Option<Presence> {
        match self.rule.and_then(|r| r.smt) {
            Some(p) => Some(p),
            None => self.weakest(|g| g.smt),
        }
    }

    pub fn hap(&self) -> Option<bool> {
        self.agreed(|g| g.hap)
    }

    pub fn unrestricted_guest(&self) -> Option<bool> {
        self.agreed(|g| g.unrestricted_guest)
    }

    pub fn vpid(&self) -> Option<bool> {
        self.agreed(|g| g.vpid)
    }

    pub fn iommu(&self) -> Option<PlatformIommu> {
        self.weakest(|g| g.iommu)
    }

    pub fn vendor(&self) -> Option<Vendor> {
        self.agreed(|g| Some(g.vendor))
    }

    /// Any fact behind this identification is marked unconfirmed.
    pub fn confirmed(&self) -> bool {
        self.generations.iter().all(|g| g.confirmed)
    }
}

impl GenerationKnowledge {
    /// The most specific brand rule matching `tokens`, when exactly one
    /// generation wins. `line_optional` lets a typed "X5570" match without
    /// "Xeon".
    pub fn best_rule(&self, tokens: &[String], line_optional: bool) -> Vec<&BrandRule> {
        let mut best: Option<Specificity> = None;
        let mut winners: Vec<&BrandRule> = Vec::new();
        for rule in &self.brand {
            let Ok(pattern) = Pattern::parse(&rule.pattern) else {
                continue;
            };
            let Some(spec) = pattern.matches(tokens, line_optional) else {
                continue;
            };
            match best {
                Some(b) if spec < b => {}
                Some(b) if spec == b => winners.push(rule),
                _ => {
                    best = Some(spec);
                    winners = vec![rule];
                }
            }
        }
        winners
    }

    /// Generations whose codename or alias appears in `tokens`; the longest
    /// name wins ("Conroe-L" over "Conroe").
    pub fn by_codename(&self, tokens: &[String]) -> Vec<&Generation> {
        let mut best_len = 0;
        let mut found: Vec<&Generation> = Vec::new();
        for generation in &self.generation {
            for name in generation.names() {
                if !brand::names(tokens, name) {
                    continue;
                }
                let len = brand::fold(name).len();
                if len > best_len {
                    best_len = len;
                    found = vec![generation];
                } else if len == best_len && !found.iter().any(|g| g.id == generation.id) {
                    found.push(generation);
                }
            }
        }
        found
    }

    /// Identifies a processor: the signature narrows to candidates, brand
    /// strings refine among them. A brand naming a generation the
    /// signature excludes is ignored: CPUID wins.
    pub fn identify(&self, identity: &Identity) -> Option<Identified<'_>> {
        let token_sets: Vec<Vec<String>> =
            identity.brands.iter().map(|b| brand::tokens(b)).collect();
        let rule = token_sets.iter().find_map(|tokens| {
            let winners = self.best_rule(tokens, false);
            let first = *winners.first()?;
            winners
                .iter()
                .all(|r| r.generation == first.generation)
                .then_some(first)
        });
        let codenamed: Vec<&Generation> = token_sets
            .iter()
            .flat_map(|tokens| self.by_codename(tokens))
            .collect();

        if let (Some(vendor), Some((family, model, stepping, via))) =
            (identity.vendor, identity.signature)
        {
            let candidates = self.by_signature(vendor, family, model, stepping);
            if !candidates.is_empty() {
                let signature = Some((family, model, stepping));
                if let Some(rule) = rule {
                    if let Some(g) = candidates.iter().find(|g| g.id == rule.generation) {
                        return Some(Identified {
                            generations: vec![*g],
                            rule: Some(rule),
                            via,
                            signature,
                        });
                    }
                }
                let named: Vec<&Generation> = candidates
                    .iter()
                    .copied()
                    .filter(|g| codenamed.iter().any(|c| c.id == g.id))
                    .collect();
                let generations = if !named.is_empty() {
                    named
                } else if server_brand(&token_sets) {
                    let servers: Vec<&Generation> = candidates
                        .iter()
                        .copied()
                        .filter(|g| g.segment == Segment::Server)
                        .collect();
                    if servers.is_empty() {
                        candidates
                    } else {
                        servers
                    }
                } else {
                    candidates
                };
                return Some(Identified {
                    generations,
                    rule: None,
                    via,
                    signature,
                });
            }
        }
        if let Some(rule) = rule {
            let generation = self.get(&rule.generation)?;
            return Some(Identified {
                generations: vec![generation],
                rule: Some(rule),
                via: Via::Brand,
                signature: None,
            });
        }
        match codenamed.as_slice() {
            [one] => Some(Identified {
                generations: vec![*one],
                rule: None,
                via: Via::Brand,
                signature: None,
            }),
            _ => None,
        }
    }
}

/// A brand naming a server line (Xeon, Opteron, EPYC) narrows a shared
/// signature to its server generations.
fn server_brand(token_sets: &[Vec<String>]) -> bool {
    token_sets
        .iter()
        .flatten()
        .any(|t| matches!(t.as_str(), "XEON" | "OPTERON" | "EPYC"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::Knowledge;

    fn identify<'k>(
        k: &'k Knowledge,
        vendor: Vendor,
        signature: (u32, u32, u32),
        brand: &'static str,
    ) -> Option<Identified<'k>> {
        let (f, m, s) = signature;
        k.generations.identify(&Identity {
            vendor: Some(vendor),
            signature: Some((f, m, Some(s), Via::Cpuid)),
            brands: vec![brand],
        })
    }

    fn ids(identified: &Identified) -> Vec<String> {
        identified
            .generations
            .iter()
            .map(|g| g.id.clone())
            .collect()
    }

    #[test]
    fn a_shared_model_without_brand_answers_for_the_weakest_candidate() {
        let k = Knowledge::builtin();
        // The Woodcrest dump's brand is an engineering sample's.
        let found = identify(
            k,
            Vendor::Intel,
            (6, 0x0F, 4),
            "Genuine Intel(R) CPU @ 2.33GHz",
        )
        .expect("family 6 model 0x0F is known");
        assert!(ids(&found).contains(&"woodcrest".to_string()));
        assert!(ids(&found).contains(&"conroe".to_string()));
        // All Core 2 parts lack EPT; not all have VT-x.
        assert_eq!(found.hap(), Some(false));
        assert_eq!(found.hvm(), Some(Presence::Most));
        assert!(found.label().contains("family 6 model 0xf"));
    }

    #[test]
    fn a_brand_rule_picks_among_candidates_and_overrides_per_family() {
        let k = Knowledge::builtin();
        let found = identify(
            k,
            Vendor::Intel,
            (6, 0x1A, 5),
            "Intel(R) Xeon(R) CPU X5570 @ 2.93GHz",
        )
        .expect("known");
        assert_eq!(ids(&found), ["nehalem-ep"]);
        assert_eq!(found.smt(), Some(Presence::All));
        let e5 = identify(
            k,
            Vendor::Intel,
            (6, 0x1A, 5),
            "Intel(R) Xeon(R) CPU E5504 @ 2.00GHz",
        )
        .expect("known");
        assert_eq!(e5.smt(), Some(Presence::Most));
    }

    #[test]
    fn a_xeon_brand_narrows_a_netburst_signature_to_server_parts() {
        let k = Knowledge::builtin();
        let found = identify(
            k,
            Vendor::Intel,
            (0xF, 4, 3),
            "Intel(R) Xeon(TM) CPU 3.20GHz",
        )
        .expect("known");
        assert!(found
            .generations
            .iter()
            .all(|g| g.segment == Segment::Server));
        assert_eq!(found.hvm(), Some(Presence::None));
    }

    #[test]
    fn cpuid_wins_over_a_brand_naming_another_generation() {
        let k = Knowledge::builtin();
        // A Nehalem signature with a Woodcrest brand: the brand is ignored.
        let found =
            identify(k, Vendor::Intel, (6, 0x1A, 5), "Intel(R) Xeon(R) CPU 5160").expect("known");
        assert!(found.rule.is_none());
        assert!(ids(&found).contains(&"nehalem-ep".to_string()));
    }

    #[test]
    fn an_unknown_signature_falls_back_to_the_brand() {
        let k = Knowledge::builtin();
        let found = identify(
            k,
            Vendor::Intel,
            (6, 0xFE, 0),
            "Intel(R) Xeon(R) Gold 6148 CPU",
        )
        .expect("brand");
        assert_eq!(ids(&found), ["skylake-sp"]);
        assert_eq!(found.via, Via::Brand);
        assert!(identify(k, Vendor::Intel, (6, 0xFE, 0), "Mystery CPU").is_none());
    }
}
