//! Finding sets and finding texts in packed form (schema 6), the same bytes on both backends.
//!
//! A run of 10,000 Deployments has some 200,000 failing findings. Stored as a row each (a
//! set row and a text row per finding, with their indexes) the first run of a scope took
//! longer to record than to scan. So a **finding set** is one value: every finding of the set
//! with its status, the digest of its text, when it was first seen and which text pack holds
//! its text (`finding_sets.marks`); and a run's **new texts** (findings new to the scope, or
//! whose text changed) are one more (`finding_texts.texts`), which later sets refer to. An
//! unchanged run writes neither; a changed run writes its set and only the texts that are new.
//!
//! The texts are stored as they are, not compressed: a dump of the database shows them, so a
//! test can search it for a secret value (none must be there; they are redacted at
//! collection).
//!
//! Layout, little-endian, strings as a `u32` length and UTF-8 bytes:
//! * marks: `PLM6`, the rows sorted by fingerprint (`u32` count; each fingerprint `u64`, flags
//!   `u8` (1: FAIL, else WAIVED), text digest `u64`, time index `u32`, pack index `u32`,
//!   `u32::MAX` when no pack holds the text), then the distinct first-seen times (`u32` count,
//!   strings) and the text packs referred to (`u32` count, names). Rows first, so a set is
//!   written as it is built, never held decoded.
//! * texts: `PLT7`, `u32` count, then each fingerprint `u64` and its four parts (check id,
//!   resource id, severity, message), each a `u32`: 0 and the string when the part is new to
//!   the pack, else one more than its index among that part's strings so far. A first run's
//!   200,000 texts name 10,000 resources and a few thousand messages: 5 MB this way, 27 MB
//!   with every string written out (`PLT6`, still read).

use super::{FindingStatus, NewRun, Sets, StoredFinding};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// A pack index meaning "no pack holds this finding's text" (a text lost to a race between
/// two writers of one scope; the finding is still counted, only its text is unknown).
pub const NO_TEXT: u32 = u32::MAX;

const MARKS_MAGIC: &[u8; 4] = b"PLM6";
const TEXTS_MAGIC: &[u8; 4] = b"PLT7";
/// Texts written before the parts were shared: every string written out.
const TEXTS_MAGIC_6: &[u8; 4] = b"PLT6";

/// Packed data that does not read back.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    /// Not written by this format.
    #[error("{what} does not start with {magic:?}")]
    Magic {
        /// Marks or texts.
        what: &'static str,
        /// The expected header.
        magic: &'static str,
    },
    /// Shorter than its counts say, or longer.
    #[error("{what} is {len} bytes, which its counts do not match")]
    Length {
        /// Marks or texts.
        what: &'static str,
        /// Its length.
        len: usize,
    },
    /// A row refers to a time or pack the header does not list, or rows out of order.
    #[error("{what}: {why}")]
    Invalid {
        /// Marks or texts.
        what: &'static str,
        /// What is wrong.
        why: String,
    },
}

/// One finding of a set: 24 bytes (the status shares a word with the time's index), since
/// a comparison holds 200,000 of them at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    /// Its fingerprint.
    pub fingerprint: u64,
    /// The digest of its text ([`super::text_hash`]).
    pub text: u64,
    /// The index into [`Marks::times`], and in its top bit FAIL (else WAIVED).
    seen: u32,
    /// Index into [`Marks::packs`], or [`NO_TEXT`].
    pub pack: u32,
}

/// The bit of [`Row::seen`] that says FAIL.
const FAILING: u32 = 1 << 31;

impl Row {
    /// A row; `first_seen` is below 2^31 (a set's distinct times are far fewer).
    pub fn new(fingerprint: u64, failing: bool, text: u64, first_seen: u32, pack: u32) -> Row {
        Row {
            fingerprint,
            text,
            seen: (first_seen & !FAILING) | if failing { FAILING } else { 0 },
            pack,
        }
    }

    /// FAIL (else WAIVED).
    pub fn failing(&self) -> bool {
        self.seen & FAILING != 0
    }

    /// The index into [`Marks::times`].
    pub fn first_seen(&self) -> u32 {
        self.seen & !FAILING
    }
}

/// A finding set, decoded: rows sorted by fingerprint, one each.
#[derive(Debug, Default, Clone)]
pub struct Marks {
    /// The distinct first-seen times (RFC 3339).
    pub times: Vec<Arc<str>>,
    /// The names of the text packs the rows refer to.
    pub packs: Vec<String>,
    /// The findings.
    pub rows: Vec<Row>,
}

impl Marks {
    /// The row of `fingerprint`.
    pub fn get(&self, fingerprint: u64) -> Option<&Row> {
        self.rows
            .binary_search_by_key(&fingerprint, |r| r.fingerprint)
            .ok()
            .map(|i| &self.rows[i])
    }

    /// When `row` was first seen (decoding checked the index).
    pub fn time(&self, row: &Row) -> &Arc<str> {
        &self.times[row.first_seen() as usize]
    }

    /// The pack holding `row`'s text.
    pub fn pack(&self, row: &Row) -> Option<&str> {
        self.packs.get(row.pack as usize).map(String::as_str)
    }

    /// The packs referred to, as the `packs` column lists them (space-separated).
    pub fn packs_column(&self) -> String {
        self.packs.join(" ")
    }

    /// The packed form.
    pub fn encode(&self) -> Vec<u8> {
        let mut b = Vec::with_capacity(8 + self.rows.len() * ROW);
        b.extend_from_slice(MARKS_MAGIC);
        put_u32(&mut b, self.rows.len());
        for r in &self.rows {
            put_row(&mut b, r);
        }
        put_tables(&mut b, &self.times, &self.packs);
        b
    }

    /// Reads the packed form, checking every count, index and the order of the rows.
    pub fn decode(bytes: &[u8]) -> Result<Marks, PackError> {
        Marks::read_from(&mut &bytes[..], bytes.len())
    }

