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

/// A body whose lengths claim more than the file holds (a vector of 2^60 elements, a string of
/// 2^60 bytes) is an error, not an allocation of that size: the decoder preallocates at most
/// what serde's cautious size hint allows and stops at the end of the bytes.
#[test]
fn lengths_inside_the_body_do_not_size_memory() {
    let bytes = to_bytes(A, &(vec![1u64, 2, 3], "x".to_string())).unwrap();
    let huge = to_bytes(A, &(1u64 << 60)).unwrap();
    // Splice the varint 2^60 over the vector's length (the body's first byte, the varint 3).
    let len_bytes = &huge[HEADER_LEN..];
    let mut forged = bytes[..HEADER_LEN].to_vec();
    forged.extend_from_slice(len_bytes);
    forged.extend_from_slice(&bytes[HEADER_LEN + 1..]);
    let body_len = (forged.len() - HEADER_LEN) as u64;
    forged[20..28].copy_from_slice(&body_len.to_le_bytes());
    assert!(from_bytes::<(Vec<u64>, String)>(&forged, A).is_err());
    let mut forged_str = to_bytes(A, &"x".to_string()).unwrap()[..HEADER_LEN].to_vec();
    forged_str.extend_from_slice(len_bytes);
    forged_str.push(b'x');
    let body_len = (forged_str.len() - HEADER_LEN) as u64;
    forged_str[20..28].copy_from_slice(&body_len.to_le_bytes());
    assert!(from_bytes::<String>(&forged_str, A).is_err());
}
