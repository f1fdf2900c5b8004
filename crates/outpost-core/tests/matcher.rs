//! The compiled matcher against the reference evaluator, and the query
//! language end to end: parse, match, spans.

use outpost_core::matcher::{Document, MatchHit, Matcher};
use outpost_core::query::Query;
use outpost_core::{Field, Span};
use proptest::prelude::*;

fn doc<'a>(title: &'a str, body: &'a str) -> Document<'a> {
    Document {
        title,
        body,
        lang: None,
        source: None,
    }
}

fn q(text: &str) -> Query {
    Query::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

/// The matched texts, as `field:text`.
fn matched(query: &str, document: &Document<'_>) -> Option<Vec<String>> {
    let reference = q(query).matches(document);
    let engine = Matcher::new([(7, q(query))]).match_document(document);
    match &reference {
        Some(spans) => assert_eq!(
            engine,
            vec![MatchHit {
                watchlist: 7,
                spans: spans.clone()
            }],
            "{query:?}"
        ),
        None => assert!(
            engine.is_empty(),
            "{query:?}: engine matched, reference did not"
        ),
    }
    reference.map(|spans| {
        spans
            .iter()
            .map(|s| {
                let field = match s.field {
                    Field::Title => "title",
                    Field::Body => "body",
                };
                format!("{field}:{}", s.text)
            })
            .collect()
    })
}

#[test]
fn hyphens_and_dashes_split_words() {
    for body in [
        "Clashes on the Tajik-Afghan border.",
        "Clashes on the Tajik–Afghan border.",
        "Clashes on the Tajik Afghan border.",
        "Clashes on the TAJIK — AFGHAN border.",
    ] {
        for query in [
            "\"Tajik-Afghan border\"",
            "\"tajik afghan border\"",
            "Tajik-Afghan border",
        ] {
            assert!(
                matched(query, &doc("", body)).is_some(),
                "{query:?} in {body:?}"
            );
        }
    }
    assert_eq!(
        matched(
            "\"Tajik-Afghan border\"",
            &doc("", "the Tajik–Afghan border")
        ),
        Some(vec!["body:Tajik–Afghan border".to_string()])
    );
    assert_eq!(
        matched("\"afghan tajik border\"", &doc("", "Tajik-Afghan border")),
        None
    );
}

#[test]
fn spans_point_at_the_original_text() {
    let d = doc(
        "Пограничники задержали нарушителей",
        "На таджикско-афганской границе задержаны трое. Граница закрыта.",
    );
    assert_eq!(
        matched("границ* OR погранич*", &d),
        Some(vec![
            "title:Пограничники".to_string(),
            "body:границе".to_string(),
            "body:Граница".to_string(),
        ])
    );
    let spans = q("границ*").matches(&d).unwrap();
    assert_eq!(
        spans[0],
        Span {
            field: Field::Body,
            start: d.body.find("границе").unwrap(),
            end: d.body.find("границе").unwrap() + "границе".len(),
            text: "границе".into(),
        }
    );
}

#[test]
fn operators() {
    let d = doc(
        "Attack near Tajik border",
        "Militants attacked a border post in Khatlon. No drill was planned.",
    );
    assert!(matched("attack border", &d).is_some());
    assert!(matched("attack AND khatlon", &d).is_some());
    assert!(matched("attack AND kabul", &d).is_none());
    assert!(matched("kabul OR khatlon", &d).is_some());
    assert!(matched("border -drill", &d).is_none());
    assert!(matched("border NOT exercise", &d).is_some());
    // "attacked a border": two words apart.
    assert!(matched("attack* NEAR/2 border", &d).is_some());
    assert!(matched("attack* NEAR/1 border", &d).is_none());
    // "attacked" and "post" are three words apart: positions 1 and 4.
    assert!(matched("attacked NEAR/3 post", &d).is_some());
    assert!(matched("attacked NEAR/2 post", &d).is_none());
    assert!(matched("post NEAR/3 attacked", &d).is_some());
    // NEAR does not reach from the title into the body.
    assert!(matched("border NEAR/2 militants", &d).is_none());
    // Lower-case "and" is a word that must be present.
    assert!(matched("attack and border", &d).is_none());
}

#[test]
fn near_highlights_the_stretch_between_the_words() {
    let d = doc("", "Gunmen killed two guards at the border on Monday");
    assert_eq!(
        matched("killed NEAR/5 border", &d),
        Some(vec!["body:killed two guards at the border".to_string()])
    );
}

#[test]
fn field_scoping() {
    let d = Document {
        title: "Border closed",
        body: "Officials in Dushanbe said the crossing will reopen.",
        lang: Some("fa-AF"),
        source: Some("www.Ozodi.org"),
    };
    assert!(matched("title:border", &d).is_some());
    assert!(matched("title:dushanbe", &d).is_none());
    assert!(matched("body:dushanbe", &d).is_some());
    assert!(matched("title:(closed OR reopen)", &d).is_some());
    assert!(matched("lang:fa border", &d).is_some());
    assert!(matched("lang:fa-af border", &d).is_some());
    assert!(matched("lang:ru border", &d).is_none());
    assert!(matched("lang:f border", &d).is_none());
    assert!(matched("source:ozodi.org border", &d).is_some());
    assert!(matched("source:OZODI.ORG border", &d).is_some());
    assert!(matched("source:zodi.org border", &d).is_none());
    assert!(matched("source:www.ozo* border", &d).is_some());
    assert!(matched("border -source:ozodi.org", &d).is_none());
    assert_eq!(matched("lang:fa", &d), Some(vec![]));
}

#[test]
fn multilingual_matching() {
    let d = doc(
        "Ҳамла дар марзи Тоҷикистон",
        "طالبان در مرز تاجیکستان می\u{200C}روند. Ёлка. Oʻzbekiston chegarasi.",
    );
    assert!(matched("марз*", &d).is_some());
    assert!(matched("тоҷикистон", &d).is_some());
    // Tajik ӣ is not и: "марзи" is in the title, "марзӣ" is not.
    assert!(matched("марзӣ", &d).is_none());
    assert!(matched("طالبان", &d).is_some());
    assert!(matched("طالبان NEAR/2 مرز", &d).is_some());
    assert!(matched("ميروند", &d).is_some(), "Arabic yeh and ZWNJ");
    assert!(matched("елка", &d).is_some());
    assert!(matched("\"O'zbekiston chegara*\"", &d).is_some());
}

#[test]
fn many_watchlists_only_matching_ones_reported_in_order() {
    let queries = [
        (10, "border"),
        (11, "kabul"),
        (12, "border -closed"),
        (13, "clos*"),
        (14, "lang:ru"),
        (15, "\"border post\""),
    ];
    let matcher = Matcher::new(queries.iter().map(|(id, text)| (*id, q(text))));
    assert_eq!(matcher.len(), 6);
    let d = Document {
        title: "Border post closed",
        body: "",
        lang: Some("ru"),
        source: None,
    };
    let ids: Vec<i64> = matcher
        .match_document(&d)
        .iter()
        .map(|h| h.watchlist)
        .collect();
    assert_eq!(ids, vec![10, 13, 14, 15]);
}

#[test]
fn matcher_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Matcher>();
}

