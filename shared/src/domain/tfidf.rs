//! The TF-IDF vectorizer: scikit-learn's `TfidfVectorizer` with the same vocabulary and the same
//! values (to float rounding), sparse from end to end.
//!
//! Fit: titles are analyzed ([`crate::text::Analyzer`]) in chunks taken in turn by one worker
//! per core, each worker counting into its own vocabulary; the workers' vocabularies are merged,
//! document and corpus frequencies summed, the vocabulary pruned (min_df, max_df, max_features,
//! as scikit-learn does) and sorted, and the idf is `ln((1 + n) / (1 + df)) + 1`. Rows are raw
//! counts (or `1 + ln(count)` with sublinear tf) times idf, l2-normalised. Memory is
//! proportional to the non-zeros and the vocabulary, never rows x vocabulary.

use crate::artifact::{self, Kind, Loaded};
use crate::error::{Error, Result};
use crate::sparse::Csr;
use crate::text::{Analyzer, Scratch, Tokenizer};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

mod interner;
use interner::{Interner, Table, Terms};

/// The vectorizer artifact's header: kind tag and format version.
pub const KIND: Kind = Kind {
    tag: "TFIDF",
    name: "vectorizer",
    version: 1,
};

/// Documents per parallel work item (fitting and transforming): small enough to keep every core
/// busy to the end; 1,024 to 4,096 made no difference to fitting the union set's 47k titles.
const CHUNK: usize = 2048;

/// A document-frequency bound as scikit-learn takes it: an integer is a count of documents, a
/// float a proportion of them.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum DocFreq {
    Count(u64),
    Proportion(f64),
}

impl DocFreq {
    /// The bound in documents for a corpus of `n_docs` (a proportion stays fractional, as in
    /// scikit-learn, where `max_df=0.5` keeps terms with `df <= 0.5 * n`).
    pub fn resolve(self, n_docs: usize) -> f64 {
        match self {
            DocFreq::Count(c) => c as f64,
            DocFreq::Proportion(p) => p * n_docs as f64,
        }
    }
}

impl std::str::FromStr for DocFreq {
    type Err = String;
    /// `5` is a count, `0.5` / `1.0` / `1e-3` a proportion (as Python's int vs float).
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let s = s.trim();
        if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
            let c: u64 = s.parse().map_err(|_| format!("{s:?} is too large"))?;
            if c == 0 {
                return Err("a document count must be at least 1 (use 0.0 for a proportion)".into());
            }
            return Ok(DocFreq::Count(c));
        }
        match s.parse::<f64>() {
            Ok(p) if (0.0..=1.0).contains(&p) => Ok(DocFreq::Proportion(p)),
            Ok(_) => Err(format!("{s:?}: a proportion must be within 0.0..=1.0")),
            Err(_) => Err(format!("{s:?} is neither a document count (5) nor a proportion (0.5)")),
        }
    }
}

impl fmt::Display for DocFreq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DocFreq::Count(c) => write!(f, "{c}"),
            DocFreq::Proportion(p) => write!(f, "{p:?}"),
        }
    }
}

/// What the vectorizer does; [`Settings::default`] is `TfidfVectorizer()`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub lowercase: bool,
    /// `None`: scikit-learn's default pattern with Python's `re` semantics. `Some`: a pattern
    /// for the regex crate.
    pub token_pattern: Option<String>,
    /// Inclusive word n-gram range.
    pub ngram: (usize, usize),
    pub min_df: DocFreq,
    pub max_df: DocFreq,
    pub max_features: Option<usize>,
    pub sublinear_tf: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            lowercase: true,
            token_pattern: None,
            ngram: (1, 1),
            min_df: DocFreq::Count(1),
            max_df: DocFreq::Proportion(1.0),
            max_features: None,
            sublinear_tf: false,
        }
    }
}

impl Settings {
    pub fn validate(&self) -> Result<()> {
        let (a, b) = self.ngram;
        if a < 1 || a > b {
            return Err(Error::new(format!("bad n-gram range {a},{b}: need 1 <= MIN <= MAX")));
        }
        if self.max_features == Some(0) {
            return Err(Error::new("max-features must be at least 1"));
        }
        for (name, d) in [("min-df", self.min_df), ("max-df", self.max_df)] {
            let ok = match d {
                DocFreq::Count(c) => c >= 1,
                DocFreq::Proportion(p) => (0.0..=1.0).contains(&p),
            };
            if !ok {
                return Err(Error::new(format!("bad {name} {d}")));
            }
        }
        Ok(())
    }

    pub fn analyzer(&self) -> Result<Analyzer> {
        Ok(Analyzer {
            lowercase: self.lowercase,
            tokenizer: Tokenizer::new(self.token_pattern.as_deref())?,
            ngram: self.ngram,
        })
    }
}

impl fmt::Display for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "lowercase={} token_pattern={} ngram={},{} min_df={} max_df={} max_features={} sublinear_tf={}",
            self.lowercase,
            self.token_pattern
                .as_deref()
                .unwrap_or(crate::text::DEFAULT_TOKEN_PATTERN),
            self.ngram.0,
            self.ngram.1,
            self.min_df,
            self.max_df,
            self.max_features.map_or("none".to_string(), |m| m.to_string()),
            self.sublinear_tf
        )
    }
}

