//! A real Docker engine for the tests: Debian's `dockerd` on a private socket, data and exec
//! roots in a temporary directory, no iptables and no bridge (the sandbox allows neither), the
//! vfs storage driver. An image is built from busybox-static with `docker import` (no registry
//! is reachable), and containers are created with the docker CLI. Both are installed by
//! `scripts/install-test-deps.sh`; a missing binary fails the test.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running engine; stopped and cleaned up on drop.
pub struct Dockerd {
    child: Child,
    dir: tempfile::TempDir,
}

impl Dockerd {
    /// Starts an engine and waits until it answers.
    pub fn start() -> Dockerd {
        let dir = tempfile::Builder::new()
            .prefix("dkd")
            .tempdir_in("/tmp")
            .expect("tempdir");
        let d = dir.path();
        let log = std::fs::File::create(d.join("dockerd.log")).expect("log file");
        let child = Command::new("dockerd")
            .args([
                "--iptables=false",
                "--ip6tables=false",
                "--bridge=none",
                "--storage-driver=vfs",
            ])
            .arg(format!("--host=unix://{}", d.join("d.sock").display()))
            .arg(format!("--data-root={}", d.join("root").display()))
            .arg(format!("--exec-root={}", d.join("exec").display()))
            .arg(format!("--pidfile={}", d.join("d.pid").display()))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("dockerd starts (scripts/install-test-deps.sh installs docker.io)");
        let engine = Dockerd { child, dir };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let ok = engine.docker(&["version", "--format", "{{.Server.Version}}"]);
            if ok.status.success() {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "dockerd did not come up: {}",
                std::fs::read_to_string(engine.dir.path().join("dockerd.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        engine
    }

    /// `unix:///…/d.sock`.
    pub fn host(&self) -> String {
        format!("unix://{}", self.dir.path().join("d.sock").display())
    }

    /// The socket file.
    pub fn socket(&self) -> PathBuf {
        self.dir.path().join("d.sock")
    }

    /// Runs the docker CLI against this engine.
    /// The containerd that this dockerd started and manages (under its exec root).
    pub fn containerd_socket(&self) -> PathBuf {
        self.dir.path().join("exec/containerd/containerd.sock")
    }

    /// `ctr` against this dockerd's containerd; panics with its stderr when it fails.
    pub fn ctr(&self, args: &[&str]) -> String {
        let out = Command::new("ctr")
            .arg("--address")
            .arg(self.containerd_socket())
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("ctr runs (Debian containerd, installed with docker.io)");
        assert!(
            out.status.success(),
            "ctr {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    pub fn docker(&self, args: &[&str]) -> std::process::Output {
        Command::new("docker")
            .args(args)
            .env("DOCKER_HOST", self.host())
            .stdin(Stdio::null())
            .output()
            .expect("docker CLI runs")
    }

    /// Runs the docker CLI and fails the test if it fails.
    pub fn must(&self, args: &[&str]) -> String {
        let out = self.docker(args);
        assert!(
            out.status.success(),
            "docker {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Imports a one-binary image `local/busybox:1` from the host's busybox-static.
    pub fn import_busybox(&self) {
        let tarball = busybox_rootfs(self.dir.path());
        let import = Command::new("docker")
            .args(["import", "-c", r#"CMD ["/bin/sh","-c","sleep 3600"]"#])
            .arg(&tarball)
            .arg("local/busybox:1")
            .env("DOCKER_HOST", self.host())
            .stdin(Stdio::null())
            .output()
            .expect("docker import");
        assert!(
            import.status.success(),
            "docker import: {}",
            String::from_utf8_lossy(&import.stderr)
        );
    }
}

/// A root filesystem tarball holding busybox-static as /bin/busybox and /bin/sh, in `dir`.
pub fn busybox_rootfs(dir: &Path) -> PathBuf {
    let root = dir.join("rootfs");
    std::fs::create_dir_all(root.join("bin")).expect("rootfs");
    let busybox = ["/bin/busybox", "/usr/bin/busybox"]
        .into_iter()
        .map(Path::new)
        .find(|p| p.is_file())
        .expect("busybox-static is installed");
    std::fs::copy(busybox, root.join("bin/busybox")).expect("copy busybox");
    std::os::unix::fs::symlink("busybox", root.join("bin/sh")).expect("symlink");
    let tarball = dir.join("rootfs.tar");
    let tar = Command::new("tar")
        .arg("-C")
        .arg(&root)
        .arg("-cf")
        .arg(&tarball)
        .arg(".")
        .status()
        .expect("tar");
    assert!(tar.success(), "tar of the rootfs");
    tarball
}

impl Drop for Dockerd {
    fn drop(&mut self) {
        // SIGTERM lets dockerd stop its containers and its containerd.
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
