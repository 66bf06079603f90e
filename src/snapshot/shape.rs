//! The shape of Kubernetes objects as the API server decodes them, for the fields checks read.
//!
//! A check that reads `securityContext.privileged` of a container whose `securityContext` is a
//! string (or whose `containers` is a map) would find nothing and pass: the policy language
//! treats a wrong-typed value like a missing one. The API server would reject such an object
//! (or, for YAML 1.1 booleans, read it differently), so Plimsoll cannot know what the cluster
//! would run. [`admit`] therefore checks every Kubernetes object before it is evaluated:
//!
//! * `null` means absent, as in the API server's decoding: null values in mappings are
//!   removed (everywhere, not only in known fields), so `securityContext:` with no value is a
//!   container without a security context, not a container no check can read.
//! * A field of a known type holding another type (a string or list where an object is
//!   expected, `"true"` where a boolean is, a fractional number where an integer is, a null
//!   item in a list of objects) is an error naming the field. The resource is kept (its id,
//!   file and line are reported) but every check on it is NOT_ASSESSED, never PASS.
//!
//! The schema below covers the fields the built-in checks read and the structure that leads
//! to them; fields not listed are not checked (user policies reading them get what the file
//! says). Error messages name types, never values: a value may be a secret.

use serde_json::{Map, Value};

/// A field's type, as far as checks care.
#[derive(Clone, Copy)]
enum Ty {
    /// Any JSON value.
    Any,
    /// `true` / `false`.
    Bool,
    /// An integral number (`1.0` is accepted: the YAML reader kubectl uses sends it as `1`).
    Int,
    /// A string.
    Str,
    /// An integer or a string (ports by name, `maxUnavailable: 25%`).
    IntOrStr,
    /// A resource quantity: a string (`500m`) or a number (`1`).
    Quantity,
    /// Any mapping.
    AnyObj,
    /// A mapping whose listed fields have the given types; other fields are not checked.
    Obj(&'static [(&'static str, Ty)]),
    /// A mapping of names to values of one type (labels, resource limits).
    Map(&'static Ty),
    /// A list of values of one type.
    List(&'static Ty),
}

impl Ty {
    fn name(self) -> &'static str {
        match self {
            Ty::Any => "any value",
            Ty::Bool => "a boolean",
            Ty::Int => "an integer",
            Ty::Str => "a string",
            Ty::IntOrStr => "an integer or a string",
            Ty::Quantity => "a quantity (a string or a number)",
            Ty::AnyObj | Ty::Obj(_) | Ty::Map(_) => "a mapping",
            Ty::List(_) => "a list",
        }
    }
}

