use super::*;

fn docs<'a>(v: &'a [&'a str]) -> Vec<Option<&'a str>> {
    v.iter().map(|s| Some(*s)).collect()
}

/// The committed fixture: scikit-learn's output on hard titles (scripts/make-tfidf-fixture.py).
pub(crate) fn sklearn_fixture() -> serde_json::Value {
    serde_json::from_str(include_str!("../../../testdata/tfidf-sklearn.json")).unwrap()
}

/// scikit-learn's keyword arguments as our settings.
pub(crate) fn settings_from_sklearn(kw: &serde_json::Value) -> Settings {
    let df = |v: &serde_json::Value| match v.as_u64() {
        Some(c) => DocFreq::Count(c),
        None => DocFreq::Proportion(v.as_f64().unwrap()),
    };
    let mut s = Settings::default();
    for (k, v) in kw.as_object().unwrap() {
        match k.as_str() {
            "ngram_range" => s.ngram = (v[0].as_u64().unwrap() as usize, v[1].as_u64().unwrap() as usize),
            "min_df" => s.min_df = df(v),
            "max_df" => s.max_df = df(v),
            "max_features" => s.max_features = Some(v.as_u64().unwrap() as usize),
            "sublinear_tf" => s.sublinear_tf = v.as_bool().unwrap(),
            "lowercase" => s.lowercase = v.as_bool().unwrap(),
            "token_pattern" => s.token_pattern = Some(v.as_str().unwrap().to_string()),
            _ => panic!("fixture setting {k} not mapped"),
        }
    }
    s
}

pub(crate) fn assert_rows_match(case: &str, x: &Csr, want: &serde_json::Value) {
    let want = want.as_array().unwrap();
    assert_eq!(x.n_rows(), want.len(), "{case}: rows");
    for (r, w) in want.iter().enumerate() {
        let (idx, val) = x.row(r);
        let wi: Vec<u32> = w[0]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as u32)
            .collect();
        assert_eq!(idx, &wi[..], "{case}: row {r} indices");
        for (k, wv) in w[1].as_array().unwrap().iter().enumerate() {
            let wv = wv.as_f64().unwrap();
            assert!(
                (val[k] as f64 - wv).abs() < 1e-6,
                "{case}: row {r}: {} vs sklearn {wv}",
                val[k]
            );
        }
    }
}

