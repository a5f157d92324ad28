//! Text as scikit-learn's `TfidfVectorizer` sees it: Python's `str.lower()`, Python's `re`
//! meaning of `\w` and `\b`, and word n-grams joined by a space.
//!
//! The Unicode facts come from [`tables`], generated from Python itself by
//! `scripts/gen-unicode-tables.py` (the file's header names the Python and Unicode versions).
//! Rust's own `char::to_lowercase` and the regex crate's `\w` follow a newer Unicode and a
//! different definition of a word character (they include combining marks), so they are not
//! used for the default pattern.

mod tables;

use crate::error::{Error, Result};
use std::borrow::Cow;

pub use tables::{PYTHON_VERSION, UNICODE_VERSION};

/// scikit-learn's default token pattern: runs of two or more word characters.
pub const DEFAULT_TOKEN_PATTERN: &str = r"(?u)\b\w\w+\b";

fn in_ranges(ranges: &[(u32, u32)], cp: u32) -> bool {
    // The last range starting at or before cp is the only candidate.
    let i = ranges.partition_point(|&(a, _)| a <= cp);
    i > 0 && cp <= ranges[i - 1].1
}

/// `\w` for ASCII bytes: letters, digits, underscore.
static ASCII_WORD: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 128 {
        let c = i as u8;
        t[i] = c.is_ascii_alphanumeric() || c == b'_';
        i += 1;
    }
    t
};

/// Whether Python's `re` matches `c` with `\w` in a str pattern (`str.isalnum()` or `_`).
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '_';
    }
    in_ranges(tables::WORD, c as u32)
}

fn is_case_ignorable(c: char) -> bool {
    in_ranges(tables::CASE_IGNORABLE, c as u32)
}

fn is_cased(c: char) -> bool {
    in_ranges(tables::CASED, c as u32)
}

fn lower_of(c: char) -> Option<&'static str> {
    let cp = c as u32;
    tables::LOWER
        .binary_search_by_key(&cp, |&(k, _)| k)
        .ok()
        .map(|i| tables::LOWER[i].1)
}

const CAPITAL_SIGMA: char = '\u{3A3}';

/// CPython's rule for U+03A3: final sigma when a cased letter precedes it (skipping
/// case-ignorables) and no cased letter follows (again skipping case-ignorables).
fn is_final_sigma(before: &str, after: &str) -> bool {
    let prev = before.chars().rev().find(|&c| !is_case_ignorable(c));
    if !prev.is_some_and(is_cased) {
        return false;
    }
    let next = after.chars().find(|&c| !is_case_ignorable(c));
    !next.is_some_and(is_cased)
}

/// Python's `str.lower()`: full case mappings (`İ` becomes `i̇`, two code points) and the Greek
/// final sigma in context. Borrows when nothing changes.
pub fn python_lower(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_lowering) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    python_lower_into(s, &mut out);
    Cow::Owned(out)
}

fn needs_lowering(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_uppercase()
    } else {
        c == CAPITAL_SIGMA || lower_of(c).is_some()
    }
}

/// [`python_lower`] appended to `out` (so that a worker can reuse one buffer).
pub fn python_lower_into(s: &str, out: &mut String) {
    if s.is_ascii() {
        let from = out.len();
        out.push_str(s);
        out[from..].make_ascii_lowercase();
        return;
    }
    for (i, c) in s.char_indices() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else if c == CAPITAL_SIGMA {
            let after = &s[i + c.len_utf8()..];
            out.push(if is_final_sigma(&s[..i], after) {
                '\u{3C2}'
            } else {
                '\u{3C3}'
            });
        } else {
            match lower_of(c) {
                Some(l) => out.push_str(l),
                None => out.push(c),
            }
        }
    }
}

/// Tokens of `(?u)\b\w\w+\b` as Python's `re.findall` gives them: every maximal run of word
/// characters that is at least two code points long.
pub fn default_tokens<'a>(s: &'a str, mut f: impl FnMut(&'a str)) {
    if s.is_ascii() {
        ascii_default_tokens(s, f);
        return;
    }
    let mut start = None;
    let mut len = 0usize;
    for (i, c) in s.char_indices() {
        if is_word_char(c) {
            if start.is_none() {
                start = Some(i);
                len = 0;
            }
            len += 1;
        } else if let Some(a) = start.take()
            && len >= 2
        {
            f(&s[a..i]);
        }
    }
    if let Some(a) = start
        && len >= 2
    {
        f(&s[a..]);
    }
}