/// What a value is, for messages (never the value itself).
fn found(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a fractional number",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

const STRS: Ty = Ty::List(&Ty::Str);
const STR_MAP: Ty = Ty::Map(&Ty::Str);

const META: Ty = Ty::Obj(&[
    ("name", Ty::Str),
    ("generateName", Ty::Str),
    ("namespace", Ty::Str),
    ("labels", STR_MAP),
    ("annotations", STR_MAP),
]);

const SECCOMP: Ty = Ty::Obj(&[("type", Ty::Str), ("localhostProfile", Ty::Str)]);

const SE_LINUX: Ty = Ty::Obj(&[
    ("user", Ty::Str),
    ("role", Ty::Str),
    ("type", Ty::Str),
    ("level", Ty::Str),
]);

const WINDOWS: Ty = Ty::Obj(&[
    ("hostProcess", Ty::Bool),
    ("runAsUserName", Ty::Str),
    ("gmsaCredentialSpecName", Ty::Str),
]);

/// Fields a container's and a pod's security context share.
const SECURITY_CONTEXT: Ty = Ty::Obj(&[
    ("privileged", Ty::Bool),
    ("allowPrivilegeEscalation", Ty::Bool),
    ("readOnlyRootFilesystem", Ty::Bool),
    ("runAsNonRoot", Ty::Bool),
    ("runAsUser", Ty::Int),
    ("runAsGroup", Ty::Int),
    ("procMount", Ty::Str),
    ("capabilities", Ty::Obj(&[("add", STRS), ("drop", STRS)])),
    ("seccompProfile", SECCOMP),
    ("appArmorProfile", SECCOMP),
    ("seLinuxOptions", SE_LINUX),
    ("windowsOptions", WINDOWS),
]);

const POD_SECURITY_CONTEXT: Ty = Ty::Obj(&[
    ("runAsNonRoot", Ty::Bool),
    ("runAsUser", Ty::Int),
    ("runAsGroup", Ty::Int),
    ("fsGroup", Ty::Int),
    ("supplementalGroups", Ty::List(&Ty::Int)),
    ("seccompProfile", SECCOMP),
    ("appArmorProfile", SECCOMP),
    ("seLinuxOptions", SE_LINUX),
    ("windowsOptions", WINDOWS),
    (
        "sysctls",
        Ty::List(&Ty::Obj(&[("name", Ty::Str), ("value", Ty::Str)])),
    ),
]);

const KEY_REF: Ty = Ty::Obj(&[("name", Ty::Str), ("key", Ty::Str)]);
const NAME_REF: Ty = Ty::Obj(&[("name", Ty::Str)]);

const CONTAINER: Ty = Ty::Obj(&[
    ("name", Ty::Str),
    ("image", Ty::Str),
    ("command", STRS),
    ("args", STRS),
    ("securityContext", SECURITY_CONTEXT),
    (
        "ports",
        Ty::List(&Ty::Obj(&[
            ("containerPort", Ty::Int),
            ("hostPort", Ty::Int),
            ("hostIP", Ty::Str),
            ("protocol", Ty::Str),
            ("name", Ty::Str),
        ])),
    ),
    (
        "env",
        Ty::List(&Ty::Obj(&[
            ("name", Ty::Str),
            ("value", Ty::Str),
            (
                "valueFrom",
                Ty::Obj(&[("secretKeyRef", KEY_REF), ("configMapKeyRef", KEY_REF)]),
            ),
        ])),
    ),
    (
        "envFrom",
        Ty::List(&Ty::Obj(&[
            ("prefix", Ty::Str),
            ("secretRef", NAME_REF),
            ("configMapRef", NAME_REF),
        ])),
    ),
    (
        "resources",
        Ty::Obj(&[
            ("limits", Ty::Map(&Ty::Quantity)),
            ("requests", Ty::Map(&Ty::Quantity)),
        ]),
    ),
    ("volumeMounts", Ty::List(&Ty::AnyObj)),
]);

const CONTAINERS: Ty = Ty::List(&CONTAINER);

const POD_SPEC: Ty = Ty::Obj(&[
    ("containers", CONTAINERS),
    ("initContainers", CONTAINERS),
    ("ephemeralContainers", CONTAINERS),
    ("securityContext", POD_SECURITY_CONTEXT),
    ("hostNetwork", Ty::Bool),
    ("hostPID", Ty::Bool),
    ("hostIPC", Ty::Bool),
    ("hostUsers", Ty::Bool),
    ("shareProcessNamespace", Ty::Bool),
    ("automountServiceAccountToken", Ty::Bool),
    ("serviceAccountName", Ty::Str),
    ("serviceAccount", Ty::Str),
    ("nodeName", Ty::Str),
    ("runtimeClassName", Ty::Str),
    (
        "volumes",
        Ty::List(&Ty::Obj(&[
            ("name", Ty::Str),
            ("hostPath", Ty::Obj(&[("path", Ty::Str), ("type", Ty::Str)])),
            ("emptyDir", Ty::AnyObj),
            ("configMap", Ty::AnyObj),
            ("secret", Ty::AnyObj),
            ("projected", Ty::AnyObj),
            ("persistentVolumeClaim", Ty::AnyObj),
        ])),
    ),
]);

const TEMPLATE: Ty = Ty::Obj(&[("metadata", META), ("spec", POD_SPEC)]);

const RULES: Ty = Ty::List(&Ty::Obj(&[
    ("apiGroups", STRS),
    ("resources", STRS),
    ("verbs", STRS),
    ("resourceNames", STRS),
    ("nonResourceURLs", STRS),
]));

const SUBJECTS: Ty = Ty::List(&Ty::Obj(&[
    ("kind", Ty::Str),
    ("name", Ty::Str),
    ("namespace", Ty::Str),
    ("apiGroup", Ty::Str),
]));

const ROLE_REF: Ty = Ty::Obj(&[("apiGroup", Ty::Str), ("kind", Ty::Str), ("name", Ty::Str)]);

/// `RuleWithOperations`: what an admission webhook or policy sees.
const ADMISSION_RULES: Ty = Ty::List(&Ty::Obj(&[
    ("operations", STRS),
    ("apiGroups", STRS),
    ("apiVersions", STRS),
    ("resources", STRS),
    ("scope", Ty::Str),
]));

const WEBHOOKS: Ty = Ty::List(&Ty::Obj(&[
    ("name", Ty::Str),
    ("failurePolicy", Ty::Str),
    ("namespaceSelector", Ty::AnyObj),
    ("objectSelector", Ty::AnyObj),
    ("rules", ADMISSION_RULES),
]));

/// The schema of a whole object of `kind`: `apiVersion`, `kind` and `metadata` for every kind,
/// and the body of the kinds checks read.
fn schema(kind: &str) -> Ty {
    const COMMON: [(&str, Ty); 3] = [
        ("apiVersion", Ty::Str),
        ("kind", Ty::Str),
        ("metadata", META),
    ];
    macro_rules! object {
        ($($field:expr),* $(,)?) => {{
            const FIELDS: &[(&str, Ty)] = &[COMMON[0], COMMON[1], COMMON[2], $($field),*];
            Ty::Obj(FIELDS)
        }};
    }
    match kind {
        "Pod" => object!(("spec", POD_SPEC)),
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "ReplicationController"
        | "Job" => object!(("spec", Ty::Obj(&[("template", TEMPLATE)]))),
        "CronJob" => object!((
            "spec",
            Ty::Obj(&[(
                "jobTemplate",
                Ty::Obj(&[
                    ("metadata", META),
                    ("spec", Ty::Obj(&[("template", TEMPLATE)]))
                ]),
            )]),
        )),
        "PodTemplate" => object!(("template", TEMPLATE)),
        "Role" | "ClusterRole" => object!(("rules", RULES), ("aggregationRule", Ty::AnyObj)),
        "RoleBinding" | "ClusterRoleBinding" => {
            object!(("roleRef", ROLE_REF), ("subjects", SUBJECTS))
        }
        "ServiceAccount" => object!(
            ("automountServiceAccountToken", Ty::Bool),
            ("secrets", Ty::List(&NAME_REF)),
            ("imagePullSecrets", Ty::List(&NAME_REF)),
        ),
        "Service" => object!((
            "spec",
            Ty::Obj(&[
                ("type", Ty::Str),
                ("externalIPs", STRS),
                ("loadBalancerSourceRanges", STRS),
                (
                    "ports",
                    Ty::List(&Ty::Obj(&[
                        ("port", Ty::Int),
                        ("nodePort", Ty::Int),
                        ("targetPort", Ty::IntOrStr),
                        ("protocol", Ty::Str),
                        ("name", Ty::Str),
                    ])),
                ),
            ]),
        )),
        "NetworkPolicy" => object!((
            "spec",
            Ty::Obj(&[
                ("podSelector", Ty::AnyObj),
                ("policyTypes", STRS),
                ("ingress", Ty::List(&Ty::AnyObj)),
                ("egress", Ty::List(&Ty::AnyObj)),
            ]),
        )),
        "Ingress" => object!((
            "spec",
            Ty::Obj(&[
                ("tls", Ty::List(&Ty::AnyObj)),
                ("rules", Ty::List(&Ty::AnyObj))
            ]),
        )),
        "ValidatingWebhookConfiguration" | "MutatingWebhookConfiguration" => {
            object!(("webhooks", WEBHOOKS))
        }
        // Read from the inventory by the policy-control check (CIS 5.2.1): a wrong-typed
        // field there failed the whole catalogue's preparation (found by the fuzz harness).
        "ValidatingAdmissionPolicy" => object!((
            "spec",
            Ty::Obj(&[
                ("failurePolicy", Ty::Str),
                (
                    "matchConstraints",
                    Ty::Obj(&[
                        ("resourceRules", ADMISSION_RULES),
                        ("excludeResourceRules", ADMISSION_RULES),
                        ("namespaceSelector", Ty::AnyObj),
                        ("objectSelector", Ty::AnyObj),
                    ]),
                ),
                ("validations", Ty::List(&Ty::AnyObj)),
            ]),
        )),
        "ValidatingAdmissionPolicyBinding" => object!((
            "spec",
            Ty::Obj(&[
                ("policyName", Ty::Str),
                ("validationActions", STRS),
                ("matchResources", Ty::AnyObj),
            ]),
        )),
        "Secret" | "ConfigMap" => object!(
            ("type", Ty::Str),
            ("data", Ty::Map(&Ty::Any)),
            ("stringData", Ty::Map(&Ty::Any)),
            ("binaryData", Ty::Map(&Ty::Any)),
        ),
        _ => object!(),
    }
}

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

/// A field whose value has the wrong type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeError {
    /// The field, in the path form findings use (`spec.containers[0].securityContext`).
    pub path: String,
    /// What it should be and what it is, never its value: `must be a mapping, not a string`.
    pub problem: String,
}