    /// Reads the packed form of `len` bytes from `from` a chunk of rows at a time, so a set
    /// is never held twice (SQLite's incremental blob reads: a whole value read at once is a
    /// copy of it).
    pub fn read_from(from: &mut impl std::io::Read, len: usize) -> Result<Marks, PackError> {
        let short = || PackError::Length {
            what: "finding set",
            len,
        };
        let mut head = [0u8; 8];
        from.read_exact(&mut head).map_err(|_| short())?;
        if &head[..4] != MARKS_MAGIC {
            return Err(PackError::Magic {
                what: "finding set",
                magic: "PLM6",
            });
        }
        let n = u32::from_le_bytes([head[4], head[5], head[6], head[7]]) as usize;
        // A count larger than the rest of the value is damage, not a reason to reserve
        // gigabytes.
        if len < 8 + n.saturating_mul(ROW) {
            return Err(short());
        }
        let mut rows = Vec::with_capacity(n);
        let mut chunk = vec![0u8; ROW * 4096];
        let mut left = n;
        while left > 0 {
            let take = left.min(4096);
            let buf = &mut chunk[..take * ROW];
            from.read_exact(buf).map_err(|_| short())?;
            for r in buf.chunks_exact(ROW) {
                let (row, first_seen) = read_row(r);
                if first_seen & FAILING != 0 {
                    return Err(PackError::Invalid {
                        what: "finding set",
                        why: format!("a row refers to time {first_seen}"),
                    });
                }
                rows.push(row);
            }
            left -= take;
        }
        drop(chunk);
        // The times and packs after the rows: small, read whole.
        let mut tail = vec![0u8; len - 8 - n * ROW + 4];
        tail[..4].copy_from_slice(MARKS_MAGIC);
        from.read_exact(&mut tail[4..]).map_err(|_| short())?;
        let mut r = Reader::new(&tail, "finding set", MARKS_MAGIC)?;
        let n = r.u32()?;
        let mut times = Vec::with_capacity(n.min(1 << 16) as usize);
        for _ in 0..n {
            times.push(Arc::from(r.str()?));
        }
        let n = r.u32()?;
        let mut packs = Vec::with_capacity(n.min(1 << 16) as usize);
        for _ in 0..n {
            packs.push(r.str()?.to_string());
        }
        if r.rest() != 0 {
            return Err(r.length());
        }
        let invalid = |why: String| PackError::Invalid {
            what: "finding set",
            why,
        };
        let mut previous: Option<u64> = None;
        for row in &rows {
            if row.first_seen() as usize >= times.len() {
                return Err(invalid(format!(
                    "a row refers to time {} of {}",
                    row.first_seen(),
                    times.len()
                )));
            }
            if row.pack != NO_TEXT && row.pack as usize >= packs.len() {
                return Err(invalid(format!(
                    "a row refers to text pack {} of {}",
                    row.pack,
                    packs.len()
                )));
            }
            if previous.is_some_and(|p| p >= row.fingerprint) {
                return Err(invalid("rows out of order".into()));
            }
            previous = Some(row.fingerprint);
        }
        Ok(Marks { times, packs, rows })
    }
}

/// Bytes per row of a packed set.
const ROW: usize = 25;

/// A packed row (`ROW` bytes), and its time index as written (a set that decodes checks it).
fn read_row(r: &[u8]) -> (Row, u32) {
    let word = |at: usize| {
        let mut a = [0u8; 8];
        a.copy_from_slice(&r[at..at + 8]);
        u64::from_le_bytes(a)
    };
    let half = |at: usize| u32::from_le_bytes([r[at], r[at + 1], r[at + 2], r[at + 3]]);
    let first_seen = half(17);
    (
        Row::new(word(0), r[8] == 1, word(9), first_seen, half(21)),
        first_seen,
    )
}

fn put_row(b: &mut Vec<u8>, r: &Row) {
    b.extend_from_slice(&r.fingerprint.to_le_bytes());
    b.push(u8::from(r.failing()));
    b.extend_from_slice(&r.text.to_le_bytes());
    b.extend_from_slice(&r.first_seen().to_le_bytes());
    b.extend_from_slice(&r.pack.to_le_bytes());
}

fn put_tables(b: &mut Vec<u8>, times: &[Arc<str>], packs: &[String]) {
    put_u32(b, times.len());
    for t in times {
        put_str(b, t);
    }
    put_u32(b, packs.len());
    for p in packs {
        put_str(b, p);
    }
}

/// Builds a packed set row by row (no decoded copy of it), giving each distinct time and pack
/// one index.
pub struct MarksBuilder {
    /// The last time given and its index: rows come in runs of the same time.
    last: Option<(Arc<str>, u32)>,
    times: HashMap<Arc<str>, u32>,
    time_list: Vec<Arc<str>>,
    packs: HashMap<String, u32>,
    pack_list: Vec<String>,
    bytes: Vec<u8>,
    count: usize,
}

impl Default for MarksBuilder {
    fn default() -> Self {
        MarksBuilder::with_capacity(0)
    }
}

impl MarksBuilder {
    /// A builder with room for `rows` rows.
    pub fn with_capacity(rows: usize) -> MarksBuilder {
        let mut bytes = Vec::with_capacity(8 + rows * ROW + 256);
        bytes.extend_from_slice(MARKS_MAGIC);
        put_u32(&mut bytes, 0);
        MarksBuilder {
            last: None,
            times: HashMap::new(),
            time_list: Vec::new(),
            packs: HashMap::new(),
            pack_list: Vec::new(),
            bytes,
            count: 0,
        }
    }

    /// Adds a row; rows must come in increasing fingerprint order.
    pub fn push(
        &mut self,
        fingerprint: u64,
        failing: bool,
        text: u64,
        time: &str,
        pack: Option<&str>,
    ) {
        // The last time first (looked up in the map only when it differs: hashing the time
        // for each of 200,000 rows was most of building a set).
        let first_seen = match &self.last {
            Some((t, i)) if &**t == time => *i,
            _ => match self.times.get(time) {
                Some(&i) => {
                    self.last = Some((self.time_list[i as usize].clone(), i));
                    i
                }
                None => {
                    let t: Arc<str> = Arc::from(time);
                    let i = self.time_list.len() as u32;
                    self.time_list.push(t.clone());
                    self.times.insert(t.clone(), i);
                    self.last = Some((t, i));
                    i
                }
            },
        };
        let pack = match pack {
            None => NO_TEXT,
            // Rows come in runs of the same pack too: the last one given first.
            // Rows come in runs of the same pack: the last one first. Empty names (NEW_PACK)
            // are told equal by their length: an empty String's pointer is dangling, and
            // comparing it through memcmp's masked vector loads took 150 ns a row (measured:
            // 30 of a first run's 35 ms building its set).
            Some(p)
                if self
                    .pack_list
                    .last()
                    .is_some_and(|l| l.len() == p.len() && (p.is_empty() || l == p)) =>
            {
                self.pack_list.len() as u32 - 1
            }
            Some(p) => match self.packs.get(p) {
                Some(&i) => i,
                None => {
                    let i = self.pack_list.len() as u32;
                    self.pack_list.push(p.to_string());
                    self.packs.insert(p.to_string(), i);
                    i
                }
            },
        };
        put_row(
            &mut self.bytes,
            &Row::new(fingerprint, failing, text, first_seen, pack),
        );
        self.count += 1;
    }

    /// The packed set and its `packs` column.
    pub fn finish_encoded(mut self) -> (Vec<u8>, String) {
        let count = (self.count.min(u32::MAX as usize) as u32).to_le_bytes();
        self.bytes[4..8].copy_from_slice(&count);
        put_tables(&mut self.bytes, &self.time_list, &self.pack_list);
        (self.bytes, self.pack_list.join(" "))
    }

    /// The packed set and its `packs` column, [`NEW_PACK`] given its name.
    pub fn finish_naming(mut self, new_pack: &str) -> (Vec<u8>, String) {
        for p in &mut self.pack_list {
            if p == NEW_PACK {
                *p = new_pack.to_string();
            }
        }
        self.finish_encoded()
    }

