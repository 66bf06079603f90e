//! Generator of realistic Kubernetes workloads for benchmarks: N Deployments across 20
//! namespaces, 1-3 containers each, with a deterministic mix of compliant and non-compliant
//! settings (privileged sidecars, missing limits, hostPath, latest tags, root, secrets in env),
//! so every check does real work and both PASS and FAIL paths are exercised. Output is
//! multi-document YAML, the form `plimsoll scan` reads from files and stdin. `cluster(n)` mixes
//! in the other kinds of a cluster (workloads of every kind, Services, RBAC, ConfigMaps) for the
//! peer comparison in `benches/compare/`.

// Included by the criterion bench (Deployments only) and the `generate` example (both).
#![allow(dead_code)]

use std::fmt::Write as _;

/// A tiny deterministic PRNG (xorshift64*): the same N always gives the same manifests.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// True with probability `pct` percent.
    fn chance(&mut self, pct: u64) -> bool {
        self.next() % 100 < pct
    }
}

const IMAGES: [&str; 6] = [
    "ghcr.io/acme/api:2.3.1@sha256:4bb7e2d04bb7e2d04bb7e2d04bb7e2d04bb7e2d04bb7e2d04bb7e2d04bb7e2d0",
    "ghcr.io/acme/web:1.4.2",
    "nginx:latest",
    "redis:7.2",
    "busybox",
    "registry.internal:5000/team/worker:0.9.0",
];

/// N Deployments (plus one Namespace and NetworkPolicy per namespace) as YAML.
pub(crate) fn deployments(n: usize) -> String {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut out = String::with_capacity(n * 1400);
    for ns in 0..20 {
        let _ = write!(
            out,
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-{ns}\n"
        );
        if ns % 3 == 0 {
            out.push_str("  labels:\n    pod-security.kubernetes.io/enforce: baseline\n");
        }
        out.push_str("---\n");
        if ns % 2 == 0 {
            let _ = write!(
                out,
                "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: team-{ns}\nspec:\n  podSelector: {{}}\n---\n"
            );
        }
    }
    for i in 0..n {
        let ns = i % 20;
        let hardened = rng.chance(40);
        let _ = write!(
            out,
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-{i}\n  namespace: team-{ns}\n  labels:\n    app: app-{i}\nspec:\n  replicas: {}\n  selector:\n    matchLabels:\n      app: app-{i}\n  template:\n    metadata:\n      labels:\n        app: app-{i}\n    spec:\n",
            1 + rng.next() % 3
        );
        pod_spec(&mut rng, &mut out, i, hardened, false, "      ");
        out.push_str("---\n");
    }
    out
}

