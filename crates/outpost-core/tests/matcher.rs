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
            term: None,
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
            // Hardening 2: a field inside another field is refused.
            prop_assert!(
                e.message.contains("lacks the excluded text") || e.message.contains("has no effect"),
                "{}: {}", text, e
            );
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

/// Runs `f` on a thread with a 256 KiB stack, an eighth of Rust's default,
/// so that any recursion the input can deepen shows up as a crash here.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .expect("spawn a thread")
        .join()
        .expect("no stack overflow or panic")
}

/// Everything done with a stored query: parse, print, list its words,
/// compile it with others, match, evaluate, and drop.
fn exercise(text: &str) -> Result<usize, String> {
    let query = Query::parse(text).map_err(|e| e.to_string())?;
    let document = doc("border a b", "a b border c d a b");
    let printed = query.to_string().len();
    let words = query.words().len() + query.prefixes().len();
    let matcher = Matcher::new([(1, query.clone()), (2, q("border"))]);
    let hits = matcher.match_document(&document);
    let reference = query.matches(&document);
    assert_eq!(
        hits.iter().any(|h| h.watchlist == 1),
        reference.is_some(),
        "{text}"
    );
    drop(matcher);
    drop(query);
    Ok(printed + words)
}

// Hardening 2, item 1: `a NEAR/5 b NEAR/5 c …` was not counted against the
// depth limit; a 20,000-link chain overflowed the stack when compiled (and
// when dropped), so a stored one aborted every command that opened the
// archive.
#[test]
fn near_chains_count_against_the_depth_limit() {
    use outpost_core::query::MAX_DEPTH;
    let chain = |links: usize| {
        let mut text = "a".to_string();
        for _ in 0..links {
            text.push_str(" NEAR/5 b");
        }
        text
    };
    on_small_stack(move || {
        assert!(exercise(&chain(MAX_DEPTH)).is_ok());
        let err = Query::parse(&chain(MAX_DEPTH + 1)).unwrap_err();
        // The error points at the 65th NEAR.
        assert_eq!(err.column, 2 + 9 * MAX_DEPTH + 1, "{err}");
        assert!(err.message.contains("levels deep"), "{err}");
        for links in [6_000, 20_000] {
            let err = exercise(&chain(links)).unwrap_err();
            assert!(err.starts_with("error at column "), "{err}");
        }
    });
}

// Hardening 2, items 1 and 4: 10,000 parentheses or 30,000 NOTs overflowed
// smaller thread stacks; a huge query is refused by size.
#[test]
fn hostile_queries_are_errors_on_a_small_stack() {
    use outpost_core::query::MAX_TERMS;
    on_small_stack(|| {
        let hostile = [
            format!("{}a{}", "(".repeat(10_000), ")".repeat(10_000)),
            format!("{}a b", "NOT ".repeat(30_000)),
            format!("{}a b", "-".repeat(30_000)),
            format!("b {}", "-(a ".repeat(10_000)),
            format!("{}a{}", "(a OR ".repeat(10_000), ")".repeat(10_000)),
            format!("{}b{}", "(a NEAR/1 ".repeat(10_000), ")".repeat(10_000)),
            "a ".repeat(100_000),
            "source:x OR ".repeat(50_000) + "a",
        ];
        for text in &hostile {
            assert!(Query::parse(text).is_err(), "{}", &text[..40]);
            assert!(Query::parse_search(text).is_err(), "{}", &text[..40]);
        }
        assert!(exercise(&"a ".repeat(MAX_TERMS)).is_ok());
        let err = Query::parse(&"a ".repeat(MAX_TERMS + 1)).unwrap_err();
        assert_eq!(err.column, 2 * MAX_TERMS + 1, "{err}");
        assert!(err.message.contains("more than 2000 words"), "{err}");
    });
}

/// One level of nesting around an inner query `X`: its text before and after
/// `X`, the depth it costs, whether it needs `X` to be positional (a `NEAR`
/// operand) and whether it is itself positional (`None`: as `X` is).
const LEVELS: &[(&str, &str, usize, bool, Option<bool>)] = &[
    ("(a OR ", ")", 1, false, None),
    ("(a NEAR/2 ", ")", 2, true, Some(true)),
    ("(a NEAR/1 b NEAR/3 ", ")", 3, true, Some(true)),
    ("(c -(", "))", 3, false, Some(false)),
    ("(NOT NOT (", ") c)", 4, false, Some(false)),
    ("(c (", ") d)", 2, false, Some(false)),
];

/// The query nesting `levels` (outermost first) around a word, skipping a
/// `NEAR` level around a group that is not positional, and its depth.
fn nested(levels: &[usize]) -> (String, usize) {
    let (mut text, mut depth, mut positional) = ("border".to_string(), 0, true);
    for &i in levels.iter().rev() {
        let (open, close, cost, needs, gives) = LEVELS[i];
        if needs && !positional {
            continue;
        }
        text = format!("{open}{text}{close}");
        depth += cost;
        positional = gives.unwrap_or(positional);
    }
    (text, depth)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    // Hardening 2, items 1 and 4: at the depth limit every walk of the tree
    // works on a small stack; one level past it is an error, never a crash.
    #[test]
    fn nesting_works_at_the_limit_and_fails_past_it(
        levels in prop::collection::vec(0..LEVELS.len(), 20..70),
        extra in 0usize..4,
    ) {
        use outpost_core::query::MAX_DEPTH;
        // Drop outer levels until the depth is at, or just past, the limit.
        let target = MAX_DEPTH + extra.min(1);
        let mut levels = levels;
        let (mut text, mut depth) = nested(&levels);
        while depth > target {
            levels.remove(0);
            (text, depth) = nested(&levels);
        }
        let outcome = on_small_stack(move || (exercise(&text), Query::parse_search(&text).is_ok()));
        if depth <= MAX_DEPTH {
            prop_assert!(outcome.0.is_ok(), "depth {}: {:?}", depth, outcome.0);
            prop_assert!(outcome.1);
        } else {
            let err = outcome.0.unwrap_err();
            prop_assert!(err.contains("levels deep"), "{}", err);
            prop_assert!(!outcome.1);
        }
    }
}

