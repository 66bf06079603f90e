//! JSON output: the report model serialised as is (schema in `docs/output.md`).

use super::model::{FindingOut, Report};
use rayon::prelude::*;
use std::io::Write;

/// Renders the report as pretty JSON with a trailing newline.
pub fn render(report: &Report) -> String {
    // The model is plain data with string keys: serialisation cannot fail.
    let mut s = serde_json::to_string_pretty(report).unwrap_or_default();
    s.push('\n');
    s
}

/// Findings rendered per rayon task, and per batch written before the next is rendered: a
/// batch of text (about 900 bytes a finding) is all that is held at a time.
const PIECE: usize = 1024;
const BATCH: usize = 4 * PIECE;

/// Writes the report as pretty JSON with a trailing newline, straight to `out`: a report of
/// 100,000s of findings is never held as text. The bytes are exactly `render`'s; the
/// findings (nearly all of a large report) are rendered in parallel, a batch at a time, which
/// halved writing a 700 MB report on two cores.
pub fn write(report: &mut Report, out: &mut dyn Write) -> std::io::Result<()> {
    write_pieces(report, out, PIECE, BATCH)
}

fn write_pieces(
    report: &mut Report,
    out: &mut dyn Write,
    piece: usize,
    batch: usize,
) -> std::io::Result<()> {
    // Everything but the findings, as one small text with an empty findings array to fill.
    // Top-level keys are the only text at two spaces' indent (strings cannot hold a raw
    // newline), so the slot is found unambiguously.
    let findings = std::mem::take(&mut report.findings);
    let frame = serde_json::to_string_pretty(&*report).unwrap_or_default();
    report.findings = findings;
    const SLOT: &str = "\n  \"findings\": [";
    let Some(at) = frame.find(SLOT).map(|at| at + SLOT.len()) else {
        serde_json::to_writer_pretty(&mut *out, &*report).map_err(std::io::Error::other)?;
        return out.write_all(b"\n");
    };
    out.write_all(&frame.as_bytes()[..at])?;
    for (b, chunk) in report.findings.chunks(batch.max(1)).enumerate() {
        let texts: Vec<Vec<u8>> = chunk
            .par_chunks(piece.max(1))
            .enumerate()
            .map(|(p, findings)| render_piece(findings, b == 0 && p == 0))
            .collect();
        for t in &texts {
            out.write_all(t)?;
        }
    }
    if !report.findings.is_empty() {
        out.write_all(b"\n  ")?;
    }
    out.write_all(&frame.as_bytes()[at..])?;
    out.write_all(b"\n")
}

/// Array elements as serde_json's pretty printer writes them inside the top-level object:
/// `,` between elements, each on a new line indented by four spaces.
fn render_piece(findings: &[FindingOut], first: bool) -> Vec<u8> {
    let mut text = Vec::with_capacity(findings.len() * 1024);
    let mut one = Vec::with_capacity(2048);
    for (i, f) in findings.iter().enumerate() {
        text.extend_from_slice(if first && i == 0 {
            b"\n    "
        } else {
            b",\n    "
        });
        one.clear();
        // Plain data with string keys: serialisation cannot fail.
        let _ = serde_json::to_writer_pretty(&mut one, f);
        for (n, line) in one.split(|&b| b == b'\n').enumerate() {
            if n > 0 {
                text.extend_from_slice(b"\n    ");
            }
            text.extend_from_slice(line);
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{CisRef, Fingerprint, Severity, Status};
    use crate::report::model::*;
    use std::sync::Arc;

    fn finding(n: usize) -> FindingOut {
        FindingOut {
            check: Arc::new(CheckText {
                id: Arc::from("PLM-K8S-0001"),
                title: Arc::from("Containers are not privileged"),
                cis: Arc::from(vec![CisRef {
                    benchmark: "cis-kubernetes-1.12".into(),
                    control: "5.2.2".into(),
                    level: 1,
                }]),
                remediation: Arc::from("Remove privileged: true."),
                command: None,
            }),
            severity: Severity::High,
            status: if n.is_multiple_of(3) {
                Status::Waived
            } else {
                Status::Fail
            },
            resource: Some(Arc::new(ResourceRef {
                id: format!("k8s/manifests/ns/Pod/p{n}"),
                kind: "Pod".into(),
                namespace: n.is_multiple_of(2).then(|| "ns".to_string()),
                name: format!("p{n}"),
                file: Some(Arc::from("a.yaml")),
            })),
            // Quotes, a newline and non-ASCII text must stay escaped inside the element.
            message: arcstr::ArcStr::from(format!("container \"c{n}\"\nis privileged: é")),
            path: Some(arcstr::ArcStr::from(
                "spec.containers[0].securityContext.privileged",
            )),
            spot: Some(Spot {
                line: n as u32 + 1,
                column: 3,
            }),
            fingerprint: Fingerprint(n as u64 * 7919),
            waiver: (n.is_multiple_of(3)).then(|| {
                Box::new(WaiverRef {
                    reason: "accepted".into(),
                    source: WaiverSource::Config,
                    name: Some("w".into()),
                    expires: None,
                })
            }),
            baseline_state: Some(BaselineState::New),
            first_seen: None,
        }
    }

    fn report(findings: usize) -> Report {
        Report {
            schema_version: REPORT_SCHEMA_VERSION,
            tool: Default::default(),
            scan: ScanInfo {
                started_at: "2026-12-03T00:00:00Z".into(),
                duration_ms: 12,
                inputs: Vec::new(),
                benchmark: None,
                level: None,
                fail_on: Severity::Info,
                fail_on_new: false,
                resources: findings,
                checks_run: 1,
                checks_skipped: Vec::new(),
                policy_digest: "abc".into(),
            },
            summary: Summary::default(),
            checks: Vec::new(),
            findings: (0..findings).map(finding).collect(),
            compliance: None,
            collection_issues: Vec::new(),
            waivers: Vec::new(),
            baseline: Some(BaselineInfo {
                file: "old.json".into(),
                new: 1,
                unchanged: 2,
                absent: 3,
            }),
            drift: Some(Drift::default()),
            passes: Vec::new(),
            not_scanned: Vec::new(),
        }
    }

    #[test]
    fn parallel_writing_gives_the_bytes_of_the_pretty_printer() {
        // Pieces and batches smaller than the findings, not dividing them evenly, and the
        // edge cases of no finding and one.
        for n in [0, 1, 2, 7, 25] {
            let mut r = report(n);
            let mut out = Vec::new();
            write_pieces(&mut r, &mut out, 3, 6).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), render(&r), "{n} findings");
            assert_eq!(r.findings.len(), n, "the findings are put back");
        }
        let mut r = report(5);
        let mut out = Vec::new();
        write(&mut r, &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), render(&r));
    }

    /// A writer that takes `left` bytes, then fails (a full disk).
    struct Full {
        left: usize,
    }

    impl Write for Full {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.left == 0 {
                return Err(std::io::Error::other("no space left on device"));
            }
            let n = buf.len().min(self.left);
            self.left -= n;
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failing_write_is_returned_and_the_findings_kept() {
        // Fails in the frame, in the first batch and deep in the findings: each returns the
        // error, and the findings are put back.
        let full = render(&report(200)).len();
        for left in [10, 2_000, full / 2] {
            let mut r = report(200);
            let err = write_pieces(&mut r, &mut Full { left }, 3, 6).unwrap_err();
            assert!(err.to_string().contains("no space"), "{left}: {err}");
            assert_eq!(r.findings.len(), 200);
        }
    }
}
