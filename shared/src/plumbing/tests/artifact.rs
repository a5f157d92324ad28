use super::*;

const A: Kind = Kind {
    tag: "TESTA",
    name: "test artifact",
    version: 3,
};
const B: Kind = Kind {
    tag: "TESTB",
    name: "other artifact",
    version: 3,
};

#[test]
fn round_trip_and_refusals() {
    let v: (Vec<u32>, String) = (vec![1, 2, 3], "x".into());
    let bytes = to_bytes(A, &v).unwrap();
    assert_eq!(from_bytes::<(Vec<u32>, String)>(&bytes, A).unwrap(), v);
    let e = from_bytes::<(Vec<u32>, String)>(&bytes, B).unwrap_err();
    assert!(e.to_string().contains("it is a \"TESTA\" artifact"), "{e}");
    let e = from_bytes::<(Vec<u32>, String)>(&bytes, Kind { version: 4, ..A }).unwrap_err();
    assert!(e.to_string().contains("version 3 is not supported"), "{e}");
    let e = from_bytes::<(Vec<u32>, String)>(&bytes[..bytes.len() - 1], A).unwrap_err();
    assert!(e.to_string().contains("truncated"), "{e}");
    let e = from_bytes::<(Vec<u32>, String)>(b"PAR1....", A).unwrap_err();
    assert!(e.to_string().contains("not a test artifact file"), "{e}");
}
