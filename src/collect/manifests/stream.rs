//! Manifests read for a streamed scan: the same files, documents and resources as
//! [`collect_inputs`](super::collect_inputs), but never all parsed at once.
//!
//! Two passes over each YAML file, reading it line by line each time:
//!
//! 1. **Plan.** Each document's kind is read off its top-level `kind:` line without parsing.
//!    Documents of the kinds the scan wants up front (those cross-resource checks read from
//!    the inventory), and documents whose kind cannot be told that way (`kind: List`, flow
//!    style, anchors or tags on `kind`), are parsed now; the others are left for pass 2.
//!    JSON files (manifests or snapshots) are read whole in this pass.
//! 2. **Chunks.** The files are read again, on a thread of their own, and the documents left
//!    are handed to the caller a chunk at a time, as text; the caller parses, evaluates and
//!    shrinks each document on one worker (so a resource is allocated and freed on the same
//!    thread) before the next chunk is taken.
//!
//! A 100,000-resource file is then never held as text, nor as parsed values beyond a chunk.
//! Each resource comes with its input order (file, document, item) so the caller can put the
//! whole set in the order `collect_inputs` would have, for the same ids.

use super::{
    CollectError, DocError, Documents, FileResult, input_files, issue, parse_document, parse_file,
    sources,
};
use crate::snapshot::{CollectionIssue, IssueLevel, Resource, Snapshot};
use rayon::prelude::*;
use std::collections::BTreeSet;

/// Where a resource came from in the input: file (22 bits), document (26 bits: 67 million
/// per file), item of a `kind: List` (16 bits). Sorting by it restores the order of
/// `collect_inputs`.
pub type Order = u64;

fn order(file: usize, doc: usize, item: usize) -> Order {
    ((file as u64) << 42) | ((doc as u64 & 0x3ff_ffff) << 16) | (item as u64 & 0xffff)
}

/// One YAML file with documents left for the second pass.
struct Deferred {
    /// Position in the input.
    file: usize,
    /// The name as given (or found in a directory).
    name: String,
    /// The path it is opened by.
    path: std::path::PathBuf,
    /// Standard input's text (it cannot be read twice).
    text: Option<String>,
    /// Indices of the documents left for pass 2, ascending.
    docs: Vec<usize>,
}

/// The manifests of a scan after the first pass.
pub struct Streamed {
    /// Sources, the issues met so far, and the resources parsed in the first pass.
    pub snapshot: Snapshot,
    /// The input order of each resource of `snapshot`.
    pub order: Vec<Order>,
    /// The selectors (`kubernetes/Deployment`) of the documents left for the second pass, as
    /// read off their `kind:` lines.
    pub deferred_kinds: BTreeSet<String>,
    deferred: Vec<Deferred>,
}

/// A chunk of the second pass: documents read and split, not yet parsed, so that the caller
/// parses and judges each on the same worker (see [`Streamed::for_each_chunk`]).
pub struct Chunk<'s> {
    /// The documents, in input order.
    pub docs: Vec<Doc<'s>>,
    /// Problems met reading the files (unreadable, changed between the passes); only the
    /// last chunk has any.
    pub issues: Vec<CollectionIssue>,
}

/// One document of a chunk, as read.
pub struct Doc<'s> {
    name: &'s str,
    file: usize,
    doc: usize,
    line: u32,
    text: String,
}

impl Doc<'_> {
    /// Parses the document: its resources (several for `kind: List`), their input order, and
    /// the problems met (a broken document is an issue, not an error).
    pub fn parse(&self) -> (Vec<Resource>, Vec<Order>, Vec<CollectionIssue>) {
        let (mut resources, mut issues) = (Vec::new(), Vec::new());
        parse_document(
            self.name,
            self.line,
            &self.text,
            &mut resources,
            &mut issues,
        );
        let base = order(self.file, self.doc, 0);
        let orders = (0..resources.len()).map(|i| base + i as u64).collect();
        (resources, orders, issues)
    }
}

/// The top-level `kind:` of a block-style YAML document, read off its lines; None when it
/// cannot be told without parsing (no such line or more than one, a quoted or flow value, an
/// alias, a tag) or the document is a list of objects.
fn top_level_kind(doc: &str) -> Option<&str> {
    let mut found = None;
    for line in doc.lines() {
        let Some(rest) = line.strip_prefix("kind:") else {
            continue;
        };
        // `kind:Pod` is not a key and value; `kind:` alone has its value on a later line.
        if found.is_some() || !rest.starts_with([' ', '\t']) {
            return None;
        }
        let value = rest.split(" #").next().unwrap_or("").trim();
        if value.is_empty() || !value.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return None;
        }
        found = Some(value);
    }
    found.filter(|k| !k.ends_with("List"))
}