    /// The set, decoded.
    pub fn finish(self) -> Marks {
        let (bytes, _) = self.finish_encoded();
        // What was just written reads back (the unit tests hold it); an empty set otherwise.
        Marks::decode(&bytes).unwrap_or_default()
    }
}

/// A run's finding set as the comparison built it (the previous run's set in hand, nothing
/// read twice): used when that run is still the scope's latest as the run is recorded.
#[derive(Debug)]
pub struct Built {
    /// The name of the previous run's set it was built against (None: the scope's first).
    pub previous: Option<String>,
    /// The packed set.
    pub marks: Vec<u8>,
    /// Its `packs` column.
    pub packs: String,
    /// FAIL findings the previous run did not have (None for a scope's first run).
    pub new_findings: Option<i64>,
}

impl Built {
    /// Its findings' statuses, read from the rows as the builder wrote them.
    pub fn statuses(&self) -> impl Iterator<Item = FindingStatus> + '_ {
        let count = self
            .marks
            .get(4..8)
            .map_or(0, |c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]) as usize);
        let rows = self.marks.get(8..).unwrap_or_default();
        rows.chunks_exact(ROW).take(count).map(|r| {
            let (row, _) = read_row(r);
            FindingStatus {
                fingerprint: row.fingerprint,
                failing: row.failing(),
                text: row.text,
            }
        })
    }
}

/// The pack name a [`MarksBuilder`] is given for the run's own pack of new texts, whose
/// name is its digest, known only once every text is in it ([`MarksBuilder::finish_naming`]).
pub const NEW_PACK: &str = "";

/// A pack of finding texts being written.
pub struct TextPack {
    buf: Vec<u8>,
    count: u32,
    parts: Parts<Box<str>>,
}

/// The parts of a pack's texts written so far, a table for each of the four (check id,
/// resource id, severity, message), so a part met again is written as its index. `K` holds
/// a part: borrowed while the texts' source outlives the pack, else owned.
struct Parts<K> {
    seen: [HashMap<K, u32, foldhash::fast::RandomState>; 4],
}

impl<K> Default for Parts<K> {
    fn default() -> Self {
        Parts {
            seen: Default::default(),
        }
    }
}

impl<K: std::borrow::Borrow<str> + std::hash::Hash + Eq> Parts<K> {
    /// Appends a text: its fingerprint, then each part, new or by index.
    fn put<'t>(&mut self, b: &mut Vec<u8>, fingerprint: u64, t: Text<'t>)
    where
        K: From<&'t str>,
    {
        b.extend_from_slice(&fingerprint.to_le_bytes());
        for (seen, part) in self.seen.iter_mut().zip(t.parts()) {
            match seen.get(part) {
                Some(&i) => b.extend_from_slice(&(i + 1).to_le_bytes()),
                None => {
                    // Below 2^32 - 1: a pack holds fewer texts than that (its count is a u32).
                    seen.insert(part.into(), seen.len() as u32);
                    b.extend_from_slice(&0u32.to_le_bytes());
                    put_str(b, part);
                }
            }
        }
    }
}

impl Default for TextPack {
    fn default() -> Self {
        let mut buf = Vec::with_capacity(4096);
        buf.extend_from_slice(TEXTS_MAGIC);
        buf.extend_from_slice(&0u32.to_le_bytes());
        TextPack {
            buf,
            count: 0,
            parts: Parts::default(),
        }
    }
}

/// The texts a run gives the store, read where the report holds them as the record writes
/// them: a scope's first run gives some 200,000 (5 MB packed, 24 MB before parts were shared),
/// which packed in advance were held until the record, then copied again by the driver.
pub trait TextSource: Send + Sync {
    /// How many.
    fn count(&self) -> usize;
    /// The fingerprint of the `i`th; increasing, one each.
    fn fingerprint(&self, i: usize) -> u64;
    /// The `i`th text.
    fn text(&self, i: usize) -> Text<'_>;
    /// Whether it gives the text of `fingerprint`.
    fn gives(&self, fingerprint: u64) -> bool;
}

/// A run's new texts as the comparison found them, and the name of the pack they make.
pub struct Given {
    /// The pack's name ([`PackNamer`]).
    pub name: String,
    /// The texts.
    pub texts: Box<dyn TextSource>,
}

impl Default for Given {
    fn default() -> Self {
        Given {
            name: String::new(),
            texts: Box::new(NoTexts),
        }
    }
}

/// No texts.
struct NoTexts;

impl TextSource for NoTexts {
    fn count(&self) -> usize {
        0
    }
    fn fingerprint(&self, _: usize) -> u64 {
        0
    }
    fn text(&self, _: usize) -> Text<'_> {
        Text {
            check_id: "",
            resource_id: "",
            severity: "",
            message: "",
        }
    }
    fn gives(&self, _: u64) -> bool {
        false
    }
}

impl Given {
    /// The pack as a record writes it: its name and content, when it holds any text.
    fn written(&self) -> Option<(String, PackOut<'_>)> {
        (self.texts.count() > 0).then(|| (self.name.clone(), PackOut::Source(&*self.texts)))
    }
}

impl std::fmt::Debug for Given {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Given({} texts)", self.texts.count())
    }
}

/// Names a run's pack of given texts from each text's fingerprint and text digest, as they
/// are found (the pack is written only later, by the record): the same texts, the same name,
/// so a pack the scope holds already is not written again. The fingerprint digests the check
/// and resource, the text digest the severity and message: the name stands for the content.
pub struct PackNamer {
    hash: sha2::Sha256,
    /// Digested a few kilobytes at a time (a call per text was a tenth of a comparison).
    pending: Vec<u8>,
}

impl Default for PackNamer {
    fn default() -> Self {
        use sha2::Digest;
        PackNamer {
            hash: sha2::Sha256::new_with_prefix(b"PLT6 given\0"),
            pending: Vec::with_capacity(NAMER_BUFFER),
        }
    }
}

/// How many bytes a [`PackNamer`] gathers before digesting them.
const NAMER_BUFFER: usize = 4096;

impl PackNamer {
    /// Adds a text, in the pack's order.
    pub fn push(&mut self, fingerprint: u64, text: u64) {
        use sha2::Digest;
        self.pending.extend_from_slice(&fingerprint.to_le_bytes());
        self.pending.extend_from_slice(&text.to_le_bytes());
        if self.pending.len() >= NAMER_BUFFER {
            self.hash.update(&self.pending);
            self.pending.clear();
        }
    }

    /// The name (as sets are named: 128 bits, hex).
    pub fn finish(mut self) -> String {
        use sha2::Digest;
        self.hash.update(&self.pending);
        hex(&self.hash.finalize()[..16])
    }
}

