//! A string interner for terms: every distinct term gets a dense id (0, 1, 2, ... in order of
//! first sight). Terms live back to back in one string, and the open-addressing table holds
//! part of each term's 64-bit hash beside its id in one 4-byte word (the low half of the hash
//! picks the slot), so a lookup touches the term's bytes only when the hashes agree. This is
//! the hot loop of fitting and transforming: one lookup per token, whose cost is the slot's
//! load. Four bytes a slot: the table is a quarter of the memory a padded (u64, u32) pair
//! takes, to zero, fault in, and miss in (the core that transforms is seldom the one that
//! built the table; 8-byte slots made `predict` 0.7-1.4 ms slower).

/// Terms and their ids.
#[derive(Debug, Clone)]
pub(crate) struct Interner {
    terms: Terms,
    table: Table,
}

/// Terms back to back in one string, in id order: the vocabulary as a vectorizer keeps it,
/// without a lookup table until one is needed ([`Table::of`]).
#[derive(Debug, Clone)]
pub(crate) struct Terms {
    text: String,
    /// Term i is `text[starts[i]..starts[i + 1]]`.
    starts: Vec<usize>,
}

/// An open-addressing table over [`Terms`], at most half full: per slot, `id + 1` in the low
/// bits (0 marks an empty slot) and a tag in the others, the top bits of the hash's high half
/// (the low half picks the slot). Ids stay below half the slot count, so a table of 2^k slots
/// takes k bits for them: a 16-bit tag for the union set's 31,643 terms, still 6 bits for 30
/// million. A tag that matches by chance costs one comparison of the term's bytes.
#[derive(Debug, Clone)]
pub(crate) struct Table(Vec<u32>);

/// A fast multiply-rotate hash over 8-byte words (FxHash's step) with a final mix so that the
/// low bits, which pick the slot, depend on every input bit. Terms are not adversarial input
/// to a long-lived service, so a keyed hash buys nothing here.
///
/// Every word is one load straight from the term: the last word of a term overlaps the one
/// before it, and a term under 8 bytes is read as two overlapping 4-byte halves (or its first,
/// middle and last byte). With the length mixed in, the words still determine the term. Copying
/// a term's tail into a zeroed buffer first, byte by byte, and loading that as a word stalled
/// every hash on the store (a third of the counting loop's time).
#[inline]
pub(crate) fn hash(s: &str) -> u64 {
    let b = s.as_bytes();
    let n = b.len();
    let mut h = n as u64;
    if n >= 8 {
        let mut i = 0;
        while i + 8 < n {
            h = step(h, word8(&b[i..]));
            i += 8;
        }
        h = step(h, word8(&b[n - 8..]));
    } else if n >= 4 {
        h = step(h, word4(b) | word4(&b[n - 4..]) << 32);
    } else if n > 0 {
        h = step(h, b[0] as u64 | (b[n / 2] as u64) << 8 | (b[n - 1] as u64) << 16);
    }
    h ^= h >> 32;
    h = h.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    h ^ (h >> 29)
}

#[inline]
fn step(h: u64, w: u64) -> u64 {
    const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    (h.rotate_left(5) ^ w).wrapping_mul(K)
}

/// The first 8 bytes of `b` (at least 8 long) as a little-endian word.
#[inline]
fn word8(b: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[..8]);
    u64::from_le_bytes(w)
}

/// The first 4 bytes of `b` (at least 4 long) as a little-endian word.
#[inline]
fn word4(b: &[u8]) -> u64 {
    let mut w = [0u8; 4];
    w.copy_from_slice(&b[..4]);
    u32::from_le_bytes(w) as u64
}

/// Whether two byte strings are equal, the short ones (most terms) compared as words in
/// place: a call to `memcmp` for seven bytes cost more than the comparison.
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    match n {
        8..=16 => word8(a) == word8(b) && word8(&a[n - 8..]) == word8(&b[n - 8..]),
        4..=7 => word4(a) == word4(b) && word4(&a[n - 4..]) == word4(&b[n - 4..]),
        _ => a == b,
    }
}

/// Bytes reserved per term: the 31,643 terms of the union set's titles average 7.2 bytes.
const TYPICAL_TERM_BYTES: usize = 8;

