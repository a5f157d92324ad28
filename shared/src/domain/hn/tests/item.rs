use super::*;
use serde_json::json;

#[test]
fn parses_api_items_and_null() {
    let v = json!({"by":"pg","descendants":15,"id":1,"kids":[15],"score":57,"time":1160418111,
                   "title":"Y Combinator","type":"story","url":"http://ycombinator.com"});
    let it = Item::from_json(&v).unwrap().unwrap();
    assert_eq!(it.id, 1);
    assert_eq!(it.kind.as_deref(), Some("story"));
    assert_eq!(it.descendants, Some(15));
    assert!(!it.dead && !it.deleted);
    assert_eq!(Item::from_json(&Value::Null).unwrap(), None);
    // Deleted items carry almost nothing.
    let d = Item::from_json(&json!({"deleted":true,"id":7,"time":5,"type":"comment"}))
        .unwrap()
        .unwrap();
    assert!(d.deleted && d.title.is_none());
}

#[test]
fn bigquery_shapes_are_accepted() {
    let it = Item::from_json(&json!({"id":"42","time":"1700000000","score":null,"title":"x","type":"story"}))
        .unwrap()
        .unwrap();
    assert_eq!((it.id, it.time, it.score), (42, Some(1700000000), None));
    assert_eq!(Item::from_json(&json!({"id": 3.0})).unwrap().unwrap().id, 3);
}

#[test]
fn wrong_types_are_errors_naming_the_field() {
    let e = Item::from_json(&json!({"id":"abc"})).unwrap_err();
    assert!(e.contains("field \"id\"") && e.contains("\"abc\""), "{e}");
    let e = Item::from_json(&json!({"id":1,"title":5})).unwrap_err();
    assert!(e.contains("field \"title\": expected a string"), "{e}");
    let e = Item::from_json(&json!({"id":1,"dead":"yes"})).unwrap_err();
    assert!(e.contains("field \"dead\""), "{e}");
    assert!(Item::from_json(&json!({"id":1.5})).is_err());
    assert!(
        Item::from_json(&json!({"title":"no id"}))
            .unwrap_err()
            .contains("no \"id\"")
    );
    assert!(Item::from_json(&json!([1, 2])).unwrap_err().contains("found an array"));
    assert!(
        Item::parse(b"{\"id\": 1, \"title\": \"trunc")
            .unwrap_err()
            .contains("invalid JSON")
    );
}

#[test]
fn filter_keeps_titled_live_stories() {
    let story = Item {
        id: 1,
        kind: Some("story".into()),
        time: Some(1000),
        title: Some("t".into()),
        ..Default::default()
    };
    let f = Filter {
        now: 5000,
        ..Default::default()
    };
    assert!(f.keeps(&story));
    assert!(!f.keeps(&Item {
        title: None,
        ..story.clone()
    }));
    assert!(!f.keeps(&Item {
        dead: true,
        ..story.clone()
    }));
    assert!(!f.keeps(&Item {
        time: None,
        ..story.clone()
    }));
    let job = Item {
        kind: Some("job".into()),
        ..story.clone()
    };
    assert!(!f.keeps(&job));
    let all = Filter {
        types: None,
        include_dead: true,
        ..f.clone()
    };
    assert!(
        all.keeps(&job)
            && all.keeps(&Item {
                dead: true,
                ..story.clone()
            })
    );
    let deleted = Item {
        deleted: true,
        title: None,
        ..story.clone()
    };
    assert!(!f.keeps(&deleted));
    assert!(
        Filter {
            include_deleted: true,
            ..f.clone()
        }
        .keeps(&deleted)
    );
    let aged = Filter {
        min_age: Some(4000),
        ..f.clone()
    };
    assert!(aged.keeps(&story));
    assert!(!aged.keeps(&Item {
        time: Some(1001),
        ..story
    }));
}

#[test]
fn types_parse() {
    assert_eq!(parse_types("all").unwrap(), None);
    assert_eq!(parse_types("story, job").unwrap().unwrap(), vec!["story", "job"]);
    assert!(parse_types("stories").unwrap_err().contains("unknown item type"));
    assert!(parse_types(",").is_err());
}

#[test]
fn entities_decode_and_the_rest_stays_verbatim() {
    assert_eq!(decode_entities("Tom &amp; Jerry"), "Tom & Jerry");
    assert_eq!(
        decode_entities("It&#x27;s &quot;fine&quot; &#8212; ok"),
        "It's \"fine\" — ok"
    );
    assert_eq!(decode_entities("AT&T & B&amp"), "AT&T & B&amp");
    assert_eq!(decode_entities("&bogus; &#xZZ; &#0; &"), "&bogus; &#xZZ; &#0; &");
    assert_eq!(decode_entities("Café – naïve &lt;3"), "Café – naïve <3");
    assert!(matches!(decode_entities("plain"), Cow::Borrowed(_)));
    assert_eq!(decode_entities("&amp;amp;"), "&amp;", "decodes once, not recursively");
}