#[test]
fn equals_scikit_learn_on_the_fixture() {
    let fx = sklearn_fixture();
    let strs = |k: &str| -> Vec<String> {
        fx[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    let (titles, unseen) = (strs("titles"), strs("unseen"));
    let titles: Vec<Option<&str>> = titles.iter().map(|s| Some(s.as_str())).collect();
    let unseen: Vec<Option<&str>> = unseen.iter().map(|s| Some(s.as_str())).collect();
    let cases = fx["cases"].as_array().unwrap();
    assert!(cases.len() >= 8);
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let (v, x) = Vectorizer::fit(&titles, settings_from_sklearn(&c["settings"])).unwrap();
        let vocab: Vec<&str> = c["vocabulary"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert_eq!(v.vocabulary().collect::<Vec<_>>(), &vocab[..], "{name}: vocabulary");
        for (i, w) in c["idf"].as_array().unwrap().iter().enumerate() {
            assert!(
                (v.idf()[i] - w.as_f64().unwrap()).abs() < 1e-9,
                "{name}: idf of {}",
                vocab[i]
            );
        }
        assert_rows_match(name, &x, &c["fit_rows"]);
        assert_rows_match(name, &v.transform(&unseen), &c["transform_rows"]);
    }
}

#[test]
fn small_corpus_by_hand() {
    let texts = docs(&["the cat", "the dog dog", ""]);
    let (v, x) = Vectorizer::fit(&texts, Settings::default()).unwrap();
    assert_eq!(v.vocabulary().collect::<Vec<_>>(), ["cat", "dog", "the"]);
    let idf = |df: f64| (4.0f64 / (1.0 + df)).ln() + 1.0;
    assert!((v.idf()[0] - idf(1.0)).abs() < 1e-12);
    assert!((v.idf()[2] - idf(2.0)).abs() < 1e-12);
    let (c, t) = (idf(1.0), idf(2.0));
    let n = (c * c + t * t).sqrt();
    assert!((x.get(0, 0) as f64 - c / n).abs() < 1e-6);
    assert!((x.get(0, 2) as f64 - t / n).abs() < 1e-6);
    let (d, n) = (2.0 * idf(1.0), ((2.0 * idf(1.0)).powi(2) + t * t).sqrt());
    assert!((x.get(1, 1) as f64 - d / n).abs() < 1e-6);
    assert_eq!(x.row(2).0.len(), 0);
    // transform of the training texts equals fit's rows; unseen terms are ignored.
    assert_eq!(v.transform(&texts), x);
    let y = v.transform(&[Some("a zebra and a cat"), None]);
    assert_eq!(y.row(0).0, &[0]);
    assert!((y.row(0).1[0] - 1.0).abs() < 1e-7);
    assert_eq!(y.row(1).0.len(), 0);
    assert_eq!(v.term(1), Some("dog"));
    assert_eq!(v.term(3), None);
}

#[test]
fn many_chunks_equal_one() {
    let words = ["alpha", "beta", "gamma", "delta", "eps"];
    let owned: Vec<String> = (0..5000)
        .map(|i| format!("{} {} {}", words[i % 5], words[(i / 5) % 5], words[(i * 7) % 5]))
        .collect();
    let texts: Vec<Option<&str>> = owned.iter().map(|s| Some(s.as_str())).collect();
    let (v, x) = Vectorizer::fit(&texts, Settings::default()).unwrap();
    assert_eq!(
        v.vocabulary().collect::<Vec<_>>(),
        ["alpha", "beta", "delta", "eps", "gamma"]
    );
    assert_eq!(x.n_rows(), 5000);
    assert_eq!(v.transform(&texts), x);
    // A chunk at a time, in order, each chunk's rows as the whole matrix has them.
    let rows = v.transform_each(&texts, |part| {
        (0..part.n_rows())
            .map(|r| (part.row(r).0.to_vec(), part.row(r).1.to_vec()))
            .collect()
    });
    assert_eq!(rows.len(), 5000);
    for (r, (indices, values)) in rows.iter().enumerate() {
        assert_eq!((indices.as_slice(), values.as_slice()), x.row(r), "row {r}");
    }
}

/// Workers count chunks into vocabularies of their own, each worker a different set of chunks
/// (whichever it takes next): however the chunks fall, the fit is the one a single worker makes.
#[test]
fn any_number_of_workers_fits_the_same() {
    // A term in every title, one in every 37th, one per block of 1,500 titles (so the workers'
    // vocabularies differ), one per title; and null titles.
    let owned: Vec<Option<String>> = (0..7000)
        .map(|i| (i % 11 != 5).then(|| format!("all w{} block{} only{i} all", i % 37, i / 1500)))
        .collect();
    let texts: Vec<Option<&str>> = owned.iter().map(|s| s.as_deref()).collect();
    let fit_on = |threads, settings: &Settings| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| Vectorizer::fit(&texts, settings.clone()).unwrap())
    };
    // Pruned too: the terms of one title and the term of nearly all go.
    let pruned = Settings {
        min_df: DocFreq::Count(2),
        max_df: DocFreq::Proportion(0.9),
        ..Default::default()
    };
    let (p1, px1) = fit_on(1, &pruned);
    assert_eq!(p1.n_features(), 37 + 5);
    assert_eq!(px1.nnz(), 2 * texts.iter().flatten().count());
    let (one, x1) = fit_on(1, &Settings::default());
    for threads in [2, 3, 8] {
        let (v, x) = fit_on(threads, &Settings::default());
        assert!(v == one, "{threads} workers");
        assert_eq!(x, x1, "{threads} workers");
        let (v, x) = fit_on(threads, &pruned);
        assert!(v == p1, "{threads} workers, pruned");
        assert_eq!(x, px1, "{threads} workers, pruned");
    }
    // Cut to the ten most frequent terms: each term's count summed across the workers decides
    // (the blocks' terms span chunks that different workers take).
    let cut = Settings {
        max_features: Some(10),
        ..Default::default()
    };
    let (c1, cx1) = fit_on(1, &cut);
    assert_eq!(c1.n_features(), 10);
    for t in ["all", "block0", "block1", "block2", "block3", "block4"] {
        assert!(c1.index_of(t).is_some(), "{t} kept");
    }
    for threads in [2, 3, 8] {
        let (v, x) = fit_on(threads, &cut);
        assert!(v == c1, "{threads} workers, cut");
        assert_eq!(x, cx1, "{threads} workers, cut");
    }
    // Document frequencies summed across workers: idf = ln((1 + n) / (1 + df)) + 1.
    let n = texts.iter().filter(|t| t.is_some()).count();
    let idf = |t: &str| one.idf()[one.index_of(t).unwrap() as usize];
    let expect = |df: usize| ((7000.0 + 1.0) / (df as f64 + 1.0)).ln() + 1.0;
    assert_eq!(idf("all"), expect(n));
    let block1 = (1500..3000).filter(|i| i % 11 != 5).count();
    assert_eq!(idf("block1"), expect(block1));
    assert_eq!(idf("only12"), expect(1));
    assert_eq!(one.n_features(), 1 + 37 + 5 + n);
    // Row 0: "all" twice, each other term once.
    let (cols, vals) = x1.row(0);
    let all = one.index_of("all").unwrap();
    let at = cols.iter().position(|&c| c == all).unwrap();
    let (wa, wo) = (2.0 * idf("all"), idf("only0"));
    assert!(
        (vals[at] as f64 - wa / (wa * wa + wo * wo + idf("w0").powi(2) + idf("block0").powi(2)).sqrt()).abs() < 1e-6
    );
}

