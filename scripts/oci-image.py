#!/usr/bin/env python3
"""Writes an OCI image archive holding one static binary and the CA certificates, with no base
image to pull (the equivalent of `FROM scratch`), as `make image` does:

    scripts/oci-image.py BINARY CA_BUNDLE OUT.tar NAME:TAG

The archive is an OCI image layout (oci-layout, index.json, blobs/sha256/...) that also carries
Docker's manifest.json, so `docker load -i OUT.tar` and `podman load -i OUT.tar` both read it,
and `skopeo copy oci-archive:OUT.tar docker://REGISTRY/NAME:TAG` pushes it. The image runs as
uid 65532 (no shell, no package manager, nothing but the binary and the certificates);
reproducible: file times are fixed, so the same binary gives the same digest.
"""

import gzip
import hashlib
import io
import json
import sys
import tarfile

EPOCH = 0


def add_file(tar, name, data, mode):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = mode
    info.mtime = EPOCH
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    tar.addfile(info, io.BytesIO(data))


def add_dir(tar, name, mode=0o755, uid=0):
    info = tarfile.TarInfo(name)
    info.type = tarfile.DIRTYPE
    info.mode = mode
    info.mtime = EPOCH
    info.uid = info.gid = uid
    tar.addfile(info)


def layer(binary, certs):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for d in ["etc", "etc/ssl", "etc/ssl/certs", "usr", "usr/local", "usr/local/bin"]:
            add_dir(tar, d)
        # A writable home and working directory for the non-root user (run history, reports).
        add_dir(tar, "home", 0o755)
        add_dir(tar, "home/nonroot", 0o700, uid=65532)
        add_dir(tar, "tmp", 0o1777)
        add_file(tar, "etc/ssl/certs/ca-certificates.crt", certs, 0o644)
        add_file(tar, "etc/passwd", b"root:x:0:0:root:/root:/sbin/nologin\n"
                 b"nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n", 0o644)
        add_file(tar, "etc/group", b"root:x:0:\nnonroot:x:65532:\n", 0o644)
        add_file(tar, "usr/local/bin/plimsoll", binary, 0o755)
    uncompressed = raw.getvalue()
    compressed = io.BytesIO()
    with gzip.GzipFile(fileobj=compressed, mode="wb", mtime=EPOCH) as gz:
        gz.write(uncompressed)
    return uncompressed, compressed.getvalue()


def sha(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    binary_path, certs_path, out, ref = sys.argv[1:]
    binary = open(binary_path, "rb").read()
    if not binary.startswith(b"\x7fELF"):
        sys.exit(f"{binary_path}: not an ELF binary")
    certs = open(certs_path, "rb").read()
    diff, blob = layer(binary, certs)
    config = json.dumps({
        "architecture": "amd64",
        "os": "linux",
        "config": {
            "User": "65532:65532",
            "Entrypoint": ["/usr/local/bin/plimsoll"],
            "Env": [
                "PATH=/usr/local/bin",
                "HOME=/home/nonroot",
                "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt",
            ],
            "WorkingDir": "/home/nonroot",
            "Labels": {"org.opencontainers.image.title": "plimsoll"},
        },
        "rootfs": {"type": "layers", "diff_ids": [sha(diff)]},
        "history": [{"created_by": "scripts/oci-image.py: the static binary and CA certificates"}],
    }, sort_keys=True).encode()
    manifest = json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": sha(config), "size": len(config)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                    "digest": sha(blob), "size": len(blob)}],
    }, sort_keys=True).encode()
    name = ref if "/" in ref.split(":")[0] else "docker.io/library/" + ref
    index = json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": sha(manifest), "size": len(manifest),
            "annotations": {"io.containerd.image.name": name,
                            "org.opencontainers.image.ref.name": ref.rsplit(":", 1)[-1]},
        }],
    }, sort_keys=True).encode()
    blob_path = lambda d: "blobs/sha256/" + d.split(":", 1)[1]
    docker_manifest = json.dumps([{
        "Config": blob_path(sha(config)),
        "RepoTags": [ref],
        "Layers": [blob_path(sha(blob))],
    }]).encode()
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as tar:
        add_file(tar, "oci-layout", b'{"imageLayoutVersion":"1.0.0"}', 0o644)
        add_file(tar, "index.json", index, 0o644)
        add_file(tar, "manifest.json", docker_manifest, 0o644)
        for data in (config, manifest, blob):
            add_file(tar, blob_path(sha(data)), data, 0o644)
    print(f"{out}: {ref}, manifest {sha(manifest)}, {len(blob)} bytes compressed")


if __name__ == "__main__":
    main()