/// The first pass over `paths`: see the module documentation. `up_front` says which
/// selectors must be parsed in this pass.
pub fn stream_inputs(
    paths: &[String],
    up_front: &(dyn Fn(&str) -> bool + Sync),
) -> Result<Streamed, CollectError> {
    let (files, skipped) = input_files(paths)?;
    let mut out = Streamed {
        snapshot: Snapshot {
            sources: sources(paths),
            issues: skipped,
            ..Snapshot::default()
        },
        order: Vec::new(),
        deferred_kinds: BTreeSet::new(),
        deferred: Vec::new(),
    };
    for (fi, input) in files.into_iter().enumerate() {
        let super::Input { name, path, text } = input;
        if text.is_none() && is_json(&path) {
            match parse_file(&name, &path)? {
                FileResult::Manifests { resources, issues } => {
                    out.push_parsed(fi, 0, resources);
                    out.snapshot.issues.extend(issues);
                }
                FileResult::Snapshot(name, s) => {
                    out.snapshot.sources.retain(|src| src.target != name);
                    let n = s.resources.len();
                    out.snapshot.merge(*s);
                    out.order.extend((0..n).map(|i| order(fi, 0, i)));
                }
            }
            continue;
        }
        // Pass 1 over a YAML file: the documents to parse now, and those left.
        let mut now: Vec<(usize, u32, String)> = Vec::new();
        let mut left = Vec::new();
        let mut failed = None;
        let mut each = |di: usize, line: u32, doc: String| match top_level_kind(&doc)
            .map(|k| format!("kubernetes/{k}"))
        {
            // A pod that may run a control-plane component is parsed now: the component
            // resource it gives has a kind of its own, whose checks must be known before the
            // second pass (snapshot::control_plane). One whose binary is spelled so that this
            // does not see it is caught there as a kind not recognised up front.
            Some(selector)
                if selector == "kubernetes/Pod"
                    && crate::snapshot::control_plane::COMPONENTS
                        .iter()
                        .any(|(binary, _)| doc.contains(binary)) =>
            {
                now.push((di, line, doc))
            }
            Some(selector) if !up_front(&selector) => {
                out.deferred_kinds.insert(selector);
                left.push(di);
            }
            _ => now.push((di, line, doc)),
        };
        match &text {
            Some(t) => {
                for (di, (line, doc)) in super::split_documents(t).into_iter().enumerate() {
                    each(di, line, doc);
                }
            }
            None => match open(&path) {
                Ok(f) => {
                    for (di, doc) in Documents::new(f).enumerate() {
                        match doc {
                            Ok((line, doc)) => each(di, line, doc),
                            Err(e) => {
                                failed = Some(e);
                                break;
                            }
                        }
                    }
                }
                Err(e) => failed = Some(e),
            },
        }
        if let Some(e) = failed {
            // Nothing of an unreadable file is scanned, as with `collect_inputs`.
            out.snapshot.issues.push(unreadable(&name, e));
            continue;
        }
        let parsed: Vec<(usize, Vec<Resource>, Vec<CollectionIssue>)> = now
            .par_iter()
            .map(|(di, line, doc)| {
                let (mut resources, mut issues) = (Vec::new(), Vec::new());
                parse_document(&name, *line, doc, &mut resources, &mut issues);
                (*di, resources, issues)
            })
            .collect();
        for (di, resources, issues) in parsed {
            out.push_parsed(fi, di, resources);
            out.snapshot.issues.extend(issues);
        }
        if !left.is_empty() {
            out.deferred.push(Deferred {
                file: fi,
                name,
                path,
                text,
                docs: left,
            });
        }
    }
    Ok(out)
}

/// A manifest file as UTF-8 text, whatever encoding kubectl would read it in.
fn open(path: &std::path::Path) -> Result<Box<dyn std::io::BufRead + Send>, DocError> {
    let file = std::fs::File::open(path).map_err(DocError::Io)?;
    super::encoding::utf8_reader(file).map_err(DocError::Encoding)
}

/// A file that cannot be read (or stopped being readable): one error naming it.
fn unreadable(name: &str, e: DocError) -> CollectionIssue {
    let message = match e {
        DocError::NotUtf8(byte) => format!("{name}: not UTF-8 text (byte {byte})"),
        DocError::Io(e) => format!("{name}: cannot read: {e}"),
        DocError::Encoding(e) => format!("{name}: {e}"),
    };
    issue(name, None, message, IssueLevel::Error)
}

