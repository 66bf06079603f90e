//! The control plane as its static pods show it. On kubeadm and other self-managed clusters
//! the API server, controller manager, scheduler and etcd run as static pods: files under
//! `/etc/kubernetes/manifests` on the control-plane nodes, and mirror pods in `kube-system`
//! that carry the same command lines. Each such pod, read from a cluster or a manifest file,
//! gives one more resource of its own kind (`kubernetes/KubeAPIServer`,
//! `kubernetes/KubeControllerManager`, `kubernetes/KubeScheduler`, `kubernetes/Etcd`) whose
//! `flags` are the component's command-line flags, so the CIS Section 1-3 checks read a flag
//! by name and evaluate only these few resources, never every pod.
//!
//! Fails closed: a control-plane pod whose flags cannot be read the way the component would
//! read them (a wrapper shell in front of the binary, an etcd setting in an `ETCD_*` variable, whose value is masked) gives
//! its resource marked unreadable, so every check on it is NOT_ASSESSED, never passed. A
//! cluster that shows no such pods (a managed control plane: EKS, GKE, AKS) has none of
//! these resources, and their checks are NOT_ASSESSED for want of them.

use super::{Location, Pos, Resource, Source};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// The components: binary name and the kind of the resource it gives.
pub const COMPONENTS: &[(&str, &str)] = &[
    ("kube-apiserver", "KubeAPIServer"),
    ("kube-controller-manager", "KubeControllerManager"),
    ("kube-scheduler", "KubeScheduler"),
    ("etcd", "Etcd"),
];

/// The `apiVersion` of the derived resources (not a Kubernetes API: Plimsoll's own view).
pub const API_VERSION: &str = "controlplane.plimsoll.io/v1";

/// The selectors of the derived kinds (`kubernetes/KubeAPIServer`, ...).
pub fn selectors() -> impl Iterator<Item = String> {
    COMPONENTS
        .iter()
        .map(|(_, kind)| format!("{}/{kind}", Source::Kubernetes.as_str()))
}

/// The component resource of a pod that runs a control-plane component, or None for any
/// other resource.
pub fn derive(pod: &Resource) -> Option<Resource> {
    if pod.source != Source::Kubernetes || pod.kind() != "Pod" {
        return None;
    }
    // Static pods live in kube-system; a manifest file may leave the namespace out.
    if !matches!(pod.namespace(), None | Some("" | "kube-system")) {
        return None;
    }
    let spec = pod.object.get("spec")?;
    let containers = spec.get("containers")?.as_array()?;
    let label = pod
        .object
        .get("metadata")
        .and_then(|m| m.get("labels"))
        .and_then(|l| l.get("component"))
        .and_then(Value::as_str);
    // The container whose command (or, without one, args) starts with a component's binary.
    let mut found = None;
    for (ci, c) in containers.iter().enumerate() {
        let argv = match c.get("command").and_then(Value::as_array) {
            Some(a) if !a.is_empty() => a,
            _ => match c.get("args").and_then(Value::as_array) {
                Some(a) if !a.is_empty() => a,
                _ => continue,
            },
        };
        let binary = argv[0]
            .as_str()
            .map(|s| s.rsplit('/').next().unwrap_or(s))
            .unwrap_or("");
        if let Some(&(bin, kind)) = COMPONENTS.iter().find(|(b, _)| *b == binary) {
            found = Some((ci, c, bin, kind));
            break;
        }
    }
    let (ci, container, binary, kind) = match found {
        Some(f) => f,
        // Labelled as a component but not running its binary directly: unreadable, not
        // skipped (a wrapper script would hide every flag).
        None => {
            let &(binary, kind) = COMPONENTS.iter().find(|(b, _)| Some(*b) == label)?;
            let mut r = component(pod, kind, binary, json!([]), Map::new(), None);
            r.unreadable = Some(format!(
                "the pod is labelled component={binary} but no container's command starts with the {binary} binary (a wrapper such as `sh -c`?): its flags cannot be read"
            ));
            return Some(r);
        }
    };
    let mut argv: Vec<(String, String)> = Vec::new(); // (token, field path)
    let mut unreadable = pod.unreadable.clone();
    // `command` then `args`, as the runtime joins them.
    for part in ["command", "args"] {
        if let Some(a) = container.get(part).and_then(Value::as_array) {
            for (i, t) in a.iter().enumerate() {
                match t.as_str() {
                    Some(s) => {
                        argv.push((s.to_string(), format!("spec.containers[{ci}].{part}[{i}]")))
                    }
                    None => {
                        unreadable.get_or_insert_with(|| {
                            format!("spec.containers[{ci}].{part}[{i}] is not a string")
                        });
                    }
                }
            }
        }
    }
    let (flags, at) = parse_flags(argv.iter().skip(1));
    // etcd also reads each flag from an ETCD_* variable (a flag on the command line wins).
    // Environment values are masked when a resource is read (they are never kept), so such a
    // setting cannot be judged: unreadable, never taken as absent (ETCD_AUTO_TLS=true would
    // otherwise pass the auto-tls check).
    if binary == "etcd"
        && let Some(env) = container.get("env").and_then(Value::as_array)
    {
        for e in env {
            let Some(name) = e.get("name").and_then(Value::as_str) else {
                continue;
            };
            let Some(flag) = name.strip_prefix("ETCD_") else {
                continue;
            };
            let flag = flag.to_ascii_lowercase().replace('_', "-");
            if !flags.contains_key(&flag) {
                unreadable.get_or_insert_with(|| {
                    format!("etcd reads --{flag} from {name}, whose value is not kept (environment values are masked): set it on the command line to have it judged")
                });
            }
        }
    }
    let command: Vec<&str> = argv.iter().map(|(t, _)| t.as_str()).collect();
    let mut r = component(
        pod,
        kind,
        binary,
        json!(command),
        flags,
        Some((&at, pod.location.as_ref())),
    );
    r.unreadable = unreadable;
    Some(r)
}