/// A fitted vectorizer: settings, the sorted vocabulary (a term's index is its feature index)
/// and each term's idf.
#[derive(Debug, Serialize, Deserialize)]
pub struct Vectorizer {
    settings: Settings,
    n_docs: u64,
    vocabulary: Vocabulary,
    idf: Vec<f64>,
    #[serde(skip)]
    ready: OnceLock<Ready>,
}

/// Documents to vectorize, by index: a list of texts, or a column of titles as read (string
/// views into the file's pages, with no list of them made first: 0.5 ms and 760 kB of
/// 47k titles).
pub trait Texts: Sync {
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Document `i`; None for a null (an empty row).
    fn text(&self, i: usize) -> Option<&str>;
}

impl Texts for [Option<&str>] {
    fn len(&self) -> usize {
        <[Option<&str>]>::len(self)
    }
    fn text(&self, i: usize) -> Option<&str> {
        self[i]
    }
}

impl<const N: usize> Texts for [Option<&str>; N] {
    fn len(&self) -> usize {
        N
    }
    fn text(&self, i: usize) -> Option<&str> {
        self[i]
    }
}

impl Texts for Vec<Option<&str>> {
    fn len(&self) -> usize {
        self.as_slice().len()
    }
    fn text(&self, i: usize) -> Option<&str> {
        self[i]
    }
}

impl Texts for arrow::array::StringViewArray {
    fn len(&self) -> usize {
        arrow::array::Array::len(self)
    }
    fn text(&self, i: usize) -> Option<&str> {
        arrow::array::Array::is_valid(self, i).then(|| self.value(i))
    }
}

/// The documents of `texts` in chunks of CHUNK, in parallel.
fn chunks<T: Texts + ?Sized>(texts: &T) -> impl IndexedParallelIterator<Item = std::ops::Range<usize>> + '_ {
    let n = texts.len();
    (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .map(move |k| k * CHUNK..n.min((k + 1) * CHUNK))
}

/// A vectorizer's stored fields, borrowed: serialized, the same bytes as the [`Vectorizer`]
/// they belong to (the same fields in the same order), made before the vectorizer is whole.
#[derive(Serialize)]
struct Fields<'a> {
    settings: &'a Settings,
    n_docs: u64,
    vocabulary: &'a Vocabulary,
    idf: &'a [f64],
}

/// A vectorizer's artifact: its bytes, and their sha256 (the vectorizer's fingerprint).
pub struct Encoded {
    pub bytes: Vec<u8>,
    pub fingerprint: String,
}

/// What transform needs beyond the stored fields, built once.
#[derive(Debug)]
struct Ready {
    analyzer: Analyzer,
    /// The vocabulary's lookup table (its terms are distinct: a vocabulary read is checked
    /// sorted, a fitted one comes from an interner).
    table: Table,
}

/// The vocabulary in feature order: the terms back to back in one string (no allocation per
/// term when a vectorizer is read). The table transform looks terms up in is built with the
/// analyzer ([`Ready`]): writing a fitted vectorizer, or reading one for its terms (train
/// --vectorizer, the report), never needs it. Stored as a sequence of strings: the same bytes a
/// `Vec<String>` has.
#[derive(Debug)]
struct Vocabulary(Terms);

impl Vocabulary {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn terms(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.0.len() as u32).map(|i| self.0.get(i))
    }
}

impl PartialEq for Vocabulary {
    fn eq(&self, o: &Self) -> bool {
        self.terms().eq(o.terms())
    }
}

impl Serialize for Vocabulary {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.terms())
    }
}

impl<'de> Deserialize<'de> for Vocabulary {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        use serde::de::{DeserializeSeed, SeqAccess, Visitor};
        /// One term, appended as it is decoded (no `String` per term).
        struct Term<'a>(&'a mut Terms);
        impl<'de> DeserializeSeed<'de> for Term<'_> {
            type Value = ();
            fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
                d.deserialize_str(self)
            }
        }
        impl Visitor<'_> for Term<'_> {
            type Value = ();
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a term")
            }
            fn visit_str<E>(self, t: &str) -> std::result::Result<(), E> {
                self.0.push(t);
                Ok(())
            }
        }
        struct Seq;
        impl<'de> Visitor<'de> for Seq {
            type Value = Terms;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a sequence of terms")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Terms, A::Error> {
                // The hint comes from the file: capped so a damaged length cannot ask for memory.
                // Duplicates are found by the check that the terms are sorted.
                let mut terms = Terms::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 20));
                while seq.next_element_seed(Term(&mut terms))?.is_some() {}
                Ok(terms)
            }
        }
        d.deserialize_seq(Seq).map(Vocabulary)
    }
}

impl PartialEq for Vectorizer {
    fn eq(&self, o: &Self) -> bool {
        self.settings == o.settings && self.n_docs == o.n_docs && self.vocabulary == o.vocabulary && self.idf == o.idf
    }
}

