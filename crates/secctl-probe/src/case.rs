//! A field case of the classification table: the observations of one target and the rows
//! and summary they classify to. `tests/probe_cases/*.json` holds the cases met so far;
//! `probe --record FILE` writes one from a live probe, so adding the case a user reported
//! is adding a file.

use serde::{Deserialize, Serialize};

use super::classify::classify;
use super::observation::Observations;
use super::report::{Summary, Transport};

/// Observations in, rows and summary out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// What the case is: the server, its configuration, the identity given.
    pub case: String,
    /// Where it was met and why the rows are what they are.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// What the probe saw.
    pub observations: Observations,
    /// The rows they classify to.
    pub transports: Vec<Transport>,
    /// The summary.
    pub summary: Summary,
}

impl Case {
    /// A case whose expected rows are what `observations` classify to today.
    pub fn new(case: &str, note: &str, observations: Observations) -> Case {
        let (transports, summary) = classify(&observations);
        Case {
            case: case.to_string(),
            note: note.to_string(),
            observations,
            transports,
            summary,
        }
    }

    /// How the classification of the observations differs from the expected rows, one
    /// line per differing row or summary (empty: as expected).
    pub fn mismatches(&self) -> Vec<String> {
        let (rows, summary) = classify(&self.observations);
        let mut out = Vec::new();
        let n = rows.len().max(self.transports.len());
        for k in 0..n {
            match (self.transports.get(k), rows.get(k)) {
                (Some(want), Some(got)) if want == got => {}
                (Some(want), Some(got)) => out.push(format!(
                    "row {}: expected {}, classified {}",
                    want.transport,
                    json(want),
                    json(got)
                )),
                (Some(want), None) => out.push(format!("row {}: not classified", want.transport)),
                (None, Some(got)) => out.push(format!("row {}: not expected", got.transport)),
                (None, None) => {}
            }
        }
        if summary != self.summary {
            out.push(format!(
                "summary: expected {}, classified {}",
                json(&self.summary),
                json(&summary)
            ));
        }
        out
    }
}

/// A value as one line of JSON, for a mismatch.
fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|e| format!("<{e}>"))
}
