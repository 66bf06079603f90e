//! A real PostgreSQL server for the tests: Debian's `postgresql` package (installed by
//! scripts/install-test-deps.sh), a cluster made with `initdb` in a temporary directory and
//! started on a free loopback port, with TLS (a certificate from a test CA) and password
//! authentication over TCP. One server per test binary; each test gets a database of its own.
//!
//! PostgreSQL refuses to run as root: as root (CI), the server runs as the `postgres` user the
//! package creates.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The superuser's password; tests that need a wrong one use another.
pub const PASSWORD: &str = "pg-test-s3cret";

/// A cluster: its directory (data, socket, certificates), port and the server's programs.
pub struct Cluster {
    dir: tempfile::TempDir,
    pub port: u16,
    bin: PathBuf,
}

/// The shared server of a test binary, run by a shell that stops it (and removes the
/// cluster) when its stdin closes, at the latest when the test process exits.
pub struct Postgres {
    /// `sh`, which runs the server.
    child: Child,
    cluster: Cluster,
}

impl std::ops::Deref for Postgres {
    type Target = Cluster;
    fn deref(&self) -> &Cluster {
        &self.cluster
    }
}

/// A server of one test's own, started and stopped with pg_ctl (to kill it mid-run and
/// start it again); stopped and removed on drop.
pub struct Owned {
    cluster: Cluster,
}

impl std::ops::Deref for Owned {
    type Target = Cluster;
    fn deref(&self) -> &Cluster {
        &self.cluster
    }
}

impl Owned {
    /// Makes a cluster and starts it.
    pub fn start() -> Owned {
        let owned = Owned {
            cluster: Cluster::init(),
        };
        owned.start_again();
        owned
    }

    /// Starts the stopped server, waiting until it accepts connections.
    pub fn start_again(&self) {
        let out = server_command(&self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .arg("-l")
            .arg(self.dir.path().join("log"))
            .args(["-w", "start"])
            .output()
            .expect("pg_ctl");
        assert!(
            out.status.success(),
            "pg_ctl start: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        self.wait_ready(None);
    }

    /// Stops the server at once, as a crash would (no shutdown checkpoint; clients cut off).
    pub fn stop_immediately(&self) {
        let _ = server_command(&self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-m", "immediate", "-w", "stop"])
            .output();
    }
}

impl Drop for Owned {
    fn drop(&mut self) {
        self.stop_immediately();
    }
}

/// The newest installed server's `bin` directory.
fn bin_dir() -> PathBuf {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL server (scripts/install-test-deps.sh installs it)")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse().ok()?;
            Some((v, e.path().join("bin")))
        })
        .filter(|(_, p)| p.join("initdb").exists())
        .collect();
    versions.sort();
    versions
        .pop()
        .expect("an initdb under /usr/lib/postgresql")
        .1
}

fn as_root() -> bool {
    static ROOT: OnceLock<bool> = OnceLock::new();
    *ROOT.get_or_init(|| {
        Command::new("id")
            .arg("-u")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
            .unwrap_or(false)
    })
}

/// `program args` as the server's user.
fn server_command(program: &Path) -> Command {
    if as_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

impl Postgres {
    /// One server per test binary.
    pub fn shared() -> &'static Postgres {
        static SHARED: OnceLock<Postgres> = OnceLock::new();
        SHARED.get_or_init(Postgres::start)
    }

    /// Makes a cluster and starts it.
    pub fn start() -> Postgres {
        let cluster = Cluster::init();
        let root = cluster.dir.path();
        let mut cmd = if as_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--", "sh"]);
            c
        } else {
            Command::new("sh")
        };
        let child = cmd
            .args([
                "-c",
                r#""$0" "$@" & pg=$!; read -r _; kill -INT $pg; wait $pg; rm -rf "$PG_TEST_DIR""#,
            ])
            .arg(cluster.bin.join("postgres"))
            .arg("-D")
            .arg(root.join("data"))
            // The cluster goes with the server: a shared one is a static, never dropped.
            .env("PG_TEST_DIR", root)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("sh runs postgres");
        let mut pg = Postgres { child, cluster };
        let child = &mut pg.child;
        pg.cluster.wait_ready(Some(child));
        pg
    }
}

