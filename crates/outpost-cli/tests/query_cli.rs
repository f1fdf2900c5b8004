//! `outpost query check` and `outpost match`, run as the built binary.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn outpost(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_outpost"))
        .args(args)
        // Keep the test away from the user's real archive.
        .env("OUTPOST_DB", "/nonexistent/outpost-test.db")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the outpost binary runs");
    // A command that fails on its arguments exits before reading stdin:
    // a broken pipe here is that exit, which the assertions then check.
    let written = child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin.as_bytes());
    if let Err(e) = written {
        assert_eq!(
            e.kind(),
            std::io::ErrorKind::BrokenPipe,
            "writing stdin: {e}"
        );
    }
    child.wait_with_output().expect("outpost finishes")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

#[test]
fn query_check_prints_the_parsed_form() {
    let out = outpost(
        &[
            "query",
            "check",
            "\"Tajik-Afghan border\" OR (tajik* NEAR/3 afghan*) -drill",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // The parsed form stays the first line; each term's spelling variants
    // follow on lines of their own (issue 14).
    let first = |out: &std::process::Output| text(&out.stdout).lines().next().unwrap().to_string();
    assert_eq!(
        first(&out),
        "OR(\"tajik afghan border\", AND(NEAR/3(tajik*, afghan*), NOT(drill)))"
    );
    let out = outpost(&["query", "check", "Граница* lang:ru"], "");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(first(&out), "AND(граница*, lang:ru)");
    // A query may start with an exclusion.
    let out = outpost(&["query", "check", "-drill border"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(first(&out), "AND(NOT(drill), border)");
}

// Issue 14, item 3: `query check` lists each term's spelling variants, and
// `match` applies them and names the term a variant matched.
#[test]
fn query_check_lists_variants_and_match_applies_them() {
    let out = outpost(&["query", "check", "Khorog OR =Kulob"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "OR(khorog, =kulob)");
    assert!(lines[1].starts_with("  khorog → хорог, "), "{stdout}");
    assert!(
        lines[1].contains("хоруғ") && lines[1].contains("хороге"),
        "{stdout}"
    );
    assert_eq!(lines[2], "  =kulob: exact, no variants");
    let out = outpost(&["match", "--query", "Khorog"], "Взрыв в Хороге");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "{\"matched\":true,\"spans\":[{\"field\":\"body\",\"start\":14,\"end\":26,\"text\":\"Хороге\",\"term\":\"khorog\"}]}\n"
    );
}

#[test]
fn query_check_reports_the_column_and_exits_2() {
    let cases = [
        ("", "error at column 1: empty query"),
        (
            "border AND",
            "error at column 11: expected a word, phrase or '(' after AND",
        ),
        ("\"Tajik border", "error at column 1: unclosed quote"),
        (
            "(a OR b",
            "error at column 8: expected ')' to close the '(' at column 1",
        ),
        ("a OR b)", "error at column 7: unexpected ')'"),
        (
            "a NEAR/0 b",
            "error at column 8: expected a distance of at least 1",
        ),
        (
            "NOT drill",
            "error at column 1: this exclusion would match every article",
        ),
        (
            "-drill",
            "error at column 1: this exclusion would match every article",
        ),
        ("граница AND", "error at column 12: expected a word"),
    ];
    for (query, expected) in cases {
        let out = outpost(&["query", "check", query], "");
        assert_eq!(out.status.code(), Some(2), "{query:?}");
        let stderr = text(&out.stderr);
        assert!(
            stderr.starts_with(expected),
            "{query:?}: expected {expected:?}, got {stderr:?}"
        );
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr:?}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn match_prints_spans_of_the_original_text() {
    let body = "Fighting on the Tajik–Afghan border. Граница закрыта.";
    let out = outpost(
        &[
            "match",
            "--query",
            "\"Tajik-Afghan border\" OR границ*",
            "--title",
            "Border clashes",
            "--lang",
            "en",
            "--source",
            "www.ozodi.org",
        ],
        body,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let start = body.find("Tajik").unwrap();
    let end = body.find(". Граница").unwrap();
    let g = body.find("Граница").unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "matched": true,
            "spans": [
                {"field": "body", "start": start, "end": end, "text": "Tajik–Afghan border"},
                {"field": "body", "start": g, "end": g + "Граница".len(), "text": "Граница"},
            ]
        })
    );
    // The exact key order of the contract.
    assert!(
        text(&out.stdout)
            .starts_with("{\"matched\":true,\"spans\":[{\"field\":\"body\",\"start\":")
    );
}

#[test]
fn match_uses_title_lang_and_source() {
    let run = |query: &str| {
        let out = outpost(
            &[
                "match",
                "--query",
                query,
                "--title",
                "Kabul",
                "--lang",
                "fa-AF",
                "--source",
                "tolonews.com",
            ],
            "مرز بسته شد",
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("JSON")["matched"].clone()
    };
    assert_eq!(run("title:kabul"), true);
    assert_eq!(run("body:kabul"), false);
    assert_eq!(run("lang:fa مرز"), true);
    assert_eq!(run("lang:ru مرز"), false);
    assert_eq!(run("source:TOLOnews.com kabul"), true);
    assert_eq!(run("kabul -source:tolonews.com"), false);
}

#[test]
fn match_without_a_match_exits_0_and_an_invalid_query_exits_2() {
    let out = outpost(&["match", "--query", "border"], "Weather report.");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "{\"matched\":false,\"spans\":[]}\n");
    let out = outpost(&["match", "--query", "-drill border"], "border drill");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "{\"matched\":false,\"spans\":[]}\n");
    let out = outpost(&["match", "--query", "a NEAR/0 b"], "a b");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).starts_with("error at column 8: "));
    assert!(out.stdout.is_empty());
}

