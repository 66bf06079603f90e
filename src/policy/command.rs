//! `custom.command`: the exact command that corrects a finding on a live platform (Docker, the
//! host, AWS), where `plimsoll fix` has no file to edit. A template over the finding's
//! resource, rendered per finding: `aws ecr put-image-tag-mutability --region {{region}}
//! --repository-name {{name}} --image-tag-mutability IMMUTABLE`.
//!
//! Every value put into a command comes from the scanned platform (a container, repository or
//! file name), so each is shell-quoted: a resource named `x; rm -rf /` renders as one quoted
//! word, never as a second command. A value that cannot be quoted (a NUL byte) renders no
//! command at all rather than a wrong one.

/// What a command is filled in from: a finding's resource (the policy layer does not know
/// the report's types).
#[derive(Debug, Clone, Copy)]
pub struct ResourceRef<'a> {
    /// The resource's stable id (AWS: `<service>/<account>/<region>/<Kind>/<name>`).
    pub id: &'a str,
    /// Its namespace (AWS: the region).
    pub namespace: Option<&'a str>,
    /// Its name.
    pub name: &'a str,
}

/// The placeholders a command may use, with what each is.
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    ("name", "the resource's name (a file's path on the host)"),
    ("namespace", "the resource's namespace"),
    ("region", "the AWS region (the namespace of AWS resources)"),
    ("account", "the AWS account id"),
    (
        "parent",
        "the part of the name before its first `/` (an ECS service's cluster, an EKS node group's cluster)",
    ),
    ("child", "the part of the name after its first `/`"),
    (
        "family",
        "the part of the name before its last `:` (an ECS task definition's family)",
    ),
];

/// One piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Value(&'static str),
}

/// `custom.command` as written: a template, a recipe with its jq filter, or why there is no
/// command (`manual: REASON`).
#[derive(Debug, serde::Deserialize)]
#[serde(untagged)]
pub enum RawCommand {
    /// `command: "aws ecr ... {{name}}"`.
    Template(String),
    /// `command: {edit-task-definition: FILTER}` and the like.
    Recipe(std::collections::BTreeMap<String, String>),
}

/// Registers a new revision of an ECS task definition edited by a jq filter. The describe
/// output is cut to what RegisterTaskDefinition takes (it refuses the read-only fields), and
/// passed inline, not through a file: a task definition's environment can hold secrets.
const EDIT_TASK_DEFINITION: &str = concat!(
    r#"aws ecs register-task-definition --region {{region}} --query taskDefinition.taskDefinitionArn --output text --cli-input-json "$(aws ecs "#,
    r#"describe-task-definition --region {{region}} --task-definition {{family}} --include TAGS "#,
    r#"| jq --arg region {{region}} --arg family {{family}} '(.tags // []) as $tags "#,
    r#"| .taskDefinition | del(.taskDefinitionArn, .revision, .status, .requiresAttributes, "#,
    r#".compatibilities, .registeredAt, .registeredBy, .deregisteredAt) "#,
    r#"| if $tags == [] then . else .tags = $tags end | FILTER')""#,
);

/// Edits the Docker daemon's configuration file with a jq filter (an absent or empty file is
/// `{}`), then restarts the daemon.
const EDIT_DAEMON_JSON: &str = concat!(
    r#"f=/etc/docker/daemon.json; { cat "$f" 2>/dev/null || true; } "#,
    r#"| jq -s '(.[0] // {}) | FILTER' > "$f.new" && mv "$f.new" "$f" && systemctl restart docker"#,
);

/// The recipes a command may name, with the template each fills its filter into.
pub const RECIPES: &[(&str, &str)] = &[
    ("edit-task-definition", EDIT_TASK_DEFINITION),
    ("edit-daemon-json", EDIT_DAEMON_JSON),
];

/// A validated command: a template, or the reason there is none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// The command, rendered per resource.
    Template(Template),
    /// No command does it (the setting is fixed at creation, or the value is a person's
    /// choice): why.
    Manual(String),
}

impl Command {
    /// Validates `custom.command`.
    pub fn from_raw(raw: RawCommand) -> Result<Self, String> {
        match raw {
            RawCommand::Template(t) => Template::parse(&t).map(Command::Template),
            RawCommand::Recipe(map) => {
                let mut entries = map.into_iter();
                let (Some((key, value)), None) = (entries.next(), entries.next()) else {
                    return Err("custom.command takes exactly one recipe (or manual)".into());
                };
                if key == "manual" {
                    return match value.trim() {
                        "" => Err("custom.command.manual must say why".into()),
                        why => Ok(Command::Manual(why.to_string())),
                    };
                }
                let Some((_, recipe)) = RECIPES.iter().find(|(k, _)| *k == key) else {
                    let known: Vec<&str> = RECIPES.iter().map(|(k, _)| *k).collect();
                    return Err(format!(
                        "custom.command: unknown recipe {key:?} (known: manual, {})",
                        known.join(", ")
                    ));
                };
                // The filter sits inside the recipe's single-quoted jq program.
                if value.contains('\'') || value.contains("{{") || value.trim().is_empty() {
                    return Err(format!(
                        "custom.command.{key}: the jq filter must be non-empty, without single quotes or placeholders"
                    ));
                }
                Template::parse(&recipe.replace("FILTER", value.trim())).map(Command::Template)
            }
        }
    }