impl std::fmt::Display for ShapeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.path, self.problem)
    }
}

/// Removes null values from the mappings of a Kubernetes object (null means absent) and checks
/// the types of the fields checks read (see the module documentation). Returns the first wrong
/// field.
pub fn admit(object: &mut Map<String, Value>) -> Result<(), ShapeError> {
    let kind = match object.get("kind") {
        Some(Value::String(k)) => k.clone(),
        _ => String::new(),
    };
    let Ty::Obj(fields) = schema(&kind) else {
        return Ok(());
    };
    walk_obj(object, Some(fields)).map_err(|(mut steps, problem)| {
        steps.reverse();
        ShapeError {
            path: path_text(&steps),
            problem,
        }
    })
}

type Failure = (Vec<Step>, String);

fn walk_obj(map: &mut Map<String, Value>, fields: Option<&[(&str, Ty)]>) -> Result<(), Failure> {
    map.retain(|_, v| !v.is_null());
    for (key, child) in map.iter_mut() {
        let ty = fields.and_then(|f| f.iter().find(|(k, _)| *k == key).map(|(_, t)| *t));
        walk(child, ty).map_err(|(mut steps, p)| {
            steps.push(Step::Key(key.clone()));
            (steps, p)
        })?;
    }
    Ok(())
}

fn walk(v: &mut Value, ty: Option<Ty>) -> Result<(), Failure> {
    let wrong = |ty: Ty, v: &Value| {
        Err((
            Vec::new(),
            format!("must be {}, not {}", ty.name(), found(v)),
        ))
    };
    let Some(ty) = ty else {
        // Outside the schema: only nulls are removed.
        return match v {
            Value::Object(m) => walk_obj(m, None),
            Value::Array(items) => items.iter_mut().try_for_each(|i| walk(i, None)),
            _ => Ok(()),
        };
    };
    if let Ty::Any = ty {
        return walk(v, None);
    }
    match (ty, &mut *v) {
        (Ty::Bool, Value::Bool(_)) | (Ty::Str, Value::String(_)) => Ok(()),
        (Ty::Int, Value::Number(n)) if is_integral(n) => Ok(()),
        (Ty::IntOrStr, Value::String(_)) => Ok(()),
        (Ty::IntOrStr, Value::Number(n)) if is_integral(n) => Ok(()),
        (Ty::Quantity, Value::String(_) | Value::Number(_)) => Ok(()),
        (Ty::AnyObj, Value::Object(m)) => walk_obj(m, None),
        (Ty::Obj(fields), Value::Object(m)) => walk_obj(m, Some(fields)),
        (Ty::Map(item), Value::Object(m)) => {
            m.retain(|_, v| !v.is_null());
            for (key, child) in m.iter_mut() {
                walk(child, Some(*item)).map_err(|(mut steps, p)| {
                    steps.push(Step::Key(key.clone()));
                    (steps, p)
                })?;
            }
            Ok(())
        }
        (Ty::List(item), Value::Array(items)) => {
            for (i, child) in items.iter_mut().enumerate() {
                walk(child, Some(*item)).map_err(|(mut steps, p)| {
                    steps.push(Step::Index(i));
                    (steps, p)
                })?;
            }
            Ok(())
        }
        (ty, v) => wrong(ty, v),
    }
}