/// A pack of texts as a record writes it: bytes packed in advance (a spooled run, a
/// migration), or texts packed as they are written.
pub enum PackOut<'a> {
    /// Packed.
    Bytes(std::borrow::Cow<'a, [u8]>),
    /// Packed as written.
    Source(&'a dyn TextSource),
}

impl std::fmt::Debug for PackOut<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PackOut({} bytes)", self.len())
    }
}

impl PackOut<'_> {
    /// Its length in bytes.
    pub fn len(&self) -> usize {
        match self {
            PackOut::Bytes(b) => b.len(),
            PackOut::Source(s) => {
                // Packed once to count (the length comes before the bytes, in SQLite's
                // zeroblob and in COPY's field), without keeping the bytes.
                let (mut parts, mut one) = (Parts::<&str>::default(), Vec::with_capacity(256));
                8 + (0..s.count())
                    .map(|i| {
                        one.clear();
                        parts.put(&mut one, s.fingerprint(i), s.text(i));
                        one.len()
                    })
                    .sum::<usize>()
            }
        }
    }

    /// Never: a pack has its header at least.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Its bytes in order, a chunk of about `size` at a time ([`Chunks::next_chunk`]).
    pub fn chunks(&self, size: usize) -> Chunks<'_> {
        Chunks {
            out: self,
            size: size.max(1),
            next: 0,
            started: false,
            buf: Vec::new(),
            parts: Parts::default(),
        }
    }
}

/// A packed value's bytes, a chunk at a time: packed in advance, slices of it; else packed as
/// they are asked for, into one reused buffer.
pub struct Chunks<'p> {
    out: &'p PackOut<'p>,
    size: usize,
    /// The next byte (packed in advance) or text.
    next: usize,
    /// Whether the header was given.
    started: bool,
    buf: Vec<u8>,
    parts: Parts<&'p str>,
}

impl Chunks<'_> {
    /// The next chunk; None at the end.
    pub fn next_chunk(&mut self) -> Option<&[u8]> {
        match self.out {
            PackOut::Bytes(b) => {
                let end = b.len().min(self.next + self.size);
                let chunk = b.get(self.next..end).filter(|c| !c.is_empty())?;
                self.next = end;
                Some(chunk)
            }
            PackOut::Source(s) => {
                self.buf.clear();
                if !self.started {
                    self.started = true;
                    self.buf.extend_from_slice(TEXTS_MAGIC);
                    put_u32(&mut self.buf, s.count());
                }
                while self.next < s.count() && self.buf.len() < self.size {
                    self.parts
                        .put(&mut self.buf, s.fingerprint(self.next), s.text(self.next));
                    self.next += 1;
                }
                (!self.buf.is_empty()).then_some(&self.buf[..])
            }
        }
    }
}

/// A finding's text as a pack holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text<'a> {
    /// Check id.
    pub check_id: &'a str,
    /// Resource id.
    pub resource_id: &'a str,
    /// Severity name.
    pub severity: &'a str,
    /// Message.
    pub message: &'a str,
}

impl TextPack {
    /// Adds a finding's text.
    pub fn push(&mut self, fingerprint: u64, t: Text<'_>) {
        self.parts.put(&mut self.buf, fingerprint, t);
        self.count += 1;
        // The count in the header stays current, so the bytes can be read at any time.
        self.buf[4..8].copy_from_slice(&self.count.to_le_bytes());
    }

    /// True when it holds none.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Its name (a digest of its content) and bytes.
    pub fn finish(self) -> (String, Vec<u8>) {
        (digest_name(&self.buf), self.buf)
    }
}

/// Calls `each` with every text of a pack of `len` bytes, read from `from` as it goes (SQLite's incremental
/// blob reads: a changed run that resolves a few findings of a scope's first run would
/// otherwise read that run's whole pack, tens of megabytes, to find them).
pub fn read_texts_from(
    from: &mut impl std::io::Read,
    len: usize,
    mut each: impl FnMut(u64, Text<'_>),
) -> Result<(), PackError> {
    use std::io::Read;
    let what = "finding texts";
    let short = || PackError::Length { what, len };
    let mut from = std::io::BufReader::with_capacity(64 * 1024, from.take(len as u64));
    let mut head = [0u8; 8];
    from.read_exact(&mut head).map_err(|_| short())?;
    // Written before the parts were shared: every part a string.
    let shared = match &head[..4] {
        m if m == TEXTS_MAGIC => true,
        m if m == TEXTS_MAGIC_6 => false,
        _ => {
            return Err(PackError::Magic {
                what,
                magic: "PLT7",
            });
        }
    };
    let n = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
    let mut left = len - 8;
    // The parts met so far, each table's strings one after another (with their ends).
    let mut tables: [(String, Vec<usize>); 4] = Default::default();
    let mut fields: [Vec<u8>; 4] = Default::default();
    let u32_at = |from: &mut std::io::BufReader<_>, left: &mut usize| {
        let mut l = [0u8; 4];
        *left = left.checked_sub(4).ok_or_else(short)?;
        from.read_exact(&mut l).map_err(|_| short())?;
        Ok::<usize, PackError>(u32::from_le_bytes(l) as usize)
    };
    for _ in 0..n {
        let mut word = [0u8; 8];
        from.read_exact(&mut word).map_err(|_| short())?;
        left = left.checked_sub(8).ok_or_else(short)?;
        let mut refs = [None; 4];
        for ((field, (table, ends)), r) in fields.iter_mut().zip(&mut tables).zip(&mut refs) {
            let index = if shared {
                u32_at(&mut from, &mut left)?
            } else {
                0
            };
            if index > 0 {
                // Met before: its place in the table.
                if index > ends.len() {
                    return Err(PackError::Invalid {
                        what,
                        why: format!("a part refers to string {index} of {}", ends.len()),
                    });
                }
                let start = if index == 1 { 0 } else { ends[index - 2] };
                *r = Some((start, ends[index - 1]));
                continue;
            }
            let l = u32_at(&mut from, &mut left)?;
            // A length beyond the value is damage, not a reason to allocate it.
            left = left.checked_sub(l).ok_or_else(short)?;
            field.clear();
            field.resize(l, 0);
            from.read_exact(field).map_err(|_| short())?;
            let part = std::str::from_utf8(field).map_err(|_| PackError::Invalid {
                what,
                why: "a text that is not UTF-8".into(),
            })?;
            if shared {
                table.push_str(part);
                ends.push(table.len());
                *r = Some((table.len() - part.len(), table.len()));
            }
        }
        let part = |i: usize| -> &str {
            match refs[i] {
                Some((a, b)) => &tables[i].0[a..b],
                // Read into the field (a pack of the earlier form), checked as UTF-8 above.
                None => std::str::from_utf8(&fields[i]).unwrap_or_default(),
            }
        };
        each(
            u64::from_le_bytes(word),
            Text {
                check_id: part(0),
                resource_id: part(1),
                severity: part(2),
                message: part(3),
            },
        );
    }
    match left {
        0 => Ok(()),
        _ => Err(short()),
    }
}

/// The name of packed bytes: the first 128 bits of their SHA-256, hex (as sets are named).
fn digest_name(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex(&sha2::Sha256::digest(bytes)[..16])
}

/// Bytes as lower-case hex.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl<'a> Text<'a> {
    /// Its parts in the order a pack holds them.
    fn parts(&self) -> [&'a str; 4] {
        [self.check_id, self.resource_id, self.severity, self.message]
    }
}

