//! Search and ingest benchmark over a generated archive.
//!
//! ```text
//! cargo bench -p outpost-store --bench search            # 1,000,000 articles
//! OUTPOST_BENCH_ARTICLES=50000 cargo bench -p outpost-store --bench search
//! ```
//!
//! Environment: `OUTPOST_BENCH_ARTICLES` (default 1,000,000),
//! `OUTPOST_BENCH_DB` (default a file in the system temp folder; kept and
//! reused when it already holds that many articles, so a second run only
//! measures queries), `OUTPOST_BENCH_BASELINE_ARTICLES` (articles for the
//! ingest baseline, default 200,000).
//!
//! Articles are generated deterministically: English, Russian and Persian
//! vocabularies of real words followed by synthetic ones, drawn with a Zipf
//! distribution, plus a few injected phrases so phrase and NEAR queries
//! have realistic hit counts. Ingest goes through `Store::ingest` in batches
//! of 50 (one poll of one source), measured against a baseline that inserts
//! the same raw text into a plain FTS5 table with no dedup or normalisation.
//! Every search kind runs through `Store::search` (page of 20, snippets
//! included) and, on the same file, through the naive query
//! `... WHERE article_fts MATCH ? ORDER BY bm25(article_fts) LIMIT 20`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use outpost_store::{NewArticle, NewSource, SearchOrder, SearchQuery, SourceKind, Store};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const BATCH: usize = 50;
const SOURCES: usize = 200;
const PAGE: u32 = 20;