/// Pieces of a long query and how many words and values each holds.
const PIECES: &[(&str, usize)] = &[
    ("border", 1),
    ("\"tajik afghan\"", 2),
    ("source:asia*", 1),
    ("гран*", 1),
    ("(мина OR mine)", 2),
    ("\"border gua*\"", 2),
    ("lang:ru", 1),
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    // Hardening 2, item 1: the size of a query counts against a limit: at
    // MAX_TERMS words and values it parses, compiles and matches; one more
    // is an error at the column of the word that passes the limit.
    #[test]
    fn size_works_at_the_limit_and_fails_past_it(
        picks in prop::collection::vec(0..PIECES.len(), 1..3000),
        past in any::<bool>(),
    ) {
        use outpost_core::query::MAX_TERMS;
        let target = MAX_TERMS + usize::from(past);
        let (mut text, mut terms) = (String::new(), 0);
        for i in picks.into_iter().cycle() {
            let (piece, count) = if terms + PIECES[i].1 > target { ("border", 1) } else { PIECES[i] };
            text.push_str(piece);
            text.push(' ');
            terms += count;
            if terms == target {
                break;
            }
        }
        let last_word = text.trim_end().rfind(' ').map_or(0, |i| i + 1);
        let column = text[..last_word].chars().count() + 1;
        let outcome = on_small_stack(move || exercise(&text));
        if past {
            let err = outcome.unwrap_err();
            prop_assert!(err.starts_with(&format!("error at column {column}: ")), "{}", err);
            prop_assert!(err.contains("more than 2000 words"), "{}", err);
        } else {
            prop_assert!(outcome.is_ok(), "{:?}", outcome);
        }
    }
}

proptest! {
    // Runs as many cases as PROPTEST_CASES asks (256 by default), so that
    // `make fuzz` can run it for minutes: the parser, on text built from the
    // language's own pieces at any depth, never panics or overflows, and
    // what it accepts can be compiled, matched and dropped.
    #![proptest_config(ProptestConfig::default())]

    #[test]
    fn fuzz_query_parser(
        pieces in prop::collection::vec(
            prop::sample::select(&[
                "(", ")", "(", ")", "NOT ", "-", "AND ", "OR ", "NEAR/1 ", "NEAR/1000 ", "NEAR ",
                "title:", "body:", "source:", "lang:", "\"", "“", "»", "*", "border ", "гран* ",
                "a ", "b", "c ", "a:b ", "10:30 ", "مرز ", " ",
            ][..]),
            0..400,
        ),
        repeat in prop::sample::select(&[1usize, 1, 1, 20, 300][..]),
    ) {
        let text: String = pieces.concat().repeat(repeat);
        let outcome = on_small_stack(move || {
            let search = Query::parse_search(&text).map(|q| q.to_string());
            (exercise(&text), search)
        });
        if let Err(e) = outcome.0 {
            prop_assert!(e.starts_with("error at column "), "{}", e);
        }
        if let Ok(canonical) = outcome.1 {
            prop_assert!(!canonical.is_empty());
        }
    }
}

// Hardening 2, item 3: a 1 MB item of `tajik afghan …` against the README's
// example watchlist took 11–13 s (every left hit against every right hit),
// and `NEAR/1000` on a 260 KB article used 396 MB. Both now match with the
// join's linear work, and only the first 128 KiB of the body is read.
#[test]
fn long_repetitive_items_match_with_bounded_work() {
    use outpost_core::matcher::MAX_MATCH_BYTES;
    let body = "tajik afghan ".repeat(1_000_000 / 13);
    let document = doc("Report", &body);
    for query in [
        "\"Tajik-Afghan border\" OR (Tajik* NEAR/3 Afghan*)",
        "tajik NEAR/1000 afghan",
        "(tajik NEAR/1000 afghan) NEAR/1000 tajik",
    ] {
        let spans = Query::parse(query).unwrap().matches(&document).unwrap();
        // Every occurrence is joined, and the joins merge into one span
        // that ends inside the matched part of the body.
        assert_eq!(spans.len(), 1, "{query}");
        assert_eq!(spans[0].start, 0, "{query}");
        assert!(spans[0].end <= MAX_MATCH_BYTES, "{query}");
        assert!(spans[0].end > MAX_MATCH_BYTES - 20, "{query}");
        let hits = Matcher::new([(1, q(query))]).match_document(&document);
        assert_eq!(hits[0].spans, spans, "{query}");
    }
    // A word only past the cap is not seen.
    let late = format!("{body} border");
    assert!(q("border").matches(&doc("Report", &late)).is_none());
}
