//! The `# METADATA` block of a check: parsed by the host (regorus has no `rego.metadata`
//! builtins) and validated strictly, with errors that name the file and line.

use crate::finding::Severity;
use crate::snapshot::Source;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Metadata of one check, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Metadata {
    /// Title shown in reports.
    pub title: String,
    /// Why the check matters.
    pub description: String,
    /// Stable id (`PLM-K8S-0001`), never reused.
    pub id: String,
    /// Severity of a failure.
    pub severity: Severity,
    /// Resource selectors evaluated one by one (`kubernetes/Deployment`).
    pub kinds: Vec<String>,
    /// Selectors of other resources the check reads from `data.inventory` (cross-resource).
    pub inventory: Vec<String>,
    /// How to fix a failure.
    pub remediation: String,
    /// `data.config` keys the check needs; it is not run until all are configured.
    pub parameters: Vec<String>,
    /// `data.config` keys the check reads when set, with a default otherwise.
    pub options: Vec<String>,
    /// The type declared for a parameter or option (`allowedRegistries: list`); a value of
    /// another type is a usage error, not a silently different verdict.
    pub parameter_types: BTreeMap<String, ParamType>,
    /// A heuristic for a control CIS assesses manually: off unless named (`--check`,
    /// `checks.enable`), so a judgement call never fails a hardened cluster by default.
    pub manual: bool,
    /// An opt-in group (`custom.optional: reliability`): checks that are good practice but not
    /// security, off unless named (`--check`, `checks.enable`), like manual heuristics, but
    /// not tied to a manual control.
    pub optional: Option<String>,
    /// Body paths (`data.repositoryPolicy`) the check needs to judge a resource. A resource
    /// without one of them (a collector could not read it, or the response lacked it) is
    /// NOT_ASSESSED by this check, never passed.
    pub needs: Vec<String>,
    /// How `plimsoll fix` corrects a failure (`custom.fix`): the first rule whose `when`
    /// matches the finding's path; empty when the check declares no fix.
    pub fix: Vec<FixRule>,
    /// The exact command that corrects a finding on a live platform (`custom.command`), a
    /// template over the finding's resource.
    pub command: Option<super::command::Command>,
    /// Line of the `id:` field, for duplicate-id errors.
    pub id_line: u32,
}

/// One fix rule: which findings it is for, where, and what.
#[derive(Debug, Clone, PartialEq)]
pub struct FixRule {
    /// A glob over the finding's field path (`*.seccompProfile.type`); None: every finding.
    pub when: Option<String>,
    /// Path steps to go up from the finding's path before fixing (a sysctl is found at its
    /// `name`, removed whole: `up: 1`).
    pub up: usize,
    /// What to do.
    pub fix: Fix,
}

/// A check's fix, at the field path of each of its findings (exactly one key per rule).
#[derive(Debug, Clone, PartialEq)]
pub enum Fix {
    /// `set: VALUE`: the field gets this value (missing mappings on the way are created).
    Set(serde_json::Value),
    /// `add: VALUE`: the list gets this item unless it has it (created when missing).
    Add(serde_json::Value),
    /// `remove: true`: the key (or list item) goes.
    Remove,
    /// `param: NAME`: the field gets the value given as `plimsoll fix --param NAME=VALUE`
    /// (fix parameters are their own names, not the check's options); without one the finding
    /// is left with the reason (a limit is not guessed).
    Param(String),
    /// `manual: REASON`: no safe automatic fix (an image digest, a registry); the reason is
    /// shown.
    Manual(String),
}