impl Vectorizer {
    /// Learn the vocabulary and idf from `texts` (None = null title) and return the fitted
    /// vectorizer with the texts' TF-IDF rows (scikit-learn's `fit_transform`).
    pub fn fit<T: Texts + ?Sized>(texts: &T, settings: Settings) -> Result<(Vectorizer, Csr)> {
        Self::fit_inner(texts, settings, |_| ()).map(|(v, x, ())| (v, x))
    }

    /// [`Vectorizer::fit`], with the vectorizer's artifact (what [`Vectorizer::to_bytes`] gives)
    /// and its fingerprint made beside the rows, while the matrix is weighed, instead of after.
    pub fn fit_encoded<T: Texts + ?Sized>(texts: &T, settings: Settings) -> Result<(Vectorizer, Csr, Encoded)> {
        let (v, x, encoded) = Self::fit_inner(texts, settings, |fields| -> Result<Encoded> {
            let bytes = artifact::to_bytes(KIND, &fields)?;
            let fingerprint = crate::io::fingerprint(&bytes);
            Ok(Encoded { bytes, fingerprint })
        })?;
        Ok((v, x, encoded?))
    }

    /// The fit, and `encode` of the vectorizer's fields run beside the rows' weighing.
    fn fit_inner<T: Texts + ?Sized, R: Send>(
        texts: &T,
        settings: Settings,
        encode: impl FnOnce(Fields<'_>) -> R + Send,
    ) -> Result<(Vectorizer, Csr, R)> {
        settings.validate()?;
        if texts.is_empty() {
            return Err(Error::new("no documents to learn a vocabulary from (zero rows)"));
        }
        let analyzer = settings.analyzer()?;
        let n = texts.len();
        if n >= u32::MAX as usize {
            return Err(Error::new(format!(
                "{n} documents: a fit takes at most {} (split the corpus, or sample it)",
                u32::MAX - 1
            )));
        }
        // Every worker takes small chunks of titles in turn and counts them all into one
        // vocabulary of its own: the chunks keep the cores busy to the end, and only one
        // vocabulary per core is merged afterwards (a vocabulary per chunk repeated the common
        // terms in every chunk, and merging them on one thread was a sixth of the fit).
        let n_chunks = n.div_ceil(CHUNK);
        let workers = rayon::current_num_threads().clamp(1, n_chunks);
        let next = AtomicUsize::new(0);
        let counted: Vec<Counted> = (0..workers)
            .into_par_iter()
            .map(|_| {
                let mut c = Counted::new(n / workers, n);
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    if k >= n_chunks {
                        c.sort_terms();
                        break c;
                    }
                    c.count(&analyzer, texts, k);
                }
            })
            .collect();
        // The workers' sorted vocabularies merged into one, the matrix's memory touched on the
        // other core meanwhile (see `Room`).
        let entries = counted.iter().map(|c| c.entries.len()).sum();
        let (merged, room) = rayon::join(|| merge(&counted), || Room::touched(n, entries));
        let Merged { from, df, to_global } = merged;
        if from.is_empty() {
            return Err(Error::new(
                "empty vocabulary: no title has a token (of two or more word characters)",
            ));
        }
        let kept = prune(&df, || term_counts(&counted, &to_global, from.len()), n, &settings)?;
        let mut new_index = vec![u32::MAX; from.len()];
        let mut idf = Vec::with_capacity(kept.len());
        // Most terms are in a handful of titles: the idf of each small document frequency is
        // worked out once (the same value, bit for bit), not once per term (31,643 logarithms,
        // 0.25 ms with the other core idle).
        let mut by_df = [None; 64];
        for (i, &g) in kept.iter().enumerate() {
            new_index[g] = i as u32;
            let d = df[g];
            idf.push(match by_df.get_mut(d as usize) {
                Some(known) => *known.get_or_insert_with(|| smooth_idf(n, d)),
                None => smooth_idf(n, d),
            });
        }
        // Each chunk's local ids straight to feature indices (u32::MAX: pruned).
        let to_feature: Vec<Vec<u32>> = to_global
            .par_iter()
            .map(|remap| remap.iter().map(|&g| new_index[g as usize]).collect())
            .collect();
        drop(to_global);
        // The vocabulary (terms in feature order), and what `encode` makes of the vectorizer's
        // fields, are made beside the rows, which need neither.
        let ((vocabulary, encoded), x) = rayon::join(
            || {
                let mut vocabulary = Terms::with_capacity(kept.len());
                for &g in &kept {
                    let (w, id) = from[g];
                    vocabulary.push(counted[w as usize].terms.get(id));
                }
                let vocabulary = Vocabulary(vocabulary);
                let encoded = encode(Fields {
                    settings: &settings,
                    n_docs: n as u64,
                    vocabulary: &vocabulary,
                    idf: &idf,
                });
                (vocabulary, encoded)
            },
            || weigh_counted(&counted, &to_feature, &idf, kept.len(), n, settings.sublinear_tf, room),
        );
        drop((from, counted));
        let v = Vectorizer {
            settings,
            n_docs: n as u64,
            vocabulary,
            idf,
            ready: OnceLock::new(),
        };
        // The analyzer for transform is built on first use: fitting alone does not need it.
        Ok((v, x, encoded))
    }