fn put_u32(b: &mut Vec<u8>, n: usize) {
    // Counts and lengths above 4 GiB cannot occur: a store value is bounded far below.
    b.extend_from_slice(&(n.min(u32::MAX as usize) as u32).to_le_bytes());
}

fn put_str(b: &mut Vec<u8>, s: &str) {
    put_u32(b, s.len());
    b.extend_from_slice(s.as_bytes());
}

/// Reads packed values, every read bounds-checked.
struct Reader<'a> {
    b: &'a [u8],
    at: usize,
    what: &'static str,
}

impl<'a> Reader<'a> {
    fn new(b: &'a [u8], what: &'static str, magic: &'static [u8; 4]) -> Result<Self, PackError> {
        if b.get(..4) != Some(&magic[..]) {
            return Err(PackError::Magic {
                what,
                magic: std::str::from_utf8(magic).unwrap_or("?"),
            });
        }
        Ok(Reader { b, at: 4, what })
    }

    fn length(&self) -> PackError {
        PackError::Length {
            what: self.what,
            len: self.b.len(),
        }
    }

    fn rest(&self) -> usize {
        self.b.len() - self.at
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], PackError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.b.len());
        let Some(end) = end else {
            return Err(self.length());
        };
        let s = &self.b[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn u32(&mut self) -> Result<u32, PackError> {
        let mut a = [0u8; 4];
        a.copy_from_slice(self.take(4)?);
        Ok(u32::from_le_bytes(a))
    }

    fn str(&mut self) -> Result<&'a str, PackError> {
        let n = self.u32()? as usize;
        let what = self.what;
        std::str::from_utf8(self.take(n)?).map_err(|_| PackError::Invalid {
            what,
            why: "a text that is not UTF-8".into(),
        })
    }
}

/// What recording a run writes of its findings.
#[derive(Debug, Default)]
pub struct FindingsWrite<'a> {
    /// The set (marks and the packs column), unless the scope holds a set of that name.
    pub set: Option<(std::borrow::Cow<'a, [u8]>, String)>,
    /// The run's pack of new texts (name, content), when it has new texts.
    pub texts: Option<(String, PackOut<'a>)>,
    /// FAIL findings not in the previous run of the scope (None for a scope's first run).
    pub new_findings: Option<i64>,
    /// Findings whose text neither the run nor the previous run's set gives (another run of
    /// the scope was recorded since this one was compared): look in the scope's other sets.
    pub missing: usize,
}

/// Whether the set the comparison built ([`Built`]) is the one to write: the scope does not
/// hold it yet, and the run it was compared with is still the latest.
pub fn built_fits(run: &NewRun, held: bool, previous_set: Option<&str>) -> bool {
    !held
        && run.texts.is_some()
        && run
            .built
            .as_ref()
            .is_some_and(|b| b.previous.as_deref() == previous_set)
}

/// Whether recording needs the previous run's set: to write a new set (first-seen times and
/// texts carried over), or to count new findings against a set other than its own.
pub fn needs_previous(held: bool, previous_set: Option<&str>, set: &str) -> bool {
    previous_set.is_some_and(|p| !held || p != set)
}

/// Plans what a run writes of its findings, from the previous run's set (and, when texts are
/// missing, the scope's `other` sets). Rules, as the comparison applies them: a finding the
/// previous run had keeps its first-seen time; its text comes from the run when the run gives
/// one (new or changed), else from the pack the earlier set names for the same text digest.
pub(crate) fn plan<'a, 'm>(
    run: &'a NewRun,
    sets: &Sets<'_>,
    held: bool,
    previous_set: Option<&str>,
    previous: Option<&'m Marks>,
    other: &'m [Marks],
) -> FindingsWrite<'a> {
    // Counted here unless the comparison counted them (the set it built).
    let new_findings = || {
        previous_set.map(|p| match p == sets.finding_set {
            true => 0,
            false => sets
                .statuses()
                .iter()
                .filter(|s| s.failing && previous.and_then(|m| m.get(s.fingerprint)).is_none())
                .count() as i64,
        })
    };
    if held {
        return FindingsWrite {
            new_findings: new_findings(),
            ..FindingsWrite::default()
        };
    }
    // Built by the comparison against the run that is still the latest: written as it is.
    if let (true, Some(b), Some(g)) = (built_fits(run, held, previous_set), &run.built, &run.texts)
    {
        return FindingsWrite {
            set: Some((std::borrow::Cow::Borrowed(&b.marks), b.packs.clone())),
            texts: g.written(),
            new_findings: b.new_findings,
            missing: 0,
        };
    }
    // The run's texts: packed by the comparison, or (a spooled run) one per fingerprint,
    // sorted (`NewRun::sets`), into a new pack, its size known first so the buffer is never
    // copied to grow.
    let defs = &sets.definitions;
    let (texts, fingerprints) = match &run.texts {
        Some(g) => (g.written(), Vec::new()),
        None => {
            fn text(f: &StoredFinding) -> Text<'_> {
                Text {
                    check_id: &f.check_id,
                    resource_id: &f.resource_id,
                    severity: &f.severity,
                    message: &f.message,
                }
            }
            let mut pack = TextPack::default();
            for (fp, f) in defs {
                pack.push(*fp, text(f));
            }
            let texts = (!pack.is_empty()).then(|| {
                let (name, bytes) = pack.finish();
                (name, PackOut::Bytes(std::borrow::Cow::Owned(bytes)))
            });
            (texts, defs.iter().map(|d| d.0).collect())
        }
    };
    let is_given = |fp: u64| match &run.texts {
        Some(g) => g.texts.gives(fp),
        None => fingerprints.binary_search(&fp).is_ok(),
    };
    // When a text was given: its first-seen time, if the run says one.
    let given = |fp: u64| -> Option<&str> {
        if !is_given(fp) {
            return None;
        }
        Some(
            defs.binary_search_by_key(&fp, |d| d.0)
                .ok()
                .map_or("", |i| defs[i].1.first_seen.as_str()),
        )
    };
    let new_pack = texts.as_ref().map(|(name, _)| name.as_str());
    let mut b = MarksBuilder::with_capacity(sets.statuses().len());
    let mut missing = 0;
    for s in sets.statuses().iter() {
        let before = previous.and_then(|m| m.get(s.fingerprint).map(|r| (m, r)));
        let text = given(s.fingerprint);
        let time: &str = match (before, text) {
            (Some((m, r)), _) => m.time(r),
            (None, Some(t)) if !t.is_empty() => t,
            _ => &run.record.started_at,
        };
        let same_text = |m: &'m Marks| {
            m.get(s.fingerprint)
                .filter(|r| r.text == s.text)
                .and_then(|r| m.pack(r))
        };
        let pack: Option<&str> = match text {
            Some(_) => new_pack,
            None => previous
                .and_then(same_text)
                .or_else(|| other.iter().find_map(same_text)),
        };
        if pack.is_none() {
            missing += 1;
        }
        b.push(s.fingerprint, s.failing, s.text, time, pack);
    }
    let (marks, packs) = b.finish_encoded();
    FindingsWrite {
        set: Some((std::borrow::Cow::Owned(marks), packs)),
        texts,
        new_findings: new_findings(),
        missing,
    }
}