/// `fix:` is one rule or a list of them.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawFixes {
    One(Box<RawFix>),
    Many(Vec<RawFix>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFix {
    #[serde(default)]
    when: Option<String>,
    #[serde(default)]
    up: usize,
    #[serde(default)]
    set: Option<serde_json::Value>,
    #[serde(default)]
    add: Option<serde_json::Value>,
    #[serde(default)]
    remove: Option<bool>,
    #[serde(default)]
    param: Option<String>,
    #[serde(default)]
    manual: Option<String>,
}

impl RawFix {
    fn rule(self) -> Result<FixRule, String> {
        if let Some(w) = &self.when {
            globset::Glob::new(w).map_err(|e| format!("custom.fix.when: {e}"))?;
        }
        let (when, up) = (self.when.clone(), self.up);
        Ok(FixRule {
            when,
            up,
            fix: self.validate()?,
        })
    }

    fn validate(self) -> Result<Fix, String> {
        let mut fixes = Vec::new();
        if let Some(v) = self.set {
            fixes.push(Fix::Set(v));
        }
        if let Some(v) = self.add {
            fixes.push(Fix::Add(v));
        }
        match self.remove {
            Some(true) => fixes.push(Fix::Remove),
            Some(false) => return Err("custom.fix.remove must be true".into()),
            None => {}
        }
        if let Some(p) = self.param {
            fixes.push(Fix::Param(p));
        }
        if let Some(m) = self.manual {
            if m.trim().is_empty() {
                return Err("custom.fix.manual must say why".into());
            }
            fixes.push(Fix::Manual(m.trim().to_string()));
        }
        match fixes.len() {
            1 => Ok(fixes.remove(0)),
            0 => Err("custom.fix needs one of set, add, remove, param, manual".into()),
            _ => Err("custom.fix takes exactly one of set, add, remove, param, manual".into()),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMetadata {
    title: String,
    #[serde(default)]
    description: String,
    custom: RawCustom,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCustom {
    id: String,
    severity: String,
    kinds: Vec<String>,
    #[serde(default)]
    inventory: Vec<String>,
    remediation: String,
    #[serde(default)]
    parameters: Vec<RawParam>,
    #[serde(default)]
    options: Vec<RawParam>,
    #[serde(default)]
    manual: bool,
    #[serde(default)]
    optional: Option<String>,
    #[serde(default)]
    needs: Vec<String>,
    #[serde(default)]
    fix: Option<RawFixes>,
    #[serde(default)]
    command: Option<super::command::RawCommand>,
}

/// A parameter declaration: `name`, or `name: type`.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawParam {
    Name(String),
    Typed(BTreeMap<String, String>),
}

/// The type of a parameter's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    /// A string.
    String,
    /// A number.
    Number,
    /// true or false.
    Boolean,
    /// A list (`[a, b]`).
    List,
    /// A mapping (`{key: value}`).
    Object,
}

impl ParamType {
    /// The word used in metadata and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            ParamType::String => "string",
            ParamType::Number => "number",
            ParamType::Boolean => "boolean",
            ParamType::List => "list",
            ParamType::Object => "object",
        }
    }

    /// Whether `v` is of this type.
    pub fn admits(self, v: &serde_json::Value) -> bool {
        use serde_json::Value as V;
        matches!(
            (self, v),
            (ParamType::String, V::String(_))
                | (ParamType::Number, V::Number(_))
                | (ParamType::Boolean, V::Bool(_))
                | (ParamType::List, V::Array(_))
                | (ParamType::Object, V::Object(_))
        )
    }
}

/// Splits declarations into names and the types given.
fn params(
    raw: Vec<RawParam>,
    key: &str,
    types: &mut BTreeMap<String, ParamType>,
) -> Result<Vec<String>, String> {
    let mut names = Vec::new();
    for p in raw {
        match p {
            RawParam::Name(n) => names.push(n),
            RawParam::Typed(m) => {
                for (n, t) in m {
                    let ty = match t.as_str() {
                        "string" => ParamType::String,
                        "number" => ParamType::Number,
                        "boolean" => ParamType::Boolean,
                        "list" => ParamType::List,
                        "object" => ParamType::Object,
                        other => {
                            return Err(format!(
                                "custom.{key}: {n}: unknown type {other:?} (string, number, boolean, list, object)"
                            ));
                        }
                    };
                    types.insert(n.clone(), ty);
                    names.push(n);
                }
            }
        }
    }
    Ok(names)
}

/// A metadata problem, with the file line it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataError {
    /// 1-based file line.
    pub line: u32,
    /// What is wrong.
    pub message: String,
}

/// Finds the `# METADATA` block. Returns `(line of the first YAML line, YAML text, line count)`.
fn block(text: &str) -> Option<(u32, String, Vec<String>)> {
    let mut lines = text.lines().enumerate();
    let start = lines.by_ref().find(|(_, l)| l.trim() == "# METADATA")?.0;
    let mut yaml_lines = Vec::new();
    for (_, l) in lines {
        let t = l.trim_start();
        if !t.starts_with('#') {
            break;
        }
        let content = t
            .strip_prefix("# ")
            .or_else(|| t.strip_prefix('#'))
            .unwrap_or("");
        yaml_lines.push(content.to_string());
    }
    Some((start as u32 + 2, yaml_lines.join("\n"), yaml_lines))
}