#[test]
fn pruning_and_errors() {
    let texts = docs(&["aa bb cc", "aa bb", "aa", "dd dd dd"]);
    let s = Settings {
        min_df: DocFreq::Count(2),
        max_df: DocFreq::Proportion(0.5),
        ..Default::default()
    };
    let (v, _) = Vectorizer::fit(&texts, s).unwrap();
    assert_eq!(v.vocabulary().collect::<Vec<_>>(), ["bb"]);
    let s = Settings {
        max_features: Some(2),
        ..Default::default()
    };
    // tf: aa 3, dd 3, bb 2, cc 1.
    let (v, _) = Vectorizer::fit(&texts, s).unwrap();
    assert_eq!(v.vocabulary().collect::<Vec<_>>(), ["aa", "dd"]);
    let s = Settings {
        min_df: DocFreq::Count(3),
        max_df: DocFreq::Count(2),
        ..Default::default()
    };
    assert!(Vectorizer::fit(&texts, s).is_err());
    let s = Settings {
        min_df: DocFreq::Count(4),
        ..Default::default()
    };
    let e = Vectorizer::fit(&texts, s).unwrap_err();
    assert!(e.to_string().contains("no terms remain"), "{e}");
    let none: [Option<&str>; 0] = [];
    assert!(Vectorizer::fit(&none, Settings::default()).is_err());
    assert!(Vectorizer::fit(&docs(&["a b", ""]), Settings::default()).is_err());
}

#[test]
fn doc_freq_parsing() {
    assert_eq!("5".parse::<DocFreq>(), Ok(DocFreq::Count(5)));
    assert_eq!("1.0".parse::<DocFreq>(), Ok(DocFreq::Proportion(1.0)));
    assert_eq!("1e-1".parse::<DocFreq>(), Ok(DocFreq::Proportion(0.1)));
    assert!("0".parse::<DocFreq>().is_err());
    assert!("1.5".parse::<DocFreq>().is_err());
    assert!("x".parse::<DocFreq>().is_err());
}

#[test]
fn artifact_round_trip_and_refusals() {
    let s = Settings {
        ngram: (1, 2),
        sublinear_tf: true,
        ..Default::default()
    };
    let titles = docs(&["Show HN: a thing", "Ask HN: why"]);
    let (v, x) = Vectorizer::fit(&titles, s.clone()).unwrap();
    let bytes = v.to_bytes().unwrap();
    // The artifact made beside the rows while fitting is the fitted vectorizer's.
    let (v2, x2, encoded) = Vectorizer::fit_encoded(&titles, s).unwrap();
    assert_eq!((&v2, &x2), (&v, &x));
    assert_eq!(encoded.bytes, bytes);
    assert_eq!(encoded.fingerprint, crate::io::fingerprint(&bytes));
    let back = Vectorizer::from_bytes(&bytes).unwrap();
    assert_eq!(back, v);
    assert_eq!(back.index_of("show hn"), v.index_of("show hn"));
    assert!(back.index_of("show hn").is_some());
    let other = artifact::to_bytes(Kind { version: 2, ..KIND }, &v).unwrap();
    assert!(
        Vectorizer::from_bytes(&other)
            .unwrap_err()
            .to_string()
            .contains("version 2")
    );
    assert!(
        Vectorizer::from_bytes(&bytes[..bytes.len() - 3])
            .unwrap_err()
            .to_string()
            .contains("truncated")
    );
}