fn write(dir: &Path, name: &str, content: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, content).expect("writing a fixture");
    path.to_str().expect("UTF-8 path").to_string()
}

#[test]
fn batch_match_prints_one_line_per_hit_and_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let watchlists = write(
        dir.path(),
        "w.jsonl",
        concat!(
            "{\"id\": \"border\", \"query\": \"\\\"Tajik-Afghan border\\\" OR граница*\"}\n",
            "{\"id\": \"kabul\", \"query\": \"title:kabul\"}\n",
            "\n",
            "{\"id\": 7, \"query\": \"lang:fa مرز\"}\n",
        ),
    );
    let articles = write(
        dir.path(),
        "a.jsonl",
        concat!(
            "{\"id\": \"a1\", \"title\": \"Clashes\", \"body\": \"Fighting on the Tajik–Afghan border.\", \"lang\": \"en\", \"source\": \"ozodi.org\"}\n",
            "{\"id\": \"a2\", \"title\": \"Kabul airport reopens\", \"body\": \"\", \"lang\": \"en\"}\n",
            "{\"id\": 3, \"title\": \"Граница закрыта\", \"body\": \"\", \"lang\": \"ru\"}\n",
            "{\"id\": \"a4\", \"title\": \"مرز بسته شد\", \"body\": \"\", \"lang\": \"fa-AF\"}\n",
            "{\"id\": \"a5\", \"title\": \"Nothing here\", \"body\": \"Weather.\"}\n",
        ),
    );
    let out = outpost(
        &[
            "match",
            "--watchlists",
            &watchlists,
            "--articles",
            &articles,
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        concat!(
            "{\"article\":\"a1\",\"watchlist\":\"border\"}\n",
            "{\"article\":\"a2\",\"watchlist\":\"kabul\"}\n",
            "{\"article\":3,\"watchlist\":\"border\"}\n",
            "{\"article\":\"a4\",\"watchlist\":7}\n",
        )
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("5 articles, 3 watchlists: 4 hits in 4 articles"),
        "{stderr:?}"
    );
}

#[test]
fn batch_match_rejects_an_invalid_watchlist_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let watchlists = write(
        dir.path(),
        "w.jsonl",
        "{\"id\": \"ok\", \"query\": \"border\"}\n{\"id\": \"bad\", \"query\": \"border AND\"}\n",
    );
    let articles = write(
        dir.path(),
        "a.jsonl",
        "{\"id\": 1, \"title\": \"border\"}\n",
    );
    let out = outpost(
        &[
            "match",
            "--watchlists",
            &watchlists,
            "--articles",
            &articles,
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("line 2 (watchlist \"bad\"): error at column 11: expected a word"),
        "{stderr:?}"
    );
    assert!(out.stdout.is_empty());

    let articles = write(dir.path(), "broken.jsonl", "{\"id\": 1, \"title\": \n");
    let watchlists = write(
        dir.path(),
        "w2.jsonl",
        "{\"id\": \"ok\", \"query\": \"border\"}\n",
    );
    let out = outpost(
        &[
            "match",
            "--watchlists",
            &watchlists,
            "--articles",
            &articles,
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("broken.jsonl line 1"));
}
