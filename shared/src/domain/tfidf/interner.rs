//! A string interner for terms: every distinct term gets a dense id (0, 1, 2, ... in order of
//! first sight). Terms live back to back in one string, and the open-addressing table holds
//! the high half of each term's 64-bit hash beside its id in one 8-byte word (the low half
//! picks the slot), so a lookup touches the term's bytes only when the hashes agree. This is the
//! hot loop of fitting: one lookup per token. Eight bytes a slot, not the sixteen a padded
//! (u64, u32) pair takes: the table is half the memory to zero, fault in and walk.

/// Terms and their ids.
#[derive(Debug, Clone)]
pub(crate) struct Interner {
    /// The hash's high 32 bits, and `id + 1` in the low 32; 0 marks an empty slot.
    slots: Vec<u64>,
    text: String,
    /// Term i is `text[starts[i]..starts[i + 1]]`.
    starts: Vec<usize>,
    hashes: Vec<u64>,
}

/// A fast multiply-rotate hash over 8-byte words (FxHash's step) with a final mix so that the
/// low bits, which pick the slot, depend on every input bit. Terms are not adversarial input
/// to a long-lived service, so a keyed hash buys nothing here.
#[inline]
pub(crate) fn hash(s: &str) -> u64 {
    const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    let b = s.as_bytes();
    let mut h = b.len() as u64;
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    h ^= h >> 32;
    h = h.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    h ^ (h >> 29)
}

/// Bytes reserved per term: the 31,643 terms of the union set's titles average 7.2 bytes.
const TYPICAL_TERM_BYTES: usize = 8;

/// A slot's word for term `id` of hash `h`.
#[inline]
fn slot_word(h: u64, id: u32) -> u64 {
    (h & !0xFFFF_FFFF) | (id as u64 + 1)
}

impl Interner {
    /// Room for `terms` terms of a typical length without growing: a vector grown by doubling
    /// copies itself onto fresh pages at each step, and a fresh page costs more than the copy.
    pub(crate) fn with_capacity(terms: usize) -> Interner {
        let slots = (terms.max(8) * 2).next_power_of_two();
        let mut starts = Vec::with_capacity(terms + 1);
        starts.push(0);
        Interner {
            slots: vec![0; slots],
            text: String::with_capacity(terms * TYPICAL_TERM_BYTES),
            starts,
            hashes: Vec::with_capacity(terms),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.hashes.len()
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
        self.text.as_bytes().get(self.starts[i]..self.starts[i + 1]) == Some(s.as_bytes())
    }

    pub(crate) fn hash_of(&self, id: u32) -> u64 {
        self.hashes[id as usize]
    }

    /// The id of `s`, if interned.
    #[inline]
    pub(crate) fn find(&self, s: &str) -> Option<u32> {
        self.find_hashed(s, hash(s)).ok()
    }

    /// `Ok(id)` or `Err(free slot)`.
    #[inline]
    fn find_hashed(&self, s: &str, h: u64) -> Result<u32, usize> {
        let mask = self.slots.len() - 1;
        let mut i = h as usize & mask;
        let tag = h & !0xFFFF_FFFF;
        loop {
            let w = self.slots[i];
            if w == 0 {
                return Err(i);
            }
            let id = w as u32;
            if w & !0xFFFF_FFFF == tag && self.is(id - 1, s) {
                return Ok(id - 1);
            }
            i = (i + 1) & mask;
        }
    }

    #[inline]
    pub(crate) fn intern(&mut self, s: &str) -> u32 {
        self.intern_hashed(s, hash(s))
    }

    /// Intern with a hash already known (`hash(s)`), e.g. from another interner.
    pub(crate) fn intern_hashed(&mut self, s: &str, h: u64) -> u32 {
        match self.find_hashed(s, h) {
            Ok(id) => id,
            Err(slot) => {
                let id = self.hashes.len() as u32;
                self.text.push_str(s);
                self.starts.push(self.text.len());
                self.hashes.push(h);
                self.slots[slot] = slot_word(h, id);
                if self.hashes.len() * 2 > self.slots.len() {
                    self.grow();
                }
                id
            }
        }
    }

    fn grow(&mut self) {
        let mut slots = vec![0u64; self.slots.len() * 2];
        let mask = slots.len() - 1;
        for (id, &h) in self.hashes.iter().enumerate() {
            let mut i = h as usize & mask;
            while slots[i] != 0 {
                i = (i + 1) & mask;
            }
            slots[i] = slot_word(h, id as u32);
        }
        self.slots = slots;
    }
}

#[cfg(test)]
#[path = "tests/interner.rs"]
mod tests;
