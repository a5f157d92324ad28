use super::*;
use std::os::unix::fs::FileTypeExt;

#[test]
fn atomic_write_commits_or_leaves_nothing() {
    let dir = std::env::temp_dir().join(format!("hn-io-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let target = dir.join("a.txt");
    let p = target.to_str().unwrap();
    let err = write_atomically(p, |o| {
        o.write_all(b"half")?;
        Err(Error::new("boom"))
    });
    assert!(err.is_err());
    assert!(!target.exists());
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "temp file left behind");
    write_atomically(p, |o| Ok(o.write_all(b"whole")?)).unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), b"whole");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn streamed_fingerprint_matches() {
    let mut r = FingerprintReader::new(&b"hello world"[..]);
    let mut sink = Vec::new();
    r.read_to_end(&mut sink).unwrap();
    assert_eq!(r.fingerprint(), fingerprint(b"hello world"));
}

#[test]
fn commit_all_undoes_earlier_outputs_on_failure() {
    let dir = std::env::temp_dir().join(format!("hn-io-all-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let a = dir.join("a.txt");
    let b = dir.join("sub").join("b.txt");
    std::fs::create_dir_all(b.parent().unwrap()).unwrap();
    let mut oa = Output::create(a.to_str().unwrap()).unwrap();
    let mut ob = Output::create(b.to_str().unwrap()).unwrap();
    oa.write_all(b"a").unwrap();
    ob.write_all(b"b").unwrap();
    // The second rename fails: its directory is gone.
    std::fs::remove_dir_all(b.parent().unwrap()).unwrap();
    assert!(commit_all(vec![oa, ob]).is_err());
    assert!(!a.exists(), "first output left behind as if fresh");
    assert!(distinct_outputs(&["x", "y", "x"]).is_err());
    assert!(distinct_outputs(&["x", "-"]).is_ok());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn stale_temp_files_are_removed_and_a_live_writer_refuses() {
    let dir = std::env::temp_dir().join(format!("hn-io-stale-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let target = dir.join("out.parquet");
    // A temp file nobody holds a lock on: its run is gone.
    let dead = dir.join(format!(".out.parquet.tmp-{}", u32::MAX - 1));
    let other = dir.join(format!(".other.parquet.tmp-{}", u32::MAX - 1));
    for p in [&dead, &other] {
        std::fs::write(p, b"x").unwrap();
    }
    check_other_writers(&target).unwrap();
    assert!(!dead.exists(), "a dead run's temp file stays behind");
    assert!(other.exists(), "another target's temp file was removed");
    // A temp file locked by a live writer: a second writer of the same output refuses.
    let live = dir.join(format!(".out.parquet.tmp-{}", u32::MAX - 2));
    std::fs::write(&live, b"x").unwrap();
    let held = File::open(&live).unwrap();
    assert!(try_lock_exclusive(&held));
    let err = Output::create(target.to_str().unwrap()).err().unwrap();
    assert!(err.to_string().contains("is writing"), "{err}");
    assert!(live.exists(), "a live run's temp file was removed");
    drop(held);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn non_regular_outputs_are_written_through() {
    assert_eq!(output_kind("-"), OutputKind::Stdout);
    assert_eq!(output_kind("/dev/stdout"), OutputKind::Through);
    assert_eq!(output_kind("/dev/fd/1"), OutputKind::Through);
    assert_eq!(output_kind("no-such-dir-xyz/out.parquet"), OutputKind::Regular);
    // A FIFO of our own (not /dev/null: a machine where an old tool replaced it shows why).
    let dir = std::env::temp_dir().join(format!("hn-io-fifo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fifo = dir.join("f");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid C string and mode.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let p = fifo.to_str().unwrap().to_string();
    assert_eq!(output_kind(&p), OutputKind::Through);
    let reader = std::thread::spawn(move || std::fs::read(&fifo).unwrap());
    let mut o = Output::create(&p).unwrap();
    assert!(o.is_through());
    o.write_all(b"through").unwrap();
    o.commit().unwrap();
    assert_eq!(reader.join().unwrap(), b"through");
    assert!(std::fs::metadata(&p).unwrap().file_type().is_fifo());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn fingerprint_is_sha256() {
    assert_eq!(
        fingerprint(b"abc"),
        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[test]
fn writeback_starts_every_megabyte_and_the_bytes_are_whole() {
    let dir = std::env::temp_dir().join(format!("hn-io-writeback-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("big.bin");
    let data: Vec<u8> = (0..(5u32 << 19)).map(|i| (i % 251) as u8).collect(); // 2.5 MiB
    let mut sink = Sink::new(File::create(&path).unwrap(), true);
    for piece in data.chunks(64 << 10) {
        sink.write_all(piece).unwrap();
    }
    // Asked for at each whole megabyte written; the rest waits for an explicit start (or fsync).
    assert_eq!((sink.written, sink.started), (data.len() as u64, 2 << 20));
    sink.start_writeback();
    assert_eq!(sink.started, sink.written);
    assert_eq!(std::fs::read(&path).unwrap(), data);

    // Written through (a FIFO, a device): never asked.
    let mut through = Sink::new(File::create(dir.join("through.bin")).unwrap(), false);
    through.write_all(&data).unwrap();
    through.start_writeback();
    assert_eq!(through.started, 0);

    // Through an Output: flushed by start_writeback, committed whole.
    let target = dir.join("out.bin");
    let mut out = Output::create(target.to_str().unwrap()).unwrap();
    out.write_all(&data[..1000]).unwrap();
    out.start_writeback().unwrap();
    out.write_all(&data[1000..]).unwrap();
    out.commit().unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), data);
    std::fs::remove_dir_all(&dir).unwrap();
}