    /// Read a vectorizer artifact (checked header, then checked contents).
    pub fn read(path: &str) -> Result<Loaded<Vectorizer>> {
        let loaded: Loaded<Vectorizer> = artifact::read(path, KIND)?;
        loaded.body.check().map_err(|e| e.context(&loaded.name))?;
        Ok(loaded)
    }

    /// Decode an artifact already in memory (header checked, contents checked).
    pub fn from_bytes(bytes: &[u8]) -> Result<Vectorizer> {
        let v: Vectorizer = artifact::from_bytes(bytes, KIND)?;
        v.check()?;
        Ok(v)
    }

    /// The artifact's bytes (header + body); its sha256 is the vectorizer's fingerprint.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        artifact::to_bytes(KIND, self)
    }

    /// Contents a transform can rely on: one idf per term, terms sorted and unique, a pattern
    /// that compiles. A file that passes the header check but fails here was tampered with.
    fn check(&self) -> Result<()> {
        let bad = |why: String| Error::new(format!("vectorizer file is corrupt: {why}"));
        self.settings.validate().map_err(|e| bad(e.to_string()))?;
        if self.vocabulary.len() != self.idf.len() {
            return Err(bad(format!(
                "{} terms but {} idf values",
                self.vocabulary.len(),
                self.idf.len()
            )));
        }
        if u32::try_from(self.vocabulary.len()).is_err() {
            return Err(bad("too many terms".into()));
        }
        if let Some((a, t)) = self
            .vocabulary
            .terms()
            .zip(self.vocabulary.terms().skip(1))
            .find(|(a, b)| a >= b)
        {
            return Err(bad(if a == t {
                format!("the term {t:?} appears twice in the vocabulary")
            } else {
                format!("vocabulary not sorted at {t:?}")
            }));
        }
        if let Some(x) = self.idf.iter().find(|x| !x.is_finite() || **x < 1.0) {
            return Err(bad(format!("idf value {x}")));
        }
        // Only check that the pattern compiles: the analyzer is built on first transform, so
        // reading a vectorizer just for its terms (train --vectorizer, vocabulary) stays cheap.
        self.settings.analyzer().map_err(|e| bad(e.to_string()))?;
        Ok(())
    }

    fn ready(&self) -> &Ready {
        self.ready.get_or_init(|| {
            // A silently different tokenizer would give wrong features: there is none to fall
            // back to, and none is needed.
            let analyzer = self.settings.analyzer().expect("pattern checked by fit and read"); // ok: fit() and check() compile it before any transform
            Ready {
                analyzer,
                table: Table::of(&self.vocabulary.0),
            }
        })
    }

    /// Build what transforming needs now rather than on the first transform: a tool calls it
    /// beside its other reading, so the lookup table is not built while every core waits.
    pub fn prepare(&self) {
        self.ready();
    }

    pub fn n_features(&self) -> usize {
        self.vocabulary.len()
    }

    /// The term of a feature index (for feature-importance reports).
    pub fn term(&self, index: u32) -> Option<&str> {
        (index < self.vocabulary.len() as u32).then(|| self.vocabulary.0.get(index))
    }

    /// The feature index of a term, if it is in the vocabulary.
    pub fn index_of(&self, term: &str) -> Option<u32> {
        self.ready().table.find(&self.vocabulary.0, term)
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// How many documents the vocabulary was learned from.
    pub fn n_docs(&self) -> u64 {
        self.n_docs
    }

    /// The terms in feature order.
    pub fn vocabulary(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.vocabulary.terms()
    }

    pub fn idf(&self) -> &[f64] {
        &self.idf
    }

    /// TF-IDF rows for texts (None = null title = empty row). Terms not in the vocabulary are
    /// ignored. Never densifies.
    pub fn transform<T: Texts + ?Sized>(&self, texts: &T) -> Csr {
        let parts: Vec<Rows> = chunks(texts).map(|docs| self.rows_of(texts, docs)).collect();
        Rows::concat(parts, self.n_features())
    }

    /// `f` of the TF-IDF rows of `texts`, taken a chunk of rows at a time in parallel, what it
    /// returns for each chunk joined in order. For a caller that only reads the rows
    /// (predicting): they are used while still in cache, and never copied into one matrix,
    /// which `predict` did on one thread while the other waited.
    pub fn transform_each<T: Texts + ?Sized, R: Send>(&self, texts: &T, f: impl Fn(&Csr) -> Vec<R> + Sync) -> Vec<R> {
        let parts: Vec<Vec<R>> = chunks(texts)
            .map(|docs| f(&self.rows_of(texts, docs).into_csr(self.n_features())))
            .collect();
        parts.into_iter().flatten().collect()
    }

    /// The weighted rows of documents `docs` of `texts`.
    fn rows_of<T: Texts + ?Sized>(&self, texts: &T, docs: std::ops::Range<usize>) -> Rows {
        let ready = self.ready();
        let (table, terms) = (&ready.table, &self.vocabulary.0);
        let sublinear = self.settings.sublinear_tf;
        let mut rows = Rows::default();
        let mut scratch = Scratch::default();
        let (mut ids, mut counts) = (Vec::new(), Vec::new());
        for doc in docs {
            ids.clear();
            if let Some(text) = texts.text(doc) {
                ready.analyzer.terms(text, &mut scratch, |t| {
                    if let Some(i) = table.find(terms, t) {
                        ids.push(i);
                    }
                });
            }
            run_lengths(&mut ids, &mut counts);
            rows.push(&counts, &self.idf, sublinear);
        }
        rows
    }
}

