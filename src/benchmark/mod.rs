//! Benchmark definitions: one YAML file per benchmark version under `benchmarks/`, mapping
//! each CIS control (number, title, level, CIS's automated/manual label) to the checks that
//! decide it. Adding a benchmark version is one new file; checks are shared between versions.

use crate::finding::CisRef;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Errors loading benchmark definitions.
#[derive(Debug, thiserror::Error)]
pub enum BenchmarkError {
    /// The YAML is invalid or has unknown fields.
    #[error("{file}:{line}: {message}")]
    Parse {
        /// The benchmark file.
        file: String,
        /// 1-based line.
        line: u32,
        /// What is wrong.
        message: String,
    },
    /// A control is inconsistent (bad level, duplicate number).
    #[error("{file}: control {control}: {message}")]
    Invalid {
        /// The benchmark file.
        file: String,
        /// The control number.
        control: String,
        /// What is wrong.
        message: String,
    },
    /// `extends` names no benchmark, or one that extends another.
    #[error("{file}: {message}")]
    Extends {
        /// The benchmark file.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// `--benchmark` names nothing known.
    #[error("unknown benchmark {name:?}; available: {available}")]
    Unknown {
        /// The requested id.
        name: String,
        /// Comma-separated known ids.
        available: String,
    },
}

/// How CIS itself labels a control's assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Assessment {
    /// CIS: "Automated".
    Automated,
    /// CIS: "Manual".
    Manual,
}

/// One benchmark control.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Control {
    /// CIS number (`5.2.2`).
    pub id: String,
    /// Abridged title.
    pub title: String,
    /// Section heading (`5.2 Pod Security Standards`).
    pub section: String,
    /// CIS profile level: 1 or 2.
    pub level: u8,
    /// CIS's own automated/manual label (informational; whether Plimsoll automates the
    /// control is decided by `checks`).
    pub assessment: Assessment,
    /// Checks deciding this control. Empty: the control is MANUAL in reports.
    #[serde(default)]
    pub checks: Vec<String>,
    /// Why a control has no checks, or what the checks cover.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Data the control needs that Plimsoll does not collect yet (node files, an AWS API).
    /// Such a control is NOT_ASSESSED with this reason, never MANUAL (nobody is asked to
    /// check by hand what a later collector will) and never PASS. Exclusive with `checks`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needs: Option<String>,
}

/// One benchmark version.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Benchmark {
    /// Id used by `--benchmark` (`cis-kubernetes-1.12`).
    pub id: String,
    /// Full name.
    pub title: String,
    /// Benchmark version.
    pub version: String,
    /// Another benchmark whose controls this one has too (a later version with the same
    /// recommendations): they are copied in, and a control of this file with the same id
    /// replaces the copied one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
    /// Controls in benchmark order.
    #[serde(default)]
    pub controls: Vec<Control>,
    /// The file it was loaded from.
    #[serde(skip)]
    pub file: String,
}

impl Benchmark {
    /// Parses one definition file.
    pub fn parse(file: &str, text: &str) -> Result<Benchmark, BenchmarkError> {
        let mut b: Benchmark = yaml_serde::from_str(text).map_err(|e| {
            let msg = e.to_string();
            BenchmarkError::Parse {
                file: file.into(),
                line: e.location().map(|l| l.line() as u32).unwrap_or(1),
                message: msg
                    .find(" at line ")
                    .map(|i| msg[..i].to_string())
                    .unwrap_or(msg),
            }
        })?;
        b.file = file.into();
        let mut seen = std::collections::HashSet::new();
        for c in &b.controls {
            let invalid = |message: &str| BenchmarkError::Invalid {
                file: file.into(),
                control: c.id.clone(),
                message: message.into(),
            };
            if !(1..=2).contains(&c.level) {
                return Err(invalid("level must be 1 or 2"));
            }
            if !seen.insert(c.id.clone()) {
                return Err(invalid("duplicate control number"));
            }
            if c.needs.is_some() && !c.checks.is_empty() {
                return Err(invalid("`needs` is for controls without checks"));
            }
        }
        Ok(b)
    }

