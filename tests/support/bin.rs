//! Running the real binary from integration tests, in an environment of its own: HOME (and so
//! the default state store) where the test says, and nothing inherited that would make a run
//! read the developer's kubeconfig, Docker host, configuration or history.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What a run printed and how it ended.
pub struct Out {
    /// Exit code (-1 when killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `plimsoll ARGS` in `dir`, with HOME at `home`, not yet started.
pub fn command(dir: &Path, home: &Path, args: &[&str]) -> Command {
    // option_env!: this module is also compiled into examples/apiserver.rs, which never runs
    // the binary; integration tests always have the variable.
    let bin = option_env!("CARGO_BIN_EXE_plimsoll").unwrap_or("plimsoll");
    let mut c = Command::new(bin);
    c.args(args)
        .current_dir(dir)
        .env("HOME", home)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    for var in [
        "XDG_STATE_HOME",
        "PLIMSOLL_STATE",
        "PLIMSOLL_CONFIG",
        "KUBECONFIG",
        "DOCKER_HOST",
        "RUST_LOG",
        "AWS_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
        "AWS_ENDPOINT_URL",
        "COLUMNS",
    ] {
        c.env_remove(var);
    }
    c
}

/// Runs a command to the end.
pub fn output(cmd: &mut Command) -> Out {
    let out = cmd.output().expect("binary runs");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs a command with its standard output on a pseudo-terminal `columns` wide (Python's pty
/// module does the terminal work), as a person at a terminal of that size runs it. Standard
/// error stays a pipe. The terminal's `\r\n` line ends are read back as `\n`.
pub fn in_terminal(cmd: &Command, columns: u16) -> Out {
    const DRIVER: &str = r#"
import fcntl, os, pty, struct, subprocess, sys, termios
cols = int(sys.argv[1])
master, slave = pty.openpty()
fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, cols, 0, 0))
p = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=slave)
os.close(slave)
out = b""
while True:
    try:
        chunk = os.read(master, 65536)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
sys.stdout.buffer.write(out)
sys.exit(p.wait())
"#;
    let mut py = Command::new("python3");
    py.args(["-c", DRIVER, &columns.to_string()])
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .stdin(Stdio::null());
    if let Some(dir) = cmd.get_current_dir() {
        py.current_dir(dir);
    }
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => py.env(k, v),
            None => py.env_remove(k),
        };
    }
    let mut out = output(&mut py);
    out.stdout = out.stdout.replace("\r\n", "\n");
    out
}

/// `plimsoll ARGS` in `dir`, which is also its HOME.
pub fn run(dir: &Path, args: &[&str]) -> Out {
    output(&mut command(dir, dir, args))
}

/// The run ended with `code` and said `needle` on stderr.
pub fn assert_exit(out: &Out, code: i32, needle: &str) {
    assert_eq!(
        out.code, code,
        "stdout: {}\nstderr: {}",
        out.stdout, out.stderr
    );
    assert!(
        out.stderr.contains(needle),
        "expected {needle:?} in: {}",
        out.stderr
    );
}
