use super::*;

#[test]
fn ids_are_dense_and_stable() {
    let mut t = Interner::with_capacity(1);
    let words: Vec<String> = (0..1000).map(|i| format!("w{i}")).collect();
    for w in &words {
        t.intern(w);
    }
    for (i, w) in words.iter().enumerate() {
        assert_eq!(t.intern(w), i as u32);
        assert_eq!(t.get(i as u32), w);
        assert_eq!(t.find(w), Some(i as u32));
    }
    assert_eq!(t.len(), 1000);
    assert_eq!(t.find("nope"), None);
    assert_eq!(t.intern(""), 1000);
    assert_eq!(t.find(""), Some(1000));
    assert_ne!(hash("ab"), hash("ba"));
    assert_ne!(hash("a"), hash("a\0"));
}

#[test]
fn every_length_and_byte_counts_in_hash_and_equality() {
    // Terms of each length up to 40 that differ in one byte only, at every position: the
    // overlapping word loads must still see every byte.
    let mut t = Interner::with_capacity(1);
    let mut all = Vec::new();
    for n in 0..40 {
        let base = "a".repeat(n);
        all.push(base.clone());
        for at in 0..n {
            let mut v = base.clone().into_bytes();
            v[at] = b'b';
            all.push(String::from_utf8(v).unwrap());
        }
    }
    for w in &all {
        t.intern(w);
    }
    assert_eq!(t.len(), all.len(), "distinct terms got distinct ids");
    for (i, w) in all.iter().enumerate() {
        assert_eq!(t.find(w), Some(i as u32));
    }
    let distinct: std::collections::HashSet<u64> = all.iter().map(|w| hash(w)).collect();
    assert_eq!(distinct.len(), all.len(), "no two of them hash alike");
    assert!(!same(b"abcdefgh1", b"abcdefgh2") && same(b"abcdefgh1", b"abcdefgh1"));
    assert!(!same(b"abcde", b"abcdf") && !same(b"xbcde", b"abcde") && !same(b"ab", b"abc"));
}

/// Tables of every id width find every term and nothing else: the tag shrinks as ids take
/// more of a slot's four bytes.
#[test]
fn tables_find_every_term_and_nothing_else() {
    for n in [0usize, 1, 2, 3, 255, 256, 4095, 4096, 70_000] {
        let mut terms = Terms::with_capacity(n);
        for i in 0..n {
            terms.push(&format!("t{i}"));
        }
        let table = Table::of(&terms);
        for i in 0..n {
            assert_eq!(table.find(&terms, &format!("t{i}")), Some(i as u32), "{n} terms");
        }
        for i in n..n + 1000 {
            assert_eq!(table.find(&terms, &format!("t{i}")), None, "{n} terms");
        }
        assert_eq!(table.find(&terms, ""), None);
    }
}
