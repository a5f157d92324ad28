use super::*;

#[test]
fn columns_sorted_by_value() {
    let mut x = Csr::new(3);
    x.push_row(&[0, 2], &[0.5, 1.0]);
    x.push_row(&[0], &[0.25]);
    x.push_row(&[0, 1], &[0.5, 2.0]);
    let c = Columns::build(&x).unwrap();
    assert_eq!(c.start, vec![0, 3, 4, 5]);
    assert_eq!(c.values[..3], [0.25, 0.5, 0.5]);
    assert_eq!(c.rows[..3], [1, 0, 2]);
    assert_eq!((c.rows[3], c.rows[4]), (2, 0));
}

#[test]
fn refuses_bad_entries() {
    let mut x = Csr::new(2);
    x.push_row(&[1], &[f32::NAN]);
    assert!(Columns::build(&x).unwrap_err().to_string().contains("row 0"));
    let mut x = Csr::new(2);
    x.push_row(&[0], &[1.0]);
    x.push_row(&[5], &[1.0]);
    assert!(
        Columns::build(&x)
            .unwrap_err()
            .to_string()
            .contains("row 1: feature index 5")
    );
}
