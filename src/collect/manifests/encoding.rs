//! The character encoding of a manifest, told as kubectl's YAML reader (go-yaml) tells it, and
//! the characters YAML allows.
//!
//! * A byte-order mark says UTF-8, UTF-16LE or UTF-16BE; the mark is not part of the text (a
//!   BOM read as text made the first key `\u{feff}apiVersion`, and the document was skipped as
//!   "not a Kubernetes object": its privileged pod passed).
//! * Without a mark the text is UTF-8. Text that starts with a NUL byte beside a non-NUL byte
//!   is UTF-16 (or UTF-32) without a mark: kubectl rejects it, and so does Plimsoll, by name.
//! * UTF-32 is not read by go-yaml either.
//! * Control characters other than tab, line feed and carriage return (NUL, DEL, C1 controls
//!   except NEL, U+FFFE/U+FFFF) are not allowed in YAML; go-yaml refuses them, so does this.
//!
//! Every input is bounded: a file (or standard input, or a pipe) larger than
//! [`MAX_INPUT_BYTES`] is an error rather than a read until memory runs out.

use std::io::{BufRead, Read};

/// The largest manifest input read (a file, standard input or a pipe). A 100,000-object
/// manifest stream is about 100 MB.
pub(crate) const MAX_INPUT_BYTES: u64 = 1 << 30;

/// What the first bytes of a stream say about its encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::collect) enum Sniffed {
    /// UTF-8; `bom`: starts with a 3-byte mark to skip.
    Utf8 { bom: bool },
    /// UTF-16 with a mark.
    Utf16 { big_endian: bool },
}

/// Tells the encoding from the first bytes (at least 4 when the stream has them).
pub(in crate::collect) fn sniff(head: &[u8]) -> Result<Sniffed, String> {
    match head {
        [0xEF, 0xBB, 0xBF, ..] => Ok(Sniffed::Utf8 { bom: true }),
        [0xFF, 0xFE, 0, 0, ..] | [0, 0, 0xFE, 0xFF, ..] => {
            Err("UTF-32 text, which kubectl does not read either: save it as UTF-8".into())
        }
        [0xFF, 0xFE, ..] => Ok(Sniffed::Utf16 { big_endian: false }),
        [0xFE, 0xFF, ..] => Ok(Sniffed::Utf16 { big_endian: true }),
        [0, b, ..] | [b, 0, ..] if *b != 0 => Err(
            "UTF-16 text without a byte-order mark, which kubectl rejects too: save it as UTF-8"
                .into(),
        ),
        _ => Ok(Sniffed::Utf8 { bom: false }),
    }
}

/// UTF-16 bytes (after the mark) as UTF-8 text; the error names the byte offset of the first
/// unpaired surrogate or odd byte.
fn utf16(bytes: &[u8], big_endian: bool) -> Result<String, String> {
    if bytes.len() % 2 == 1 {
        return Err(format!(
            "not UTF-16 text: an odd number of bytes ({})",
            bytes.len() + 2
        ));
    }
    let units = bytes.chunks_exact(2).map(|c| match big_endian {
        true => u16::from_be_bytes([c[0], c[1]]),
        false => u16::from_le_bytes([c[0], c[1]]),
    });
    let mut out = String::with_capacity(bytes.len() / 2);
    let mut at = 2usize;
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) => {
                at += c.len_utf16() * 2;
                out.push(c);
            }
            Err(_) => return Err(format!("not UTF-16 text (byte {at})")),
        }
    }
    Ok(out)
}

/// A whole input's bytes as text: the mark skipped, UTF-16 converted, UTF-8 checked.
pub(in crate::collect) fn decode(bytes: Vec<u8>) -> Result<String, String> {
    match sniff(&bytes[..bytes.len().min(4)])? {
        Sniffed::Utf8 { bom } => {
            let skip = if bom { 3 } else { 0 };
            let mut bytes = bytes;
            bytes.drain(..skip);
            String::from_utf8(bytes).map_err(|e| {
                format!(
                    "not UTF-8 text (byte {})",
                    e.utf8_error().valid_up_to() + skip
                )
            })
        }
        Sniffed::Utf16 { big_endian } => utf16(&bytes[2..], big_endian),
    }
}

/// Reads at most [`MAX_INPUT_BYTES`] from `r`; more is an error.
pub(in crate::collect) fn read_bounded(r: impl Read) -> Result<Vec<u8>, String> {
    read_limited(r, MAX_INPUT_BYTES)
}

fn read_limited(r: impl Read, limit: u64) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    r.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(limit));
    }
    Ok(bytes)
}

