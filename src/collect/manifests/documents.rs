//! A YAML stream split into documents at `---` / `...` lines, read a buffer at a time, so a
//! file is never held whole (streamed scans read large files twice, the first time on the
//! main thread with both workers idle).
//!
//! Each item is `(first line, text)`, the separator line blanked to keep lines and columns;
//! content after `--- ` on the separator line belongs to the next document. Lines are found
//! in the reader's own buffer and copied once into the document; UTF-8 is checked once per
//! document rather than per line (lines end at an ASCII byte, so a stream is valid exactly
//! when each of its lines is, and the first bad byte is the same). Reading line by line into
//! a fresh line buffer first, checking and copying each line, the first pass over a 104 MB,
//! 100,000-document file took 0.39 s; 0.24-0.26 s with this splitter (docs/performance.md).

/// Why a stream could not be read to its end.
#[derive(Debug)]
pub(in crate::collect) enum DocError {
    /// Not UTF-8: the offset of the first bad byte.
    NotUtf8(usize),
    /// The read failed.
    Io(std::io::Error),
    /// The encoding is not one kubectl reads, or the input is too large (the message).
    Encoding(String),
}

/// See the module documentation.
pub(in crate::collect) struct Documents<R> {
    reader: R,
    split: Split,
    /// Bytes read so far, and the most that may be (a pipe or device may never end).
    read: u64,
    limit: u64,
}

/// The splitting state, apart from the reader so that lines can be handed over while the
/// reader's buffer is borrowed.
#[derive(Default)]
struct Split {
    /// Lines read so far.
    lines: u32,
    /// Bytes of the stream read so far.
    bytes: usize,
    /// The document being read.
    current: Vec<u8>,
    /// Where the part of `current` copied verbatim from the stream begins: its index in
    /// `current` and its offset in the stream (the blanked separator line before it may be
    /// shorter than the original), so a bad byte's offset can be told.
    verbatim: (usize, usize),
    /// The first line of `current`.
    start: u32,
    /// A line that runs past the end of the reader's buffer.
    carry: Vec<u8>,
    done: bool,
}

type Item = Result<(u32, String), DocError>;

impl<R: std::io::BufRead> Documents<R> {
    pub(in crate::collect) fn new(reader: R) -> Documents<R> {
        Documents {
            reader,
            split: Split {
                start: 1,
                ..Split::default()
            },
            read: 0,
            limit: super::encoding::MAX_INPUT_BYTES,
        }
    }

    /// The same, reading at most `limit` bytes (tests).
    #[cfg(test)]
    fn with_limit(reader: R, limit: u64) -> Documents<R> {
        Documents {
            limit,
            ..Documents::new(reader)
        }
    }
}

impl Split {
    /// One line (with its end of line, if any): a finished document when it is a separator.
    fn line(&mut self, line: &[u8]) -> Option<Item> {
        self.lines += 1;
        let trimmed = trim_end(line);
        let is_sep = matches!(trimmed.first(), Some(b'-' | b'.'))
            && (trimmed == b"---"
                || trimmed.starts_with(b"--- ")
                || trimmed.starts_with(b"---\t")
                || trimmed == b"...");
        if !is_sep {
            self.current.extend_from_slice(line);
            self.bytes += line.len();
            return None;
        }
        // The document before the separator first: its bad byte comes earlier in the stream.
        let finished = self.take();
        if let Some(Err(e)) = finished {
            return Some(Err(e));
        }
        if let Err(e) = std::str::from_utf8(line) {
            self.done = true;
            return Some(Err(DocError::NotUtf8(self.bytes + e.valid_up_to())));
        }
        self.start = self.lines;
        let rest = trimmed.get(3..).unwrap_or(b"");
        if trimmed != b"..." && !rest.trim_ascii().is_empty() {
            self.current.extend_from_slice(b"   ");
            self.current.extend_from_slice(rest);
        }
        self.current.push(b'\n');
        self.bytes += line.len();
        self.verbatim = (self.current.len(), self.bytes);
        finished
    }

