use super::checks::{self, Baseline, Context, Plan};
use super::*;
use crate::boost::rng::Rng;

/// Posting times fall in one fixed week (2023-11-13, a Monday, onwards).
const WEEK: i64 = 1_699_833_600;
const NOW: i64 = 1_701_000_000;

/// What to plant in the current sample.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Shift {
    None,
    /// 40% of titles mention a word the reference never uses.
    Text,
    /// Titles three words longer.
    Length,
    /// Posted at night (UTC 00-05) rather than spread over the day.
    Hour,
    /// Posted on weekends.
    Weekday,
    /// A fifth of the links go to one new site.
    Domain,
    /// A fifth of the stories are Show HNs.
    Kind,
    /// Three times the comments.
    Target,
}

/// Zipf-like picks from `0..n` (rank k with weight 1/(k+1)), by inverting the cumulative weights.
struct Zipf(Vec<f64>);

impl Zipf {
    fn new(n: usize) -> Zipf {
        let mut acc = 0.0;
        Zipf(
            (1..=n)
                .map(|k| {
                    acc += 1.0 / k as f64;
                    acc
                })
                .collect(),
        )
    }

    fn pick(&self, rng: &mut Rng) -> usize {
        let u = rng.next_f64() * self.0[self.0.len() - 1];
        self.0.partition_point(|&c| c < u).min(self.0.len() - 1)
    }
}

/// `n` synthetic stories from one population, with `shift` planted.
fn sample(n: usize, seed: u64, shift: Shift) -> Stories {
    let mut rng = Rng::new(seed);
    let (words_zipf, sites_zipf) = (Zipf::new(400), Zipf::new(800));
    let (mut titles, mut times, mut urls, mut desc) = (vec![], vec![], vec![], vec![]);
    for _ in 0..n {
        let words = 4 + rng.below(8) as usize + if shift == Shift::Length { 3 } else { 0 };
        let mut t: Vec<String> = (0..words).map(|_| format!("w{}", words_zipf.pick(&mut rng))).collect();
        if shift == Shift::Text && rng.next_f64() < 0.4 {
            t.push("blockchain".into());
        }
        let mut title = t.join(" ");
        if rng.next_f64() < 0.05 || (shift == Shift::Kind && rng.next_f64() < 0.2) {
            title = format!("Show HN: {title}");
        } else if rng.next_f64() < 0.05 {
            title = format!("Ask HN: {title}");
        }
        titles.push(Some(title));
        let day = match shift {
            Shift::Weekday => 5 + rng.below(2) as i64,
            _ => rng.below(7) as i64,
        };
        // Daytime-heavy posting: hours 12-20 twice as likely.
        let hour = match shift {
            Shift::Hour => rng.below(6) as i64,
            _ => {
                let h = rng.below(33) as i64;
                if h < 24 { h } else { 12 + (h - 24) }
            }
        };
        times.push(Some(WEEK + day * 86_400 + hour * 3_600 + rng.below(3_600) as i64));
        urls.push(if rng.next_f64() < 0.1 {
            None
        } else if shift == Shift::Domain && rng.next_f64() < 0.2 {
            Some("https://new.example/x".to_string())
        } else {
            Some(format!("https://site{}.com/a", sites_zipf.pick(&mut rng)))
        });
        let base = (-(1.0 - rng.next_f64()).ln() * 20.0).floor() as i64;
        desc.push(Some(if shift == Shift::Target { 3 * base } else { base }));
    }
    Stories {
        name: format!("sample-{seed}"),
        fingerprint: String::new(),
        titles: StringArray::from(titles),
        times: Some(times),
        urls: Some(StringArray::from(urls)),
        types: None,
        descendants: Some(desc),
        fetched_at: None,
    }
}

fn run(r: &Stories, c: &Stories) -> Vec<Check> {
    let o = Options::default();
    let plan = Plan::new(r, c, false, false, &o, NOW);
    assert_eq!(plan.count(), 8, "every data check runs: {:?}", plan.skipped);
    let ctx = Context {
        options: &o,
        p_threshold: o.alpha / plan.count() as f64,
        vocabulary: None,
        now: NOW,
    };
    checks::run_data_checks(&plan, r, c, &ctx).unwrap()
}