// ---- property tests ----

const WORDS: &[&str] = &[
    "border",
    "Border",
    "borders",
    "attack",
    "attacked",
    "tajik",
    "Tajik",
    "afghan",
    "граница",
    "Границе",
    "ёлка",
    "елка",
    "مرز",
    "طالبان",
    "علي",
    "oʻzbek",
    "O'zbek",
    "drill",
    "post",
];
const SEPARATORS: &[&str] = &[" ", " ", " ", "-", "–", ", ", ". ", " (", ") "];

fn text_strategy(max_words: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            prop::sample::select(WORDS),
            prop::sample::select(SEPARATORS),
        ),
        0..max_words,
    )
    .prop_map(|pieces| {
        let mut text = String::new();
        for (word, sep) in pieces {
            text.push_str(word);
            text.push_str(sep);
        }
        text
    })
}

#[derive(Debug, Clone)]
struct GeneratedDoc {
    title: String,
    body: String,
    lang: Option<&'static str>,
    source: Option<&'static str>,
}

fn doc_strategy() -> impl Strategy<Value = GeneratedDoc> {
    (
        text_strategy(6),
        text_strategy(30),
        prop::option::of(prop::sample::select(&["ru", "fa-AF", "en", "tg"][..])),
        prop::option::of(prop::sample::select(
            &["www.ozodi.org", "AsiaPlus", "tolonews.com"][..],
        )),
    )
        .prop_map(|(title, body, lang, source)| GeneratedDoc {
            title,
            body,
            lang,
            source,
        })
}