/// `ln((1 + n) / (1 + df)) + 1`, computed in the order scikit-learn computes it.
fn smooth_idf(n_docs: usize, df: u64) -> f64 {
    ((n_docs as f64 + 1.0) / (df as f64 + 1.0)).ln() + 1.0
}

/// The chunks of documents one worker counted, against the worker's own vocabulary.
struct Counted {
    /// Local term id -> term.
    terms: Interner,
    /// Per term id: documents it is in. The term's count over them is only wanted to cut the
    /// vocabulary to `max_features`, and is then summed from `entries` ([`term_counts`]):
    /// counting it per token kept one more array in the cache and one more write in the loop.
    df: Vec<u32>,
    /// The chunks counted, in the order counted: (chunk index, where its documents start in
    /// `indptr`).
    parts: Vec<(usize, usize)>,
    /// Document i (of this worker, in the order counted) has the (term id, count) pairs
    /// `entries[indptr[i]..indptr[i + 1]]`.
    indptr: Vec<usize>,
    entries: Vec<(u32, u32)>,
    /// Per term id: the last document (index + 1 in the corpus) it was seen in, and where its
    /// entry is among that document's (an offset within one title, never near `u32::MAX`
    /// however many entries the worker holds). A document's terms are counted in place, in
    /// order of first sight (the rows are sorted later, after the ids are renumbered): sorting
    /// each title's ids to count them was a tenth of the whole process.
    /// Stamps in four bytes (`fit` refuses 2^32 - 1 documents or more): the counting loop's
    /// arrays are what misses the cache.
    last_doc: Vec<u32>,
    entry_of: Vec<u32>,
    scratch: Scratch,
    /// The terms in order (bytes compared, which is the order of their code points, as
    /// scikit-learn sorts its vocabulary).
    order: Vec<Sorted>,
}

/// A worker's term as it is sorted and merged: its first eight bytes as a big-endian number
/// (zeros after a shorter one), its id and its length. Two keys in order are two terms in
/// order, and equal keys of terms no longer than eight bytes hold them whole, so only terms
/// that share their first eight bytes are compared as strings: the others are compared without
/// reading their bytes, which lie scattered in first-seen order (a cache miss each).
#[derive(Clone, Copy)]
struct Sorted {
    key: u64,
    id: u32,
    len: u32,
}

impl Sorted {
    fn of(terms: &Interner, id: u32) -> Sorted {
        let b = terms.get(id).as_bytes();
        let mut w = [0u8; 8];
        let k = b.len().min(8);
        w[..k].copy_from_slice(&b[..k]);
        let len = u32::try_from(b.len()).unwrap_or(u32::MAX);
        Sorted {
            key: u64::from_be_bytes(w),
            id,
            len,
        }
    }

    /// How term `self` of `mine` compares with term `other` of `theirs`.
    #[inline]
    fn cmp(self, mine: &Interner, other: Sorted, theirs: &Interner) -> std::cmp::Ordering {
        self.key.cmp(&other.key).then_with(|| {
            if self.len <= 8 && other.len <= 8 {
                // Both whole in their equal keys: the shorter is the other's start.
                self.len.cmp(&other.len)
            } else {
                mine.get(self.id).cmp(theirs.get(other.id))
            }
        })
    }
}

impl Counted {
    /// A worker's counts: its vocabulary sized for its share of the corpus (`docs` documents),
    /// its documents' arrays for all of it (`all`), so neither grows.
    fn new(docs: usize, all: usize) -> Counted {
        // Titles bring about one new term per title to a vocabulary of tens of thousands (31,643
        // in the union set's 47k), and about eight distinct terms each: sized for that, the
        // table is not zeroed and refilled while it grows, nor the entries copied. The
        // documents' arrays have room for all of them: a worker may count most of the corpus
        // (the other core still hashing the input file), and room never written to is address
        // space, not memory.
        let terms = docs.max(CHUNK);
        let mut indptr = Vec::with_capacity(all + 1);
        indptr.push(0);
        Counted {
            terms: Interner::with_capacity(terms),
            df: Vec::with_capacity(terms),
            parts: Vec::new(),
            indptr,
            entries: Vec::with_capacity(all * 8),
            last_doc: Vec::with_capacity(terms),
            entry_of: Vec::with_capacity(terms),
            scratch: Scratch::default(),
            order: Vec::new(),
        }
    }

    /// Put this worker's term ids in the terms' order ([`Counted::order`]), on the worker's own
    /// core once its counting is done.
    fn sort_terms(&mut self) {
        let terms = &self.terms;
        let mut order: Vec<Sorted> = (0..terms.len() as u32).map(|id| Sorted::of(terms, id)).collect();
        order.sort_unstable_by(|a, b| a.cmp(terms, *b, terms));
        self.order = order;
    }