impl Terms {
    /// Room for `n` terms of a typical length.
    pub(crate) fn with_capacity(n: usize) -> Terms {
        let mut starts = Vec::with_capacity(n + 1);
        starts.push(0);
        Terms {
            text: String::with_capacity(n * TYPICAL_TERM_BYTES),
            starts,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.starts.len() - 1
    }

    /// Append `s` as the next id (no check that it is new: see [`Interner`] for that).
    pub(crate) fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.starts.push(self.text.len());
    }

    #[inline]
    pub(crate) fn get(&self, id: u32) -> &str {
        let i = id as usize;
        &self.text[self.starts[i]..self.starts[i + 1]]
    }

    /// Whether term `id` is `s`, comparing bytes (no char-boundary checks in the hot loop).
    #[inline]
    fn is(&self, id: u32, s: &str) -> bool {
        let i = id as usize;
        self.text
            .as_bytes()
            .get(self.starts[i]..self.starts[i + 1])
            .is_some_and(|t| same(t, s.as_bytes()))
    }
}

impl Table {
    /// An empty table with room for `terms` terms at most half full.
    fn with_capacity(terms: usize) -> Table {
        Table(vec![0; (terms.max(8) * 2).next_power_of_two()])
    }

    /// The table of `terms`, which must be distinct.
    pub(crate) fn of(terms: &Terms) -> Table {
        let n = terms.len();
        let mut t = Table::with_capacity(n);
        for id in 0..n as u32 {
            t.place(hash(terms.get(id)), id);
        }
        t
    }

    /// The bits of a slot that hold `id + 1` (ids stay below half the slot count); the
    /// others hold the tag.
    #[inline]
    fn id_mask(&self) -> u32 {
        u32::try_from(self.0.len() - 1).unwrap_or(u32::MAX)
    }

    /// A slot's word for term `id` of hash `h`.
    #[inline]
    fn word(&self, h: u64, id: u32) -> u32 {
        ((h >> 32) as u32 & !self.id_mask()) | (id + 1)
    }

    /// Put term `id` of hash `h` in the first free slot from its own.
    fn place(&mut self, h: u64, id: u32) {
        let mask = self.0.len() - 1;
        let mut i = h as usize & mask;
        while self.0[i] != 0 {
            i = (i + 1) & mask;
        }
        self.0[i] = self.word(h, id);
    }

    /// The id of `s` among `terms`, if there.
    #[inline]
    pub(crate) fn find(&self, terms: &Terms, s: &str) -> Option<u32> {
        self.probe(terms, s, hash(s)).ok()
    }

    /// `Ok(id)` or `Err(free slot)`.
    #[inline]
    fn probe(&self, terms: &Terms, s: &str, h: u64) -> Result<u32, usize> {
        let mask = self.0.len() - 1;
        let mut i = h as usize & mask;
        let id_mask = self.id_mask();
        let tag = (h >> 32) as u32 & !id_mask;
        loop {
            let w = self.0[i];
            if w == 0 {
                return Err(i);
            }
            let id = w & id_mask;
            if w & !id_mask == tag && terms.is(id - 1, s) {
                return Ok(id - 1);
            }
            i = (i + 1) & mask;
        }
    }
}

impl Interner {
    /// Room for `terms` terms of a typical length without growing: a vector grown by doubling
    /// copies itself onto fresh pages at each step, and a fresh page costs more than the copy.
    pub(crate) fn with_capacity(terms: usize) -> Interner {
        Interner {
            terms: Terms::with_capacity(terms),
            table: Table::with_capacity(terms),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.terms.len()
    }

    #[inline]
    pub(crate) fn get(&self, id: u32) -> &str {
        self.terms.get(id)
    }

    /// The id of `s`, if interned.
    #[cfg(test)]
    pub(crate) fn find(&self, s: &str) -> Option<u32> {
        self.table.find(&self.terms, s)
    }

    /// The id of `s`, given the next one if it is new.
    #[inline]
    pub(crate) fn intern(&mut self, s: &str) -> u32 {
        let h = hash(s);
        match self.table.probe(&self.terms, s, h) {
            Ok(id) => id,
            Err(slot) => {
                let id = self.terms.len() as u32;
                self.terms.push(s);
                self.table.0[slot] = self.table.word(h, id);
                if self.terms.len() * 2 > self.table.0.len() {
                    // Rebuilt from the terms, twice the slots (rare: callers size it to fit).
                    self.table = Table::of(&self.terms);
                }
                id
            }
        }
    }
}

#[cfg(test)]
#[path = "tests/interner.rs"]
mod tests;