    /// Controls in the profile of `level`: Level 1 is the base, Level 2 adds to it.
    pub fn controls_at(&self, level: u8) -> impl Iterator<Item = &Control> {
        self.controls.iter().filter(move |c| c.level <= level)
    }
}

/// All benchmark definitions known to this build.
#[derive(Debug, Clone, Default)]
pub struct Benchmarks {
    /// Sorted by id.
    pub all: Vec<Benchmark>,
}

impl Benchmarks {
    /// The embedded definitions.
    pub fn builtin() -> Result<Benchmarks, BenchmarkError> {
        let mut all = Vec::new();
        for (file, text) in crate::embedded::benchmark_files() {
            all.push(Benchmark::parse(file, text)?);
        }
        all.sort_by(|a, b| a.id.cmp(&b.id));
        resolve_extends(&mut all)?;
        Ok(Benchmarks { all })
    }

    /// Finds a benchmark by id.
    pub fn get(&self, id: &str) -> Result<&Benchmark, BenchmarkError> {
        self.all
            .iter()
            .find(|b| b.id == id)
            .ok_or_else(|| BenchmarkError::Unknown {
                name: id.into(),
                available: self
                    .all
                    .iter()
                    .map(|b| b.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    /// For every check id: the controls (across all benchmarks) it maps to.
    pub fn references(&self) -> BTreeMap<String, Vec<CisRef>> {
        let mut out: BTreeMap<String, Vec<CisRef>> = BTreeMap::new();
        for b in &self.all {
            for c in &b.controls {
                for check in &c.checks {
                    out.entry(check.clone()).or_default().push(CisRef {
                        benchmark: b.id.clone(),
                        control: c.id.clone(),
                        level: c.level,
                    });
                }
            }
        }
        out
    }
}

/// Copies each extended benchmark's controls into the one that extends it (one level: a base
/// may not itself extend another), keeping the base's order, with the extending file's own
/// controls replacing those of the same id and the rest of them after.
fn resolve_extends(all: &mut [Benchmark]) -> Result<(), BenchmarkError> {
    for i in 0..all.len() {
        let Some(base_id) = all[i].extends.clone() else {
            continue;
        };
        let invalid = |message: String| BenchmarkError::Extends {
            file: all[i].file.clone(),
            message,
        };
        let Some(base) = all.iter().find(|b| b.id == base_id).cloned() else {
            return Err(invalid(format!("extends unknown benchmark {base_id:?}")));
        };
        if base.extends.is_some() {
            return Err(invalid(format!(
                "extends {base_id:?}, which extends another: one level only"
            )));
        }
        let own = std::mem::take(&mut all[i].controls);
        let mut controls: Vec<Control> = base
            .controls
            .iter()
            .map(|c| own.iter().find(|o| o.id == c.id).unwrap_or(c).clone())
            .collect();
        controls.extend(
            own.iter()
                .filter(|o| !base.controls.iter().any(|c| c.id == o.id))
                .cloned(),
        );
        all[i].controls = controls;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_field_and_bad_level_are_errors() {
        let bad = "id: x\ntitle: t\nversion: '1'\ncontrols:\n- id: '1.1'\n  title: t\n  section: s\n  level: 3\n  assessment: manual\n";
        assert!(
            Benchmark::parse("b.yaml", bad)
                .unwrap_err()
                .to_string()
                .contains("level must be 1 or 2")
        );
        let unknown = "id: x\ntitle: t\nversion: '1'\nowner: me\ncontrols: []\n";
        let e = Benchmark::parse("b.yaml", unknown).unwrap_err().to_string();
        assert!(
            e.starts_with("b.yaml:4:") && e.contains("unknown field"),
            "{e}"
        );
    }

    #[test]
    fn level_two_includes_level_one() {
        let text = "id: x\ntitle: t\nversion: '1'\ncontrols:\n- {id: '1', title: a, section: s, level: 1, assessment: manual}\n- {id: '2', title: b, section: s, level: 2, assessment: manual}\n";
        let b = Benchmark::parse("b.yaml", text).unwrap();
        assert_eq!(b.controls_at(1).count(), 1);
        assert_eq!(b.controls_at(2).count(), 2);
    }
}
