//! Podman's Docker-compatible API for the tests: `podman system service` on a private socket,
//! with its own storage (vfs) in a temporary directory. Debian's podman 4.3 needs explicit
//! `--ulimit nofile=1024:1024 --ulimit nproc=1024:1024` to start containers in this sandbox.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running Podman API service; stopped on drop.
pub struct Podman {
    child: Child,
    dir: tempfile::TempDir,
}

impl Podman {
    /// Starts the service and waits for its socket to answer.
    pub fn start() -> Podman {
        let dir = tempfile::Builder::new()
            .prefix("pmd")
            .tempdir_in("/tmp")
            .expect("tempdir");
        let mut podman = Podman {
            child: Command::new("true").spawn().expect("true"),
            dir,
        };
        let _ = podman.child.wait();
        let log = std::fs::File::create(podman.dir.path().join("service.log")).expect("log");
        podman.child = podman
            .cmd()
            .args(["system", "service", "--time=0"])
            .arg(podman.host())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("podman starts (scripts/install-test-deps.sh installs it)");
        let deadline = Instant::now() + Duration::from_secs(30);
        while !podman.dir.path().join("p.sock").exists() {
            assert!(Instant::now() < deadline, "podman service did not come up");
            std::thread::sleep(Duration::from_millis(100));
        }
        podman
    }

    fn cmd(&self) -> Command {
        let d = self.dir.path();
        let mut c = Command::new("podman");
        c.arg(format!("--root={}", d.join("root").display()))
            .arg(format!("--runroot={}", d.join("run").display()))
            .arg("--storage-driver=vfs")
            .stdin(Stdio::null());
        c
    }

    /// `unix:///…/p.sock`.
    pub fn host(&self) -> String {
        format!("unix://{}", self.dir.path().join("p.sock").display())
    }

    /// Runs the podman CLI on this storage and fails the test if it fails.
    pub fn must(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().expect("podman runs");
        assert!(
            out.status.success(),
            "podman {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Imports `local/busybox:1` from a rootfs tarball.
    pub fn import(&self, tarball: &Path) {
        self.must(&[
            "import",
            "-q",
            "-c",
            r#"CMD ["/bin/sh","-c","sleep 3600"]"#,
            &tarball.display().to_string(),
            "local/busybox:1",
        ]);
    }
}

impl Drop for Podman {
    fn drop(&mut self) {
        let _ = self.cmd().args(["rm", "-af", "-t", "0"]).output();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