/// An integer, or a float with an integral value (`1.0`, which kubectl sends as `1`).
fn is_integral(n: &serde_json::Number) -> bool {
    n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
}

/// `spec.containers[0]["a.b"]`: the path form of `Location::fields` and violations, built by
/// the loader's own rule for keys.
fn path_text(steps: &[Step]) -> String {
    let mut s = String::new();
    for step in steps {
        match step {
            Step::Index(i) => s.push_str(&format!("[{i}]")),
            Step::Key(k) => s = crate::snapshot::push_key(&s, k),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn admit_json(v: Value) -> (Value, Result<(), ShapeError>) {
        let Value::Object(mut m) = v else {
            unreachable!()
        };
        let r = admit(&mut m);
        (Value::Object(m), r)
    }

    fn err(v: Value) -> String {
        admit_json(v).1.unwrap_err().to_string()
    }

    #[test]
    fn nulls_mean_absent() {
        let (v, r) = admit_json(json!({
            "kind": "Pod", "metadata": {"name": "p", "labels": null},
            "spec": {"securityContext": null, "containers": [
                {"name": "a", "securityContext": null, "image": "x", "extra": {"k": null}}]}
        }));
        assert_eq!(r, Ok(()));
        assert_eq!(
            v,
            json!({"kind": "Pod", "metadata": {"name": "p"},
                   "spec": {"containers": [{"name": "a", "image": "x", "extra": {}}]}})
        );
    }

    #[test]
    fn wrong_types_name_the_field_and_never_the_value() {
        let e = err(
            json!({"kind": "Deployment", "spec": {"template": {"spec": {"containers": [
            {"name": "a", "securityContext": "runAsUser:65534"}]}}}}),
        );
        assert_eq!(
            e,
            "spec.template.spec.containers[0].securityContext must be a mapping, not a string"
        );
        assert!(!e.contains("65534"));
        assert_eq!(
            err(json!({"kind": "Pod", "spec": [1]})),
            "spec must be a mapping, not a list"
        );
        assert_eq!(
            err(json!({"kind": "Pod", "spec": {"containers": {"a": {}}}})),
            "spec.containers must be a list, not a mapping"
        );
        assert_eq!(
            err(json!({"kind": "Pod", "spec": {"containers": [null]}})),
            "spec.containers[0] must be a mapping, not null"
        );
        assert_eq!(
            err(json!({"kind": "Pod", "spec": {"hostNetwork": "true"}})),
            "spec.hostNetwork must be a boolean, not a string"
        );
        assert_eq!(
            err(
                json!({"kind": "Pod", "spec": {"containers": [{"securityContext": {"runAsUser": 0.5}}]}})
            ),
            "spec.containers[0].securityContext.runAsUser must be an integer, not a fractional number"
        );
        assert_eq!(
            err(json!({"kind": "ConfigMap", "metadata": {"annotations": {"a.b/c": 1}}})),
            "metadata.annotations[\"a.b/c\"] must be a string, not a number"
        );
        assert_eq!(
            err(json!({"kind": "ClusterRole", "rules": [{"verbs": "*"}]})),
            "rules[0].verbs must be a list, not a string"
        );
        assert_eq!(
            err(
                json!({"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {"initContainers": [{"securityContext": {"capabilities": {"add": "ALL"}}}]}}}}}})
            ),
            "spec.jobTemplate.spec.template.spec.initContainers[0].securityContext.capabilities.add must be a list, not a string"
        );
        // Admission policies are read from the inventory (the fuzz harness found a string
        // there that failed the catalogue's preparation).
        assert_eq!(
            err(json!({"kind": "ValidatingAdmissionPolicy", "spec": {"matchConstraints": "r|"}})),
            "spec.matchConstraints must be a mapping, not a string"
        );
        assert_eq!(
            err(
                json!({"kind": "ValidatingAdmissionPolicyBinding", "spec": {"validationActions": "Deny"}})
            ),
            "spec.validationActions must be a list, not a string"
        );
    }

    #[test]
    fn what_the_api_server_accepts_is_admitted() {
        let (_, r) = admit_json(json!({
            "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"containers": [{"name": "a", "image": "x",
                "resources": {"limits": {"cpu": 1, "memory": "1Gi"}},
                "securityContext": {"runAsUser": 1.0, "privileged": false},
                "ports": [{"containerPort": 80}]}],
                "unknownField": [1, "x", {"y": null}]}
        }));
        assert_eq!(r, Ok(()));
        let (_, r) = admit_json(json!({"kind": "Widget", "spec": "anything"}));
        assert_eq!(r, Ok(()), "unknown kinds: only their metadata is checked");
        let (_, r) = admit_json(
            json!({"kind": "Service", "spec": {"ports": [{"port": 80, "targetPort": "http"}]}}),
        );
        assert_eq!(r, Ok(()));
    }
}