fn fired(checks: &[Check]) -> Vec<&'static str> {
    checks.iter().filter(|c| c.drifted).map(|c| c.name).collect()
}

#[test]
fn quiet_on_two_samples_of_one_population() {
    for n in [500, 50_000] {
        let checks = run(&sample(n, 1, Shift::None), &sample(n, 2, Shift::None));
        assert_eq!(fired(&checks), Vec::<&str>::new(), "n={n}: {checks:#?}");
    }
}

#[test]
fn quiet_across_seeds_at_500_rows() {
    // alpha = 0.01 bounds the family-wise false alarm rate; over 20 pairs none should fire.
    for seed in 0..20 {
        let checks = run(
            &sample(500, 100 + seed, Shift::None),
            &sample(500, 200 + seed, Shift::None),
        );
        assert_eq!(fired(&checks), Vec::<&str>::new(), "seed {seed}: {checks:#?}");
    }
}

#[test]
fn each_check_fires_on_its_planted_shift() {
    let cases = [
        (Shift::Text, "title_text"),
        (Shift::Length, "title_length"),
        (Shift::Length, "title_words"),
        (Shift::Hour, "posting_hour"),
        (Shift::Weekday, "posting_weekday"),
        (Shift::Domain, "url_domain"),
        (Shift::Kind, "story_kind"),
        (Shift::Target, "target"),
    ];
    for n in [500, 50_000] {
        let reference = sample(n, 1, Shift::None);
        for (shift, name) in cases {
            let checks = run(&reference, &sample(n, 2, shift));
            assert!(
                fired(&checks).contains(&name),
                "n={n} {shift:?}: {name} quiet: {checks:#?}"
            );
        }
    }
}

#[test]
fn text_check_names_the_new_term() {
    let checks = run(&sample(2_000, 1, Shift::None), &sample(2_000, 2, Shift::Text));
    let text = checks.iter().find(|c| c.name == "title_text").unwrap();
    assert_eq!(text.found["terms"][0]["term"], "blockchain");
    assert_eq!(text.found["terms"][0]["reference_share"], 0.0);
    assert!(text.found["out_of_vocabulary_share"].as_f64().unwrap() > 0.01);
}

#[test]
fn small_references_use_the_tests_large_the_distances() {
    let small = run(&sample(500, 1, Shift::None), &sample(500, 2, Shift::None));
    let large = run(&sample(5_000, 1, Shift::None), &sample(5_000, 2, Shift::None));
    let method = |cs: &[Check], n: &str| cs.iter().find(|c| c.name == n).unwrap().method.clone();
    assert_eq!(method(&small, "title_length"), "Kolmogorov-Smirnov D");
    assert_eq!(method(&large, "title_length"), "Wasserstein (normed)");
    assert_eq!(method(&small, "url_domain"), "chi-square");
    assert_eq!(method(&large, "url_domain"), "Jensen-Shannon");
}

#[test]
fn high_cardinality_is_pooled_into_other() {
    let checks = run(&sample(50_000, 1, Shift::None), &sample(50_000, 2, Shift::None));
    let d = checks.iter().find(|c| c.name == "url_domain").unwrap();
    let cats = d.found["categories"].as_array().unwrap();
    assert!(cats.len() <= Options::default().top_categories + 1);
    assert_eq!(cats.last().unwrap()["category"], checks::OTHER);
    // Evidently's Jensen-Shannon over every domain would see sampling noise here; pooled, the
    // distance stays far below the floor.
    assert!(d.statistic < 0.05, "{}", d.statistic);
}

fn ctx_for(o: &Options, checks: usize) -> Context<'_> {
    Context {
        options: o,
        p_threshold: o.alpha / checks as f64,
        vocabulary: None,
        now: NOW,
    }
}

/// Predictions: a skewed score like comment counts.
fn predictions(n: usize, seed: u64, scale: f64) -> Vec<f64> {
    let mut rng = Rng::new(seed);
    (0..n).map(|_| scale * (-(1.0 - rng.next_f64()).ln()) * 10.0).collect()
}

