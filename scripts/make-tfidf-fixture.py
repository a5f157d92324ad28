#!/usr/bin/env python3
"""Write shared/testdata/tfidf-sklearn.json: what scikit-learn's TfidfVectorizer makes of a set
of hard titles, for the Rust tests to compare against (they do not need Python).

max_features keeps the terms most frequent in the corpus. Among terms tied in frequency at the
cut, scikit-learn keeps whichever numpy's default (unstable) argsort puts first, and that order
depends on the machine (x86-simd-sort on AVX2/AVX-512 CPUs, introsort elsewhere). The Rust
vectorizer breaks such ties by vocabulary order (a stable sort). So the max_features cases use
limits with no tie at the cut (exact scikit-learn parity), and the "ties" case records the stable
rule's choice, fitted by scikit-learn with that fixed vocabulary.

For each case: the settings, the fitted vocabulary (sorted, as the features are numbered), the
idf, and the l2-normalised rows of fit_transform on TITLES and of transform on UNSEEN, as
(indices, values) pairs.

Usage: python3 scripts/make-tfidf-fixture.py > shared/testdata/tfidf-sklearn.json
"""
import json
import sys
import unicodedata

import sklearn
import numpy as np
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

TITLES = [
    "Show HN: A Rust port of the TF-IDF vectorizer",
    "Ask HN: Who is hiring? (March 2016)",
    "Café, cafe\u0301 and CAFÉ: precomposed vs combining accents",
    "Cafe\u0301 society: e\u0301te\u0301 in Montre\u0301al",
    "naïve résumé of a façade in Zürich",
    "東京で働く – 日本語のタイトル 2016年",
    "中文标题：深度学习 和 机器学习",
    "한국어 제목 테스트",
    "مرحبا بالعالم: عنوان عربي ٢٠١٦",
    "Emoji 🚀🔥 launches 👩‍💻 rock 🎉 ok",
    "The ﬁnal ﬂight of the ﬁrefly: ligatures",
    "Fullwidth ＡＢＣ１２３ and digits ０９ vs 09",
    "Devanagari digits ४२ and Bengali ৭৮ and Thai ๑๒",
    "İstanbul and ISTANBUL and ıstanbul in Türkiye",
    "DİYARBAKIR ŞEHRİ",
    "Straße, STRASSE and ẞ in German",
    "ΟΔΟΣ ΣΟΦΟΣ: Greek final sigma ΣΑΣ",
    "Σ alone, ΑΣ. and Α'Σ' and ΌΣΟΣ",
    "snake_case __init__ _private and a_b",
    "It's the user's choice: don't, won't, can't",
    "state-of-the-art, e-mail and co-operate — long–dash",
    "tabs\tand\ttabs and\nnewlines\r\nhere",
    "",
    "a b c d e f",
    "x² y³ ½ Ⅻ ⅷ superscripts and numerals",
    "Ǆungla ǅ ǆ titlecase digraphs",
    "ﬀ ﬃ ﬅ ﬆ more ligatures",
    "Ⓐⓑ circled and 𝐁𝐨𝐥𝐝 math letters",
    "zero\u200bwidth joiner\u200dand non\u2060joiner",
    "Show HN: Show HN again, show hn",
    "GPT-4 vs GPT-3.5: 100x faster? 10x cheaper!",
    "C++ and C# and F# and .NET 4.5",
    "Ask HN: How do you learn Rust in 2016?",
    "The the THE tHe",
    "Ελληνικά: Ά έ ή ί ΰ ϊ ϋ ό ύ ώ",
    "Кириллица: Привет МИР и ЁЖ",
    "עברית: שלום עולם",
    "हिन्दी शीर्षक परीक्षण",
    "ไทย ภาษาไทย",
    "Ꭰꭰ Cherokee and Ǳ letters",
]

UNSEEN = [
    "Show HN: a brand new title about Rust",
    "",
    "never seen words only",
    "İSTANBUL CAFÉ ΟΔΟΣ",
    "the ﬁnal the final",
]

CASES = [
    ("default", {}),
    ("ngram_1_2", {"ngram_range": (1, 2)}),
    ("ngram_2_3", {"ngram_range": (2, 3)}),
    ("min_df_2_max_df_0_5", {"min_df": 2, "max_df": 0.5}),
    ("min_df_0_05_max_df_3", {"min_df": 0.05, "max_df": 3}),
    ("max_features_untied", {"max_features": "untied<=25"}),
    ("max_features_ties_stable", {"max_features": "ties:10"}),
    ("sublinear_tf", {"sublinear_tf": True}),
    ("no_lowercase", {"lowercase": False}),
    ("token_pattern_nonspace", {"token_pattern": r"\S+"}),
    ("all_options", {"ngram_range": (1, 2), "min_df": 2, "max_features": "untied<=15", "sublinear_tf": True}),
]


def rows(m):
    m = m.tocsr()
    m.sort_indices()
    out = []
    for i in range(m.shape[0]):
        a, b = m.indptr[i], m.indptr[i + 1]
        out.append([m.indices[a:b].tolist(), m.data[a:b].tolist()])
    return out


def corpus_tf(kw):
    """Terms in vocabulary order and their corpus frequencies, after min_df/max_df."""
    kw = {k: v for k, v in kw.items() if k not in ("max_features", "sublinear_tf")}
    c = CountVectorizer(**kw)
    x = c.fit_transform(TITLES)
    return c.get_feature_names_out(), np.asarray(x.sum(axis=0)).ravel()


def untied_limit(kw, want):
    _, tf = corpus_tf(kw)
    tf = np.sort(tf)[::-1]
    return max(k for k in range(1, want + 1) if tf[k - 1] > tf[k])


def stable_choice(kw, limit):
    terms, tf = corpus_tf(kw)
    order = np.argsort(-tf, kind="stable")[:limit]
    assert tf[order[-1]] == np.sort(tf)[::-1][limit], "want a tie at the cut"
    return sorted(terms[order].tolist())


def fitted(kw):
    mf = kw.get("max_features")
    if isinstance(mf, str) and mf.startswith("untied<="):
        kw = dict(kw, max_features=untied_limit(kw, int(mf.split("<=")[1])))
    if isinstance(mf, str) and mf.startswith("ties:"):
        limit = int(mf.split(":")[1])
        rest = {k: v for k, v in kw.items() if k != "max_features"}
        v = TfidfVectorizer(vocabulary=stable_choice(rest, limit), **rest)
        return dict(kw, max_features=limit), v, v.fit_transform(TITLES)
    v = TfidfVectorizer(**kw)
    return kw, v, v.fit_transform(TITLES)


def main():
    cases = []
    for name, kw in CASES:
        kw, v, x = fitted(kw)
        vocab = sorted(v.vocabulary_, key=v.vocabulary_.get)
        assert vocab == sorted(vocab)
        settings = {k: list(val) if isinstance(val, tuple) else val for k, val in kw.items()}
        cases.append(
            {
                "name": name,
                "settings": settings,
                "vocabulary": vocab,
                "idf": v.idf_.tolist(),
                "fit_rows": rows(x),
                "transform_rows": rows(v.transform(UNSEEN)),
            }
        )
    doc = {
        "made_by": "scripts/make-tfidf-fixture.py",
        "python": sys.version.split()[0],
        "unicode": unicodedata.unidata_version,
        "sklearn": sklearn.__version__,
        "titles": TITLES,
        "unseen": UNSEEN,
        "cases": cases,
    }
    json.dump(doc, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
