//! A generated cluster for the scale measurement: `pods` pods in Deployments of 5 replicas
//! spread over 200 namespaces, with their ReplicaSets, a ServiceAccount, Role, RoleBinding,
//! Service and (in every other namespace) a NetworkPolicy per namespace, and one node with a
//! kubelet configuration per 100 pods. Objects look like what a real API server returns
//! (uids, owner references, status), so list pages have realistic sizes.

use super::apiserver::Cluster;
use serde_json::json;

/// Namespaces in the generated cluster.
pub const NAMESPACES: usize = 200;
/// Replicas per Deployment.
pub const REPLICAS: usize = 5;

/// `owned: false` drops the pods' owner references: the worst case, where every pod is
/// evaluated itself instead of through its Deployment.
pub fn generate(pods: usize, owned: bool) -> Cluster {
    let mut c = Cluster::default();
    let deployments = pods.div_ceil(REPLICAS);
    let nodes = pods.div_ceil(100).max(1);
    for n in 0..nodes {
        let name = format!("node-{n:04}");
        c.add(json!({"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "uid": format!("uid-node-{n}"), "labels": {"kubernetes.io/os": "linux"}},
            "status": {"nodeInfo": {"kubeletVersion": "v1.33.2"},
                       "images": [{"names": ["registry.example.com/app:1.0"], "sizeBytes": 1000}]}}));
        let hardened = n % 10 != 0;
        c.configz.insert(name, json!({
            "readOnlyPort": if hardened { 0 } else { 10255 },
            "authentication": {"anonymous": {"enabled": !hardened}, "webhook": {"enabled": true},
                               "x509": {"clientCAFile": "/etc/kubernetes/pki/ca.crt"}},
            "authorization": {"mode": "Webhook"},
            "rotateCertificates": true, "makeIPTablesUtilChains": true, "eventRecordQPS": 50,
            "streamingConnectionIdleTimeout": "4h0m0s", "protectKernelDefaults": hardened,
            "featureGates": {"RotateKubeletServerCertificate": true},
            "tlsCertFile": "/var/lib/kubelet/pki/kubelet.crt", "tlsPrivateKeyFile": "/var/lib/kubelet/pki/kubelet.key",
            "podPidsLimit": 4096, "seccompDefault": hardened}));
    }
    for ns in 0..NAMESPACES {
        let nsname = format!("team-{ns:03}");
        c.add(json!({"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": nsname, "uid": format!("uid-ns-{ns}"),
                         "labels": {"kubernetes.io/metadata.name": nsname}}}));
        c.add(json!({"apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": {"name": "default", "namespace": nsname, "uid": format!("uid-sa-{ns}")}}));
        c.add(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
            "metadata": {"name": "deployer", "namespace": nsname, "uid": format!("uid-role-{ns}")},
            "rules": [{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get", "list", "update"]},
                      {"apiGroups": [""], "resources": ["pods"], "verbs": ["create", "delete"]}]}));
        c.add(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
            "metadata": {"name": "deployer", "namespace": nsname, "uid": format!("uid-rb-{ns}")},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "deployer"},
            "subjects": [{"kind": "Group", "name": format!("team-{ns:03}-devs"), "apiGroup": "rbac.authorization.k8s.io"}]}));
        if ns % 2 == 0 {
            c.add(json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                "metadata": {"name": "default-deny", "namespace": nsname, "uid": format!("uid-np-{ns}")},
                "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}}));
        }
    }
    for d in 0..deployments {
        let ns = format!("team-{:03}", d % NAMESPACES);
        let name = format!("app-{d:05}");
        let hardened = d % 4 != 0;
        let template = json!({
            "metadata": {"labels": {"app": name}},
            "spec": {
                "serviceAccountName": "default",
                "securityContext": if hardened { json!({"runAsNonRoot": true, "runAsUser": 10001, "seccompProfile": {"type": "RuntimeDefault"}}) } else { json!({}) },
                "containers": [{
                    "name": "app",
                    "image": format!("registry.example.com/team/app-{}:1.{}", d % 50, d % 7),
                    "ports": [{"containerPort": 8080, "protocol": "TCP"}],
                    "env": [{"name": "LOG_LEVEL", "value": "info"}, {"name": "DB_PASSWORD", "value": "hunter2"}],
                    "resources": if hardened { json!({"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "1", "memory": "256Mi"}}) } else { json!({}) },
                    "securityContext": if hardened {
                        json!({"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true, "capabilities": {"drop": ["ALL"]}})
                    } else { json!({"privileged": d % 8 == 0}) },
                    "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 10},
                    "imagePullPolicy": "IfNotPresent", "terminationMessagePath": "/dev/termination-log"
                }],
                "restartPolicy": "Always", "dnsPolicy": "ClusterFirst", "terminationGracePeriodSeconds": 30
            }
        });
        let dep_uid = format!("uid-dep-{d}");
        let rs_uid = format!("uid-rs-{d}");
        c.add(json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": ns, "uid": dep_uid, "generation": 1,
                         "labels": {"app": name}, "creationTimestamp": "2026-01-01T00:00:00Z"},
            "spec": {"replicas": REPLICAS, "selector": {"matchLabels": {"app": name}}, "template": template},
            "status": {"replicas": REPLICAS, "readyReplicas": REPLICAS}}));
        c.add(json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": format!("{name}-7d9f"), "namespace": ns, "uid": rs_uid,
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": name, "uid": dep_uid, "controller": true}]},
            "spec": {"replicas": REPLICAS, "selector": {"matchLabels": {"app": name}}, "template": template}}));
        c.add(json!({"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "namespace": ns, "uid": format!("uid-svc-{d}")},
            "spec": {"type": "ClusterIP", "selector": {"app": name}, "ports": [{"port": 80, "targetPort": 8080}]}}));
        for r in 0..REPLICAS {
            if d * REPLICAS + r >= pods {
                break;
            }
            let mut spec = template["spec"].clone();
            spec["nodeName"] = json!(format!("node-{:04}", (d * REPLICAS + r) % nodes));
            let mut pod = json!({"apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": format!("{name}-7d9f-{r:05}"), "namespace": ns,
                             "uid": format!("uid-pod-{d}-{r}"), "labels": {"app": name},
                             "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": format!("{name}-7d9f"), "uid": rs_uid, "controller": true}]},
                "spec": spec,
                "status": {"phase": "Running", "podIP": format!("10.{}.{}.{}", d / 65536 % 256, d / 256 % 256, d % 256),
                           "conditions": [{"type": "Ready", "status": "True"}],
                           "containerStatuses": [{"name": "app", "ready": true, "restartCount": 0,
                                                  "imageID": "registry.example.com/team/app@sha256:0000000000000000000000000000000000000000000000000000000000000000"}]}});
            if !owned {
                pod["metadata"]
                    .as_object_mut()
                    .unwrap()
                    .remove("ownerReferences");
            }
            c.add(pod);
        }
    }
    c
}
