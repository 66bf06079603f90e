//! A real AWS API emulator for the tests: `moto_server` (PyPI `moto[server]`, installed by
//! scripts/install-test-deps.sh into target/test-tools/venv) on a free loopback port, seeded by
//! tests/support/aws_seed.py through boto3. Also a fault-injecting HTTP proxy in front of it,
//! which answers chosen operations with AccessDenied or throttling errors the way AWS does, so
//! the collector's error handling is exercised over a real socket.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

fn venv() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/test-tools/venv/bin")
}

pub struct Moto {
    /// `sh`, which runs moto_server and stops it when its stdin closes.
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
}

impl Moto {
    /// Starts moto_server and waits until it answers. It runs under a shell that stops it when
    /// the shell's stdin closes: on drop, or when the test process exits (a shared instance is
    /// a static, never dropped).
    pub fn start() -> Moto {
        let port = {
            let l = TcpListener::bind("127.0.0.1:0").expect("free port");
            l.local_addr().expect("addr").port()
        };
        let child = Command::new("sh")
            .args([
                "-c",
                r#""$0" "$@" & moto=$!; read -r _; kill $moto; wait $moto"#,
            ])
            .arg(venv().join("moto_server"))
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("sh runs moto_server (scripts/install-test-deps.sh installs it)");
        let mut moto = Moto {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                moto.child.try_wait().ok().flatten().is_none(),
                "moto_server exited"
            );
            assert!(Instant::now() < deadline, "moto_server did not come up");
            std::thread::sleep(Duration::from_millis(100));
        }
        moto
    }

    /// One moto_server per test binary, seeded in eu-west-1 (tests/support/aws_seed.py), for
    /// the tests that only read that seed: each of them starting and seeding its own took
    /// about 3 s. A test that adds resources, or reads other regions, starts its own.
    pub fn seeded() -> &'static Moto {
        static SHARED: OnceLock<Moto> = OnceLock::new();
        SHARED.get_or_init(|| {
            let moto = Moto::start();
            moto.seed("eu-west-1");
            moto
        })
    }

    /// Runs Python with `boto3` and `region`, `client(name)` and the moto URL at hand: for a
    /// test's own resources beyond the shared seed. Returns what it printed.
    pub fn python(&self, region: &str, code: &str) -> String {
        let prelude = format!(
            "import boto3, json\nregion = {region:?}\n\
             def client(n):\n    return boto3.client(n, region_name=region, endpoint_url={url:?}, \
             aws_access_key_id='test', aws_secret_access_key='test')\n",
            url = self.url
        );
        let out = Command::new(venv().join("python"))
            .args(["-c", &format!("{prelude}{code}")])
            .output()
            .expect("python runs");
        assert!(
            out.status.success(),
            "python against moto: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Makes the test account (123456789012) the management account of an organization with
    /// `members` member accounts, and returns their ids.
    pub fn organization(&self, members: usize) -> Vec<String> {
        let code = format!(
            "org = client('organizations')\n\
             org.create_organization(FeatureSet='ALL')\n\
             for i in range({members}):\n\
             \x20   print(org.create_account(Email=f'm{{i}}@example.com', AccountName=f'm{{i}}')['CreateAccountStatus']['AccountId'])\n"
        );
        self.python("eu-west-1", &code)
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// One ECR repository, `repo-ACCOUNT`, in eu-west-1 of each of `accounts` (created through
    /// an assumed role: moto keeps a role's account for the credentials it gives): mutable
    /// tags in the first account (a PLM-ECR-0002 failure), immutable in the others.
    pub fn repositories(&self, accounts: &[&str]) {
        let code = format!(
            "sts = client('sts')\n\
             for i, account in enumerate({accounts:?}):\n\
             \x20   c = sts.assume_role(RoleArn=f'arn:aws:iam::{{account}}:role/Seed', RoleSessionName='seed')['Credentials']\n\
             \x20   ecr = boto3.client('ecr', region_name=region, endpoint_url=sts.meta.endpoint_url, aws_access_key_id=c['AccessKeyId'], aws_secret_access_key=c['SecretAccessKey'], aws_session_token=c['SessionToken'])\n\
             \x20   ecr.create_repository(repositoryName=f'repo-{{account}}', imageTagMutability='MUTABLE' if i == 0 else 'IMMUTABLE')\n"
        );
        self.python("eu-west-1", &code);
    }

    /// Seeds one region with the test account (tests/support/aws_seed.py).
    pub fn seed(&self, region: &str) {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/support/aws_seed.py");
        let out = Command::new(venv().join("python"))
            .arg(script)
            .args([&self.url, region])
            .output()
            .expect("python runs");
        assert!(
            out.status.success(),
            "seeding {region}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        // Closing the shell's stdin makes it stop moto_server.
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

/// What the proxy does to requests whose operation matches.
#[derive(Clone)]
pub enum Fault {
    /// 400 AccessDeniedException (JSON protocols) / 403 AccessDeniedException (REST), always.
    Deny,
    /// 400 ThrottlingException the first N times, then forwarded.
    Throttle(usize),
    /// 403 ExpiredToken in the query protocol's XML (STS), always.
    Expired,
    /// Forwarded, and the JSON answer changed by the function (e.g. an EKS cluster's endpoint
    /// pointed at the test API server, which moto cannot know).
    Rewrite(Arc<dyn Fn(&mut serde_json::Value) + Send + Sync>),
}

/// An HTTP/1.1 proxy on loopback that forwards to `upstream`, except for requests whose
/// operation (the `X-Amz-Target` header of JSON protocols, or the REST path) contains one of
/// the rule's needles.
pub struct FaultProxy {
    pub url: String,
    /// Requests answered with an injected fault so far.
    injected: Arc<AtomicUsize>,
}

impl FaultProxy {
    pub fn start(upstream: &str, rules: Vec<(&'static str, Fault)>) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let upstream = upstream.trim_start_matches("http://").to_string();
        let injected = Arc::new(AtomicUsize::new(0));
        let counters: Arc<Vec<AtomicUsize>> =
            Arc::new(rules.iter().map(|_| AtomicUsize::new(0)).collect());
        let rules = Arc::new(rules);
        let inj = injected.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let (upstream, rules, counters, inj) = (
                    upstream.clone(),
                    rules.clone(),
                    counters.clone(),
                    inj.clone(),
                );
                std::thread::spawn(move || {
                    let _ = serve(client, &upstream, &rules, &counters, &inj);
                });
            }
        });
        FaultProxy { url, injected }
    }

    pub fn injected(&self) -> usize {
        self.injected.load(Ordering::SeqCst)
    }
}

fn serve(
    client: TcpStream,
    upstream: &str,
    rules: &[(&'static str, Fault)],
    counters: &[AtomicUsize],
    injected: &AtomicUsize,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(client.try_clone()?);

    let mut client = client;
    loop {
        // One request: head, then Content-Length bytes.
        let mut head = Vec::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line)? == 0 {
                return Ok(());
            }
            let end = line == "\r\n";
            head.push(line);
            if end {
                break;
            }
        }
        let header = |name: &str| {
            head.iter().find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
            })
        };
        let len: usize = header("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; len];
        reader.read_exact(&mut body)?;
        let target = header("x-amz-target").unwrap_or_default();
        let path = head[0].clone();
        let form = String::from_utf8_lossy(&body).to_string();
        let json_protocol = !target.is_empty();
        let mut fault = None;
        let mut rewrite = None;
        for (i, (needle, f)) in rules.iter().enumerate() {
            if target.contains(needle) || path.contains(needle) || form.contains(needle) {
                fault = match f {
                    Fault::Rewrite(f) => {
                        rewrite = Some(f.clone());
                        None
                    }
                    Fault::Deny => Some("AccessDeniedException"),
                    Fault::Expired => Some("ExpiredToken"),
                    Fault::Throttle(n) => (counters[i].fetch_add(1, Ordering::SeqCst) < *n)
                        .then_some("ThrottlingException"),
                };
                break;
            }
        }
        // The query protocol (STS, EC2: a form body with `Action=`) answers errors in XML.
        let query = form.starts_with("Action=");
        let xml = match fault {
            Some("ExpiredToken") => Some((
                "ExpiredToken",
                "The security token included in the request is expired",
            )),
            Some("AccessDeniedException") if query => Some((
                "AccessDenied",
                "User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: sts:AssumeRole",
            )),
            _ => None,
        };
        if let Some((code, message)) = xml {
            injected.fetch_add(1, Ordering::SeqCst);
            let payload = format!(
                "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>1</RequestId></ErrorResponse>"
            );
            write!(
                client,
                "HTTP/1.1 403 Forbidden\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n{payload}",
                payload.len()
            )?;
            client.flush()?;
            continue;
        }
        if let Some(code) = fault {
            injected.fetch_add(1, Ordering::SeqCst);
            let msg = if code == "AccessDeniedException" {
                "User: arn:aws:iam::123456789012:user/auditor is not authorized to perform this action"
            } else {
                "Rate exceeded"
            };
            let payload = format!(r#"{{"__type":"{code}","message":"{msg}"}}"#);
            let status = if code == "AccessDeniedException" && !json_protocol {
                "403 Forbidden"
            } else {
                "400 Bad Request"
            };
            let ctype = if json_protocol {
                "application/x-amz-json-1.1"
            } else {
                "application/json"
            };
            write!(
                client,
                "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nx-amzn-ErrorType: {code}\r\nContent-Length: {}\r\n\r\n{payload}",
                payload.len()
            )?;
            client.flush()?;
            continue;
        }
        // Forward on a fresh connection, asking the upstream to close it after the answer.
        let mut up = TcpStream::connect(upstream)?;
        for line in &head {
            if line.to_ascii_lowercase().starts_with("connection:") {
                continue;
            }
            if line == "\r\n" {
                up.write_all(b"Connection: close\r\n")?;
            }
            up.write_all(line.as_bytes())?;
        }
        up.write_all(&body)?;
        let mut answer = Vec::new();
        up.read_to_end(&mut answer)?;
        // Keep the client's connection usable: drop the upstream's Connection: close.
        let text = String::from_utf8_lossy(&answer);
        let (head_part, rest) = match answer.windows(4).position(|w| w == b"\r\n\r\n") {
            Some(i) => (text[..i].to_string(), answer[i + 4..].to_vec()),
            None => (text.to_string(), Vec::new()),
        };
        let mut rest = rest;
        let mut head_part = head_part;
        if let Some(f) = &rewrite
            && let Ok(mut v) = serde_json::from_slice::<serde_json::Value>(&rest)
        {
            f(&mut v);
            rest = serde_json::to_vec(&v).expect("JSON");
            // The length is written anew below.
            head_part = head_part
                .split("\r\n")
                .filter(|l| !l.to_ascii_lowercase().starts_with("content-length:"))
                .collect::<Vec<_>>()
                .join("\r\n");
        }
        let mut out = String::new();
        let mut has_len = false;
        for l in head_part.split("\r\n") {
            if l.to_ascii_lowercase().starts_with("connection:") {
                continue;
            }
            let lower = l.to_ascii_lowercase();
            if lower.starts_with("content-length:") || lower.starts_with("transfer-encoding:") {
                has_len = true;
            }
            out.push_str(l);
            out.push_str("\r\n");
        }
        if !has_len {
            out.push_str(&format!("Content-Length: {}\r\n", rest.len()));
        }
        out.push_str("\r\n");
        client.write_all(out.as_bytes())?;
        client.write_all(&rest)?;
        client.flush()?;
    }
}