impl Cluster {
    /// Makes a cluster (not started): TLS with a test CA, passwords over TCP, no fsync (the
    /// machine does not crash under a test; a killed server does, and a commit it answered
    /// is in the operating system's cache: synchronous_commit stays on, or a test that kills
    /// the server would lose what the store was told it kept).
    fn init() -> Cluster {
        let bin = bin_dir();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let (cert, key, ca) = certificates();
        std::fs::write(root.join("server.crt"), cert).unwrap();
        std::fs::write(root.join("server.key"), key).unwrap();
        std::fs::write(root.join("ca.crt"), ca).unwrap();
        std::fs::write(root.join("pwfile"), format!("{PASSWORD}\n")).unwrap();
        std::fs::create_dir(root.join("socket")).unwrap();
        if as_root() {
            let st = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(root)
                .status()
                .unwrap();
            assert!(st.success());
        }
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            root.join("server.key"),
            std::fs::Permissions::from_mode(0o600),
        )
        .unwrap();
        let out = server_command(&bin.join("initdb"))
            .arg("-D")
            .arg(root.join("data"))
            .args([
                "-U",
                "postgres",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
            ])
            .arg(format!("--pwfile={}", root.join("pwfile").display()))
            .args(["-E", "UTF8", "--no-sync"])
            .output()
            .expect("initdb");
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // TCP only over TLS, with a password; the superuser's psql over the local socket.
        std::fs::write(
            root.join("data/pg_hba.conf"),
            "local all all trust\n\
             hostssl all all 127.0.0.1/32 scram-sha-256\n\
             hostnossl all all 127.0.0.1/32 reject\n",
        )
        .unwrap();
        let port = {
            let l = TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let settings = format!(
            "\nport = {port}\nlisten_addresses = '127.0.0.1'\n\
             unix_socket_directories = '{socket}'\n\
             fsync = off\nfull_page_writes = off\n\
             max_connections = 200\nssl = on\n\
             ssl_cert_file = '{cert}'\nssl_key_file = '{key}'\n",
            socket = root.join("socket").display(),
            cert = root.join("server.crt").display(),
            key = root.join("server.key").display(),
        );
        use std::io::Write;
        std::fs::OpenOptions::new()
            .append(true)
            .open(root.join("data/postgresql.conf"))
            .unwrap()
            .write_all(settings.as_bytes())
            .unwrap();
        Cluster { dir, port, bin }
    }

    /// Waits until the server answers (and, given the process running it, that it lives).
    fn wait_ready(&self, mut child: Option<&mut Child>) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok()
                && self.psql("postgres", "SELECT 1").is_ok()
            {
                return;
            }
            if let Some(c) = child.as_deref_mut() {
                assert!(c.try_wait().ok().flatten().is_none(), "postgres exited");
            }
            assert!(Instant::now() < deadline, "postgres did not come up");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// `psql` running SQL as the superuser over the local socket, not yet started.
    pub fn psql_command(&self, db: &str, sql: &str) -> Command {
        let mut c = server_command(&self.bin.join("psql"));
        c.arg("-h")
            .arg(self.dir.path().join("socket"))
            .args(["-p", &self.port.to_string(), "-U", "postgres", "-d", db])
            .args(["-v", "ON_ERROR_STOP=1", "-At", "-c", sql]);
        c
    }

    /// Runs a script of SQL statements one by one (as psql reads a file) as `user` over the
    /// local socket.
    pub fn script_as(&self, user: &str, db: &str, sql: &str) -> Result<String, String> {
        use std::io::Write;
        let mut child = server_command(&self.bin.join("psql"))
            .arg("-h")
            .arg(self.dir.path().join("socket"))
            .args(["-p", &self.port.to_string(), "-U", user, "-d", db])
            .args(["-v", "ON_ERROR_STOP=1", "-At", "-f", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| e.to_string())?;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(sql.as_bytes())
            .map_err(|e| e.to_string())?;
        let out = child.wait_with_output().map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }

    /// A URL for `db` as `user` with `password`, over verified TLS.
    pub fn url_as(&self, user: &str, password: &str, db: &str) -> String {
        format!(
            "postgres://{user}:{password}@localhost:{}/{db}?sslmode=verify-full&sslrootcert={}",
            self.port,
            self.ca().display()
        )
    }

    /// Runs SQL as the superuser over the local socket; its output (unaligned, tuples only).
    pub fn psql(&self, db: &str, sql: &str) -> Result<String, String> {
        let out = self
            .psql_command(db, sql)
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }

    /// A new, empty database; its name.
    pub fn database(&self) -> String {
        static N: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "t{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        );
        self.psql("postgres", &format!("CREATE DATABASE {name}"))
            .expect("CREATE DATABASE");
        name
    }

    /// A URL for `db` as the superuser, over TLS verified against the test CA.
    pub fn url(&self, db: &str) -> String {
        format!(
            "postgres://postgres:{PASSWORD}@localhost:{}/{db}?sslmode=verify-full&sslrootcert={}",
            self.port,
            self.ca().display()
        )
    }

    /// The test CA's certificate.
    pub fn ca(&self) -> PathBuf {
        self.dir.path().join("ca.crt")
    }

    /// Everything in `db`, as `pg_dump` writes it.
    pub fn dump(&self, db: &str) -> String {
        let out = server_command(&self.bin.join("pg_dump"))
            .arg("-h")
            .arg(self.dir.path().join("socket"))
            .args(["-p", &self.port.to_string(), "-U", "postgres", db])
            .output()
            .expect("pg_dump");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

/// A server certificate for `localhost` and 127.0.0.1, its key, and the CA that signed it.
fn certificates() -> (String, String, String) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, SanType};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "plimsoll-test-pg-ca");
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    params
        .subject_alt_names
        .push(SanType::IpAddress([127, 0, 0, 1].into()));
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    let cert = params.signed_by(&key, &issuer).unwrap();
    (cert.pem(), key.serialize_pem(), ca_cert.pem())
}