    /// Count chunk `k` of `texts` (documents `k * CHUNK ..`).
    fn count<T: Texts + ?Sized>(&mut self, analyzer: &Analyzer, texts: &T, k: usize) {
        let first = k * CHUNK;
        let docs = first..(first + CHUNK).min(texts.len());
        self.parts.push((k, self.indptr.len() - 1));
        let Counted {
            terms,
            df,
            indptr,
            entries,
            last_doc,
            entry_of,
            scratch,
            ..
        } = self;
        for doc in docs {
            if let Some(text) = texts.text(doc) {
                // Below u32::MAX: `fit` refuses more documents.
                let stamp = doc as u32 + 1;
                let start = entries.len();
                analyzer.terms(text, scratch, |t| {
                    let id = terms.intern(t) as usize;
                    if id >= last_doc.len() {
                        last_doc.resize(id + 1, 0);
                        entry_of.resize(id + 1, 0);
                        df.resize(id + 1, 0);
                    }
                    if last_doc[id] == stamp {
                        entries[start + entry_of[id] as usize].1 += 1;
                    } else {
                        last_doc[id] = stamp;
                        df[id] += 1;
                        entry_of[id] = (entries.len() - start) as u32;
                        entries.push((id as u32, 1));
                    }
                });
            }
            indptr.push(entries.len());
        }
    }
}

/// The workers' vocabularies as one, in the terms' order (see [`merge`]).
struct Merged {
    /// Per global term, in order: the worker and local id it is read from.
    from: Vec<(u32, u32)>,
    /// Per global term: the documents it is in.
    df: Vec<u64>,
    /// Per worker: its local ids' global ones (the entries keep their worker's ids, mapped
    /// straight to feature indices later).
    to_global: Vec<Vec<u32>>,
}

/// Each worker's vocabulary is sorted already ([`Counted::sort_terms`]), so one pass over them
/// all, taking the smallest term at their heads, lists every distinct term once in order.
/// Interning one worker's terms into another's vocabulary and then sorting the result took
/// 1.4 + 1.4 ms after the counting (the union set's 47k titles); the workers' own sorts take
/// 0.8 ms on their cores and this pass 1.0-1.3 ms, beside the matrix's room being touched:
/// `fit` 28.0 -> 27.5 ms (medians of 61 alternated runs).
fn merge(counted: &[Counted]) -> Merged {
    let mut at = vec![0usize; counted.len()];
    let mut to_global: Vec<Vec<u32>> = counted.iter().map(|c| vec![0; c.terms.len()]).collect();
    let most = counted.iter().map(|c| c.terms.len()).max().unwrap_or(0);
    let (mut from, mut df) = (Vec::with_capacity(most), Vec::with_capacity(most));
    let head = |w: usize, at: &[usize]| counted[w].order.get(at[w]).copied();
    loop {
        // The first worker whose head is smallest; workers before it hold larger ones.
        let mut best: Option<(usize, Sorted)> = None;
        for w in 0..counted.len() {
            if let Some(t) = head(w, &at)
                && best.is_none_or(|(b, top)| t.cmp(&counted[w].terms, top, &counted[b].terms).is_lt())
            {
                best = Some((w, t));
            }
        }
        let Some((first, top)) = best else { break };
        let g = from.len() as u32;
        let mut docs = 0u64;
        for w in first..counted.len() {
            if let Some(t) = head(w, &at)
                && (w == first || t.cmp(&counted[w].terms, top, &counted[first].terms).is_eq())
            {
                to_global[w][t.id as usize] = g;
                docs += counted[w].df[t.id as usize] as u64;
                at[w] += 1;
            }
        }
        from.push((first as u32, top.id));
        df.push(docs);
    }
    Merged { from, df, to_global }
}

/// Each global term's count over the whole corpus, summed from the workers' entries.
fn term_counts(counted: &[Counted], to_global: &[Vec<u32>], n_terms: usize) -> Vec<u64> {
    let mut tf = vec![0u64; n_terms];
    for (c, remap) in counted.iter().zip(to_global) {
        for &(id, count) in &c.entries {
            tf[remap[id as usize] as usize] += count as u64;
        }
    }
    tf
}

/// The matrix's arrays for `rows` rows and up to `entries` non-zeros, every page already
/// written: a first touch of a page costs ~2 µs here, and the 800 pages of 47k titles' rows
/// were a fifth of weighing them. Touched on one core while the vocabularies are merged on
/// the other: for 47k titles the two take about as long (1.5 ms each), so neither core waits
/// there, and a merge split across both cores only moved this work (BENCHMARKS, twelfth round).
struct Room {
    indptr: Vec<usize>,
    indices: Vec<u32>,
    values: Vec<f32>,
}

impl Room {
    fn touched(rows: usize, entries: usize) -> Room {
        // `resize` writes every element (a zeroed `vec!` would leave the pages untouched).
        let mut room = Room {
            indptr: Vec::with_capacity(rows + 1),
            indices: Vec::with_capacity(entries),
            values: Vec::with_capacity(entries),
        };
        room.indptr.resize(rows + 1, 0);
        room.indices.resize(entries, 0);
        room.values.resize(entries, 0.0);
        room
    }
}

