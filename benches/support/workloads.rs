//! Generator of realistic Kubernetes workloads for benchmarks: N Deployments across 20
//! namespaces, 1-3 containers each, with a deterministic mix of compliant and non-compliant
//! settings (privileged sidecars, missing limits, hostPath, latest tags, root, secrets in env),
//! so every check does real work and both PASS and FAIL paths are exercised. Output is
//! multi-document YAML, the form `plimsoll scan` reads from files and stdin.

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
        if hardened {
            out.push_str("      serviceAccountName: app\n      automountServiceAccountToken: false\n      securityContext:\n        runAsNonRoot: true\n        runAsUser: 10001\n        seccompProfile:\n          type: RuntimeDefault\n");
        } else if rng.chance(10) {
            out.push_str("      hostNetwork: true\n");
        }
        out.push_str("      containers:\n");
        let containers = 1 + (rng.next() % 3) as usize;
        for c in 0..containers {
            let image = if hardened {
                IMAGES[0]
            } else {
                IMAGES[(rng.next() % IMAGES.len() as u64) as usize]
            };
            let _ = write!(
                out,
                "      - name: c{c}\n        image: {image}\n        ports:\n        - containerPort: {}\n",
                8080 + c
            );
            if !hardened && rng.chance(5) {
                out.push_str("          hostPort: 80\n");
            }
            if hardened || rng.chance(50) {
                out.push_str("        securityContext:\n");
                if !hardened && rng.chance(15) {
                    out.push_str("          privileged: true\n");
                } else {
                    out.push_str("          allowPrivilegeEscalation: false\n          readOnlyRootFilesystem: true\n          capabilities:\n            drop: [ALL]\n");
                }
            }
            if hardened || rng.chance(60) {
                out.push_str("        resources:\n          requests:\n            cpu: 100m\n            memory: 128Mi\n          limits:\n            cpu: 500m\n            memory: 256Mi\n");
            }
            out.push_str("        env:\n        - name: LOG_LEVEL\n          value: info\n");
            if !hardened && rng.chance(20) {
                let _ = write!(
                    out,
                    "        - name: DB_PASSWORD\n          valueFrom:\n            secretKeyRef:\n              name: db-{i}\n              key: password\n"
                );
            }
            out.push_str("        volumeMounts:\n        - name: tmp\n          mountPath: /tmp\n");
        }
        out.push_str("      volumes:\n      - name: tmp\n        emptyDir: {}\n");
        if !hardened && rng.chance(8) {
            out.push_str("      - name: host\n        hostPath:\n          path: /var/log\n");
        }
        out.push_str("---\n");
    }
    out
}