fn main() {
    let n: usize = env_num("OUTPOST_BENCH_ARTICLES", 1_000_000);
    let baseline_n: usize = env_num("OUTPOST_BENCH_BASELINE_ARTICLES", 200_000).min(n);
    let path = std::env::var_os("OUTPOST_BENCH_DB")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join(format!("outpost-bench-{n}.db")));
    let corpus = Corpus::new();

    println!(
        "# outpost-store search benchmark: {n} articles, {}",
        path.display()
    );
    if std::env::var_os("OUTPOST_BENCH_COMPONENTS").is_some() {
        components(&corpus);
        return;
    }
    let ingest = prepare_archive(&path, n, &corpus);
    let baseline_ingest = baseline_ingest(baseline_n, &corpus);
    println!();
    println!("## Ingest");
    println!();
    println!("| what | articles | seconds | articles/s | ratio |");
    println!("|---|---:|---:|---:|---:|");
    if let Some((count, secs)) = ingest {
        println!(
            "| Store::ingest (dedup, normalise, FTS5), batches of {BATCH} | {count} | {secs:.1} | {:.0} | {:.2} |",
            count as f64 / secs,
            (count as f64 / secs) / (baseline_ingest.0 as f64 / baseline_ingest.1)
        );
    } else {
        println!("| Store::ingest | (reused existing archive) | | | |");
    }
    println!(
        "| baseline: raw text into plain FTS5, same batches | {} | {:.1} | {:.0} | 1.00 |",
        baseline_ingest.0,
        baseline_ingest.1,
        baseline_ingest.0 as f64 / baseline_ingest.1
    );

    let store = Store::open(&path).expect("open the bench archive");
    let raw = rusqlite::Connection::open(&path).expect("open raw");
    raw.pragma_update(None, "cache_size", -32_768).unwrap();
    println!();
    println!(
        "## Search ({} articles; page of {PAGE}; ms)",
        store.count_articles().unwrap()
    );
    println!();
    println!(
        "| kind | query examples | hits (approx.) | order | p50 | p95 | naive bm25 p50 | naive p95 | p95 ratio (naive/ours) |"
    );
    println!("|---|---|---:|---|---:|---:|---:|---:|---:|");
    for (kind, queries) in corpus.queries() {
        let hits = count_hits(&raw, &queries[0]);
        let naive = measure_naive(&raw, &queries);
        for order in [SearchOrder::Newest, SearchOrder::Ranked] {
            let ours = measure(&store, &queries, order);
            println!(
                "| {kind} | {} | {hits} | {order:?} | {:.1} | {:.1} | {:.1} | {:.1} | {:.0}× |",
                queries
                    .iter()
                    .take(2)
                    .map(|q| format!("`{q}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                ms(ours.0),
                ms(ours.1),
                ms(naive.0),
                ms(naive.1),
                naive.1.as_secs_f64() / ours.1.as_secs_f64().max(1e-9)
            );
        }
    }
}

/// Where ingest time goes: normalisation alone, and the SQL alone.
fn components(corpus: &Corpus) {
    let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let mut rng = StdRng::seed_from_u64(42);
    let arts: Vec<NewArticle> = (0..10_000)
        .map(|i| corpus.article(&mut rng, i, t0))
        .collect();
    let only_ingest = std::env::var("OUTPOST_BENCH_COMPONENTS").as_deref() == Ok("ingest");
    let t = Instant::now();
    let mut words = 0;
    for a in &arts {
        for f in [&a.title, &a.summary, &a.text] {
            words += outpost_core::normalize::normalize(f).split(' ').count();
        }
    }
    let e = t.elapsed().as_secs_f64();
    println!(
        "normalize: {:.0} articles/s, {:.0} words/s",
        arts.len() as f64 / e,
        words as f64 / e
    );
    for (name, table) in if only_ingest {
        &[][..]
    } else {
        &[
            (
                "fts5 contentless_delete",
                "CREATE VIRTUAL TABLE d USING fts5(title, body, content='', contentless_delete=1)",
            ),
            (
                "fts5 contentless",
                "CREATE VIRTUAL TABLE d USING fts5(title, body, content='')",
            ),
            (
                "fts5 with content",
                "CREATE VIRTUAL TABLE d USING fts5(title, body)",
            ),
        ][..]
    } {
        let dir = tempfile::tempdir().unwrap();
        let conn = rusqlite::Connection::open(dir.path().join("c.db")).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.pragma_update(None, "synchronous", "NORMAL").unwrap();
        conn.execute_batch(table).unwrap();
        let norm: Vec<(String, String)> = arts
            .iter()
            .map(|a| {
                (
                    outpost_core::normalize::normalize(&a.title),
                    outpost_core::normalize::normalize(&format!("{} {}", a.summary, a.text)),
                )
            })
            .collect();
        let t = Instant::now();
        for chunk in norm.chunks(BATCH) {
            let tx = conn.unchecked_transaction().unwrap();
            {
                let mut st = tx
                    .prepare_cached("INSERT INTO d (title, body) VALUES (?1, ?2)")
                    .unwrap();
                for (a, b) in chunk {
                    st.execute([a, b]).unwrap();
                }
            }
            tx.commit().unwrap();
        }
        println!(
            "{name}: {:.0} articles/s",
            arts.len() as f64 / t.elapsed().as_secs_f64()
        );
    }
    let store = Store::open_in_memory().unwrap();
    let s = store
        .add_source(
            &NewSource {
                kind: SourceKind::Feed,
                settings: Default::default(),
                url: "https://x.example/".into(),
                name: "x".into(),
                interval_secs: 60,
                lang: None,
                country: None,
                folder: None,
                tags: vec![],
            },
            t0,
        )
        .unwrap();
    let t = Instant::now();
    let cpu = cpu_seconds();
    for chunk in arts.chunks(BATCH) {
        store.ingest(s, chunk, t0).unwrap();
    }
    println!(
        "Store::ingest in memory: {:.0} articles/s wall, {:.0} articles per CPU-second",
        arts.len() as f64 / t.elapsed().as_secs_f64(),
        arts.len() as f64 / (cpu_seconds() - cpu)
    );
}

/// CPU time this process has used (all threads), from /proc: on a shared
/// machine wall time alone says more about the neighbours than about us.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are the
    // 14th and 15th fields overall, in clock ticks of 1/100 s.
    let rest = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn env_num(key: &str, default: usize) -> usize {
    std::env::var(key)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Generates the archive unless the file already holds `n` articles.
/// Returns (articles, seconds spent inside `Store::ingest`).
fn prepare_archive(path: &Path, n: usize, corpus: &Corpus) -> Option<(usize, f64)> {
    if path.exists() {
        let reusable = Store::open(path)
            .and_then(|s| s.count_articles())
            .is_ok_and(|c| c as usize == n);
        if reusable {
            return None;
        }
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
    let store = Store::open(path).expect("create the bench archive");
    let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let sources: Vec<i64> = (0..SOURCES)
        .map(|i| {
            store
                .add_source(
                    &NewSource {
                        kind: SourceKind::Feed,
                        settings: Default::default(),
                        url: format!("https://source{i}.example/rss"),
                        name: format!("Source {i}"),
                        interval_secs: 600,
                        lang: None,
                        country: None,
                        folder: None,
                        tags: vec![],
                    },
                    t0,
                )
                .unwrap()
        })
        .collect();
    let mut rng = StdRng::seed_from_u64(42);
    let mut spent = Duration::ZERO;
    let started = Instant::now();
    let mut done = 0;
    while done < n {
        let size = BATCH.min(n - done);
        let batch: Vec<NewArticle> = (0..size)
            .map(|i| corpus.article(&mut rng, done + i, t0))
            .collect();
        let now = t0 + chrono::Duration::seconds(done as i64);
        let source = sources[(done / BATCH) % SOURCES];
        let t = Instant::now();
        store.ingest(source, &batch, now).expect("ingest");
        spent += t.elapsed();
        done += size;
        if done % 100_000 == 0 {
            eprintln!(
                "  generated {done} articles, {:.0} articles/s in ingest, {:.0}s wall",
                done as f64 / spent.as_secs_f64(),
                started.elapsed().as_secs_f64()
            );
        }
    }
    Some((n, spent.as_secs_f64()))
}

/// The same generated batches inserted as raw text into a plain FTS5 table.
fn baseline_ingest(n: usize, corpus: &Corpus) -> (usize, f64) {
    let dir = tempfile::tempdir().unwrap();
    let conn = rusqlite::Connection::open(dir.path().join("baseline.db")).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "NORMAL").unwrap();
    conn.execute_batch(
        "CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2')",
    )
    .unwrap();
    let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let mut rng = StdRng::seed_from_u64(42);
    let mut spent = Duration::ZERO;
    let mut done = 0;
    while done < n {
        let size = BATCH.min(n - done);
        let batch: Vec<NewArticle> = (0..size)
            .map(|i| corpus.article(&mut rng, done + i, t0))
            .collect();
        let t = Instant::now();
        let tx = conn.unchecked_transaction().unwrap();
        {
            let mut st = tx
                .prepare_cached("INSERT INTO docs (title, body) VALUES (?1, ?2)")
                .unwrap();
            for a in &batch {
                st.execute([&a.title, &format!("{} {}", a.summary, a.text)])
                    .unwrap();
            }
        }
        tx.commit().unwrap();
        spent += t.elapsed();
        done += size;
    }
    (n, spent.as_secs_f64())
}

/// p50 and p95 of `Store::search` over the queries, after one warm-up pass.
fn measure(store: &Store, queries: &[String], order: SearchOrder) -> (Duration, Duration) {
    let q = |text: &str| SearchQuery {
        text: text.into(),
        limit: PAGE,
        order,
        ..Default::default()
    };
    for text in queries {
        store.search(&q(text)).unwrap();
    }
    let mut samples = Vec::new();
    for _ in 0..8 {
        for text in queries {
            let t = Instant::now();
            let hits = store.search(&q(text)).unwrap();
            samples.push(t.elapsed());
            std::hint::black_box(hits);
        }
    }
    percentiles(samples)
}

/// The naive ranked query on the same index, fewer rounds (it is slow).
fn measure_naive(raw: &rusqlite::Connection, queries: &[String]) -> (Duration, Duration) {
    let mut st = raw
        .prepare("SELECT rowid FROM article_fts WHERE article_fts MATCH ?1 ORDER BY bm25(article_fts) LIMIT 20")
        .unwrap();
    let mut run = |text: &str| {
        let fts = outpost_store::search::parse_query(text).unwrap().fts;
        let ids: Vec<i64> = st
            .query_map([fts], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        std::hint::black_box(ids);
    };
    for text in queries {
        run(text);
    }
    let mut samples = Vec::new();
    for _ in 0..2 {
        for text in queries {
            let t = Instant::now();
            run(text);
            samples.push(t.elapsed());
        }
    }
    percentiles(samples)
}

fn count_hits(raw: &rusqlite::Connection, text: &str) -> i64 {
    let fts = outpost_store::search::parse_query(text).unwrap().fts;
    raw.query_row(
        "SELECT count(*) FROM article_fts WHERE article_fts MATCH ?1",
        [fts],
        |r| r.get(0),
    )
    .unwrap()
}

fn percentiles(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort();
    let at = |p: f64| v[((v.len() as f64 - 1.0) * p).round() as usize];
    (at(0.50), at(0.95))
}

/// Per-language vocabularies with Zipf sampling.
struct Lang {
    code: &'static str,
    words: Vec<String>,
    cdf: Vec<f64>,
    phrases: &'static [&'static str],
}

struct Corpus {
    langs: Vec<Lang>,
}

const EN_HEAD: &str = "the of and to in a on for said that was with by at from is as were it has his have an are not be security border forces police taliban government province district attack killed officials afghanistan tajikistan military people report country region fighters troops guards minister president week local sources told news killed official ministry interior defense area village city capital group armed";
const RU_HEAD: &str = "в и на не что с по из о к за от для как это а также года был он при граница пограничный безопасность таджикистан афганистан талибан силы полиция район провинция нападение погибли власти министр президент сообщили военные люди регион город столица группа";
const FA_HEAD: &str = "و در به از که این را با است برای آن یک تا می شد کرد مرز امنیت نیروهای طالبان افغانستان تاجیکستان ولایت ولسوالی حمله کشته مقامات وزارت رئیس جمهور گفت مردم شهر پایتخت گروه";

const EN_SYL: [&str; 16] = [
    "ka", "ro", "mi", "ta", "sen", "dor", "bal", "vi", "lu", "ne", "pa", "shi", "zo", "gar", "tel",
    "mun",
];
const RU_SYL: [&str; 16] = [
    "ка", "ро", "ми", "та", "сен", "дор", "бал", "ви", "лу", "не", "па", "ши", "зо", "гар", "тел",
    "мун",
];
const FA_SYL: [&str; 16] = [
    "کا", "رو", "می", "تا", "سن", "در", "بل", "وی", "لو", "نه", "پا", "شی", "زو", "گر", "تل", "من",
];

impl Lang {
    fn new(
        code: &'static str,
        head: &str,
        syl: &[&str; 16],
        phrases: &'static [&'static str],
    ) -> Lang {
        let mut words: Vec<String> = head.split(' ').map(str::to_string).collect();
        let mut seen: std::collections::HashSet<String> = words.iter().cloned().collect();
        // Synthetic words in a fixed pseudo-random order of syllable codes.
        let mut rng = StdRng::seed_from_u64(7);
        while words.len() < 30_000 {
            let len = rng.random_range(2..=4);
            let w: String = (0..len).map(|_| syl[rng.random_range(0..16)]).collect();
            if seen.insert(w.clone()) {
                words.push(w);
            }
        }
        let mut cdf = Vec::with_capacity(words.len());
        let mut acc = 0.0;
        for rank in 1..=words.len() {
            acc += 1.0 / rank as f64;
            cdf.push(acc);
        }
        for c in &mut cdf {
            *c /= acc;
        }
        Lang {
            code,
            words,
            cdf,
            phrases,
        }
    }

    fn word(&self, rng: &mut StdRng) -> &str {
        let x: f64 = rng.random();
        let i = self
            .cdf
            .partition_point(|c| *c < x)
            .min(self.words.len() - 1);
        &self.words[i]
    }

    fn sentence(&self, rng: &mut StdRng, min: usize, max: usize) -> String {
        let n = rng.random_range(min..=max);
        let mut s = String::new();
        for i in 0..n {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(self.word(rng));
        }
        s
    }
}

impl Corpus {
    fn new() -> Corpus {
        Corpus {
            langs: vec![
                Lang::new(
                    "en",
                    EN_HEAD,
                    &EN_SYL,
                    &["border guards", "security forces", "Tajik-Afghan border"],
                ),
                Lang::new(
                    "ru",
                    RU_HEAD,
                    &RU_SYL,
                    &["пограничный пост", "силы безопасности"],
                ),
                Lang::new("fa", FA_HEAD, &FA_SYL, &["مرز تاجیکستان", "نیروهای امنیتی"]),
            ],
        }
    }

    fn article(&self, rng: &mut StdRng, i: usize, t0: chrono::DateTime<Utc>) -> NewArticle {
        let pick: f64 = rng.random();
        let lang = &self.langs[if pick < 0.5 {
            0
        } else if pick < 0.8 {
            1
        } else {
            2
        }];
        let title = lang.sentence(rng, 6, 12);
        let mut summary = lang.sentence(rng, 20, 40);
        if rng.random_bool(0.05) {
            let p = lang.phrases[rng.random_range(0..lang.phrases.len())];
            summary.push(' ');
            summary.push_str(p);
        }
        let text = lang.sentence(rng, 40, 100);
        NewArticle {
            guid: Some(format!("g{i}")),
            url: Some(format!(
                "https://news.example/{}/{i}?utm_source=rss",
                lang.code
            )),
            title,
            summary,
            content_html: String::new(),
            text,
            lang: Some(lang.code.to_string()),
            published: Some(t0 + chrono::Duration::seconds(i as i64 - 3600)),
            authors: vec![],
            extra: Default::default(),
        }
    }

    /// Query kinds and several queries of each.
    fn queries(&self) -> Vec<(&'static str, Vec<String>)> {
        let rare = |l: usize, ranks: &[usize]| -> Vec<String> {
            ranks
                .iter()
                .map(|r| self.langs[l].words[*r].clone())
                .collect()
        };
        let mut rare_words = rare(0, &[12_000, 15_000, 18_000]);
        rare_words.extend(rare(1, &[12_000, 16_000]));
        rare_words.extend(rare(2, &[14_000]));
        let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        vec![
            ("rare word", rare_words),
            (
                "common word",
                owned(&["border", "security", "граница", "талибан", "مرز", "police"]),
            ),
            (
                "phrase",
                owned(&[
                    "\"border guards\"",
                    "\"пограничный пост\"",
                    "\"مرز تاجیکستان\"",
                    "\"security forces\"",
                ]),
            ),
            (
                "prefix",
                owned(&["bord*", "secur*", "гран*", "погран*", "kar*", "حمل*"]),
            ),
            (
                "NEAR",
                owned(&[
                    "taliban NEAR/5 border",
                    "граница NEAR/5 талибан",
                    "police NEAR/3 killed",
                    "مرز NEAR/5 طالبان",
                ]),
            ),
        ]
    }
}