#[test]
fn prediction_psi_quiet_and_fires() {
    let o = Options::default();
    let ctx = ctx_for(&o, 10);
    for n in [500, 50_000] {
        let same = checks::prediction(&predictions(n, 1, 1.0), &predictions(n, 2, 1.0), &ctx);
        assert!(!same.drifted, "n={n}: {same:#?}");
        let moved = checks::prediction(&predictions(n, 1, 1.0), &predictions(n, 2, 2.0), &ctx);
        assert!(moved.drifted && moved.major, "n={n}: {moved:#?}");
        assert_eq!(moved.to_json()["severity"], "major");
    }
}

#[test]
fn performance_quiet_and_fires() {
    let o = Options::default();
    let ctx = ctx_for(&o, 10);
    for n in [500, 50_000] {
        let y = predictions(n, 3, 1.0);
        let noise = predictions(n, 4, 1.0);
        // Predictions off by an exponential error: MAE about 10.
        let pred: Vec<f64> = y.iter().zip(&noise).map(|(a, e)| a + e).collect();
        let mae = crate::metrics::mae(&y, &pred);
        let baseline = Baseline {
            path: "metrics.json".into(),
            fingerprint: String::new(),
            n,
            r2: Some(0.1),
            mae,
            spearman: None,
        };
        let same = checks::performance(&y, &pred, &baseline, &ctx);
        assert!(!same.drifted, "n={n}: {same:#?}");
        let worse: Vec<f64> = y.iter().zip(&noise).map(|(a, e)| a + 2.0 * e).collect();
        let moved = checks::performance(&y, &worse, &baseline, &ctx);
        assert!(moved.drifted && moved.major, "n={n}: {moved:#?}");
    }
}

#[test]
fn settled_rows_need_age_and_a_count() {
    let mut s = sample(4, 1, Shift::None);
    s.times = Some(vec![Some(100), Some(100), None, Some(100)]);
    s.fetched_at = Some(vec![Some(100 + 3 * 86_400), Some(100 + 3_600), None, Some(0)]);
    s.descendants = Some(vec![Some(1), Some(1), Some(1), None]);
    // Row 0 fetched 3 days on; row 1 an hour on; row 2 has no time; row 3 has no count.
    assert_eq!(s.settled_rows(2 * 86_400, 200), vec![0, 2]);
    // Without a fetch time, "now" decides.
    s.fetched_at = None;
    assert_eq!(s.settled_rows(2 * 86_400, 200), vec![2]);
    assert_eq!(s.settled_rows(2 * 86_400, 100 + 2 * 86_400), vec![0, 1, 2]);
}

#[test]
fn options_are_validated() {
    assert!(Options::default().validate().is_ok());
    let bad = [
        Options {
            alpha: 0.0,
            ..Options::default()
        },
        Options {
            share: 1.5,
            ..Options::default()
        },
        Options {
            text_auc: 0.4,
            ..Options::default()
        },
        Options {
            psi_major: 0.05,
            ..Options::default()
        },
        Options {
            bins: 1,
            ..Options::default()
        },
        Options {
            wasserstein: f64::NAN,
            ..Options::default()
        },
    ];
    for o in bad {
        assert!(o.validate().is_err(), "{o:?}");
    }
}

#[test]
fn page_escapes_every_text_from_the_report() {
    let bad = "<script>alert(1)</script>";
    let r = sample(600, 1, Shift::None);
    let mut c = sample(600, 2, Shift::Text);
    c.name = bad.to_string();
    let checks = run(&r, &c);
    let report = serde_json::json!({
        "dataset_drift": true,
        "verdict": bad,
        "p_threshold": 0.001,
        "checks_run": checks.len(),
        "settings": {"alpha": 0.01, "share": 0.5},
        "inputs": {"reference": {"path": bad, "rows": 600}, "current": {"path": bad, "rows": 600},
                   "model": {"path": bad}},
        "checks": checks.iter().map(Check::to_json).collect::<Vec<_>>(),
        "skipped": [{"name": bad, "reason": bad}],
    });
    let history = vec![
        serde_json::json!({"timestamp": bad, "drifted_share": 0.1, "inputs": {"current": {"path": bad}}}),
        report.clone(),
    ];
    let page = html::page(&report, &history);
    assert!(!page.contains("<script"), "unescaped text on the page");
    assert!(page.contains("&lt;script&gt;"));
    // A chart per check, then two over time.
    assert_eq!(page.matches("<svg").count(), checks.len() + 2);
}
