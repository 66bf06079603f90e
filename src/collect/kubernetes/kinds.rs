//! The kinds the live-cluster collector lists, and how. One table, so the documentation
//! (`docs/kubernetes.md`), the RBAC in `deploy/` and the collector cannot disagree: a test
//! checks the ClusterRole against it.

/// How a kind is listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ListMode {
    /// Whole objects.
    Full,
    /// Metadata only (`as=PartialObjectMetadataList`): ConfigMap data is neither needed nor
    /// wanted (it can be large, and people put credentials in it).
    MetadataOnly,
    /// A server-side `Table` with metadata objects: the Secret's name, labels and `type`
    /// arrive, its data never leaves the API server.
    SecretTable,
}

/// One kind the collector lists.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KindSpec {
    /// API group, empty for the core group.
    pub(crate) group: &'static str,
    /// API version.
    pub(crate) version: &'static str,
    /// Resource name in URLs.
    pub(crate) plural: &'static str,
    /// Kind.
    pub(crate) kind: &'static str,
    /// How it is listed.
    pub(crate) mode: ListMode,
    /// Listed in this namespace only, not cluster-wide: a kind whose checks look at one
    /// namespace, so the RBAC grants it there and nowhere else.
    pub(crate) namespace: Option<&'static str>,
    /// Why Plimsoll reads it (docs and error messages).
    pub(crate) purpose: &'static str,
}

impl KindSpec {
    /// `apiVersion` as written in objects.
    pub(crate) fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// The list path: cluster-wide (`/api/v1/pods`, `/apis/apps/v1/deployments`), or in
    /// the kind's one namespace (`/api/v1/namespaces/default/configmaps`).
    pub(crate) fn list_path(&self) -> String {
        let base = match self.group.is_empty() {
            true => format!("/api/{}", self.version),
            false => format!("/apis/{}/{}", self.group, self.version),
        };
        match self.namespace {
            Some(ns) => format!("{base}/namespaces/{ns}/{}", self.plural),
            None => format!("{base}/{}", self.plural),
        }
    }

    /// The selector policies use (`kubernetes/Pod`).
    pub(crate) fn selector(&self) -> String {
        format!("kubernetes/{}", self.kind)
    }
}

const fn full(
    group: &'static str,
    plural: &'static str,
    kind: &'static str,
    purpose: &'static str,
) -> KindSpec {
    KindSpec {
        group,
        version: "v1",
        plural,
        kind,
        mode: ListMode::Full,
        namespace: None,
        purpose,
    }
}

/// Workload kinds whose pod templates the checks read.
const WORKLOAD: &str = "pod specs: privileges, host namespaces, capabilities, limits, images";