const QUERY_WORDS: &[&str] = &[
    "border",
    "borders",
    "attack",
    "tajik",
    "afghan",
    "граница",
    "границе",
    "елка",
    "مرز",
    "طالبان",
    "علی",
    "oʻzbek",
    "drill",
    "post",
    "missing",
];
const QUERY_PREFIXES: &[&str] = &[
    "bord*",
    "border*",
    "attack*",
    "гран*",
    "طال*",
    "o'z*",
    "aф*",
    "dr*",
];

/// A query's text and whether it is positional (allowed beside NEAR).
fn query_strategy() -> impl Strategy<Value = (String, bool)> {
    let leaf = prop_oneof![
        4 => prop::sample::select(QUERY_WORDS).prop_map(|w| (w.to_string(), true)),
        2 => prop::sample::select(QUERY_PREFIXES).prop_map(|p| (p.to_string(), true)),
        2 => (prop::sample::select(QUERY_WORDS), prop::sample::select(QUERY_WORDS))
            .prop_map(|(a, b)| (format!("\"{a} {b}\""), true)),
        1 => (prop::sample::select(QUERY_WORDS), prop::sample::select(QUERY_PREFIXES))
            .prop_map(|(a, b)| (format!("\"{a} {b}\""), true)),
        1 => prop::sample::select(&["lang:ru", "lang:fa", "source:ozodi.org", "source:asia*"][..])
            .prop_map(|f| (f.to_string(), false)),
    ];
    leaf.prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| (format!("({} {})", a.0, b.0), false)),
            (inner.clone(), inner.clone())
                .prop_map(|(a, b)| (format!("({} OR {})", a.0, b.0), a.1 && b.1)),
            (inner.clone(), inner.clone())
                .prop_map(|(a, b)| (format!("({} -{})", a.0, b.0), false)),
            (inner.clone(), inner.clone())
                .prop_map(|(a, b)| (format!("({} AND NOT {})", a.0, b.0), false)),
            (inner.clone(), inner.clone(), 1u32..6).prop_map(|(a, b, n)| {
                if a.1 && b.1 {
                    (format!("({} NEAR/{n} {})", a.0, b.0), true)
                } else {
                    (format!("({} {})", a.0, b.0), false)
                }
            }),
            (
                prop::sample::select(&["title:", "body:"][..]),
                inner.clone()
            )
                .prop_map(|(f, a)| (format!("{f}({})", a.0), false)),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn engine_agrees_with_the_reference(
        queries in prop::collection::vec(query_strategy(), 1..24),
        docs in prop::collection::vec(doc_strategy(), 1..6),
    ) {
        let parsed: Vec<(i64, Query)> = queries
            .iter()
            .enumerate()
            .filter_map(|(i, (text, _))| Query::parse(text).ok().map(|q| (i as i64, q)))
            .collect();
        let matcher = Matcher::new(parsed.clone());
        for d in &docs {
            let document = Document {
                title: &d.title,
                body: &d.body,
                lang: d.lang,
                source: d.source,
            };
            let expected: Vec<MatchHit> = parsed
                .iter()
                .filter_map(|(id, query)| {
                    query.matches(&document).map(|spans| MatchHit { watchlist: *id, spans })
                })
                .collect();
            prop_assert_eq!(matcher.match_document(&document), expected);
        }
    }

    #[test]
    fn generated_queries_parse_unless_they_only_exclude((text, _) in query_strategy()) {
        if let Err(e) = Query::parse(&text) {
            prop_assert!(e.message.contains("lacks the excluded text"), "{}: {}", text, e);
        }
    }

    #[test]
    fn parser_never_panics_on_arbitrary_text(text in any::<String>()) {
        let _ = Query::parse(&text);
    }

    #[test]
    fn parser_never_panics_on_query_like_text(
        text in "[ ()\"“”«»*:\\-a-zA-Zа-я0-9/]{0,40}|((AND|OR|NOT|NEAR/[0-9]{1,5}|title:|lang:|source:|-|\\(|\\)|\"|\\*|border|гран\\*) ?){0,12}"
    ) {
        match Query::parse(&text) {
            Ok(query) => {
                // A valid query's canonical form is never empty.
                prop_assert!(!query.to_string().is_empty());
            }
            Err(e) => {
                prop_assert!(e.column >= 1 && e.column <= text.chars().count() + 1, "{}: {}", text, e);
                prop_assert!(!e.message.is_empty());
            }
        }
    }
}
