//! Waivers: failing findings a team has accepted, with a reason and optionally an expiry date.
//! They come from `plimsoll.yaml` (a check pattern plus a resource selector) or from a
//! `plimsoll.io/waive.<check-id>: "<reason>"` annotation on the resource itself, which the
//! configuration can forbid. A waived finding keeps its place in JSON and SARIF with status
//! WAIVED and does not count for the gate; an expired waiver no longer applies and is reported.

use crate::config::{Config, WaiverMatch};
use crate::engine::{Evaluated, Outcome};
use crate::policy::Catalogue;
use crate::snapshot::{Assessed, Snapshot};
use chrono::NaiveDate;
use globset::GlobMatcher;
use serde::Serialize;
use std::collections::HashMap;

/// The annotation prefix; the check id follows it.
pub const ANNOTATION_PREFIX: &str = "plimsoll.io/waive.";

struct Rule {
    name: String,
    check_pattern: String,
    matcher: WaiverMatch,
    reason: String,
    expires: Option<String>,
    expired: bool,
    defined_at: String,
}

/// The waivers in force for one scan.
pub struct Waivers {
    rules: Vec<Rule>,
    allow_annotations: bool,
}

/// Which failing outcomes are waived, and how each configured waiver fared.
#[derive(Default)]
pub struct Decisions {
    /// Outcome index -> the waiver that applies.
    pub waived: HashMap<usize, WaiverRef>,
    /// Per configured waiver: failing (check, resource) pairs it matched.
    pub matched: Vec<usize>,
    /// Annotation waivers present but not honoured because the configuration forbids them.
    pub forbidden_annotations: usize,
    /// Annotation waivers without a reason (not honoured), as `resource id: annotation`.
    pub empty_annotations: Vec<String>,
}

impl Waivers {
    /// No waivers; annotations honoured.
    pub fn none() -> Waivers {
        Waivers {
            rules: Vec::new(),
            allow_annotations: true,
        }
    }

    /// The configuration's waivers as of `today` (a waiver applies up to and including its
    /// expiry date), from the patterns and dates [`Config::parsed`] read.
    pub fn from_config(config: &Config, today: NaiveDate) -> Waivers {
        let rules = config
            .waivers
            .iter()
            .zip(&config.parsed.waivers)
            .enumerate()
            .map(|(i, (w, m))| Rule {
                name: w.name.clone().unwrap_or_else(|| format!("waivers[{i}]")),
                check_pattern: w.check.clone(),
                matcher: m.clone(),
                reason: w.reason.trim().to_string(),
                expires: w.expires.clone(),
                expired: m.expires.is_some_and(|d| d < today),
                defined_at: config.where_is(&format!("waivers[{i}]")),
            })
            .collect();
        Waivers {
            rules,
            allow_annotations: config.allow_annotation_waivers,
        }
    }

    /// Decides every failing outcome.
    pub fn decide_all(
        &self,
        catalogue: &Catalogue,
        snapshot: &Snapshot<Assessed>,
        outcomes: &[Outcome],
    ) -> Decisions {
        let mut d = Decisions {
            matched: vec![0; self.rules.len()],
            ..Decisions::default()
        };
        // Which resources carry annotations at all, read in one pass over the resources: the
        // outcomes visit them check by check, and looking into 100,000s of bodies that way
        // was half a second of cache misses at 100,000 resources, with no waiver anywhere.
        let annotated: Vec<bool> = snapshot
            .resources
            .iter()
            .map(|r| r.annotations().is_some())
            .collect();
        for (i, o) in outcomes.iter().enumerate() {
            if !matches!(o.result, Evaluated::Fail(_))
                || (self.rules.is_empty() && !annotated[o.resource])
            {
                continue;
            }
            let check = &catalogue.checks[o.check].meta.id;
            let resource = &snapshot.resources[o.resource];
            if let Some(w) = self.decide(check, resource, &mut d) {
                d.waived.insert(i, w);
            }
        }
        d
    }

    fn decide(&self, check: &str, r: &Assessed, d: &mut Decisions) -> Option<WaiverRef> {
        let mut found = None;
        for (i, rule) in self.rules.iter().enumerate() {
            if !rule.matcher.check.is_match(check) || !rule.selects(r) {
                continue;
            }
            d.matched[i] += 1;
            if found.is_none() && !rule.expired {
                found = Some(WaiverRef {
                    reason: rule.reason.clone(),
                    source: WaiverSource::Config,
                    name: Some(rule.name.clone()),
                    expires: rule.expires.clone(),
                });
            }
        }
        if found.is_some() {
            return found;
        }
        let annotations = r.annotations()?;
        let key = format!("{ANNOTATION_PREFIX}{check}");
        let reason = annotations.get(&key)?;
        let reason = reason.as_str().unwrap_or("").trim();
        if !self.allow_annotations {
            d.forbidden_annotations += 1;
            None
        } else if reason.is_empty() {
            d.empty_annotations.push(format!("{}: {key}", r.id));
            None
        } else {
            Some(WaiverRef {
                reason: reason.to_string(),
                source: WaiverSource::Annotation,
                name: None,
                expires: None,
            })
        }
    }