/// The texts of some of a set's findings, gathered from the packs that hold them as each pack
/// is read.
pub struct Found<'m> {
    marks: &'m Marks,
    want: HashSet<u64>,
    /// By fingerprint.
    pub out: HashMap<u64, StoredFinding>,
}

impl<'m> Found<'m> {
    /// Looking for `wanted`, fingerprints of `marks`' rows.
    pub fn new(marks: &'m Marks, wanted: &[u64]) -> Found<'m> {
        Found {
            marks,
            want: wanted.iter().copied().collect(),
            out: HashMap::with_capacity(wanted.len()),
        }
    }

    /// Reads the pack `name` (`len` bytes from `from`), keeping the texts wanted.
    pub fn read(
        &mut self,
        name: &str,
        from: &mut impl std::io::Read,
        len: usize,
    ) -> Result<(), PackError> {
        let (marks, want, out) = (self.marks, &self.want, &mut self.out);
        read_texts_from(from, len, |fp, t| {
            if !want.contains(&fp) {
                return;
            }
            let Some(row) = marks.get(fp) else { return };
            // Only the pack the set names for it: an older pack may hold an earlier text.
            if marks.pack(row) != Some(name) {
                return;
            }
            out.insert(
                fp,
                StoredFinding {
                    check_id: t.check_id.to_string(),
                    resource_id: t.resource_id.to_string(),
                    severity: t.severity.to_string(),
                    status: FindingStatus {
                        fingerprint: fp,
                        failing: row.failing(),
                        text: row.text,
                    }
                    .status()
                    .to_string(),
                    message: t.message.to_string(),
                    first_seen: marks.time(row).to_string(),
                },
            );
        })
    }
}

/// The packs that hold the texts of `wanted`.
pub fn packs_for<'m>(marks: &'m Marks, wanted: &[u64]) -> Vec<&'m str> {
    let mut names: Vec<&str> = wanted
        .iter()
        .filter_map(|fp| marks.get(*fp).and_then(|r| marks.pack(r)))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// A `findings` row of schema 5: fingerprint, check id, resource id, severity, message, first
/// seen, text digest (None before schema 5).
pub type LegacyText = (
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
);

/// The findings of a scope as schema 5 kept them, for the migration to schema 6.
#[derive(Debug, Default)]
pub struct Legacy {
    /// Each text the scope held.
    pub texts: Vec<LegacyText>,
    /// Finding sets by name: (fingerprint, status) rows.
    pub sets: HashMap<String, Vec<(String, String)>>,
    /// Runs recorded before sets, by id: (fingerprint, status) rows.
    pub run_rows: HashMap<i64, Vec<(String, String)>>,
    /// The scope's runs in order: id and finding set name (None before sets).
    pub runs: Vec<(i64, Option<String>)>,
}

/// The scope's findings in schema 6's form.
#[derive(Debug, Default)]
pub struct Converted {
    /// One pack holding every text the scope had.
    pub texts: Option<(String, Vec<u8>)>,
    /// (name, marks, packs column) per set.
    pub sets: Vec<(String, Vec<u8>, String)>,
    /// (run id, finding set name, new findings) per run.
    pub runs: Vec<(i64, String, Option<i64>)>,
}

