use super::*;

#[test]
fn rows_and_lookup() {
    let mut m = Csr::new(5);
    m.push_row(&[0, 3], &[1.0, 2.0]);
    m.push_row(&[], &[]);
    m.push_row(&[4], &[5.0]);
    assert_eq!(m.n_rows(), 3);
    assert_eq!(m.nnz(), 3);
    assert_eq!(m.get(0, 3), 2.0);
    assert_eq!(m.get(0, 2), 0.0);
    assert_eq!(m.row(1).0.len(), 0);
    let s = m.select_rows(&[2, 0]);
    assert_eq!(s.row(0), (&[4u32][..], &[5.0f32][..]));
    assert_eq!(s.n_rows(), 2);
}
