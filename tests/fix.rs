//! `plimsoll fix` end to end through the real binary: a corpus of manifests with comments,
//! flow and block style, indented sequences, several documents per file, an anchor, CRLF line
//! ends and a `List` (fixtures/fix/input), fixed and compared byte for byte with
//! fixtures/fix/expected; the files it cannot edit faithfully stay byte-identical; the diff
//! mode writes nothing; a second fix changes nothing; what is left decides the exit code.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod support;

use std::path::Path;
use support::bin::{Out, command, output, root};

const VALUES: [&str; 8] = [
    "--set",
    "cpuRequest=100m",
    "--set",
    "cpuLimit=500m",
    "--set",
    "memoryRequest=128Mi",
    "--set",
    "memoryLimit=256Mi",
];

fn fix(dir: &Path, extra: &[&str]) -> Out {
    let mut args = vec!["fix", "corp", "--no-config"];
    args.extend_from_slice(&VALUES);
    args.extend_from_slice(extra);
    output(&mut command(dir, dir, &args))
}

fn corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("corp")).unwrap();
    for e in std::fs::read_dir(root().join("fixtures/fix/input")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.path().join("corp").join(e.file_name())).unwrap();
    }
    dir
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn the_corpus_is_fixed_byte_for_byte_and_what_cannot_be_edited_is_left_as_written() {
    let dir = corpus();
    let d = dir.path();

    // The diff mode (the default, or --diff): the diff on stdout, nothing written.
    assert_eq!(fix(d, &["--diff"]).stdout, fix(d, &[]).stdout);
    assert_eq!(
        fix(d, &["--diff", "--write"]).code,
        2,
        "--diff and --write exclude each other"
    );
    let out = fix(d, &[]);
    assert_eq!(out.code, 1, "manual fixes remain: {}", out.stderr);
    assert!(
        out.stdout
            .starts_with("--- a/corp/shop.yaml\n+++ b/corp/shop.yaml\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("-          hostNetwork: true\n+          hostNetwork: false\n")
    );
    for e in std::fs::read_dir(root().join("fixtures/fix/input")).unwrap() {
        let e = e.unwrap();
        assert_eq!(
            read(&d.join("corp").join(e.file_name())),
            read(&e.path()),
            "diff mode wrote"
        );
    }
    assert!(out.stderr.contains("(--write to apply)"), "{}", out.stderr);

    // --write: every file as expected, byte for byte, with the mode it had.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        d.join("corp/shop.yaml"),
        std::fs::Permissions::from_mode(0o664),
    )
    .unwrap();
    let out = fix(d, &["--write"]);
    let mode = std::fs::metadata(d.join("corp/shop.yaml"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o664, "the fixed file keeps its mode");
    assert_eq!(out.code, 1, "{}", out.stderr);
    for e in std::fs::read_dir(root().join("fixtures/fix/expected")).unwrap() {
        let e = e.unwrap();
        let got = read(&d.join("corp").join(e.file_name()));
        assert!(
            got == read(&e.path()),
            "{} differs from the expected file:\n{}",
            e.file_name().to_string_lossy(),
            String::from_utf8_lossy(&got)
        );
    }
    for (file, why) in [
        ("anchors.yaml", "would not mean what was intended"),
        ("crlf.yaml", "CRLF line ends"),
        ("list.yaml", "(a List?)"),
    ] {
        assert_eq!(
            read(&d.join("corp").join(file)),
            read(&root().join("fixtures/fix/input").join(file)),
            "{file} must stay byte-identical"
        );
        assert!(
            out.stderr
                .lines()
                .any(|l| l.contains(file) && l.contains(why)),
            "{file}: {why}: {}",
            out.stderr
        );
    }
    assert!(
        out.stderr.contains("fixed 39 findings in 1 file"),
        "{}",
        out.stderr
    );
    // No temporary file left beside the fixed one.
    let names: Vec<String> = std::fs::read_dir(d.join("corp"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(names.len(), 4, "{names:?}");

    // The fixed file passes the checks that were fixed; a second fix changes nothing.
    let out = fix(d, &[]);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(
        out.stderr.contains("would fix 0 findings in 0 files"),
        "{}",
        out.stderr
    );
    let scan = output(&mut command(
        d,
        d,
        &[
            "scan",
            "corp/shop.yaml",
            "--no-config",
            "--no-state",
            "--format",
            "json",
        ],
    ));
    let report: serde_json::Value = serde_json::from_str(&scan.stdout).unwrap();
    let left: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["checkId"].as_str().unwrap())
        .collect();
    for fixed in [
        "PLM-K8S-0001",
        "PLM-K8S-0004",
        "PLM-K8S-0005",
        "PLM-K8S-0012",
        "PLM-K8S-0013",
        "PLM-K8S-0021",
        "PLM-K8S-0024",
    ] {
        assert!(!left.contains(&fixed), "{fixed} still fails: {left:?}");
    }
}

/// A fix that needs a value is never guessed: without --set the resource limits stay unfixed
/// with the flag to pass; with only the checks asked for, only they are fixed; and the exit
/// code is 0 once nothing at the threshold remains.
#[test]
fn values_are_never_guessed_and_only_the_checks_asked_for_are_fixed() {
    let dir = corpus();
    let d = dir.path();
    let out = output(&mut command(
        d,
        d,
        &[
            "fix",
            "corp/shop.yaml",
            "--no-config",
            "--check",
            "PLM-K8S-0024",
            "--check",
            "PLM-K8S-0004",
        ],
    ));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("needs a value: pass --set memoryLimit=VALUE"),
        "{}",
        out.stderr
    );
    assert!(
        out.stdout.contains("+          hostNetwork: false"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("memory"), "{}", out.stdout);
    let out = output(&mut command(
        d,
        d,
        &[
            "fix",
            "corp/shop.yaml",
            "--no-config",
            "--check",
            "PLM-K8S-0004",
            "--write",
        ],
    ));
    assert_eq!(
        out.code, 0,
        "nothing of PLM-K8S-0004 is left: {}",
        out.stderr
    );
    let text = String::from_utf8(read(&d.join("corp/shop.yaml"))).unwrap();
    assert!(text.contains("hostNetwork: false") && text.contains("hostPort: 8080"));
    // A bad --set is a usage error.
    let out = output(&mut command(d, d, &["fix", "corp", "--set", "novalue"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
}