    /// How each configured waiver fared.
    pub fn usage(&self, matched: &[usize]) -> Vec<WaiverUse> {
        self.rules
            .iter()
            .enumerate()
            .map(|(i, r)| WaiverUse {
                name: r.name.clone(),
                check: r.check_pattern.clone(),
                reason: r.reason.clone(),
                expires: r.expires.clone(),
                expired: r.expired,
                matched: matched.get(i).copied().unwrap_or(0),
                defined_at: r.defined_at.clone(),
            })
            .collect()
    }
}

impl Rule {
    fn selects(&self, r: &Assessed) -> bool {
        let ok = |m: &Option<GlobMatcher>, v: Option<&str>| match m {
            None => true,
            Some(m) => v.is_some_and(|v| m.is_match(v)),
        };
        let m = &self.matcher;
        ok(&m.id, Some(&r.id))
            && ok(&m.kind, Some(r.kind()))
            && ok(&m.namespace, r.namespace())
            && ok(&m.name, Some(r.name()))
            && ok(&m.file, r.origin.as_ref().map(|o| o.file.as_str()))
    }
}

/// How one configured waiver fared in this scan.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WaiverUse {
    /// The waiver's name (or `waivers[N]`).
    pub name: String,
    /// The check id (or pattern) it waives.
    pub check: String,
    /// Why the finding is accepted.
    pub reason: String,
    /// Expiry date (YYYY-MM-DD), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// Past its expiry date: it no longer applies.
    pub expired: bool,
    /// Findings it waived (or, when expired, would have waived).
    pub matched: usize,
    /// Where it is defined (`plimsoll.yaml:12`).
    pub defined_at: String,
}

/// Why a finding is waived.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct WaiverRef {
    /// The justification.
    pub reason: String,
    /// `config` (plimsoll.yaml) or `annotation` (on the resource).
    pub source: WaiverSource,
    /// The configured waiver's name, for config waivers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Expiry date, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

/// Where a waiver comes from.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum WaiverSource {
    /// A waiver in the configuration file.
    Config,
    /// A `plimsoll.io/waive.<check-id>` annotation on the resource.
    Annotation,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::{Resource, Source};
    use std::path::Path;

    fn resource(ns: &str, name: &str, annotations: serde_json::Value) -> Assessed {
        let obj = serde_json::json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": ns, "annotations": annotations}
        });
        let serde_json::Value::Object(obj) = obj else {
            unreachable!()
        };
        Resource::new(
            format!("k8s/manifests/{ns}/Deployment/{name}"),
            Source::Kubernetes,
            obj,
        )
        .assess(None)
    }

    fn waivers(text: &str, today: &str) -> Waivers {
        let c = crate::config::parse(Path::new("p.yaml"), text).unwrap();
        Waivers::from_config(&c, crate::config::parse_date(today).unwrap())
    }

    #[test]
    fn config_waivers_select_and_expire() {
        let w = waivers(
            "waivers:\n- check: PLM-K8S-0001\n  resources: {namespace: kube-*, name: proxy}\n  reason: needs it\n  expires: 2026-11-30\n\
             - name: old\n  check: 'PLM-*'\n  resources: {id: '*'}\n  reason: legacy\n  expires: 2026-01-01\n",
            "2026-11-30",
        );
        let mut d = Decisions {
            matched: vec![0; 2],
            ..Default::default()
        };
        let hit = w.decide(
            "PLM-K8S-0001",
            &resource("kube-system", "proxy", serde_json::json!({})),
            &mut d,
        );
        assert_eq!(hit.unwrap().reason, "needs it");
        // Expired: matches (counted) but does not apply.
        let miss = w.decide(
            "PLM-K8S-0001",
            &resource("default", "proxy", serde_json::json!({})),
            &mut d,
        );
        assert!(miss.is_none());
        assert_eq!(d.matched, vec![1, 2]);
        let usage = w.usage(&d.matched);
        assert!(!usage[0].expired && usage[1].expired);
        assert_eq!(usage[1].defined_at, "p.yaml:6");
        // The day after its expiry date, the first waiver no longer applies either.
        let w = waivers(
            "waivers:\n- check: PLM-K8S-0001\n  resources: {name: proxy}\n  reason: r\n  expires: 2026-11-30\n",
            "2026-12-01",
        );
        let mut d = Decisions {
            matched: vec![0],
            ..Default::default()
        };
        assert!(
            w.decide(
                "PLM-K8S-0001",
                &resource("a", "proxy", serde_json::json!({})),
                &mut d
            )
            .is_none()
        );
    }

    #[test]
    fn annotation_waivers_need_a_reason_and_can_be_forbidden() {
        let r = resource(
            "a",
            "b",
            serde_json::json!({"plimsoll.io/waive.PLM-K8S-0001": "vendor chart", "plimsoll.io/waive.PLM-K8S-0002": ""}),
        );
        let w = Waivers::none();
        let mut d = Decisions::default();
        let hit = w.decide("PLM-K8S-0001", &r, &mut d).unwrap();
        assert_eq!(hit.source, WaiverSource::Annotation);
        assert!(w.decide("PLM-K8S-0002", &r, &mut d).is_none());
        assert_eq!(d.empty_annotations.len(), 1);
        assert!(w.decide("PLM-K8S-0003", &r, &mut d).is_none());
        let strict = waivers("allowAnnotationWaivers: false\n", "2026-01-01");
        assert!(strict.decide("PLM-K8S-0001", &r, &mut d).is_none());
        assert_eq!(d.forbidden_annotations, 1);
    }
}