fn line_of_key(first: u32, lines: &[String], key: &str) -> u32 {
    let needle = format!("{key}:");
    lines
        .iter()
        .position(|l| l.trim_start().starts_with(&needle))
        .map(|i| first + i as u32)
        .unwrap_or(first)
}

/// Whether the text has a `# METADATA` block at all.
pub fn has_metadata(text: &str) -> bool {
    text.lines().any(|l| l.trim() == "# METADATA")
}

/// Which check ids a source may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdRule {
    /// Built-in catalogue: every id follows `PLM-<K8S|CP|NODE|EKS|ECS|ECR|DKR|CTD|HOST>-NNNN`.
    Builtin,
    /// Checks added to a scan with `--policies`: the `PLM-` prefix is reserved.
    User,
    /// `plimsoll policies test`: either kind; a `PLM-` id must follow the built-in scheme.
    Either,
}

/// Parses and validates the block; `rule` says which ids are allowed.
pub fn parse(text: &str, rule: IdRule) -> Result<Metadata, MetadataError> {
    let Some((first, yaml, lines)) = block(text) else {
        return Err(MetadataError {
            line: 1,
            message: "no `# METADATA` block".into(),
        });
    };
    let raw: RawMetadata = yaml_serde::from_str(&yaml).map_err(|e| {
        let rel = e.location().map(|l| l.line() as u32).unwrap_or(1);
        let msg = e.to_string();
        let msg = msg
            .find(" at line ")
            .map(|i| msg[..i].to_string())
            .unwrap_or(msg);
        MetadataError {
            line: first + rel.saturating_sub(1),
            message: format!("invalid METADATA: {msg}"),
        }
    })?;
    let at = |key: &str| line_of_key(first, &lines, key);
    let c = raw.custom;

    let severity = c.severity.parse::<Severity>().map_err(|e| MetadataError {
        line: at("severity"),
        message: format!("custom.severity: {e}"),
    })?;
    let id_ok = {
        let parts: Vec<&str> = c.id.split('-').collect();
        parts.len() >= 2
            && parts.iter().all(|p| {
                !p.is_empty()
                    && p.bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            })
    };
    if !id_ok {
        return Err(MetadataError {
            line: at("id"),
            message: format!(
                "custom.id {:?} must be upper-case words joined by '-' (e.g. ACME-K8S-0001)",
                c.id
            ),
        });
    }
    let builtin = match rule {
        IdRule::Builtin => true,
        IdRule::User => false,
        IdRule::Either => c.id.starts_with("PLM-"),
    };
    if builtin {
        let prefixes = [
            "PLM-K8S-",
            "PLM-NODE-",
            "PLM-EKS-",
            "PLM-ECS-",
            "PLM-ECR-",
            "PLM-DKR-",
            "PLM-CTD-",
            "PLM-HOST-",
            "PLM-CP-",
        ];
        let scheme = prefixes.iter().any(|p| {
            c.id.strip_prefix(p)
                .is_some_and(|n| n.len() == 4 && n.bytes().all(|b| b.is_ascii_digit()))
        });
        if !scheme {
            return Err(MetadataError {
                line: at("id"),
                message: format!(
                    "built-in check id {:?} must be PLM-<K8S|CP|NODE|EKS|ECS|ECR|DKR|CTD|HOST>-NNNN",
                    c.id
                ),
            });
        }
    } else if c.id.starts_with("PLM-") {
        return Err(MetadataError {
            line: at("id"),
            message: format!(
                "custom.id {:?}: the PLM- prefix is reserved for built-in checks",
                c.id
            ),
        });
    }
    if raw.title.trim().is_empty() {
        return Err(MetadataError {
            line: at("title"),
            message: "title must not be empty".into(),
        });
    }
    if c.remediation.trim().is_empty() {
        return Err(MetadataError {
            line: at("remediation"),
            message: "custom.remediation must not be empty".into(),
        });
    }
    if c.kinds.is_empty() {
        return Err(MetadataError {
            line: at("kinds"),
            message: "custom.kinds must list at least one selector".into(),
        });
    }
    for (field, list) in [("kinds", &c.kinds), ("inventory", &c.inventory)] {
        for sel in list {
            validate_selector(sel).map_err(|m| MetadataError {
                line: at(field),
                message: format!("custom.{field}: {m}"),
            })?;
        }
    }
    for path in &c.needs {
        if path
            .split('.')
            .any(|seg| seg.is_empty() || seg.contains(['[', ']', '"']))
        {
            return Err(MetadataError {
                line: at("needs"),
                message: format!(
                    "custom.needs: `{path}` is not a dotted field path (`data.repositoryPolicy`)"
                ),
            });
        }
    }
    let mut parameter_types = BTreeMap::new();
    let parameters =
        params(c.parameters, "parameters", &mut parameter_types).map_err(|m| MetadataError {
            line: at("parameters"),
            message: m,
        })?;
    let options =
        params(c.options, "options", &mut parameter_types).map_err(|m| MetadataError {
            line: at("options"),
            message: m,
        })?;
    let fix = match c.fix {
        None => Vec::new(),
        Some(RawFixes::One(f)) => vec![*f],
        Some(RawFixes::Many(fs)) => fs,
    }
    .into_iter()
    .map(RawFix::rule)
    .collect::<Result<Vec<_>, _>>()
    .map_err(|m| MetadataError {
        line: at("fix"),
        message: m,
    })?;
    let command = c
        .command
        .map(super::command::Command::from_raw)
        .transpose()
        .map_err(|m| MetadataError {
            line: at("command"),
            message: m,
        })?;
    Ok(Metadata {
        title: raw.title.trim().to_string(),
        description: raw.description.trim().to_string(),
        id: c.id,
        severity,
        kinds: c.kinds,
        inventory: c.inventory,
        remediation: c.remediation.trim().to_string(),
        parameters,
        options,
        parameter_types,
        manual: c.manual,
        optional: c.optional,
        needs: c.needs,
        fix,
        command,
        id_line: at("id"),
    })
}