/// [`default_tokens`] of a string known to be ASCII.
fn ascii_default_tokens<'a>(s: &'a str, f: impl FnMut(&'a str)) {
    // Most titles: one byte per character. Titles fit in 128 bytes (HN caps them at 80
    // characters): their word characters as one bit mask.
    if s.len() <= 128 {
        ascii_tokens_masked(s, f);
    } else {
        ascii_tokens(s, f);
    }
}

/// [`default_tokens`] of an ASCII string, a table lookup and a branch per byte.
fn ascii_tokens<'a>(s: &'a str, mut f: impl FnMut(&'a str)) {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !ASCII_WORD[b[i] as usize] {
            i += 1;
            continue;
        }
        let a = i;
        while i < b.len() && ASCII_WORD[b[i] as usize] {
            i += 1;
        }
        if i - a >= 2 {
            f(&s[a..i]);
        }
    }
}

/// [`default_tokens`] of an ASCII string of at most 128 bytes: bit i of a mask says whether
/// byte i is a word character, and each token is a run of ones, found with a few bit
/// operations instead of a branch per byte (the branch on every token boundary was
/// mispredicted; tokenizing was the largest single part of `vectorize fit`).
fn ascii_tokens_masked<'a>(s: &'a str, mut f: impl FnMut(&'a str)) {
    let b = s.as_bytes();
    debug_assert!(b.len() <= 128);
    let mut words = 0u128;
    for (k, block) in b.chunks(16).enumerate() {
        words |= (word_bits16(block) as u128) << (16 * k);
    }
    // A token starts where a word character follows a non-word one (or the start).
    let mut starts = words & !(words << 1);
    while starts != 0 {
        let a = starts.trailing_zeros() as usize;
        let len = (!(words >> a)).trailing_zeros() as usize;
        if len >= 2 {
            f(&s[a..a + len]);
        }
        starts &= starts - 1;
    }
}

/// Bit i set when `block[i]` (at most 16 ASCII bytes) is a word character: [0-9A-Za-z_].
#[cfg(target_arch = "x86_64")]
fn word_bits16(block: &[u8]) -> u16 {
    use std::arch::x86_64::*;
    let mut padded = [0u8; 16];
    let bytes: &[u8; 16] = match block.try_into() {
        Ok(full) => full,
        Err(_) => {
            padded[..block.len()].copy_from_slice(block);
            &padded
        }
    };
    // SAFETY: SSE2 is part of x86-64 itself; the load reads the 16 bytes of `bytes`.
    unsafe {
        let x = _mm_loadu_si128(bytes.as_ptr().cast());
        // Signed byte comparisons are right for ASCII (0..=127); padding 0 is not a word byte.
        let within = |lo: u8, hi: u8| {
            _mm_and_si128(
                _mm_cmpgt_epi8(x, _mm_set1_epi8(lo as i8 - 1)),
                _mm_cmplt_epi8(x, _mm_set1_epi8(hi as i8 + 1)),
            )
        };
        let word = _mm_or_si128(
            _mm_or_si128(within(b'0', b'9'), within(b'A', b'Z')),
            _mm_or_si128(within(b'a', b'z'), _mm_cmpeq_epi8(x, _mm_set1_epi8(b'_' as i8))),
        );
        _mm_movemask_epi8(word) as u16
    }
}

/// Bit i set when `block[i]` (at most 16 ASCII bytes) is a word character: [0-9A-Za-z_].
#[cfg(not(target_arch = "x86_64"))]
fn word_bits16(block: &[u8]) -> u16 {
    block
        .iter()
        .enumerate()
        .fold(0, |m, (i, &c)| m | (ASCII_WORD[c as usize] as u16) << i)
}