    /// The command for one resource; None for a manual one or when the template cannot be
    /// filled (see [`Template::render`]).
    pub fn render(&self, r: ResourceRef<'_>) -> Option<String> {
        match self {
            Command::Template(t) => t.render(r),
            Command::Manual(_) => None,
        }
    }

    /// The template or the manual reason, as the check's documentation shows it.
    pub fn describe(&self) -> String {
        match self {
            Command::Template(t) => t.text(),
            Command::Manual(why) => format!("none: {why}"),
        }
    }
}

/// A validated command template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pieces: Vec<Piece>,
}

impl Template {
    /// The template as written (placeholders in `{{...}}`).
    pub fn text(&self) -> String {
        self.pieces
            .iter()
            .map(|p| match p {
                Piece::Text(t) => t.clone(),
                Piece::Value(v) => format!("{{{{{v}}}}}"),
            })
            .collect()
    }

    /// Parses a template; an unknown or unclosed `{{...}}` is an error naming it.
    pub fn parse(template: &str) -> Result<Self, String> {
        let mut pieces = Vec::new();
        let mut rest = template.trim();
        if rest.is_empty() {
            return Err("custom.command must not be empty".into());
        }
        while let Some(start) = rest.find("{{") {
            if start > 0 {
                pieces.push(Piece::Text(rest[..start].to_string()));
            }
            let after = &rest[start + 2..];
            let Some(end) = after.find("}}") else {
                return Err(format!("custom.command: unclosed `{{{{` in {template:?}"));
            };
            let word = after[..end].trim();
            let Some(&(name, _)) = PLACEHOLDERS.iter().find(|(n, _)| *n == word) else {
                let known: Vec<&str> = PLACEHOLDERS.iter().map(|(n, _)| *n).collect();
                return Err(format!(
                    "custom.command: unknown placeholder {{{{{word}}}}} (known: {})",
                    known.join(", ")
                ));
            };
            pieces.push(Piece::Value(name));
            rest = &after[end + 2..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest.to_string()));
        }
        Ok(Template { pieces })
    }

    /// The command for one resource, every value shell-quoted; None when a value cannot be
    /// quoted or the resource lacks it (an AWS placeholder on a Docker container).
    pub fn render(&self, r: ResourceRef<'_>) -> Option<String> {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Value(name) => {
                    let value = value(name, r)?;
                    out.push_str(&shlex::try_quote(value).ok()?);
                }
            }
        }
        Some(out)
    }
}

/// The value of a placeholder for a resource.
fn value<'a>(name: &str, r: ResourceRef<'a>) -> Option<&'a str> {
    match name {
        "name" => Some(r.name),
        "namespace" | "region" => r.namespace,
        // AWS ids are `<service>/<account>/<region>/<Kind>/<name>`.
        "account" => {
            let mut parts = r.id.splitn(3, '/');
            let (_, account) = (parts.next()?, parts.next()?);
            (!account.is_empty() && account != "-").then_some(account)
        }
        "parent" => r.name.split_once('/').map(|(p, _)| p),
        "child" => r.name.split_once('/').map(|(_, c)| c),
        "family" => Some(r.name.rsplit_once(':').map_or(r.name, |(f, _)| f)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource<'a>(id: &'a str, namespace: Option<&'a str>, name: &'a str) -> ResourceRef<'a> {
        ResourceRef {
            id,
            namespace,
            name,
        }
    }

    #[test]
    fn placeholders_are_filled_from_the_resource() {
        let c = Template::parse(
            "aws ecs update-service --region {{region}} --cluster {{parent}} --service {{ child }} # {{account}}",
        )
        .unwrap();
        let r = resource(
            "ecs/123456789012/eu-west-1/Service/prod/web",
            Some("eu-west-1"),
            "prod/web",
        );
        assert_eq!(
            c.render(r).unwrap(),
            "aws ecs update-service --region eu-west-1 --cluster prod --service web # 123456789012"
        );
        let td = resource("ecs/1/r/TaskDefinition/app:7", Some("r"), "app:7");
        let c = Template::parse("x {{family}} {{name}}").unwrap();
        assert_eq!(c.render(td).unwrap(), "x app app:7");
    }

    #[test]
    fn hostile_values_stay_one_quoted_word() {
        let c = Template::parse("docker update --pids-limit 100 {{name}}").unwrap();
        let r = resource("docker/-/Container/x", None, "x; rm -rf / #'$(id)`");
        let out = c.render(r).unwrap();
        let words = shlex::split(&out).unwrap();
        assert_eq!(words.len(), 5, "{out}");
        assert_eq!(words[4], "x; rm -rf / #'$(id)`");
        // A NUL cannot be quoted: no command rather than a wrong one.
        assert_eq!(c.render(resource("i", None, "a\0b")), None);
        // A placeholder the resource has no value for: no command.
        let c = Template::parse("aws --region {{region}} x").unwrap();
        assert_eq!(c.render(resource("docker/-/C/x", None, "x")), None);
    }

    #[test]
    fn unknown_and_unclosed_placeholders_are_errors() {
        assert!(
            Template::parse("x {{nmae}}")
                .unwrap_err()
                .contains("unknown placeholder {{nmae}}")
        );
        assert!(
            Template::parse("x {{name")
                .unwrap_err()
                .contains("unclosed")
        );
        assert!(Template::parse("  ").is_err());
        // Single braces are the command's own (jq, docker --format).
        let c = Template::parse("jq '{a: 1}' {{name}}").unwrap();
        assert_eq!(c.render(resource("i", None, "f")).unwrap(), "jq '{a: 1}' f");
    }
}