/// Converts a scope's schema-5 findings: its texts into one pack, each set (and each run
/// recorded before sets, as a set named as a run would name it now) into marks, and each
/// run's count of new findings against the run before it. Rows with a malformed fingerprint
/// or status (not written by Plimsoll) are left out.
pub fn convert(legacy: Legacy) -> Converted {
    let parse = |fp: &str| crate::finding::Fingerprint::parse(fp).map(|f| f.0);
    let mut pack = TextPack::default();
    // fingerprint -> (text digest, first seen)
    let mut known: HashMap<u64, (u64, String)> = HashMap::new();
    let mut texts: Vec<_> = legacy
        .texts
        .iter()
        .filter_map(|t| parse(&t.0).map(|fp| (fp, t)))
        .collect();
    texts.sort_by_key(|t| t.0);
    texts.dedup_by_key(|t| t.0);
    for (fp, (_, check, resource, severity, message, first_seen, hash)) in &texts {
        let digest = hash
            .as_deref()
            .and_then(parse)
            .unwrap_or_else(|| super::text_hash(severity, message));
        known.insert(*fp, (digest, first_seen.clone()));
        pack.push(
            *fp,
            Text {
                check_id: check,
                resource_id: resource,
                severity,
                message,
            },
        );
    }
    let packed = (!pack.is_empty()).then(|| pack.finish());
    let name = packed.as_ref().map(|p| p.0.clone());
    // A set's rows as statuses, sorted, one per fingerprint.
    let statuses = |rows: &[(String, String)]| -> Vec<FindingStatus> {
        let mut out: Vec<FindingStatus> = rows
            .iter()
            .filter_map(|(fp, status)| {
                let fp = parse(fp)?;
                let failing = match status.as_str() {
                    "FAIL" => true,
                    "WAIVED" => false,
                    _ => return None,
                };
                Some(FindingStatus {
                    fingerprint: fp,
                    failing,
                    text: known.get(&fp).map(|k| k.0).unwrap_or_default(),
                })
            })
            .collect();
        out.sort_by_key(|s| s.fingerprint);
        out.dedup_by_key(|s| s.fingerprint);
        out
    };
    let marks_of = |st: &[FindingStatus]| -> Marks {
        let mut b = MarksBuilder::default();
        for s in st {
            let (pack, time) = match known.get(&s.fingerprint) {
                Some((_, t)) => (name.as_deref(), t.as_str()),
                None => (None, ""),
            };
            b.push(s.fingerprint, s.failing, s.text, time, pack);
        }
        b.finish()
    };
    let mut out = Converted::default();
    let mut by_name: HashMap<String, Marks> = HashMap::new();
    for (set, rows) in &legacy.sets {
        by_name.insert(set.clone(), marks_of(&statuses(rows)));
    }
    let mut previous: Option<String> = None;
    for (id, set) in &legacy.runs {
        let set = match set {
            Some(s) => s.clone(),
            None => {
                let st = statuses(legacy.run_rows.get(id).map_or(&[][..], |r| &r[..]));
                let n = super::finding_set_name(&st);
                by_name.entry(n.clone()).or_insert_with(|| marks_of(&st));
                n
            }
        };
        // A set of no findings has no rows to name it by.
        by_name.entry(set.clone()).or_default();
        let new = previous.as_ref().map(|p| {
            let (now, before) = (&by_name[&set], &by_name[p]);
            now.rows
                .iter()
                .filter(|r| r.failing() && before.get(r.fingerprint).is_none())
                .count() as i64
        });
        out.runs.push((*id, set.clone(), new));
        previous = Some(set);
    }
    let mut sets: Vec<_> = by_name.into_iter().collect();
    sets.sort_by(|a, b| a.0.cmp(&b.0));
    out.sets = sets
        .into_iter()
        .map(|(n, m)| {
            let packs = m.packs_column();
            (n, m.encode(), packs)
        })
        .collect();
    out.texts = packed;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_texts(bytes: &[u8], each: impl FnMut(u64, Text<'_>)) -> Result<(), PackError> {
        read_texts_from(&mut &bytes[..], bytes.len(), each)
    }

    fn marks() -> Marks {
        let mut b = MarksBuilder::default();
        b.push(1, true, 11, "t1", Some("p1"));
        b.push(5, false, 55, "t2", None);
        b.push(9, true, 99, "t1", Some("p2"));
        b.finish()
    }

    #[test]
    fn marks_read_back_and_damage_is_an_error() {
        assert_eq!(std::mem::size_of::<Row>(), 24);
        let m = marks();
        let bytes = m.encode();
        let back = Marks::decode(&bytes).unwrap();
        assert_eq!(back.rows, m.rows);
        assert_eq!(back.packs, ["p1", "p2"]);
        assert_eq!(&**back.time(back.get(9).unwrap()), "t1");
        assert_eq!(back.pack(back.get(5).unwrap()), None);
        assert!(back.get(4).is_none());
        // Cut short, lengthened, another header, an index out of range: each an error.
        assert!(Marks::decode(&bytes[..bytes.len() - 1]).is_err());
        assert!(Marks::decode(&[&bytes[..], &[0]].concat()).is_err());
        assert!(Marks::decode(b"PLT6\0\0\0\0").is_err());
        // The first row's time index (after the header and its fingerprint, flags, digest).
        let mut bad = bytes.clone();
        bad[8 + 17..8 + 21].copy_from_slice(&7u32.to_le_bytes());
        assert!(matches!(
            Marks::decode(&bad),
            Err(PackError::Invalid { .. })
        ));
        // Rows out of order.
        let mut swapped = m.clone();
        swapped.rows.swap(0, 1);
        assert!(Marks::decode(&swapped.encode()).is_err());
        // A count of rows larger than the value reserves nothing.
        let mut huge = MarksBuilder::default().finish().encode();
        huge[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(
            Marks::decode(&huge),
            Err(PackError::Length { .. })
        ));
        // The builder's bytes are the encoding of what it built.
        let mut b = MarksBuilder::default();
        b.push(1, true, 11, "t1", Some("p1"));
        b.push(5, false, 55, "t2", None);
        b.push(9, true, 99, "t1", Some("p2"));
        let (encoded, packs) = b.finish_encoded();
        assert_eq!(encoded, bytes);
        assert_eq!(packs, "p1 p2");
    }

    #[test]
    fn texts_share_their_parts_and_damage_is_an_error() {
        let texts: Vec<(u64, [String; 4])> = (0..300u64)
            .map(|i| {
                (
                    i * 3 + 1,
                    [
                        format!("PLM-K8S-{:04}", i % 7),
                        format!("k8s/shop/-/Deployment/web-{}", i % 20),
                        ["high", "low"][(i % 2) as usize].to_string(),
                        format!("container 'app' runs as root ({})", i % 11),
                    ],
                )
            })
            .collect();
        fn text(t: &[String; 4]) -> Text<'_> {
            Text {
                check_id: &t[0],
                resource_id: &t[1],
                severity: &t[2],
                message: &t[3],
            }
        }
        let mut pack = TextPack::default();
        for (fp, t) in &texts {
            pack.push(*fp, text(t));
        }
        let (_, bytes) = pack.finish();
        let read_all = |bytes: &[u8]| {
            let mut back = Vec::new();
            read_texts(bytes, |fp, t| back.push((fp, t.parts().map(String::from)))).unwrap();
            back
        };
        assert_eq!(read_all(&bytes), texts);
        // Each distinct part written once: 7 + 20 + 2 + 11 strings, the rest indices.
        let written: usize = texts
            .iter()
            .map(|(_, t)| 8 + t.iter().map(|p| 8 + p.len()).sum::<usize>())
            .sum();
        assert!(bytes.len() < written / 3, "{} of {written}", bytes.len());
        // The earlier form, every part a string, still reads.
        let mut old = b"PLT6".to_vec();
        old.extend_from_slice(&(texts.len() as u32).to_le_bytes());
        for (fp, t) in &texts {
            old.extend_from_slice(&fp.to_le_bytes());
            for part in t {
                put_str(&mut old, part);
            }
        }
        assert_eq!(read_all(&old), texts);
        // A part that refers past the strings read so far; cut short; another header.
        let mut bad = bytes.clone();
        // The first text's check id (after the header and its fingerprint).
        bad[16..20].copy_from_slice(&5u32.to_le_bytes());
        assert!(matches!(
            read_texts(&bad, |_, _| {}),
            Err(PackError::Invalid { .. })
        ));
        assert!(read_texts(&bytes[..bytes.len() - 1], |_, _| {}).is_err());
        assert!(read_texts(b"PLM6\0\0\0\0", |_, _| {}).is_err());
    }

    #[test]
    fn a_set_built_against_another_run_is_not_written() {
        // Built by the comparison against run "A"; recorded when "A" is still the latest it
        // is written as built, else (another run recorded meanwhile) planned again.
        let run = |built: Option<Built>| NewRun {
            record: super::super::RunRecord {
                id: 0,
                scope: "s".into(),
                started_at: "t".into(),
                tool_version: "0".into(),
                policy_digest: "p".into(),
                resources: 0,
                passed: 0,
                failed: 0,
                waived: 0,
                not_assessed: 0,
                errors: 0,
                failed_by_severity: serde_json::json!({}),
                run_key: String::new(),
                finding_set: "S".into(),
            },
            sources: "[]".into(),
            resources: Vec::new(),
            findings: Vec::new(),
            // Held by the set built, read from it when planned again.
            statuses: Vec::new(),
            texts: Some(Given::default()),
            built,
            keep: 1,
            controls: Vec::new(),
        };
        let built = || {
            let mut b = MarksBuilder::default();
            b.push(1, true, 11, "t", Some("p"));
            b.push(2, false, 22, "t", Some("p"));
            let (marks, packs) = b.finish_naming("p");
            Built {
                previous: Some("A".into()),
                marks,
                packs,
                new_findings: Some(3),
            }
        };
        let r = run(Some(built()));
        assert!(built_fits(&r, false, Some("A")));
        assert!(
            !built_fits(&r, true, Some("A")),
            "a held set is referred to"
        );
        assert!(
            !built_fits(&r, false, Some("B")),
            "another run came between"
        );
        assert!(!built_fits(&r, false, None));
        assert!(!built_fits(&run(None), false, Some("A")));
        let sets = r.sets();
        assert_eq!(
            plan(&r, &sets, false, Some("A"), None, &[]).new_findings,
            Some(3)
        );
        // Planned again against B (no previous set read here): every failing finding counts
        // as new, and the set is built again from the statuses the built set holds.
        let again = plan(&r, &sets, false, Some("B"), None, &[]);
        assert_eq!(again.new_findings, Some(1));
        let (marks, _) = again.set.unwrap();
        let rows: Vec<(u64, bool, u64)> = Marks::decode(&marks)
            .unwrap()
            .rows
            .iter()
            .map(|r| (r.fingerprint, r.failing(), r.text))
            .collect();
        assert_eq!(rows, [(1, true, 11), (2, false, 22)]);
    }

    #[test]
    fn texts_read_back_from_the_pack_the_set_names() {
        let t = |m: &'static str| Text {
            check_id: "C",
            resource_id: "r",
            severity: "high",
            message: m,
        };
        let mut old = TextPack::default();
        old.push(1, t("old one"));
        old.push(9, t("old nine"));
        let (p1, b1) = old.finish();
        let mut new = TextPack::default();
        new.push(9, t("new nine"));
        let (p2, b2) = new.finish();
        let mut b = MarksBuilder::default();
        b.push(1, true, 11, "t1", Some(&p1));
        b.push(9, true, 99, "t2", Some(&p2));
        let m = b.finish();
        let packs = vec![(p1.clone(), b1), (p2.clone(), b2)];
        let mut found = Found::new(&m, &[1, 9]);
        for (name, bytes) in &packs {
            found.read(name, &mut &bytes[..], bytes.len()).unwrap();
        }
        let got = found.out;
        assert_eq!(got[&1].message, "old one");
        assert_eq!(got[&9].message, "new nine", "the pack the set names wins");
        assert_eq!(got[&9].first_seen, "t2");
        assert_eq!(packs_for(&m, &[9]), [p2.as_str()]);
        let mut cut = packs[0].1.clone();
        cut.pop();
        assert!(read_texts(&cut, |_, _| {}).is_err());
        // Read a few bytes at a time (as SQLite's blob reads may give them): the same texts.
        struct Trickle<'b>(&'b [u8]);
        impl std::io::Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = buf.len().min(3).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut found = Found::new(&m, &[1, 9]);
        found
            .read(&p1, &mut Trickle(&packs[0].1), packs[0].1.len())
            .unwrap();
        found
            .read(&p2, &mut Trickle(&packs[1].1), packs[1].1.len())
            .unwrap();
        assert_eq!(found.out[&1].message, "old one");
        assert_eq!(found.out[&9].message, "new nine");
        // A length beyond the value is an error, not an allocation (the first text's check
        // id: after the header, the fingerprint and the 0 that says the part is new).
        let mut long = packs[0].1.clone();
        long[20..24].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(
            read_texts(&long, |_, _| {}),
            Err(PackError::Length { .. })
        ));
    }

    /// Texts given from where the report holds them: what `TextSource` reads.
    struct Held(Vec<(u64, String)>);

    impl TextSource for Held {
        fn count(&self) -> usize {
            self.0.len()
        }
        fn fingerprint(&self, i: usize) -> u64 {
            self.0[i].0
        }
        fn text(&self, i: usize) -> Text<'_> {
            Text {
                check_id: "PLM-K8S-0001",
                resource_id: "k8s/x/-/Pod/p",
                severity: "high",
                message: &self.0[i].1,
            }
        }
        fn gives(&self, fingerprint: u64) -> bool {
            self.0.binary_search_by_key(&fingerprint, |t| t.0).is_ok()
        }
    }

    #[test]
    fn given_texts_are_packed_as_written_and_named_by_content() {
        let held = Held(
            (0..5000u64)
                .map(|i| (i * 7 + 1, format!("text {i} ").repeat(1 + (i % 9) as usize)))
                .collect(),
        );
        let out = PackOut::Source(&held);
        // Packed a chunk at a time, small or large: the length said, the same bytes as a pack
        // built whole, read back whole.
        let mut whole = TextPack::default();
        for i in 0..held.count() {
            whole.push(held.fingerprint(i), held.text(i));
        }
        let (_, expected) = whole.finish();
        for size in [1, 100, 4096, 1 << 20] {
            let mut chunks = out.chunks(size);
            let mut bytes = Vec::new();
            while let Some(c) = chunks.next_chunk() {
                assert!(!c.is_empty());
                bytes.extend_from_slice(c);
            }
            assert_eq!(out.len(), bytes.len());
            assert!(bytes == expected, "chunks of {size}");
        }
        let mut read = Vec::new();
        read_texts(&expected, |fp, t| read.push((fp, t.message.to_string()))).unwrap();
        assert_eq!(read, held.0);
        // Packed in advance: its own bytes, in slices.
        let bytes = PackOut::Bytes(std::borrow::Cow::Borrowed(&expected[..]));
        let (mut chunks, mut n) = (bytes.chunks(1000), 0);
        while let Some(c) = chunks.next_chunk() {
            n += c.len();
        }
        assert_eq!((bytes.len(), n), (expected.len(), expected.len()));
        // The name: the same texts, the same name; another text or order, another.
        let name = |pairs: &[(u64, u64)]| {
            let mut n = PackNamer::default();
            for (fp, t) in pairs {
                n.push(*fp, *t);
            }
            n.finish()
        };
        assert_eq!(name(&[(1, 2), (3, 4)]), name(&[(1, 2), (3, 4)]));
        assert_ne!(name(&[(1, 2), (3, 4)]), name(&[(1, 2), (3, 5)]));
        assert_ne!(name(&[(1, 2), (3, 4)]), name(&[(3, 4), (1, 2)]));
        assert_eq!(name(&[]).len(), 32);
        let given = Given {
            name: name(&[(1, 2)]),
            texts: Box::new(held),
        };
        assert!(given.texts.gives(8) && !given.texts.gives(9));
        assert!(given.texts.gives(1) && !given.texts.gives(0));
    }

    #[test]
    fn a_built_set_gives_its_statuses() {
        let mut b = MarksBuilder::default();
        b.push(1, true, 11, "t1", Some(NEW_PACK));
        b.push(5, false, 55, "t2", None);
        let (marks, packs) = b.finish_naming("p");
        let built = Built {
            previous: None,
            marks,
            packs,
            new_findings: None,
        };
        let st: Vec<FindingStatus> = built.statuses().collect();
        assert_eq!(
            st,
            [
                FindingStatus {
                    fingerprint: 1,
                    failing: true,
                    text: 11
                },
                FindingStatus {
                    fingerprint: 5,
                    failing: false,
                    text: 55
                }
            ]
        );
        assert_eq!(Marks::decode(&built.marks).unwrap().packs, ["p"]);
    }
}