/// How titles are cut into tokens.
#[derive(Debug, Clone)]
pub enum Tokenizer {
    /// scikit-learn's default pattern with Python's semantics, exactly.
    Default,
    /// A user's pattern, run by the regex crate. With one capture group the group is the token
    /// (as `re.findall` does); more than one group is refused, as scikit-learn refuses it.
    Regex { re: regex::Regex, group: bool },
}

impl Tokenizer {
    /// `None` (or the default pattern's exact text) gives [`Tokenizer::Default`].
    pub fn new(pattern: Option<&str>) -> Result<Tokenizer> {
        let Some(p) = pattern.filter(|p| *p != DEFAULT_TOKEN_PATTERN) else {
            return Ok(Tokenizer::Default);
        };
        let re = regex::Regex::new(p).map_err(|e| Error::new(format!("bad token pattern {p:?}: {e}")))?;
        let groups = re.captures_len() - 1;
        if groups > 1 {
            return Err(Error::new(format!(
                "bad token pattern {p:?}: more than 1 capturing group ({groups}); use (?:...) for grouping"
            )));
        }
        Ok(Tokenizer::Regex { re, group: groups == 1 })
    }

    /// Call `f` with each token of `s`, in order.
    pub fn tokens<'a>(&self, s: &'a str, mut f: impl FnMut(&'a str)) {
        match self {
            Tokenizer::Default => default_tokens(s, f),
            Tokenizer::Regex { re, group: false } => re.find_iter(s).for_each(|m| f(m.as_str())),
            Tokenizer::Regex { re, group: true } => {
                for caps in re.captures_iter(s) {
                    // A group that did not take part gives "" (as re.findall does).
                    let at = caps.get_match().start();
                    f(caps.get(1).map_or(&s[at..at], |m| m.as_str()));
                }
            }
        }
    }
}

/// Lowercasing, tokenizing and n-gramming, as scikit-learn's "word" analyzer.
#[derive(Debug, Clone)]
pub struct Analyzer {
    pub lowercase: bool,
    pub tokenizer: Tokenizer,
    /// Inclusive n-gram range, `1 <= min <= max`.
    pub ngram: (usize, usize),
}

impl Analyzer {
    /// Call `f` once per term of `text` (a term repeats as often as it occurs). `scratch` is
    /// reused across calls so that a worker allocates only while its buffers grow.
    pub fn terms(&self, text: &str, scratch: &mut Scratch, mut f: impl FnMut(&str)) {
        let Scratch { lower, spans, joined } = scratch;
        if self.ngram.1 == 1 && self.lowercase && matches!(self.tokenizer, Tokenizer::Default) && text.is_ascii() {
            // The default on an ASCII title (most of them): lowercased and cut knowing it is
            // ASCII, checked once rather than by each step.
            lower.clear();
            lower.push_str(text);
            lower.make_ascii_lowercase();
            ascii_default_tokens(lower, f);
            return;
        }
        let s: &str = if self.lowercase {
            lower.clear();
            python_lower_into(text, lower);
            lower
        } else {
            text
        };
        let (min_n, max_n) = self.ngram;
        if max_n == 1 {
            // Single words (the default) go straight from the tokenizer to `f`: collecting
            // their spans first, to walk them again, was an eighth of tokenizing the titles.
            self.tokenizer.tokens(s, f);
            return;
        }
        spans.clear();
        let base = s.as_ptr() as usize;
        self.tokenizer.tokens(s, |t| {
            let a = t.as_ptr() as usize - base;
            spans.push((a, a + t.len()));
        });
        for n in min_n..=max_n.min(spans.len()) {
            for w in spans.windows(n) {
                if n == 1 {
                    f(&s[w[0].0..w[0].1]);
                    continue;
                }
                joined.clear();
                for (k, &(a, b)) in w.iter().enumerate() {
                    if k > 0 {
                        joined.push(' ');
                    }
                    joined.push_str(&s[a..b]);
                }
                f(joined);
            }
        }
    }
}

/// Reusable buffers for [`Analyzer::terms`].
#[derive(Debug, Default)]
pub struct Scratch {
    lower: String,
    spans: Vec<(usize, usize)>,
    joined: String,
}

#[cfg(test)]
#[path = "tests/text.rs"]
mod tests;
