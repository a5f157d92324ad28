use super::*;

#[test]
fn round_trip() {
    let mut x = Csr::new(10);
    x.push_row(&[1, 7], &[0.6, 0.8]);
    x.push_row(&[], &[]);
    let f = Features {
        ids: vec![5, 6],
        target: vec![3.0, 0.0],
        x,
        vectorizer: Some("sha256:ab".into()),
    };
    let p = std::env::temp_dir().join(format!("hn-feat-{}.parquet", std::process::id()));
    let p = p.to_str().unwrap();
    write_features(p, &f, Provenance::new("test", vec![])).unwrap();
    let back = read_features(p).unwrap();
    assert_eq!(back.features, f);
    std::fs::remove_file(p).unwrap();
}