    /// The document read so far, unless it is blank; an error (and the end) when it is not
    /// UTF-8.
    fn take(&mut self) -> Option<Item> {
        // Each document grows from empty: reserving the previous one's capacity ratcheted every
        // text up to the largest seen, 27 MB more held at 100,000 resources.
        let text = std::mem::take(&mut self.current);
        let (at, offset) = std::mem::take(&mut self.verbatim);
        match String::from_utf8(text) {
            Ok(text) => (!text.trim().is_empty()).then_some(Ok((self.start, text))),
            Err(e) => {
                self.done = true;
                let bad = e.utf8_error().valid_up_to();
                Some(Err(DocError::NotUtf8(offset + bad.saturating_sub(at))))
            }
        }
    }
}

/// `line` without its trailing `\n` and `\r` bytes.
fn trim_end(line: &[u8]) -> &[u8] {
    let end = line
        .iter()
        .rposition(|b| *b != b'\n' && *b != b'\r')
        .map_or(0, |i| i + 1);
    &line[..end]
}

impl<R: std::io::BufRead> Iterator for Documents<R> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        let split = &mut self.split;
        while !split.done {
            let buf = match self.reader.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    // A bad byte already read is reported before the failed read.
                    if let Some(Err(bad)) = split.take() {
                        return Some(Err(bad));
                    }
                    split.done = true;
                    return Some(Err(DocError::Io(e)));
                }
            };
            if buf.is_empty() {
                let last = std::mem::take(&mut split.carry);
                let finished = (!last.is_empty()).then(|| split.line(&last)).flatten();
                if finished.is_some() {
                    return finished;
                }
                let finished = split.take();
                split.done = true;
                return finished;
            }
            let mut used = 0;
            let mut finished = None;
            while let Some(nl) = memchr::memchr(b'\n', &buf[used..]) {
                let end = used + nl + 1;
                finished = if split.carry.is_empty() {
                    split.line(&buf[used..end])
                } else {
                    let mut line = std::mem::take(&mut split.carry);
                    line.extend_from_slice(&buf[used..end]);
                    let finished = split.line(&line);
                    line.clear();
                    split.carry = line;
                    finished
                };
                used = end;
                if finished.is_some() {
                    break;
                }
            }
            if finished.is_none() {
                split.carry.extend_from_slice(&buf[used..]);
                used = buf.len();
            }
            self.reader.consume(used);
            self.read += used as u64;
            if self.read > self.limit {
                split.done = true;
                return Some(Err(DocError::Encoding(super::encoding::too_large(
                    self.limit,
                ))));
            }
            if finished.is_some() {
                return finished;
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endless_stream_is_cut_at_the_limit() {
        use std::io::Read;
        // A device or pipe that never ends, with and without line ends.
        for byte in [b'a', b'\n'] {
            let endless = std::io::BufReader::new(std::io::repeat(byte).take(u64::MAX));
            let last = Documents::with_limit(endless, 1 << 20).last();
            match last {
                Some(Err(DocError::Encoding(m))) => assert!(m.contains("larger than 1 MiB"), "{m}"),
                other => panic!("{other:?}"),
            }
        }
    }

    /// The previous splitter, line by line: the reference the buffered one must agree with.
    fn by_lines(mut reader: impl std::io::BufRead) -> Vec<Result<(u32, String), String>> {
        let (mut out, mut current, mut start, mut lines, mut bytes) =
            (Vec::new(), String::new(), 1u32, 0u32, 0usize);
        let take = |current: &mut String, start: u32, out: &mut Vec<_>| {
            let text = std::mem::take(current);
            if !text.trim().is_empty() {
                out.push(Ok((start, text)));
            }
        };
        loop {
            let mut raw = Vec::new();
            if reader.read_until(b'\n', &mut raw).unwrap() == 0 {
                take(&mut current, start, &mut out);
                return out;
            }
            let Ok(line) = std::str::from_utf8(&raw) else {
                let bad = std::str::from_utf8(&raw).unwrap_err().valid_up_to();
                out.push(Err(format!("bad {}", bytes + bad)));
                return out;
            };
            bytes += raw.len();
            lines += 1;
            let trimmed = line.trim_end_matches(['\n', '\r']);
            let is_sep = trimmed == "---"
                || trimmed.starts_with("--- ")
                || trimmed.starts_with("---\t")
                || trimmed == "...";
            if !is_sep {
                current.push_str(line);
                continue;
            }
            take(&mut current, start, &mut out);
            start = lines;
            let rest = trimmed.get(3..).unwrap_or("");
            if trimmed != "..." && !rest.trim().is_empty() {
                current.push_str("   ");
                current.push_str(rest);
            }
            current.push('\n');
        }
    }

    fn buffered(bytes: &[u8], capacity: usize) -> Vec<Result<(u32, String), String>> {
        let reader = std::io::BufReader::with_capacity(capacity, bytes);
        Documents::new(reader)
            .map(|d| match d {
                Ok(d) => Ok(d),
                Err(DocError::NotUtf8(at)) => Err(format!("bad {at}")),
                Err(DocError::Io(e)) => Err(format!("io {e}")),
                Err(DocError::Encoding(e)) => Err(e),
            })
            .collect()
    }

    #[test]
    fn splits_as_the_line_by_line_reader_did() {
        let cases: [&[u8]; 14] = [
            b"",
            b"\n\n",
            b"a: 1\n",
            b"a: 1",
            b"a: 1\n---\nb: 2\n",
            b"---\na: 1\n---\n",
            b"--- a: 1\n--- \t\n---\tb: 2\r\n...\nc: 3\n",
            b"a: 1\r\n---\r\nb: 2\r\n",
            b"a: 1\n----\nb: 2\n--\n...x\n",
            b"  ---\na: 1\n---x\n",
            b"a: \xc3\xa9\n---\nb: caf\xc3\xa9",
            b"a: 1\n---\nb: \xff\n---\nc: 3\n",
            b"a: 1\n--- \xfe\nb: 2\n",
            b"a: 1\n---   x\n\n\n",
        ];
        for case in cases {
            let expected = by_lines(case);
            // Buffers smaller than a line carry it over refills, and split multi-byte text.
            for capacity in [1, 2, 3, 5, 8, 64, 8192] {
                assert_eq!(
                    buffered(case, capacity),
                    expected,
                    "{:?} with a {capacity}-byte buffer",
                    String::from_utf8_lossy(case)
                );
            }
        }
    }

    #[test]
    fn splits_generated_streams_as_the_line_by_line_reader_did() {
        let pieces: [&[u8]; 14] = [
            b"---",
            b"--- a: 1",
            b"---\t",
            b"...",
            b"a: 1",
            b"  b: [x]",
            b"\n",
            b"\n",
            b"\r\n",
            b" ",
            b"\xc3\xa9",
            b"\xff",
            b"-",
            b".",
        ];
        // A fixed linear congruential sequence: the same streams on every run.
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 33) as usize
        };
        for _ in 0..2_000 {
            let mut stream = Vec::new();
            for _ in 0..next() % 40 {
                stream.extend_from_slice(pieces[next() % pieces.len()]);
            }
            let expected = by_lines(&stream[..]);
            for capacity in [1, 3, 7, 8192] {
                assert_eq!(
                    buffered(&stream, capacity),
                    expected,
                    "{:?} with a {capacity}-byte buffer",
                    String::from_utf8_lossy(&stream)
                );
            }
        }
    }

    #[test]
    fn a_bad_byte_is_named_by_its_offset_in_the_stream() {
        // After a `--- ` line blanked to fewer bytes than it had (`\r\n` becomes `\n`).
        let text = b"a: 1\r\n--- x: 1\r\ny: \xff\n";
        assert_eq!(
            buffered(text, 4),
            vec![Ok((1, "a: 1\r\n".into())), Err("bad 19".into())]
        );
        assert_eq!(by_lines(&text[..]), buffered(text, 4));
    }

    #[test]
    fn a_failed_read_is_reported_and_ends_the_stream() {
        struct Failing(usize);
        impl std::io::Read for Failing {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let text = b"a: 1\n---\nb: 2\n";
                if self.0 >= text.len() {
                    return Err(std::io::Error::other("disk gone"));
                }
                let n = buf.len().min(text.len() - self.0);
                buf[..n].copy_from_slice(&text[self.0..self.0 + n]);
                self.0 += n;
                Ok(n)
            }
        }
        let docs: Vec<_> = Documents::new(std::io::BufReader::new(Failing(0))).collect();
        assert_eq!(docs.len(), 2);
        assert!(matches!(&docs[0], Ok((1, t)) if t == "a: 1\n"));
        assert!(matches!(&docs[1], Err(DocError::Io(e)) if e.to_string() == "disk gone"));
    }
}