/// A pod spec (the fields under `spec` of a Pod, or of a template) at the given indentation:
/// 1-3 containers; a hardened one is compliant, the others draw a deterministic mix of
/// privileged containers, host networking and ports, missing limits, unpinned images, secrets
/// in the environment and hostPath volumes.
///
/// `more` adds the cluster mix's extra draws (added capabilities); without it the draws, and so
/// the Deployments of `deployments(n)`, are the same as before that mix existed.
fn pod_spec(rng: &mut Rng, out: &mut String, i: usize, hardened: bool, more: bool, indent: &str) {
    let mut spec = String::with_capacity(1200);
    if hardened {
        spec.push_str("serviceAccountName: app\nautomountServiceAccountToken: false\nsecurityContext:\n  runAsNonRoot: true\n  runAsUser: 10001\n  seccompProfile:\n    type: RuntimeDefault\n");
    } else if rng.chance(10) {
        spec.push_str("hostNetwork: true\n");
    }
    // The cluster mix runs half the other workloads as their namespace's `runner` account,
    // so the token-automount and cluster-admin checks look up ServiceAccounts that exist.
    if more && !hardened && rng.chance(50) {
        spec.push_str("serviceAccountName: runner\n");
    }
    spec.push_str("containers:\n");
    let containers = 1 + (rng.next() % 3) as usize;
    for c in 0..containers {
        let image = if hardened {
            IMAGES[0]
        } else {
            IMAGES[(rng.next() % IMAGES.len() as u64) as usize]
        };
        let _ = write!(
            spec,
            "- name: c{c}\n  image: {image}\n  ports:\n  - containerPort: {}\n",
            8080 + c
        );
        if !hardened && rng.chance(5) {
            spec.push_str("    hostPort: 80\n");
        }
        if hardened || rng.chance(50) {
            spec.push_str("  securityContext:\n");
            if !hardened && rng.chance(15) {
                spec.push_str("    privileged: true\n");
            } else {
                spec.push_str("    allowPrivilegeEscalation: false\n    readOnlyRootFilesystem: true\n    capabilities:\n      drop: [ALL]\n");
                if more && !hardened && rng.chance(20) {
                    spec.push_str("      add: [NET_ADMIN, SYS_TIME]\n");
                }
            }
        }
        if hardened || rng.chance(60) {
            spec.push_str("  resources:\n    requests:\n      cpu: 100m\n      memory: 128Mi\n    limits:\n      cpu: 500m\n      memory: 256Mi\n");
        }
        spec.push_str("  env:\n  - name: LOG_LEVEL\n    value: info\n");
        if !hardened && rng.chance(20) {
            let _ = write!(
                spec,
                "  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: db-{i}\n        key: password\n"
            );
        }
        spec.push_str("  volumeMounts:\n  - name: tmp\n    mountPath: /tmp\n");
    }
    spec.push_str("volumes:\n- name: tmp\n  emptyDir: {}\n");
    if !hardened && rng.chance(8) {
        spec.push_str("- name: host\n  hostPath:\n    path: /var/log\n");
    }
    for line in spec.lines() {
        out.push_str(indent);
        out.push_str(line);
        out.push('\n');
    }
}