/// The TF-IDF matrix of the workers' counts, `to_feature[w]` mapping worker w's term ids to
/// feature indices. Each chunk's rows go straight into their place in the matrix: the non-zeros
/// a chunk keeps are counted first, so the chunks fill disjoint slices in parallel and nothing
/// is concatenated (a copy of every non-zero) afterwards.
fn weigh_counted(
    counted: &[Counted],
    to_feature: &[Vec<u32>],
    idf: &[f64],
    n_cols: usize,
    n_rows: usize,
    sublinear: bool,
    room: Room,
) -> Csr {
    // Every chunk in corpus order: (chunk index, worker, its documents' offsets into the
    // worker's entries).
    let mut parts: Vec<(usize, usize, &[usize])> = Vec::new();
    for (w, c) in counted.iter().enumerate() {
        for (i, &(k, at)) in c.parts.iter().enumerate() {
            let end = c.parts.get(i + 1).map_or(c.indptr.len() - 1, |p| p.1);
            parts.push((k, w, &c.indptr[at..=end]));
        }
    }
    parts.sort_unstable_by_key(|p| p.0);
    // With every term kept (the default), a chunk keeps all its entries: no pass to count them.
    let all_kept = to_feature.iter().flatten().all(|&f| f != u32::MAX);
    let kept_nnz: Vec<usize> = parts
        .par_iter()
        .map(|&(_, w, ptr)| {
            let (f, entries) = (&to_feature[w], &counted[w].entries[ptr[0]..ptr[ptr.len() - 1]]);
            if all_kept {
                entries.len()
            } else {
                entries.iter().filter(|e| f[e.0 as usize] != u32::MAX).count()
            }
        })
        .collect();
    let nnz: usize = kept_nnz.iter().sum();
    // The room is sized for every entry; pruned terms leave fewer.
    let Room {
        indptr,
        mut indices,
        mut values,
    } = room;
    indices.resize(nnz, 0);
    values.resize(nnz, 0.0);
    let mut x = Csr {
        n_cols,
        indptr,
        indices,
        values,
    };
    let mut places = Vec::with_capacity(parts.len());
    let (mut ix, mut vs, mut ends) = (&mut x.indices[..], &mut x.values[..], &mut x.indptr[1..]);
    for (&(_, _, ptr), &k) in parts.iter().zip(&kept_nnz) {
        let (a, rest_ix) = ix.split_at_mut(k);
        let (b, rest_vs) = vs.split_at_mut(k);
        let (e, rest_ends) = ends.split_at_mut(ptr.len() - 1);
        places.push((a, b, e));
        (ix, vs, ends) = (rest_ix, rest_vs, rest_ends);
    }
    parts.par_iter().zip(places).for_each(|(&(_, w, ptr), (ix, vs, ends))| {
        let (entries, feature) = (&counted[w].entries, &to_feature[w]);
        let (mut counts, mut sorted, mut weights) = (Vec::new(), Vec::new(), Vec::new());
        let mut at = 0;
        for (end, doc) in ends.iter_mut().zip(ptr.windows(2)) {
            counts.clear();
            counts.extend(
                entries[doc[0]..doc[1]]
                    .iter()
                    .map(|&(id, k)| (feature[id as usize], k))
                    .filter(|e| e.0 != u32::MAX),
            );
            sort_by_feature(&counts, &mut sorted);
            let len = sorted.len();
            weigh(
                &sorted,
                idf,
                sublinear,
                &mut weights,
                &mut ix[at..at + len],
                &mut vs[at..at + len],
            );
            at += len;
            // Each row's length for now; the running sum below makes them offsets.
            *end = len;
        }
    });
    for r in 1..=n_rows {
        x.indptr[r] += x.indptr[r - 1];
    }
    x
}

/// Rows up to this long are sorted by rank (see [`sort_by_feature`]).
const RANKED: usize = 32;

/// `row`'s (feature, count) pairs into `out`, ascending by feature; the features are distinct.
/// A short row, nearly every title's, is placed by each pair's rank: how many features are
/// smaller, counted without a branch over the features side by side (the compiler vectorises
/// it). An insertion sort of a title's ~8 pairs mispredicted about every other comparison and
/// was a twentieth of `vectorize fit`'s CPU.
fn sort_by_feature(row: &[(u32, u32)], out: &mut Vec<(u32, u32)>) {
    out.clear();
    let n = row.len();
    if n > RANKED {
        out.extend_from_slice(row);
        out.sort_unstable_by_key(|&(f, _)| f);
        return;
    }
    let mut features = [0u32; RANKED];
    for (f, &(g, _)) in features.iter_mut().zip(row) {
        *f = g;
    }
    let features = &features[..n];
    out.resize(n, (0, 0));
    for &(f, c) in row {
        let rank: usize = features.iter().map(|&g| usize::from(g < f)).sum();
        out[rank] = (f, c);
    }
}