/// A file whose first non-blank character opens a JSON value is read whole (a JSON manifest or
/// a snapshot is one document).
fn is_json(path: &std::path::Path) -> bool {
    use std::io::Read;
    let Ok(f) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = Vec::with_capacity(256);
    let _ = f.take(4096).read_to_end(&mut head);
    let head = head.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(&head);
    head.iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{' || *b == b'[')
}

impl Streamed {
    fn push_parsed(&mut self, file: usize, doc: usize, resources: Vec<Resource>) {
        let n = resources.len();
        self.snapshot.resources.extend(resources);
        self.order.extend((0..n).map(|i| order(file, doc, i)));
    }

    /// The second pass: the documents left, read `size` at a time and handed to `f` one chunk
    /// after the other. The files are read and split on a thread of their own, one chunk
    /// ahead, so the caller's workers do not wait for the splitting (at 100,000 resources it
    /// was a second of one core, with both workers idle). A file that can no longer be read,
    /// or whose documents changed between the passes, is an error issue in the last chunk.
    pub fn for_each_chunk(&self, size: usize, mut f: impl FnMut(Chunk<'_>)) {
        let size = size.max(1);
        // One chunk in the channel and one being read: two chunks of text (about 2 MB at the
        // default size) beyond the one being judged.
        let (send, receive) = std::sync::mpsc::sync_channel::<Chunk<'_>>(1);
        std::thread::scope(|scope| {
            scope.spawn(move || self.read_chunks(size, &send));
            for chunk in receive {
                f(chunk);
            }
        });
    }

    /// The reading side of [`Streamed::for_each_chunk`]; stops early when the receiver is gone.
    fn read_chunks<'s>(&'s self, size: usize, send: &std::sync::mpsc::SyncSender<Chunk<'s>>) {
        let mut pending: Vec<Doc<'s>> = Vec::new();
        let mut issues = Vec::new();
        let flush = |pending: &mut Vec<Doc<'s>>, issues: &mut Vec<CollectionIssue>| {
            let chunk = Chunk {
                docs: std::mem::take(pending),
                issues: std::mem::take(issues),
            };
            send.send(chunk).is_ok()
        };
        for d in &self.deferred {
            // The documents of this file to parse now, in order.
            let mut wanted = d.docs.iter().copied().peekable();
            let mut take = |di: usize, line: u32, text: String, pending: &mut Vec<Doc<'s>>| {
                if wanted.peek() == Some(&di) {
                    wanted.next();
                    pending.push(Doc {
                        name: d.name.as_str(),
                        file: d.file,
                        doc: di,
                        line,
                        text,
                    });
                }
            };
            let mut failed = None;
            match &d.text {
                Some(t) => {
                    for (di, (line, doc)) in super::split_documents(t).into_iter().enumerate() {
                        take(di, line, doc, &mut pending);
                        if pending.len() >= size && !flush(&mut pending, &mut issues) {
                            return;
                        }
                    }
                }
                None => match open(&d.path) {
                    Ok(file) => {
                        let docs = Documents::new(file);
                        for (di, doc) in docs.enumerate() {
                            match doc {
                                Ok((line, doc)) => take(di, line, doc, &mut pending),
                                Err(e) => {
                                    failed = Some(e);
                                    break;
                                }
                            }
                            if pending.len() >= size && !flush(&mut pending, &mut issues) {
                                return;
                            }
                        }
                    }
                    Err(e) => failed = Some(e),
                },
            }
            if let Some(e) = failed {
                issues.push(unreadable(&d.name, e));
            } else if wanted.peek().is_some() {
                issues.push(issue(
                    &d.name,
                    None,
                    format!("{}: changed while it was being read; scan it again", d.name),
                    IssueLevel::Error,
                ));
            }
        }
        if !pending.is_empty() || !issues.is_empty() {
            flush(&mut pending, &mut issues);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_read_off_top_level_lines_only_when_unambiguous() {
        assert_eq!(
            top_level_kind("apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n"),
            Some("Pod")
        );
        assert_eq!(
            top_level_kind("kind: Deployment # the app\nspec:\n  kind: x\n"),
            Some("Deployment")
        );
        for unclear in [
            "apiVersion: v1\nmetadata: {}\n",   // no kind
            "kind: \"Pod\"\n",                  // quoted
            "kind: *k\n",                       // alias
            "kind: !!str Pod\n",                // tag
            "{kind: Pod, apiVersion: v1}\n",    // flow style
            "kind: List\nitems: []\n",          // a list of objects
            "kind: ConfigMapList\nitems: []\n", // ditto
            "kind: Pod\nkind: Service\n",       // duplicate key
            "kind:Pod\n",                       // not a key
            "kind:\n  Pod\n",                   // value on the next line
        ] {
            assert_eq!(top_level_kind(unclear), None, "{unclear:?}");
        }
    }

    #[test]
    fn order_sorts_by_file_then_document_then_item() {
        assert!(order(0, 5, 0) < order(0, 5, 1));
        assert!(order(0, 5, 65_535) < order(0, 6, 0));
        assert!(order(0, (1 << 26) - 1, 65_535) < order(1, 0, 0));
    }
}