/// A cluster-shaped mix of exactly `n` resources (for the peer comparison in
/// `benches/compare/`): one Namespace per 500 resources (at least 20), half of them with a
/// default-deny NetworkPolicy, each with a `runner` ServiceAccount (token automount off in every
/// fourth) that half the non-compliant workloads run as, then per 20 resources 9 Deployments, a StatefulSet, a DaemonSet,
/// a Job, a CronJob, a bare Pod, 2 Services (some NodePort or public LoadBalancer), a
/// ServiceAccount, a Role and a RoleBinding (some granting secrets, wildcards or pod creation)
/// and a ConfigMap; every 200th slot a ClusterRole, or a ClusterRoleBinding of cluster-admin to
/// a namespace's `runner`, instead.
pub(crate) fn cluster(n: usize) -> String {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut out = String::with_capacity(n * 1200);
    let namespaces = (n / 500).max(20).min(n);
    let mut written = 0;
    for ns in 0..namespaces {
        let _ = write!(
            out,
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-{ns}\n"
        );
        if ns % 3 == 0 {
            out.push_str("  labels:\n    pod-security.kubernetes.io/enforce: baseline\n");
        }
        out.push_str("---\n");
        written += 1;
        if ns % 2 == 0 && written < n {
            let _ = write!(
                out,
                "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: team-{ns}\nspec:\n  podSelector: {{}}\n---\n"
            );
            written += 1;
        }
        if written < n {
            let _ = write!(
                out,
                "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: runner\n  namespace: team-{ns}\n"
            );
            if ns % 4 == 0 {
                out.push_str("automountServiceAccountToken: false\n");
            }
            out.push_str("---\n");
            written += 1;
        }
    }
    for i in 0..n.saturating_sub(written) {
        let ns = i % namespaces;
        let meta = |kind: &str, api: &str, name: String| {
            format!(
                "apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: {name}\n  namespace: team-{ns}\n  labels:\n    app: app-{i}\n"
            )
        };
        if i % 200 == 199 {
            let role = if rng.chance(30) {
                "cluster-admin".to_string()
            } else {
                format!("reader-{i}")
            };
            if role != "cluster-admin" {
                let _ = write!(
                    out,
                    "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: {role}\nrules:\n- apiGroups: [\"\"]\n  resources: [pods, services]\n  verbs: [get, list, watch]\n---\n"
                );
            } else {
                let _ = write!(
                    out,
                    "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: binding-{i}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: {role}\nsubjects:\n- kind: ServiceAccount\n  name: runner\n  namespace: team-{ns}\n---\n"
                );
            }
            continue;
        }
        let hardened = rng.chance(40);
        match i % 20 {
            0..=8 | 9..=11 | 13 => {
                let (kind, api) = match i % 20 {
                    9 => ("StatefulSet", "apps/v1"),
                    10 => ("DaemonSet", "apps/v1"),
                    11 => ("Job", "batch/v1"),
                    13 => ("CronJob", "batch/v1"),
                    _ => ("Deployment", "apps/v1"),
                };
                out.push_str(&meta(kind, api, format!("app-{i}")));
                out.push_str("spec:\n");
                let indent = if kind == "CronJob" {
                    let _ = write!(
                        out,
                        "  schedule: \"*/5 * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        metadata:\n          labels:\n            app: app-{i}\n        spec:\n"
                    );
                    "          "
                } else {
                    if kind != "Job" {
                        let _ = write!(out, "  selector:\n    matchLabels:\n      app: app-{i}\n");
                    }
                    let _ = write!(
                        out,
                        "  template:\n    metadata:\n      labels:\n        app: app-{i}\n    spec:\n"
                    );
                    "      "
                };
                pod_spec(&mut rng, &mut out, i, hardened, true, indent);
            }
            12 => {
                // Bare pods are where the default namespace gets used.
                let pod = meta("Pod", "v1", format!("debug-{i}"));
                if !hardened && rng.chance(30) {
                    out.push_str(
                        &pod.replace(&format!("namespace: team-{ns}"), "namespace: default"),
                    );
                } else {
                    out.push_str(&pod);
                }
                out.push_str("spec:\n");
                pod_spec(&mut rng, &mut out, i, hardened, true, "  ");
            }
            14 | 15 => {
                out.push_str(&meta("Service", "v1", format!("svc-{i}")));
                let ty = if hardened || rng.chance(80) {
                    "ClusterIP"
                } else if rng.chance(50) {
                    "NodePort"
                } else {
                    "LoadBalancer"
                };
                let _ = write!(
                    out,
                    "spec:\n  type: {ty}\n  selector:\n    app: app-{}\n  ports:\n  - port: 80\n    targetPort: 8080\n",
                    i - i % 20
                );
            }
            16 => {
                out.push_str(&meta("ServiceAccount", "v1", format!("app-{i}")));
                if hardened {
                    out.push_str("automountServiceAccountToken: false\n");
                }
            }
            17 => {
                out.push_str(&meta(
                    "Role",
                    "rbac.authorization.k8s.io/v1",
                    format!("role-{i}"),
                ));
                let (resources, verbs) = if hardened || rng.chance(60) {
                    ("[configmaps]", "[get, list]")
                } else if rng.chance(40) {
                    ("[secrets]", "[get, list, watch]")
                } else if rng.chance(50) {
                    ("[\"*\"]", "[\"*\"]")
                } else {
                    ("[pods]", "[create, delete]")
                };
                let _ = write!(
                    out,
                    "rules:\n- apiGroups: [\"\"]\n  resources: {resources}\n  verbs: {verbs}\n"
                );
            }
            18 => {
                out.push_str(&meta(
                    "RoleBinding",
                    "rbac.authorization.k8s.io/v1",
                    format!("role-{i}"),
                ));
                let _ = write!(
                    out,
                    "roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: role-{}\nsubjects:\n- kind: ServiceAccount\n  name: app-{}\n  namespace: team-{ns}\n",
                    i - 1,
                    i - 2
                );
            }
            _ => {
                out.push_str(&meta("ConfigMap", "v1", format!("config-{i}")));
                out.push_str("data:\n  LOG_LEVEL: info\n");
            }
        }
        out.push_str("---\n");
    }
    out
}
