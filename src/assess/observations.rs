use crate::model::{Capability, FirmwareState, OsState, Silicon};

/// What the sources say about one capability, collected in order. The
/// first definite answer for a column wins, so callers observe in order of
/// trust (MSRs before logs before inference); later observations still add
/// their evidence, flagged when they disagree.
#[derive(Debug, Clone)]
pub struct Observations {
    silicon: Silicon,
    firmware: FirmwareState,
    os: OsState,
    evidence: Vec<String>,
}

impl Default for Observations {
    fn default() -> Self {
        Observations {
            silicon: Silicon::Unknown,
            firmware: FirmwareState::Unknown,
            os: OsState::Unknown,
            evidence: Vec::new(),
        }
    }
}

impl Observations {
    /// Continues from columns a capability decided directly, so that less
    /// trusted sources (inference) can still be observed after them.
    pub fn from_parts(
        silicon: Silicon,
        firmware: FirmwareState,
        os: OsState,
        evidence: Vec<String>,
    ) -> Observations {
        Observations {
            silicon,
            firmware,
            os,
            evidence,
        }
    }

    pub fn into_evidence(self) -> Vec<String> {
        self.evidence
    }

    pub fn silicon(&self) -> Silicon {
        self.silicon
    }

    pub fn firmware(&self) -> FirmwareState {
        self.firmware
    }

    pub fn os(&self) -> OsState {
        self.os
    }

    pub fn note(&mut self, evidence: impl Into<String>) {
        self.evidence.push(evidence.into());
    }

    pub fn observe_silicon(&mut self, value: Silicon, evidence: impl Into<String>) {
        settle(
            &mut self.silicon,
            Silicon::Unknown,
            value,
            evidence.into(),
            &mut self.evidence,
        );
    }

    pub fn observe_firmware(&mut self, value: FirmwareState, evidence: impl Into<String>) {
        let evidence = evidence.into();
        settle(
            &mut self.firmware,
            FirmwareState::Unknown,
            value,
            evidence,
            &mut self.evidence,
        );
    }

    pub fn observe_os(&mut self, value: OsState, evidence: impl Into<String>) {
        settle(
            &mut self.os,
            OsState::Unknown,
            value,
            evidence.into(),
            &mut self.evidence,
        );
    }

    pub fn finish(self) -> Capability {
        Capability::judge(self.silicon, self.firmware, self.os, self.evidence)
    }
}

/// One column: the first definite answer wins; a later one that disagrees
/// keeps its evidence, marked as outweighed.
fn settle<T: Copy + PartialEq>(
    column: &mut T,
    unknown: T,
    value: T,
    evidence: String,
    all: &mut Vec<String>,
) {
    if value == unknown || *column == value {
        all.push(evidence);
    } else if *column == unknown {
        *column = value;
        all.push(evidence);
    } else {
        all.push(format!("{evidence} (outweighed by the evidence above)"));
    }
}