fn validate_selector(sel: &str) -> Result<(), String> {
    let Some((source, kind)) = sel.split_once('/') else {
        return Err(format!(
            "{sel:?} must be <source>/<Kind>, e.g. kubernetes/Pod"
        ));
    };
    let known = [
        Source::Kubernetes,
        Source::Eks,
        Source::Ecs,
        Source::Ecr,
        Source::Docker,
        Source::Containerd,
        Source::Host,
    ];
    if !known.iter().any(|s| s.as_str() == source) {
        return Err(format!(
            "{sel:?}: unknown source {source:?} (expected one of: kubernetes, eks, ecs, ecr, docker, containerd, host)"
        ));
    }
    if kind.is_empty() {
        return Err(format!("{sel:?}: empty kind"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "# METADATA\n# title: T\n# custom:\n#   id: ACME-0001\n#   severity: high\n#   kinds: [kubernetes/Pod]\n#   remediation: fix it\npackage acme.t\n";

    #[test]
    fn parses_a_valid_block() {
        let m = parse(GOOD, IdRule::User).unwrap();
        assert_eq!(m.id, "ACME-0001");
        assert_eq!(m.severity, Severity::High);
        assert_eq!(m.id_line, 4);
    }

    #[test]
    fn bad_severity_names_its_line() {
        let text = GOOD.replace("severity: high", "severity: severe");
        let e = parse(&text, IdRule::User).unwrap_err();
        assert_eq!(e.line, 5);
        assert!(e.message.contains("unknown severity"), "{}", e.message);
    }

    #[test]
    fn unknown_field_is_an_error_with_line() {
        let text = GOOD.replace(
            "#   remediation: fix it",
            "#   remediation: fix it\n#   colour: red",
        );
        let e = parse(&text, IdRule::User).unwrap_err();
        assert!(
            e.message.contains("unknown field `colour`"),
            "{}",
            e.message
        );
        assert!(e.line >= 3, "{}", e.line);
    }

    #[test]
    fn reserved_prefix_and_bad_selector() {
        assert!(parse(&GOOD.replace("ACME-0001", "PLM-K8S-0001"), IdRule::User).is_err());
        assert!(parse(&GOOD.replace("ACME-0001", "PLM-K8S-0001"), IdRule::Either).is_ok());
        assert!(parse(&GOOD.replace("ACME-0001", "PLM-K8S-1"), IdRule::Either).is_err());
        assert!(parse(GOOD, IdRule::Builtin).is_err());
        let e = parse(&GOOD.replace("kubernetes/Pod", "k8s/Pod"), IdRule::User).unwrap_err();
        assert_eq!(e.line, 6);
    }
}
