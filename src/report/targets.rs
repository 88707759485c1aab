//! The verdict for every Xen target, from the same findings: "which Xen can
//! this machine run?". JSON key `targets`, an object in the order of
//! `probes/targets.toml` (serde_json keeps insertion order only with a
//! feature this crate does not enable, so the map is written by hand).

use crate::knowledge::Target;
use crate::model::{Finding, Severity, Verdict};
use crate::score::Score;
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TargetVerdict {
    pub name: String,
    pub verdict: Verdict,
    pub score: u8,
    /// Ids of the findings graded blocker or limitation for this target:
    /// what stands between the machine and a full-featured host.
    pub blockers: Vec<String>,
}

impl TargetVerdict {
    pub fn new(target: &Target, findings: &[Finding], score: &Score) -> TargetVerdict {
        let mut blockers: Vec<String> = Vec::new();
        for finding in findings
            .iter()
            .filter(|f| matches!(f.severity, Severity::Blocker | Severity::Limitation))
        {
            if !blockers.iter().any(|b| finding.id == b.as_str()) {
                blockers.push(finding.id.to_string());
            }
        }
        TargetVerdict {
            name: target.name.clone(),
            verdict: score.verdict,
            score: score.score,
            blockers,
        }
    }
}

/// Target id → verdict, in knowledge-base order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TargetVerdicts(pub Vec<(String, TargetVerdict)>);

impl TargetVerdicts {
    /// Width of a column of target ids: the longest id
    /// (`citrix-hypervisor-8.2`) and a gap, at least 14.
    pub fn id_width(&self) -> usize {
        self.0
            .iter()
            .map(|(id, _)| id.chars().count() + 2)
            .max()
            .unwrap_or(0)
            .max(14)
    }

    pub fn get(&self, id: &str) -> Option<&TargetVerdict> {
        self.0.iter().find(|(k, _)| k == id).map(|(_, v)| v)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &TargetVerdict)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for TargetVerdicts {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (id, verdict) in &self.0 {
            map.serialize_entry(id, verdict)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for TargetVerdicts {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Ordered;
        impl<'de> Visitor<'de> for Ordered {
            type Value = TargetVerdicts;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of target id to verdict")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some((id, verdict)) = access.next_entry::<String, TargetVerdict>()? {
                    entries.push((id, verdict));
                }
                Ok(TargetVerdicts(entries))
            }
        }
        deserializer.deserialize_map(Ordered)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_map_keeps_knowledge_order_through_json() {
        let verdict = |name: &str, verdict| TargetVerdict {
            name: name.into(),
            verdict,
            score: 0,
            blockers: vec!["hap-unsupported".into()],
        };
        let map = TargetVerdicts(vec![
            ("xen".into(), verdict("Xen", Verdict::Limited)),
            (
                "xcp-ng-8.3".into(),
                verdict("XCP-ng 8.3", Verdict::NotSuitable),
            ),
            ("xcp-ng-8.2".into(), verdict("XCP-ng 8.2", Verdict::Limited)),
        ]);
        let json = serde_json::to_string(&map).expect("serialises");
        let first = json.find("\"xen\"").expect("xen");
        let second = json.find("\"xcp-ng-8.3\"").expect("8.3");
        let third = json.find("\"xcp-ng-8.2\"").expect("8.2");
        assert!(first < second && second < third, "{json}");
        let back: TargetVerdicts = serde_json::from_str(&json).expect("parses");
        assert_eq!(back, map);
    }
}
