//! Findings: the result of one check on one resource (per container where the problem is
//! per container), with its status, severity and a fingerprint stable across runs.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Check severity, ordered from least to most serious.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational.
    Info,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// All severities, most serious first (the order reports use).
    pub const DESCENDING: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    /// The lowercase name used in metadata, flags and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error for an unknown severity name.
#[derive(Debug, thiserror::Error)]
#[error("unknown severity {0:?} (expected one of: info, low, medium, high, critical)")]
pub struct UnknownSeverity(pub String);

impl FromStr for Severity {
    type Err = UnknownSeverity;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "info" => Ok(Severity::Info),
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            _ => Err(UnknownSeverity(s.to_string())),
        }
    }
}

/// Status of a check on a resource, or of a benchmark control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    /// The resource complies.
    Pass,
    /// The resource violates the check.
    Fail,
    /// The inputs the check needs could not be collected; never counted as a pass.
    NotAssessed,
    /// The policy itself failed (runtime error or execution limit); never counted as a pass.
    Error,
    /// Only for benchmark controls: no automated check, a person must assess it.
    Manual,
    /// A failure accepted by a waiver (configuration or annotation), with its reason. Kept in
    /// reports, left out of the gate.
    Waived,
}

impl Status {
    /// The name used in reports (`NOT_ASSESSED`).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::NotAssessed => "NOT_ASSESSED",
            Status::Error => "ERROR",
            Status::Manual => "MANUAL",
            Status::Waived => "WAIVED",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A CIS reference carried by a finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CisRef {
    /// Benchmark id (`cis-kubernetes-1.12`).
    pub benchmark: String,
    /// Control number (`5.2.2`).
    pub control: String,
    /// CIS profile level, 1 or 2.
    pub level: u8,
}

/// A finding's fingerprint: FNV-1a 64 over check id, resource id and field. Serialised as
/// 16 hex digits; kept as a number so the 100,000s of findings of a large run carry no string
/// each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint(pub u64);

impl Fingerprint {
    /// The fingerprint of `parts`.
    pub fn of(parts: &[&str]) -> Fingerprint {
        let mut hash = Fingerprint::start();
        for part in parts {
            hash.part(part);
        }
        hash
    }

    /// The fingerprint of no parts, to add parts to one at a time ([`Fingerprint::part`]).
    pub fn start() -> Fingerprint {
        Fingerprint(0xcbf2_9ce4_8422_2325)
    }

    /// Adds one part (FNV-1a over its bytes and a 0 byte after it).
    pub fn part(&mut self, part: &str) {
        for b in part.bytes().chain(std::iter::once(0u8)) {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// Reads the hex form written in reports and the state store.
    pub fn parse(hex: &str) -> Option<Fingerprint> {
        (hex.len() == 16)
            .then(|| u64::from_str_radix(hex, 16).ok())
            .flatten()
            .map(Fingerprint)
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl Serialize for Fingerprint {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A stable fingerprint: FNV-1a 64 over the parts, hex. Not cryptographic; it only has to be
/// the same for the same check, resource and field on every run and every platform (std's
/// hasher promises neither).
pub fn fingerprint(parts: &[&str]) -> String {
    Fingerprint::of(parts).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_order_and_parse() {
        assert!(Severity::Critical > Severity::High && Severity::Low > Severity::Info);
        assert_eq!("HIGH".parse::<Severity>().unwrap(), Severity::High);
        assert!("severe".parse::<Severity>().is_err());
    }

    #[test]
    fn fingerprint_is_stable_and_separates_parts() {
        assert_eq!(fingerprint(&["a", "b"]), fingerprint(&["a", "b"]));
        assert_ne!(fingerprint(&["ab", ""]), fingerprint(&["a", "b"]));
        // Pinned: a change here would break every stored baseline.
        assert_eq!(
            fingerprint(&["PLM-K8S-0001", "k8s/x"]),
            fingerprint(&["PLM-K8S-0001", "k8s/x"])
        );
        assert_eq!(fingerprint(&[""]), "af63bd4c8601b7df");
    }
}
