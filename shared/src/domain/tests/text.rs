use super::*;

fn toks(s: &str) -> Vec<String> {
    let mut v = Vec::new();
    default_tokens(&python_lower(s), |t| v.push(t.to_string()));
    v
}

#[test]
fn lower_follows_python() {
    assert_eq!(python_lower("Hello World"), "hello world");
    assert_eq!(python_lower("İstanbul"), "i\u{307}stanbul");
    assert_eq!(python_lower("STRASSE ẞ"), "strasse ß");
    assert_eq!(python_lower("ΟΔΟΣ ΟΔΟΣ."), "οδος οδος.");
    assert_eq!(python_lower("Σ"), "σ");
    assert_eq!(python_lower("ΑΣΑ"), "ασα");
    assert_eq!(python_lower("Α'Σ'"), "α'ς'");
    assert!(matches!(python_lower("already lower"), Cow::Borrowed(_)));
    assert!(matches!(python_lower("日本語"), Cow::Borrowed(_)));
}

#[test]
fn word_chars_follow_python_re() {
    assert!(is_word_char('é') && is_word_char('日') && is_word_char('_') && is_word_char('٣'));
    assert!(is_word_char('²') && is_word_char('Ⅻ'));
    // Combining marks and other connector punctuation are not \w in Python.
    assert!(!is_word_char('\u{301}') && !is_word_char('\u{307}') && !is_word_char('‿'));
    assert!(!is_word_char('-') && !is_word_char('\'') && !is_word_char('😀'));
}

#[test]
fn tokens_are_runs_of_two_or_more() {
    assert_eq!(toks("A b-cd e_f, it's"), ["cd", "e_f", "it"]);
    assert_eq!(toks("İstanbul"), ["stanbul"]);
    assert_eq!(toks("cafe\u{301} café"), ["cafe", "café"]);
    assert_eq!(toks(""), Vec::<String>::new());
    assert_eq!(toks("x\ty\nzz"), ["zz"]);
}

#[test]
fn the_bit_mask_tokenizer_cuts_ascii_as_the_byte_loop_does() {
    // Every length up to the mask's 128 bytes (16-byte blocks, their boundaries, a token that
    // runs to the last bit), from an alphabet of word and non-word bytes.
    let alphabet = b"aZ09_ -.,:'\t/x";
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for len in 0..=128 {
        for round in 0..40 {
            let text: String = (0..len)
                .map(|i| {
                    state = state
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    // Some strings all word characters: one token over the whole mask.
                    let pick = if round == 0 {
                        i % 4
                    } else {
                        (state >> 33) as usize % alphabet.len()
                    };
                    alphabet[pick] as char
                })
                .collect();
            let (mut masked, mut looped) = (Vec::new(), Vec::new());
            ascii_tokens_masked(&text, |t| masked.push(t));
            ascii_tokens(&text, |t| looped.push(t));
            assert_eq!(masked, looped, "{text:?}");
        }
    }
}

#[test]
fn ngrams_join_with_a_space() {
    let a = Analyzer {
        lowercase: true,
        tokenizer: Tokenizer::Default,
        ngram: (1, 2),
    };
    let mut got = Vec::new();
    a.terms("Show HN: Rust", &mut Scratch::default(), |t| got.push(t.to_string()));
    assert_eq!(got, ["show", "hn", "rust", "show hn", "hn rust"]);
    let a = Analyzer { ngram: (2, 3), ..a };
    let mut got = Vec::new();
    a.terms("a bb cc", &mut Scratch::default(), |t| got.push(t.to_string()));
    assert_eq!(got, ["bb cc"]);
}

#[test]
fn custom_patterns() {
    let t = Tokenizer::new(Some(r"\S+")).unwrap();
    let mut v = Vec::new();
    t.tokens("a b-c", |x| v.push(x));
    assert_eq!(v, ["a", "b-c"]);
    let t = Tokenizer::new(Some(r"(\w)\w*")).unwrap();
    let mut v = Vec::new();
    t.tokens("ab cd", |x| v.push(x));
    assert_eq!(v, ["a", "c"]);
    assert!(Tokenizer::new(Some(r"(a)(b)")).is_err());
    assert!(Tokenizer::new(Some(r"(")).is_err());
    assert!(matches!(
        Tokenizer::new(Some(DEFAULT_TOKEN_PATTERN)).unwrap(),
        Tokenizer::Default
    ));
}