/// Sort `ids` and count repeats into `(id, count)` pairs, ascending by id.
fn run_lengths(ids: &mut [u32], counts: &mut Vec<(u32, u32)>) {
    ids.sort_unstable();
    counts.clear();
    for &i in ids.iter() {
        match counts.last_mut() {
            Some((last, c)) if *last == i => *c += 1,
            _ => counts.push((i, 1)),
        }
    }
}

/// The kept term ids, in vocabulary (sorted-term) order: scikit-learn's `_limit_features`.
/// `tf` gives each term's count over the corpus, asked for only when `max_features` cuts.
fn prune(df: &[u64], tf: impl FnOnce() -> Vec<u64>, n_docs: usize, s: &Settings) -> Result<Vec<usize>> {
    let high = s.max_df.resolve(n_docs);
    let low = s.min_df.resolve(n_docs);
    if low > n_docs as f64 {
        return Err(Error::new(format!(
            "min-df {} asks for terms in more documents than there are ({n_docs}): give a count up to {n_docs} or a proportion such as 0.01",
            s.min_df
        )));
    }
    if high < low {
        return Err(Error::new(format!(
            "max-df {} corresponds to fewer documents than min-df {} ({high} < {low} of {n_docs})",
            s.max_df, s.min_df
        )));
    }
    // The global terms are in order already (see `merge`): the survivors stay in it.
    let mut kept: Vec<usize> = (0..df.len())
        .filter(|&g| (df[g] as f64) <= high && (df[g] as f64) >= low)
        .collect();
    if let Some(limit) = s.max_features
        && kept.len() > limit
    {
        // The most frequent terms in the corpus; ties keep vocabulary order (a stable sort).
        let tf = tf();
        let mut by_tf = kept.clone();
        by_tf.sort_by(|&a, &b| tf[b].cmp(&tf[a]));
        by_tf.truncate(limit);
        let mut keep = vec![false; df.len()];
        by_tf.iter().for_each(|&g| keep[g] = true);
        kept.retain(|&g| keep[g]);
    }
    if kept.is_empty() {
        return Err(Error::new(
            "after pruning, no terms remain: try a lower min-df or a higher max-df",
        ));
    }
    Ok(kept)
}

/// One row from `(feature, count)` pairs ascending by feature: tf (raw or sublinear) times idf,
/// l2-normalised in f64, stored as f32 into `indices` and `values` (each `counts.len()` long).
/// `weights` is scratch.
fn weigh(
    counts: &[(u32, u32)],
    idf: &[f64],
    sublinear: bool,
    weights: &mut Vec<f64>,
    indices: &mut [u32],
    values: &mut [f32],
) {
    weights.clear();
    let mut sq = 0.0f64;
    for &(i, c) in counts {
        let tf = if sublinear { (c as f64).ln() + 1.0 } else { c as f64 };
        let w = tf * idf[i as usize];
        sq += w * w;
        weights.push(w);
    }
    let norm = sq.sqrt();
    let norm = if norm == 0.0 { 1.0 } else { norm };
    for ((slot, &(i, _)), (v, &w)) in indices
        .iter_mut()
        .zip(counts)
        .zip(values.iter_mut().zip(weights.iter()))
    {
        *slot = i;
        *v = (w / norm) as f32;
    }
}

/// Weighted rows being built by one worker of `transform` (which cannot know the row sizes
/// before it has looked the terms up).
#[derive(Default)]
struct Rows {
    lens: Vec<usize>,
    indices: Vec<u32>,
    values: Vec<f32>,
    weights: Vec<f64>,
}

impl Rows {
    /// Append a row from `(feature, count)` pairs ascending by feature (see [`weigh`]).
    fn push(&mut self, counts: &[(u32, u32)], idf: &[f64], sublinear: bool) {
        let (from, len) = (self.indices.len(), counts.len());
        self.indices.resize(from + len, 0);
        self.values.resize(from + len, 0.0);
        weigh(
            counts,
            idf,
            sublinear,
            &mut self.weights,
            &mut self.indices[from..],
            &mut self.values[from..],
        );
        self.lens.push(len);
    }

    /// The rows as a matrix of their own (the vectors moved, not copied).
    fn into_csr(self, n_cols: usize) -> Csr {
        let mut indptr = Vec::with_capacity(self.lens.len() + 1);
        indptr.push(0);
        let mut end = 0;
        for len in self.lens {
            end += len;
            indptr.push(end);
        }
        Csr {
            n_cols,
            indptr,
            indices: self.indices,
            values: self.values,
        }
    }

    fn concat(parts: Vec<Rows>, n_cols: usize) -> Csr {
        let rows = parts.iter().map(|p| p.lens.len()).sum();
        let nnz = parts.iter().map(|p| p.indices.len()).sum();
        let mut x = Csr::with_capacity(n_cols, rows, nnz);
        for p in parts {
            x.indices.extend_from_slice(&p.indices);
            x.values.extend_from_slice(&p.values);
            let mut end = *x.indptr.last().unwrap_or(&0);
            for len in p.lens {
                end += len;
                x.indptr.push(end);
            }
        }
        x
    }
}

#[cfg(test)]
#[path = "tests/tfidf.rs"]
mod tests;
