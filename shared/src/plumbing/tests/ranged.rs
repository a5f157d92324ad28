use super::*;

fn parts() -> Source {
    Source::Parts {
        len: 100,
        parts: Arc::new(vec![
            (10, Bytes::from_static(b"abcdef")),
            (50, Bytes::from_static(b"0123456789")),
        ]),
    }
}

#[test]
fn slices_come_from_the_part_that_holds_them() {
    let s = parts();
    assert_eq!(&s.get_bytes(10, 6).unwrap()[..], b"abcdef");
    assert_eq!(&s.get_bytes(12, 2).unwrap()[..], b"cd");
    assert_eq!(&s.get_bytes(59, 1).unwrap()[..], b"9");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut s.get_read(55).unwrap(), &mut rest).unwrap();
    assert_eq!(rest, "56789");
    assert_eq!(Length::len(&s), 100);
}

#[test]
fn bytes_outside_every_part_are_an_error_not_a_panic() {
    let s = parts();
    for (start, len) in [
        (0, 1),
        (9, 2),
        (14, 3),
        (16, 1),
        (30, 0),
        (58, 5),
        (99, 1),
        (u64::MAX, 1),
    ] {
        assert!(s.get_bytes(start, len).is_err(), "{start}+{len}");
    }
    assert!(s.get_read(5).is_err());
    let whole = Source::Whole(Bytes::from_static(b"xyz"));
    assert_eq!(&whole.get_bytes(1, 2).unwrap()[..], b"yz");
    assert!(whole.get_bytes(2, 2).is_err());
    assert!(whole.get_bytes(u64::MAX, usize::MAX).is_err());
}

#[test]
fn only_regular_parquet_files_are_read_in_parts() {
    let dir = std::env::temp_dir().join(format!("hn-ranged-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = |n: &str| dir.join(n).to_string_lossy().into_owned();
    std::fs::write(p("csv"), b"id,title\n1,a\n").unwrap();
    std::fs::write(p("short"), b"PAR1PAR1").unwrap();
    std::fs::write(p("empty"), b"").unwrap();
    for name in ["csv", "short", "empty"] {
        assert!(RangedFile::open(&p(name)).is_none(), "{name}");
    }
    assert!(RangedFile::open("-").is_none());
    assert!(RangedFile::open(&dir.to_string_lossy()).is_none());
    // Magic at both ends but a footer length past the start: the metadata reader says so.
    let mut bad = b"PAR1".to_vec();
    bad.extend_from_slice(&[0; 8]);
    bad.extend_from_slice(&u32::MAX.to_le_bytes());
    bad.extend_from_slice(b"PAR1");
    std::fs::write(p("bad"), &bad).unwrap();
    let f = RangedFile::open(&p("bad")).unwrap();
    let (at, footer) = f.footer().unwrap();
    assert_eq!(at, 0);
    assert!(
        parquet::file::metadata::ParquetMetaDataReader::new()
            .parse_and_finish(&footer)
            .is_err()
    );
    assert_eq!(f.fingerprint().unwrap(), crate::io::fingerprint(&bad));
    std::fs::remove_dir_all(&dir).unwrap();
}
