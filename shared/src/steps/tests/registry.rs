use super::*;

#[test]
fn ids_sort_by_time_and_read_back() {
    let fp = "sha256:0123456789abcdef";
    let id = make_id(1_700_000_000, fp);
    assert_eq!(id, "20231114T221320Z-01234567");
    assert_eq!(id_time(&id), Some(1_700_000_000));
    assert!(make_id(1_700_000_001, fp) > id);
    for bad in [
        "",
        "x",
        ".20231114T221320Z-01234567.tmp-1",
        "20231314T221320Z-01234567",
        "20231114T221320Z-0123456g",
    ] {
        assert_eq!(id_time(bad), None, "{bad}");
    }
}

#[test]
fn champion_stack_replays_promotions_and_rollbacks() {
    let h: Vec<Value> = [
        r#"{"action":"promote","candidate":"a","promoted":true}"#,
        r#"{"action":"promote","candidate":"b","promoted":false}"#,
        r#"{"action":"promote","candidate":"c","promoted":true}"#,
        r#"{"action":"promote","candidate":"d","promoted":true}"#,
        r#"{"action":"rollback","from":"d","to":"c"}"#,
    ]
    .iter()
    .map(|l| serde_json::from_str(l).unwrap())
    .collect();
    assert_eq!(champion_stack(&h), ["a", "c"]);
}

#[test]
fn an_empty_data_folder_has_no_models_and_no_champion() {
    let d = std::env::temp_dir().join(format!("registry-unit-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    assert!(list(&d).unwrap().is_empty());
    assert_eq!(champion(&d).unwrap(), None);
    assert!(history(&d).unwrap().is_empty());
    assert!(rollback(&d).unwrap_err().to_string().contains("nothing to roll back"));
    std::os::unix::fs::symlink("elsewhere", d.join(CHAMPION)).unwrap();
    assert!(champion(&d).unwrap_err().to_string().contains("not to models/<id>"));
    std::fs::remove_dir_all(&d).unwrap();
}
