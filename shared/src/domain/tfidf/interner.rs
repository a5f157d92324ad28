//! A string interner for terms: every distinct term gets a dense id (0, 1, 2, ... in order of
//! first sight). Terms live back to back in one string, and the open-addressing table holds
//! the high half of each term's 64-bit hash beside its id in one 8-byte word (the low half
//! picks the slot), so a lookup touches the term's bytes only when the hashes agree. This is the
//! hot loop of fitting: one lookup per token. Eight bytes a slot, not the sixteen a padded
//! (u64, u32) pair takes: the table is half the memory to zero, fault in and walk.

/// Terms and their ids.
#[derive(Debug, Clone)]
pub(crate) struct Interner {
    terms: Terms,
    table: Table,
    hashes: Vec<u64>,
}

/// Terms back to back in one string, in id order: the vocabulary as a vectorizer keeps it,
/// without a lookup table until one is needed ([`Table::of`]).
#[derive(Debug, Clone)]
pub(crate) struct Terms {
    text: String,
    /// Term i is `text[starts[i]..starts[i + 1]]`.
    starts: Vec<usize>,
}

/// An open-addressing table over [`Terms`]: per slot, the high half of a term's 64-bit hash
/// and `id + 1` (0 marks an empty slot); the low half of the hash picks the slot.
#[derive(Debug, Clone)]
pub(crate) struct Table(Vec<u64>);

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

/// A slot's word for term `id` of hash `h`.
#[inline]
fn slot_word(h: u64, id: u32) -> u64 {
    (h & !0xFFFF_FFFF) | (id as u64 + 1)
}

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

    /// Put term `id` of hash `h` in the first free slot from its own.
    fn place(&mut self, h: u64, id: u32) {
        let mask = self.0.len() - 1;
        let mut i = h as usize & mask;
        while self.0[i] != 0 {
            i = (i + 1) & mask;
        }
        self.0[i] = slot_word(h, id);
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
        let tag = h & !0xFFFF_FFFF;
        loop {
            let w = self.0[i];
            if w == 0 {
                return Err(i);
            }
            let id = w as u32;
            if w & !0xFFFF_FFFF == tag && terms.is(id - 1, s) {
                return Ok(id - 1);
            }
            i = (i + 1) & mask;
        }
    }
}

/// A vocabulary's table for looking terms up, never added to: [`Table`]'s scheme in 4-byte
/// slots where the vocabulary allows (the low bits hold `id + 1`, the high ones as much of the
/// hash's high half as is left), half the memory for a lookup to miss in. A transform's cost is
/// that slot load, and the core that transforms is seldom the one that built the table.
#[derive(Debug, Clone)]
pub(crate) enum Lookup {
    Narrow { slots: Vec<u32>, id_mask: u32 },
    Wide(Table),
}

impl Lookup {
    /// The lookup table of `terms`, which must be distinct.
    pub(crate) fn of(terms: &Terms) -> Lookup {
        // A tag of at least 12 bits keeps false matches (a byte comparison each) rare.
        if terms.len() >= 1 << 20 {
            Lookup::Wide(Table::of(terms))
        } else {
            Lookup::narrow(terms)
        }
    }

    /// The 4-byte table, for fewer than 2^20 terms.
    fn narrow(terms: &Terms) -> Lookup {
        let n = terms.len();
        // The bits `id + 1` takes.
        let id_bits = u32::BITS - (n as u32).leading_zeros();
        let id_mask = (1u32 << id_bits) - 1;
        let mut slots = vec![0u32; (n.max(8) * 2).next_power_of_two()];
        let mask = slots.len() - 1;
        for id in 0..n as u32 {
            let h = hash(terms.get(id));
            let mut i = h as usize & mask;
            while slots[i] != 0 {
                i = (i + 1) & mask;
            }
            slots[i] = ((h >> 32) as u32 & !id_mask) | (id + 1);
        }
        Lookup::Narrow { slots, id_mask }
    }

    /// The id of `s` among `terms`, if there.
    #[inline]
    pub(crate) fn find(&self, terms: &Terms, s: &str) -> Option<u32> {
        match self {
            Lookup::Wide(t) => t.find(terms, s),
            Lookup::Narrow { slots, id_mask } => {
                let h = hash(s);
                let mask = slots.len() - 1;
                let mut i = h as usize & mask;
                let tag = (h >> 32) as u32 & !id_mask;
                loop {
                    let w = slots[i];
                    if w == 0 {
                        return None;
                    }
                    let id = w & id_mask;
                    if w & !id_mask == tag && terms.is(id - 1, s) {
                        return Some(id - 1);
                    }
                    i = (i + 1) & mask;
                }
            }
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
            hashes: Vec::with_capacity(terms),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.hashes.len()
    }

    #[inline]
    pub(crate) fn get(&self, id: u32) -> &str {
        self.terms.get(id)
    }

    pub(crate) fn hash_of(&self, id: u32) -> u64 {
        self.hashes[id as usize]
    }

    /// The id of `s`, if interned.
    #[cfg(test)]
    pub(crate) fn find(&self, s: &str) -> Option<u32> {
        self.table.find(&self.terms, s)
    }

    #[inline]
    pub(crate) fn intern(&mut self, s: &str) -> u32 {
        self.intern_hashed(s, hash(s))
    }

    /// Intern with a hash already known (`hash(s)`), e.g. from another interner.
    pub(crate) fn intern_hashed(&mut self, s: &str, h: u64) -> u32 {
        match self.table.probe(&self.terms, s, h) {
            Ok(id) => id,
            Err(slot) => {
                let id = self.hashes.len() as u32;
                self.terms.push(s);
                self.hashes.push(h);
                self.table.0[slot] = slot_word(h, id);
                if self.hashes.len() * 2 > self.table.0.len() {
                    self.grow();
                }
                id
            }
        }
    }

    fn grow(&mut self) {
        let mut table = Table(vec![0u64; self.table.0.len() * 2]);
        for (id, &h) in self.hashes.iter().enumerate() {
            table.place(h, id as u32);
        }
        self.table = table;
    }
}

#[cfg(test)]
#[path = "tests/interner.rs"]
mod tests;
