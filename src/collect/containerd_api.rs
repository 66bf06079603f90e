//! The part of containerd's gRPC API the containerd collector calls: five unary calls and the
//! fields of their answers it reads, declared by hand as prost messages.
//!
//! Why not the `containerd-client` crate: its build script compiles containerd's whole API
//! (31 `.proto` files) with `protoc`, so every `cargo install` of Plimsoll needed a protobuf
//! compiler on the machine. The collector makes five calls. Protobuf decodes a message by field
//! number and skips the fields a reader does not declare, so declaring only the fields read,
//! with containerd's field numbers (`api/services/*/v1/*.proto`, `api/types/task/task.proto`),
//! reads the same answers. The method paths are containerd's (`/package.Service/Method`).

use prost::Message;
use std::path::PathBuf;
use tonic::client::Grpc;
use tonic::transport::{Channel, Endpoint};
use tonic::{Request, Response, Status};

/// `containerd.services.version.v1.VersionResponse`.
#[derive(Clone, PartialEq, Message)]
pub(crate) struct VersionResponse {
    /// containerd's version (`v2.1.4`).
    #[prost(string, tag = "1")]
    pub version: String,
    /// The commit it was built from.
    #[prost(string, tag = "2")]
    pub revision: String,
}

/// `containerd.services.introspection.v1.ServerResponse` (containerd 1.5+).
#[derive(Clone, PartialEq, Message)]
pub(crate) struct ServerResponse {
    /// A UUID that survives restarts: the daemon's identity.
    #[prost(string, tag = "1")]
    pub uuid: String,
}

/// `containerd.services.namespaces.v1.ListNamespacesRequest`.
#[derive(Clone, PartialEq, Message)]
pub(crate) struct ListNamespacesRequest {
    /// A containerd filter; empty lists every namespace.
    #[prost(string, tag = "1")]
    pub filter: String,
}

/// `containerd.services.namespaces.v1.ListNamespacesResponse`.
#[derive(Clone, PartialEq, Message)]
pub(crate) struct ListNamespacesResponse {
    /// The namespaces.
    #[prost(message, repeated, tag = "1")]
    pub namespaces: Vec<Namespace>,
}

/// `containerd.services.namespaces.v1.Namespace`.
#[derive(Clone, PartialEq, Message)]
pub(crate) struct Namespace {
    /// Its name.
    #[prost(string, tag = "1")]
    pub name: String,
}

/// `containerd.services.containers.v1.ListContainersRequest`.
#[derive(Clone, PartialEq, Message)]
pub(crate) struct ListContainersRequest {
    /// containerd filters; none lists every container of the namespace.
    #[prost(string, repeated, tag = "1")]
    pub filters: Vec<String>,
}

/// `containerd.services.containers.v1.ListContainersResponse`.
#[derive(Clone, PartialEq, Message)]
pub(crate) struct ListContainersResponse {
    /// The containers.
    #[prost(message, repeated, tag = "1")]
    pub containers: Vec<Container>,
}

/// `containerd.services.containers.v1.Container`: every field but `extensions` (10).
#[derive(Clone, PartialEq, Message)]
pub(crate) struct Container {
    /// The container id.
    #[prost(string, tag = "1")]
    pub id: String,
    /// Its labels (Kubernetes pod and container names, Docker's, nerdctl's).
    #[prost(map = "string, string", tag = "2")]
    pub labels: std::collections::HashMap<String, String>,
    /// The image reference.
    #[prost(string, tag = "3")]
    pub image: String,
    /// The runtime (`io.containerd.runc.v2`).
    #[prost(message, optional, tag = "4")]
    pub runtime: Option<Runtime>,
    /// The OCI runtime spec, as an `Any` holding JSON.
    #[prost(message, optional, tag = "5")]
    pub spec: Option<prost_types::Any>,
    /// The snapshotter.
    #[prost(string, tag = "6")]
    pub snapshotter: String,
    /// The snapshot key.
    #[prost(string, tag = "7")]
    pub snapshot_key: String,
    /// Created.
    #[prost(message, optional, tag = "8")]
    pub created_at: Option<prost_types::Timestamp>,
    /// Last updated.
    #[prost(message, optional, tag = "9")]
    pub updated_at: Option<prost_types::Timestamp>,
    /// The sandbox it runs in, if any.
    #[prost(string, tag = "11")]
    pub sandbox: String,
}

/// `containerd.services.containers.v1.Container.Runtime`: its name (field 1); the options
/// (field 2) are not read.
#[derive(Clone, PartialEq, Message)]
pub(crate) struct Runtime {
    /// The runtime's name.
    #[prost(string, tag = "1")]
    pub name: String,
}

/// `containerd.services.tasks.v1.ListTasksRequest`.
#[derive(Clone, PartialEq, Message)]
pub(crate) struct ListTasksRequest {
    /// A containerd filter; empty lists every task of the namespace.
    #[prost(string, tag = "1")]
    pub filter: String,
}

/// `containerd.services.tasks.v1.ListTasksResponse`.
#[derive(Clone, PartialEq, Message)]
pub(crate) struct ListTasksResponse {
    /// The tasks (`containerd.v1.types.Process`).
    #[prost(message, repeated, tag = "1")]
    pub tasks: Vec<Process>,
}

/// `containerd.v1.types.Process`: the fields read.
#[derive(Clone, PartialEq, Message)]
pub(crate) struct Process {
    /// The container.
    #[prost(string, tag = "1")]
    pub container_id: String,
    /// The task id (the container id for a container's init process).
    #[prost(string, tag = "2")]
    pub id: String,
    /// Its process id.
    #[prost(uint32, tag = "3")]
    pub pid: u32,
    /// `containerd.v1.types.Status`, see [`status_name`].
    #[prost(int32, tag = "4")]
    pub status: i32,
}

