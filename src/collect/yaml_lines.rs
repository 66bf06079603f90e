//! Field line index for one YAML document: maps each field path policies use
//! (`spec.template.spec.containers[0].securityContext.privileged`) to its 1-based line.
//!
//! yaml_serde gives correct values (YAML 1.1 scalars, anchors, merge keys) but no positions,
//! so this walks saphyr-parser's event stream, which carries a mark per event, and keeps only
//! the line of each mapping key and sequence item. Content reached through an alias has no
//! lines of its own; lookups fall back to the alias (see `Location::line_of`).

use crate::snapshot::Pos;
use saphyr_parser::{Event, Parser};
use std::collections::BTreeMap;

/// Appends one path segment for a mapping key: `a.b`, or `a["x.y/z"]` when the key would be
/// ambiguous in dotted form.
pub(crate) fn push_key(parent: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .bytes()
            .all(|b| !matches!(b, b'.' | b'[' | b']' | b'"' | b' ' | b'\t'));
    if plain {
        if parent.is_empty() {
            key.to_string()
        } else {
            format!("{parent}.{key}")
        }
    } else {
        format!("{parent}[\"{}\"]", key.replace('"', "\\\""))
    }
}

enum Frame {
    Map {
        path: Option<String>,
        expecting_key: bool,
        key: Option<String>,
    },
    Seq {
        path: Option<String>,
        index: usize,
    },
}

/// Builds the index for `text` (one document); `first_line` is the file line of the text's
/// first line. Returns `None` if the event parser rejects the text (values still come from
/// yaml_serde; findings then point at the document line).
pub(crate) fn field_lines(text: &str, first_line: u32) -> Option<BTreeMap<String, Pos>> {
    let mut parser = Parser::new_from_str(text);
    let mut out = BTreeMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    // Depth inside a complex (non-scalar) mapping key, whose content has no path.
    let mut skip = 0usize;
    let mut seen_document = false;
    let offset = first_line.saturating_sub(1);

    while let Some(item) = parser.next_event() {
        let (event, span) = item.ok()?;
        let line = Pos {
            line: span.start.line() as u32 + offset,
            // saphyr counts columns from 0.
            column: span.start.col() as u32 + 1,
        };
        let is_start = matches!(event, Event::MappingStart(..) | Event::SequenceStart(..));
        let is_end = matches!(event, Event::MappingEnd | Event::SequenceEnd);
        match event {
            Event::DocumentStart(_) => {
                if seen_document {
                    break;
                }
                seen_document = true;
                continue;
            }
            Event::DocumentEnd | Event::StreamEnd => {
                if stack.is_empty() && seen_document {
                    break;
                }
                continue;
            }
            Event::StreamStart | Event::Nothing => continue,
            _ => {}
        }
        if skip > 0 {
            if is_start {
                skip += 1;
            } else if is_end {
                skip -= 1;
            }
            continue;
        }
        if is_end {
            stack.pop();
            continue;
        }
        // A node starts: work out its path from the enclosing frame.
        let node_path: Option<String> = match stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Map {
                path,
                expecting_key,
                key,
            }) => {
                if *expecting_key {
                    *expecting_key = false;
                    match (&event, path.as_deref()) {
                        (Event::Scalar(k, ..), Some(p)) => {
                            let child = push_key(p, k);
                            out.entry(child.clone()).or_insert(line);
                            *key = Some(child);
                        }
                        _ => *key = None,
                    }
                    if is_start {
                        skip = 1;
                    }
                    continue;
                }
                *expecting_key = true;
                key.take()
            }
            Some(Frame::Seq { path, index }) => {
                let p = path.as_ref().map(|p| format!("{p}[{index}]"));
                *index += 1;
                if let Some(p) = &p {
                    out.entry(p.clone()).or_insert(line);
                }
                p
            }
        };
        match event {
            Event::MappingStart(..) => stack.push(Frame::Map {
                path: node_path,
                expecting_key: true,
                key: None,
            }),
            Event::SequenceStart(..) => stack.push(Frame::Seq {
                path: node_path,
                index: 0,
            }),
            _ => {}
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_nested_fields_and_items() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    a.b/c: x\nspec:\n  containers:\n  - name: c\n    securityContext:\n      privileged: true\n  - name: d\n";
        let idx = field_lines(text, 10).unwrap();
        let line = |p: &str| idx[p].line;
        assert_eq!(line("kind"), 11);
        assert_eq!(line("metadata.annotations[\"a.b/c\"]"), 15);
        assert_eq!(line("spec.containers[0]"), 18);
        assert_eq!(
            idx["spec.containers[0].securityContext.privileged"],
            Pos {
                line: 20,
                column: 7
            }
        );
        assert_eq!(
            idx["spec.containers[1].name"],
            Pos {
                line: 21,
                column: 5
            }
        );
    }

    #[test]
    fn flow_style_and_complex_keys() {
        let text = "spec: {containers: [{name: a}, {name: b, image: x}]}\n? [a, b]\n: v\nz: 1\n";
        let idx = field_lines(text, 1).unwrap();
        assert_eq!(
            idx["spec.containers[1].image"],
            Pos {
                line: 1,
                column: 42
            }
        );
        assert_eq!(idx["z"].line, 4);
    }
}
