use super::*;

/// A trimmed `make -p` database as GNU make 4.3 prints it: variables first (not rules), then the
/// files section with a grouped target, a phony target, an order-only prerequisite, a file that
/// is only a prerequisite, and a recipe line with a colon.
const DB: &str = "\
# Variables
DATA := d
SOURCES := a.rs b.rs
# Files

# Not a target:
Makefile:
#  Implicit rule search has not been done.

d/train.parquet: d/stories.parquet d/.args/split bin/split
#  Also makes: d/test.parquet d/train.parquet
#  recipe to execute (from 'Makefile', line 67):
\tbin/split d/stories.parquet -o d/train.parquet --test d/test.parquet

d/test.parquet: d/stories.parquet d/.args/split bin/split
#  Also makes: d/test.parquet d/train.parquet

d/.args/split: FORCE
\t@echo 'x: y' > $@

d/model.bin:: d/train.parquet | d/models

.PHONY: all FORCE

all: d/model.bin

# files hash-table stats:
# Load=1
d/never.parquet: d/model.bin
";

#[test]
fn parses_rules_groups_phony_and_order_only_from_the_files_section_only() {
    let db = parse_database(DB);
    let targets: Vec<&str> = db.rules.keys().map(String::as_str).collect();
    assert_eq!(
        targets,
        [
            "all",
            "d/.args/split",
            "d/model.bin",
            "d/test.parquet",
            "d/train.parquet"
        ]
    );
    let train = &db.rules["d/train.parquet"];
    assert_eq!(train.prerequisites, ["d/stories.parquet", "d/.args/split", "bin/split"]);
    assert_eq!(train.also_makes, ["d/test.parquet"]);
    let model = &db.rules["d/model.bin"];
    assert_eq!(model.prerequisites, ["d/train.parquet"]);
    assert_eq!(model.order_only, ["d/models"]);
    assert!(db.phony.contains("FORCE") && db.phony.contains("all"));
}

#[test]
fn assets_are_files_under_data_not_hidden_stamps_with_stamps_as_settings() {
    let db = parse_database(DB);
    let g = asset_graph(&db, "d/");
    let names: Vec<&str> = g.assets.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "model.bin",
            "models",
            "stories.parquet",
            "test.parquet",
            "train.parquet"
        ]
    );
    let train = &g.assets[4];
    assert_eq!(train.settings, [".args/split"]);
    assert_eq!(train.also_makes, ["test.parquet"]);
    assert!(g.assets[2].is_source && !train.is_source);
    // stories -> train, stories -> test, train -> model, models -> model (order-only).
    assert_eq!(g.edges.len(), 4);
    assert!(g.edges.contains(&(2, 4)) && g.edges.contains(&(4, 0)) && g.edges.contains(&(1, 0)));
    // Nothing exists here: every asset is missing.
    assert!(g.assets.iter().all(|a| a.freshness == Freshness::Missing));
}

#[test]
fn freshness_follows_make_on_real_files() {
    let dir = std::env::temp_dir().join(format!("hn-report-assets-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join(".args")).unwrap();
    let d = dir.to_string_lossy().into_owned();
    let db = parse_database(&DB.replace("d/", &format!("{d}/")));
    let at = |f: &str, secs: u64| {
        let p = dir.join(f);
        std::fs::write(&p, "x").unwrap();
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs);
        std::fs::File::options()
            .write(true)
            .open(&p)
            .unwrap()
            .set_modified(t)
            .unwrap();
    };
    at("stories.parquet", 1_000);
    at(".args/split", 1_000);
    at("train.parquet", 2_000);
    at("test.parquet", 2_000);
    at("model.bin", 3_000);
    let state = |name: &str| {
        let g = asset_graph(&db, &d);
        g.assets.iter().find(|a| a.name == name).unwrap().freshness.clone()
    };
    // bin/split does not exist: a missing tool makes its outputs stale, as make would say.
    assert_eq!(state("train.parquet"), Freshness::Stale("bin/split is missing".into()));
    let db = parse_database(&DB.replace("d/", &format!("{d}/")).replace(" bin/split", ""));
    let state = |name: &str| {
        let g = asset_graph(&db, &d);
        g.assets.iter().find(|a| a.name == name).unwrap().freshness.clone()
    };
    assert_eq!(state("train.parquet"), Freshness::Fresh);
    assert_eq!(state("model.bin"), Freshness::Fresh);
    // New settings: the split is stale (the stamp is named), and the model through it.
    at(".args/split", 2_500);
    assert_eq!(state("train.parquet"), Freshness::Stale(".args/split is newer".into()));
    assert_eq!(
        state("model.bin"),
        Freshness::Stale("train.parquet is out of date".into())
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn rule_lines_are_not_assignments() {
    assert_eq!(split_rule_line("a: b c"), Some(("a", " b c")));
    assert_eq!(split_rule_line("a:: b"), Some(("a", " b")));
    assert_eq!(split_rule_line("X := y"), None);
    assert_eq!(split_rule_line("X ::= y"), None);
    assert_eq!(split_rule_line("no colon"), None);
}