/// Everything listed, in listing order. Pods come last: they are listed after their
/// controllers so owned pods can be folded while their pages stream in.
pub(crate) const KINDS: &[KindSpec] = &[
    full(
        "",
        "namespaces",
        "Namespace",
        "Pod Security Admission labels; network policy coverage",
    ),
    full(
        "",
        "nodes",
        "Node",
        "the node list for kubelet configz; node inventory",
    ),
    full(
        "",
        "serviceaccounts",
        "ServiceAccount",
        "token automounting; default service account use",
    ),
    full(
        "",
        "services",
        "Service",
        "NodePort and public load balancers",
    ),
    full(
        "",
        "replicationcontrollers",
        "ReplicationController",
        WORKLOAD,
    ),
    full(
        "",
        "persistentvolumeclaims",
        "PersistentVolumeClaim",
        "default namespace use",
    ),
    KindSpec {
        group: "",
        version: "v1",
        plural: "configmaps",
        kind: "ConfigMap",
        mode: ListMode::MetadataOnly,
        // Only the default-namespace check reads ConfigMaps: listing them cluster-wide would
        // need a grant that returns every ConfigMap's data.
        namespace: Some("default"),
        purpose: "default namespace use, in the default namespace only (metadata only; kube-system/aws-auth in full)",
    },
    KindSpec {
        group: "",
        version: "v1",
        plural: "secrets",
        kind: "Secret",
        mode: ListMode::SecretTable,
        namespace: Some("default"),
        purpose: "default namespace use, in the default namespace only (name, labels and type: the data is never fetched)",
    },
    full("apps", "deployments", "Deployment", WORKLOAD),
    full("apps", "replicasets", "ReplicaSet", WORKLOAD),
    full("apps", "statefulsets", "StatefulSet", WORKLOAD),
    full("apps", "daemonsets", "DaemonSet", WORKLOAD),
    full("batch", "jobs", "Job", WORKLOAD),
    full("batch", "cronjobs", "CronJob", WORKLOAD),
    full(
        "rbac.authorization.k8s.io",
        "roles",
        "Role",
        "RBAC permissions",
    ),
    full(
        "rbac.authorization.k8s.io",
        "rolebindings",
        "RoleBinding",
        "RBAC subjects",
    ),
    full(
        "rbac.authorization.k8s.io",
        "clusterroles",
        "ClusterRole",
        "RBAC permissions",
    ),
    full(
        "rbac.authorization.k8s.io",
        "clusterrolebindings",
        "ClusterRoleBinding",
        "RBAC subjects, cluster-admin and system:masters",
    ),
    full(
        "networking.k8s.io",
        "networkpolicies",
        "NetworkPolicy",
        "network policy per namespace",
    ),
    full(
        "networking.k8s.io",
        "ingresses",
        "Ingress",
        "default namespace use",
    ),
    full(
        "admissionregistration.k8s.io",
        "validatingwebhookconfigurations",
        "ValidatingWebhookConfiguration",
        "policy control mechanism (CIS 5.2.1)",
    ),
    full(
        "admissionregistration.k8s.io",
        "mutatingwebhookconfigurations",
        "MutatingWebhookConfiguration",
        "policy control mechanism (CIS 5.2.1)",
    ),
    full(
        "admissionregistration.k8s.io",
        "validatingadmissionpolicies",
        "ValidatingAdmissionPolicy",
        "policy control mechanism (CIS 5.2.1)",
    ),
    full(
        "admissionregistration.k8s.io",
        "validatingadmissionpolicybindings",
        "ValidatingAdmissionPolicyBinding",
        "policy control mechanism (CIS 5.2.1)",
    ),
    // Cilium's own policies count as network policy (CIS 5.3.2); a cluster without Cilium
    // answers 404 for them, which is "none", not an error.
    KindSpec {
        version: "v2",
        ..full(
            "cilium.io",
            "ciliumnetworkpolicies",
            "CiliumNetworkPolicy",
            "network policy per namespace",
        )
    },
    KindSpec {
        version: "v2",
        ..full(
            "cilium.io",
            "ciliumclusterwidenetworkpolicies",
            "CiliumClusterwideNetworkPolicy",
            "network policy per namespace",
        )
    },
    full("", "pods", "Pod", WORKLOAD),
];

/// The kind Plimsoll gives each node's kubelet configuration read through configz.
pub(crate) const KUBELET_KIND: &str = "KubeletConfiguration";
/// Its `apiVersion`, as in a kubelet config file, so the same checks read both.
pub(crate) const KUBELET_API_VERSION: &str = "kubelet.config.k8s.io/v1beta1";

/// Controllers that own pods (pods they own are reported through them).
pub(crate) const POD_OWNERS: &[&str] = &[
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "ReplicationController",
];

/// Objects fetched one by one in full, beyond the metadata-only lists: (namespace, plural,
/// name). aws-auth maps IAM roles to Kubernetes groups on EKS.
pub(crate) const SINGLE_OBJECTS: &[(&str, &str, &str)] =
    &[("kube-system", "configmaps", "aws-auth")];

/// Every kind selector the collector can produce, for "not assessed" bookkeeping.
pub(crate) fn all_selectors() -> Vec<String> {
    let mut v: Vec<String> = KINDS.iter().map(KindSpec::selector).collect();
    v.push(format!("kubernetes/{KUBELET_KIND}"));
    v
}