#[test]
fn a_vocabulary_with_a_repeated_or_unsorted_term_is_refused() {
    let with = |terms: &[&str]| {
        let mut index = Terms::with_capacity(terms.len());
        terms.iter().for_each(|t| index.push(t));
        let v = Vectorizer {
            settings: Settings::default(),
            n_docs: 2,
            vocabulary: Vocabulary(index),
            idf: vec![1.0; terms.len()],
            ready: OnceLock::new(),
        };
        v.to_bytes().unwrap()
    };
    assert!(Vectorizer::from_bytes(&with(&["aa", "bb"])).is_ok());
    // A repeated term would make two features of one word, and a lookup find only one of them.
    let mut twice = with(&["aa", "bb"]);
    let at = twice.windows(2).rposition(|w| w == b"bb").unwrap();
    twice[at..at + 2].copy_from_slice(b"aa");
    let e = Vectorizer::from_bytes(&twice).unwrap_err().to_string();
    assert!(e.contains("appears twice"), "{e}");
    let e = Vectorizer::from_bytes(&with(&["bb", "aa"])).unwrap_err().to_string();
    assert!(e.contains("not sorted"), "{e}");
}

/// Rows sorted by rank come out as a sort would put them, at every length either side of the
/// rank sort's limit, counts travelling with their features.
#[test]
fn rows_sorted_by_rank_equal_a_sort() {
    let mut out = Vec::new();
    let mut seed = 7u64;
    for n in 0..=RANKED + 8 {
        // Distinct features in a scrambled order (a multiplicative walk modulo a prime).
        let row: Vec<(u32, u32)> = (0..n as u32)
            .map(|i| {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                ((i * 7919 + (seed >> 40) as u32 % 7) % 100_003 * 3 + i % 3, i + 1)
            })
            .collect();
        let mut want = row.clone();
        want.sort_unstable_by_key(|&(f, _)| f);
        assert!(
            want.windows(2).all(|w| w[0].0 < w[1].0),
            "length {n}: features distinct"
        );
        sort_by_feature(&row, &mut out);
        assert_eq!(out, want, "length {n}");
    }
}

/// The vocabulary is the distinct terms in byte order (scikit-learn's sorted vocabulary)
/// however the workers' vocabularies overlap: terms that share their first eight bytes, terms
/// of exactly eight, a term and its own start, and letters of two, three and four bytes.
#[test]
fn the_vocabulary_is_in_byte_order_across_workers() {
    let words = [
        "internationalization",
        "international",
        "internationally",
        "internat",
        "internal",
        "abcdefgh",
        "abcdefghi",
        "abcdefgg",
        "ab",
        "abc",
        "abcd",
        "café",
        "cafe",
        "cafés",
        "ça",
        "zz",
        "zebra",
        "日本語",
        "日本",
        "ωmega",
        "zzzzzzzzzzzz",
        "zzzzzzzz",
        "zzzzzzzzz",
    ];
    // Each title holds a few of the words, chosen so that the chunks (and so the workers)
    // see different subsets, each word first seen at a different point.
    let owned: Vec<Option<String>> = (0..9000usize)
        .map(|i| {
            let pick = |k: usize| words[(i / (k * 700) + k * i) % words.len()];
            Some(format!("{} {} {}", pick(1), pick(2), pick(3)))
        })
        .collect();
    let texts: Vec<Option<&str>> = owned.iter().map(|s| s.as_deref()).collect();
    let mut want: Vec<&str> = owned
        .iter()
        .flatten()
        .flat_map(|t| t.split(' '))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    want.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    for threads in [1, 2, 3, 8] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let (v, _) = pool.install(|| Vectorizer::fit(&texts, Settings::default()).unwrap());
        assert_eq!(v.vocabulary().collect::<Vec<_>>(), want, "{threads} workers");
    }
}
