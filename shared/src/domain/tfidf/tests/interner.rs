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