/// Flags of a command line as the components' flag parsers read them: `--name=value`,
/// `--name value` and `-name` forms (etcd takes one dash too); a flag without a value is
/// `"true"`; a repeated flag keeps its last value. Returns the flags and, for each, the field
/// path of the token that set it.
pub(crate) fn parse_flags<'a>(
    tokens: impl Iterator<Item = &'a (String, String)>,
) -> (Map<String, Value>, BTreeMap<String, String>) {
    let mut flags = Map::new();
    let mut at = BTreeMap::new();
    let mut tokens = tokens.peekable();
    while let Some((token, path)) = tokens.next() {
        let Some(body) = token.strip_prefix("--").or_else(|| token.strip_prefix('-')) else {
            continue;
        };
        if body.is_empty() {
            continue;
        }
        let (name, value) = match body.split_once('=') {
            Some((n, v)) => (n.to_string(), v.to_string()),
            None => match tokens.peek() {
                Some((next, _)) if !next.starts_with('-') => {
                    let v = next.clone();
                    tokens.next();
                    (body.to_string(), v)
                }
                _ => (body.to_string(), "true".to_string()),
            },
        };
        at.insert(name.clone(), path.clone());
        flags.insert(name, Value::from(value));
    }
    (flags, at)
}

/// The component resource: the pod's id with the component's kind, the pod's location, and
/// each flag's position in the file (`flags.<name>`, so findings point at the flag).
fn component(
    pod: &Resource,
    kind: &str,
    binary: &str,
    command: Value,
    flags: Map<String, Value>,
    positions: Option<(&BTreeMap<String, String>, Option<&Location>)>,
) -> Resource {
    let name = pod.name().to_string();
    let id = match pod.id.rsplit_once("/Pod/") {
        Some((prefix, rest)) => format!("{prefix}/{kind}/{rest}"),
        None => format!("{}#{kind}", pod.id),
    };
    let node = pod
        .object
        .get("spec")
        .and_then(|s| s.get("nodeName"))
        .cloned()
        .unwrap_or(Value::Null);
    let mut obj = Map::new();
    obj.insert("apiVersion".into(), json!(API_VERSION));
    obj.insert("kind".into(), json!(kind));
    obj.insert(
        "metadata".into(),
        json!({"name": name, "namespace": "kube-system"}),
    );
    obj.insert("component".into(), json!(binary));
    obj.insert("pod".into(), json!(name));
    if !node.is_null() {
        obj.insert("node".into(), node);
    }
    obj.insert("command".into(), command);
    obj.insert("flags".into(), Value::Object(flags));
    let mut r = Resource::new(id, Source::Kubernetes, obj);
    if let Some(l) = &pod.location {
        let mut fields = BTreeMap::new();
        if let Some((at, Some(pl))) = positions {
            for (flag, path) in at {
                let pos: Pos = pl.pos_of(path);
                fields.insert(format!("flags.{flag}"), pos);
            }
        }
        r.location = Some(Location {
            file: l.file.clone(),
            line: l.line,
            fields,
        });
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(yaml: &str) -> Resource {
        let obj: Map<String, Value> = yaml_serde::from_str(yaml).unwrap();
        Resource::new(
            "k8s/manifests/kube-system/Pod/kube-apiserver-cp1".into(),
            Source::Kubernetes,
            obj,
        )
    }

    #[test]
    fn flags_are_read_in_every_form_the_components_accept() {
        let r = derive(&pod(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: kube-apiserver-cp1, namespace: kube-system}\n\
             spec:\n  nodeName: cp1\n  containers:\n  - name: kube-apiserver\n    command: [/usr/local/bin/kube-apiserver, --anonymous-auth=false, --profiling, 'false']\n    args: ['--authorization-mode=Node,RBAC', --audit-log-maxage=30, --audit-log-maxage=7, --v]\n",
        ))
        .unwrap();
        assert_eq!(r.kind(), "KubeAPIServer");
        assert_eq!(
            r.id,
            "k8s/manifests/kube-system/KubeAPIServer/kube-apiserver-cp1"
        );
        let flags = &r.object["flags"];
        assert_eq!(flags["anonymous-auth"], "false");
        assert_eq!(flags["profiling"], "false");
        assert_eq!(flags["authorization-mode"], "Node,RBAC");
        // The last of a repeated flag wins, as in pflag.
        assert_eq!(flags["audit-log-maxage"], "7");
        assert_eq!(flags["v"], "true");
        assert_eq!(r.object["node"], "cp1");
        assert!(r.unreadable.is_none());
    }

    /// etcd settings in ETCD_* variables cannot be judged once the environment is masked (as
    /// it always is when a pod is read): the component is unreadable, not passed, unless the
    /// command line sets the same flag (which etcd prefers).
    #[test]
    fn etcd_settings_from_the_environment_are_unreadable_not_absent() {
        let base = "apiVersion: v1\nkind: Pod\nmetadata: {name: etcd-cp1, namespace: kube-system}\nspec:\n  containers:\n  - name: etcd\n    command: [etcd, --client-cert-auth=true]\n";
        let mut read = pod(&format!(
            "{base}    env:\n    - {{name: ETCD_AUTO_TLS, value: 'true'}}\n"
        ));
        crate::snapshot::redact_kubernetes(&mut read.object);
        let r = derive(&read).unwrap();
        assert_eq!(r.kind(), "Etcd");
        assert!(r.object["flags"].get("auto-tls").is_none());
        assert!(
            r.unreadable
                .as_deref()
                .unwrap()
                .contains("--auto-tls from ETCD_AUTO_TLS"),
            "{:?}",
            r.unreadable
        );
        // The same flag on the command line: judged from there.
        let both = pod(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: etcd-cp1, namespace: kube-system}\nspec:\n  containers:\n  - name: etcd\n    command: [etcd, --client-cert-auth=true, --auto-tls=false]\n    env:\n    - {name: ETCD_CLIENT_CERT_AUTH, valueFrom: {secretKeyRef: {name: e, key: k}}}\n",
        );
        let r = derive(&both).unwrap();
        assert!(r.unreadable.is_none(), "{:?}", r.unreadable);
        assert_eq!(r.object["flags"]["auto-tls"], "false");
    }

    #[test]
    fn a_wrapped_component_is_unreadable_and_other_pods_give_nothing() {
        let r = derive(&pod(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: kube-scheduler-cp1, namespace: kube-system, labels: {component: kube-scheduler}}\n\
             spec:\n  containers:\n  - name: s\n    command: [sh, -c, 'kube-scheduler --profiling=true']\n",
        ))
        .unwrap();
        assert_eq!(r.kind(), "KubeScheduler");
        assert!(r.unreadable.is_some());
        // An application pod, and a component binary in another namespace, are not the
        // control plane.
        assert!(derive(&pod("apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: kube-system}\nspec:\n  containers:\n  - {name: web, image: nginx}\n")).is_none());
        assert!(derive(&pod("apiVersion: v1\nkind: Pod\nmetadata: {name: e, namespace: apps}\nspec:\n  containers:\n  - {name: etcd, command: [etcd]}\n")).is_none());
    }
}
