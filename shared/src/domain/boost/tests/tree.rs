use super::*;

#[test]
fn routes_present_and_missing() {
    let split = Node {
        feature: 3,
        threshold: 0.5,
        default_left: true,
        left: 1,
        right: 2,
        value: 0.0,
        gain: 1.0,
        cover: 3.0,
    };
    let t = Tree {
        nodes: vec![split, Node::leaf(-1.0, 1.0), Node::leaf(2.0, 2.0)],
    };
    assert_eq!(t.predict_row(&[3], &[0.2]), -1.0);
    assert_eq!(t.predict_row(&[1, 3], &[9.0, 0.5]), 2.0);
    assert_eq!(t.predict_row(&[1], &[9.0]), -1.0, "absent follows the default");
    assert_eq!((t.n_leaves(), t.depth()), (2, 1));
}