/// The name of a `containerd.v1.types.Status` value, lower case; `unknown` for a value this
/// build does not know (a newer containerd's).
pub(crate) fn status_name(status: i32) -> &'static str {
    match status {
        1 => "created",
        2 => "running",
        3 => "stopped",
        4 => "paused",
        5 => "pausing",
        _ => "unknown",
    }
}

/// A connection to one containerd socket.
#[derive(Clone)]
pub(crate) struct Api {
    grpc: Grpc<Channel>,
}

impl Api {
    /// Connects over the unix socket at `path` (the URI is a placeholder: the connector opens
    /// the socket).
    pub(crate) async fn connect(path: PathBuf) -> Result<Api, tonic::transport::Error> {
        let channel = Endpoint::from_static("http://[::]")
            .connect_with_connector(tower::service_fn(move |_| {
                let path = path.clone();
                async move {
                    let stream = tokio::net::UnixStream::connect(path).await?;
                    Ok::<_, std::io::Error>(hyper_util::rt::TokioIo::new(stream))
                }
            }))
            .await?;
        Ok(Api {
            grpc: Grpc::new(channel),
        })
    }

    /// `Version.Version`.
    pub(crate) async fn version(&self, req: Request<()>) -> Result<VersionResponse, Status> {
        self.call(req, "/containerd.services.version.v1.Version/Version")
            .await
    }

    /// `Introspection.Server`.
    pub(crate) async fn server(&self, req: Request<()>) -> Result<ServerResponse, Status> {
        self.call(
            req,
            "/containerd.services.introspection.v1.Introspection/Server",
        )
        .await
    }

    /// `Namespaces.List`.
    pub(crate) async fn namespaces(
        &self,
        req: Request<ListNamespacesRequest>,
    ) -> Result<ListNamespacesResponse, Status> {
        self.call(req, "/containerd.services.namespaces.v1.Namespaces/List")
            .await
    }

    /// `Containers.List`.
    pub(crate) async fn containers(
        &self,
        req: Request<ListContainersRequest>,
    ) -> Result<ListContainersResponse, Status> {
        self.call(req, "/containerd.services.containers.v1.Containers/List")
            .await
    }

    /// `Tasks.List`.
    pub(crate) async fn tasks(
        &self,
        req: Request<ListTasksRequest>,
    ) -> Result<ListTasksResponse, Status> {
        self.call(req, "/containerd.services.tasks.v1.Tasks/List")
            .await
    }

    /// One unary call, as tonic's generated clients make it.
    async fn call<Q, A>(&self, req: Request<Q>, path: &'static str) -> Result<A, Status>
    where
        Q: Message + Send + 'static,
        A: Message + Default + Send + 'static,
    {
        let mut grpc = self.grpc.clone();
        grpc.ready()
            .await
            .map_err(|e| Status::unknown(format!("the connection was not ready: {e}")))?;
        let codec = tonic_prost::ProstCodec::<Q, A>::default();
        grpc.unary(req, http::uri::PathAndQuery::from_static(path), codec)
            .await
            .map(Response::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Field numbers, checked against bytes written by hand in the wire format: a wrong tag
    /// would read as an absent field (an empty string), not fail.
    #[test]
    fn messages_decode_containerds_field_numbers() {
        // Process: container_id (1) "c", id (2) "t", pid (3) 7, status (4) 2, then a field
        // this declaration skips (terminal, 8) and exit_status (9).
        let bytes = [
            0x0a, 1, b'c', 0x12, 1, b't', 0x18, 7, 0x20, 2, 0x40, 1, 0x48, 3,
        ];
        let p = Process::decode(&bytes[..]).unwrap();
        assert_eq!(
            (p.container_id.as_str(), p.id.as_str(), p.pid),
            ("c", "t", 7)
        );
        assert_eq!(status_name(p.status), "running");
        assert_eq!(status_name(9), "unknown");
        // Container: id (1), a label (2: map entry key 1, value 2), image (3), runtime (4:
        // name 1), spec (5: type_url 1, value 2), extensions (10, skipped), sandbox (11).
        let mut c = vec![0x0a, 2, b'i', b'd'];
        c.extend([0x12, 6, 0x0a, 1, b'k', 0x12, 1, b'v']);
        c.extend([0x1a, 3, b'i', b'm', b'g']);
        c.extend([0x22, 3, 0x0a, 1, b'r']);
        c.extend([0x2a, 7, 0x0a, 1, b'u', 0x12, 2, b'{', b'}']);
        c.extend([0x52, 3, 0x0a, 1, b'x']);
        c.extend([0x5a, 2, b's', b'b']);
        let c = Container::decode(&c[..]).unwrap();
        assert_eq!((c.id.as_str(), c.image.as_str()), ("id", "img"));
        assert_eq!(c.labels.get("k").map(String::as_str), Some("v"));
        assert_eq!(c.runtime.map(|r| r.name).as_deref(), Some("r"));
        let spec = c.spec.unwrap();
        assert_eq!((spec.type_url.as_str(), &spec.value[..]), ("u", &b"{}"[..]));
        assert_eq!(c.sandbox, "sb");
        let n = ListNamespacesResponse::decode(&[0x0a, 3, 0x0a, 1, b'n'][..]).unwrap();
        assert_eq!(n.namespaces[0].name, "n");
        let v = VersionResponse::decode(&[0x0a, 1, b'2', 0x12, 1, b'r'][..]).unwrap();
        assert_eq!((v.version.as_str(), v.revision.as_str()), ("2", "r"));
    }
}