/// The message for an input past `limit` bytes.
pub(in crate::collect) fn too_large(limit: u64) -> String {
    format!(
        "larger than {} MiB: not read (split it, or scan a directory of smaller files)",
        limit >> 20
    )
}

/// A UTF-8 reader over a file in any encoding [`sniff`] accepts: UTF-8 is read as it is
/// (a mark skipped); UTF-16, rare in manifests, is read whole and converted.
pub(in crate::collect) fn utf8_reader(
    file: std::fs::File,
) -> Result<Box<dyn BufRead + Send>, String> {
    let mut reader = std::io::BufReader::with_capacity(64 << 10, file);
    let head = loop {
        match reader.fill_buf() {
            Ok(h) => break h,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(format!("cannot read: {e}")),
        }
    };
    match sniff(&head[..head.len().min(4)])? {
        Sniffed::Utf8 { bom } => {
            if bom {
                reader.consume(3);
            }
            Ok(Box::new(reader))
        }
        Sniffed::Utf16 { .. } => {
            let text = decode(read_bounded(reader)?)?;
            Ok(Box::new(std::io::Cursor::new(text.into_bytes())))
        }
    }
}

/// The first character YAML does not allow in `text`, as (1-based line, what it is).
pub(in crate::collect) fn first_forbidden(text: &str) -> Option<(u32, String)> {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7E}' | '\u{85}')
            || ('\u{A0}'..='\u{D7FF}').contains(&c)
            || ('\u{E000}'..='\u{FFFD}').contains(&c)
            || c >= '\u{10000}'
    };
    // Most text is printable ASCII: check bytes first, characters only past the first
    // suspicious byte.
    let start = text
        .bytes()
        .position(|b| !(b == b'\t' || b == b'\n' || b == b'\r' || (0x20..0x7F).contains(&b)))?;
    let (i, c) = text[start..]
        .char_indices()
        .find(|&(_, c)| !allowed(c))
        .map(|(i, c)| (start + i, c))?;
    let line = text[..i].bytes().filter(|&b| b == b'\n').count() as u32 + 1;
    Some((line, format!("control character U+{:04X}", c as u32)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(s: &str, bom: bool) -> Vec<u8> {
        let mut out = if bom { vec![0xFF, 0xFE] } else { vec![] };
        out.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
        out
    }

    #[test]
    fn marks_are_skipped_and_utf16_converted() {
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(b"kind: Pod\n");
        assert_eq!(decode(bom).unwrap(), "kind: Pod\n");
        assert_eq!(decode(utf16le("kind: Pod\n", true)).unwrap(), "kind: Pod\n");
        let mut be = vec![0xFE, 0xFF];
        be.extend("kind: Pod\n".encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode(be).unwrap(), "kind: Pod\n");
        assert_eq!(decode(b"kind: Pod\n".to_vec()).unwrap(), "kind: Pod\n");
        assert_eq!(decode(Vec::new()).unwrap(), "");
    }

    #[test]
    fn unmarked_utf16_and_utf32_are_refused_by_name() {
        assert!(
            decode(utf16le("kind: Pod\n", false))
                .unwrap_err()
                .contains("UTF-16 text without a byte-order mark")
        );
        let mut be = Vec::new();
        be.extend("kind: Pod\n".encode_utf16().flat_map(u16::to_be_bytes));
        assert!(decode(be).unwrap_err().contains("UTF-16"));
        assert!(
            decode(vec![0xFF, 0xFE, 0, 0, b'k', 0, 0, 0])
                .unwrap_err()
                .contains("UTF-32")
        );
        assert!(decode(vec![b'a', 0xFF]).unwrap_err().contains("byte 1"));
    }

    #[test]
    fn control_characters_are_found_with_their_line() {
        assert_eq!(first_forbidden("a: 1\nb: 2\t\r\n"), None);
        assert_eq!(first_forbidden("a: é ü 日本\n"), None);
        assert_eq!(
            first_forbidden("a: 1\nb: x\u{0}y\n"),
            Some((2, "control character U+0000".into()))
        );
        assert_eq!(
            first_forbidden("\n\n\u{7F}"),
            Some((3, "control character U+007F".into()))
        );
        assert_eq!(
            first_forbidden("é\u{9B}"),
            Some((1, "control character U+009B".into()))
        );
        assert_eq!(first_forbidden("a\u{85}b"), None);
    }

    #[test]
    fn reads_are_bounded() {
        let limit = 2 << 20;
        let r = std::io::repeat(b'a').take(limit + 10);
        assert!(
            read_limited(r, limit)
                .unwrap_err()
                .contains("larger than 2 MiB")
        );
        let r = std::io::repeat(b'a').take(limit);
        assert_eq!(read_limited(r, limit).unwrap().len() as u64, limit);
    }
}
