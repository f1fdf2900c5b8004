//! The labelled set for spelling variants: query/text pairs in English,
//! Russian, Tajik, Dari/Persian, Pashto and Uzbek
//! (`tests/data/variants_labelled.tsv`), each marked as a match or not.
//! Precision and recall of matching with variants on must each stay at or
//! above 95 %.
//!
//! Run: `cargo test -p outpost-core --test variants_labelled -- --nocapture`
//! prints the figures and every pair decided wrongly.

use outpost_core::matcher::{Document, Matcher};
use outpost_core::query::Query;

struct Pair {
    lang: String,
    query: String,
    text: String,
    expected: bool,
    what: String,
}

fn pairs() -> Vec<Pair> {
    include_str!("data/variants_labelled.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 5, "five tab-separated columns: {l}");
            Pair {
                lang: cols[0].into(),
                query: cols[1].into(),
                text: cols[2].into(),
                expected: match cols[3] {
                    "1" => true,
                    "0" => false,
                    other => panic!("expected 0 or 1, found {other:?}: {l}"),
                },
                what: cols[4].into(),
            }
        })
        .collect()
}

// Issue 14, item 1: variants on by default must not cost precision or
// recall (both at or above 95 % on this set).
#[test]
fn precision_and_recall_with_variants_stay_above_95_percent() {
    let pairs = pairs();
    assert!(pairs.len() >= 200, "{} pairs", pairs.len());
    let negatives = pairs.iter().filter(|p| !p.expected).count();
    assert!(negatives * 3 >= pairs.len(), "{negatives} negatives");
    for lang in ["en", "ru", "tg", "fa", "ps", "uz"] {
        assert!(pairs.iter().any(|p| p.lang == lang), "no {lang} pairs");
    }
    let (mut tp, mut fp, mut fn_, mut tn) = (0, 0, 0, 0);
    let mut wrong = Vec::new();
    for (i, p) in pairs.iter().enumerate() {
        let query = Query::parse(&p.query)
            .unwrap_or_else(|e| panic!("{:?}: {e}", p.query))
            .with_variants(&[]);
        let doc = Document {
            body: &p.text,
            lang: Some(&p.lang),
            ..Document::default()
        };
        let reference = query.matches(&doc);
        // The compiled matcher decides every pair as the reference does.
        let compiled = Matcher::new([(i as i64, query.clone())]).match_document(&doc);
        assert_eq!(
            compiled.first().map(|h| h.spans.clone()),
            reference,
            "matcher and reference disagree on {:?} / {:?}",
            p.query,
            p.text
        );
        match (reference.is_some(), p.expected) {
            (true, true) => tp += 1,
            (true, false) => {
                fp += 1;
                wrong.push(format!(
                    "false match  [{}] {} / {} ({})",
                    p.lang, p.query, p.text, p.what
                ));
            }
            (false, true) => {
                fn_ += 1;
                wrong.push(format!(
                    "missed       [{}] {} / {} ({})",
                    p.lang, p.query, p.text, p.what
                ));
            }
            (false, false) => tn += 1,
        }
    }
    let precision = f64::from(tp) / f64::from(tp + fp);
    let recall = f64::from(tp) / f64::from(tp + fn_);
    println!(
        "{} pairs ({} negatives): precision {:.1} %, recall {:.1} % (tp {tp}, fp {fp}, fn {fn_}, tn {tn})",
        pairs.len(),
        negatives,
        precision * 100.0,
        recall * 100.0
    );
    for w in &wrong {
        println!("  {w}");
    }
    assert!(precision >= 0.95, "precision {precision:.3}");
    assert!(recall >= 0.95, "recall {recall:.3}");
}
