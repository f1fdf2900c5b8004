//! Matching throughput: the compiled matcher against the reference evaluator
//! (every query evaluated on every article, the article tokenised once), in
//! the same run, on generated multilingual articles and watchlists.
//!
//! Run: `cargo bench -p outpost-core --bench matcher` (see bench/match/).
//! Scale with `ARTICLES=…`, `WATCHLISTS=1000,10000`, `REFERENCE_ARTICLES=…`,
//! `ROUNDS=…` (the engine's rate is the best of that many passes).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::Instant;

use outpost_core::matcher::{Document, Matcher, TokenizedDocument};
use outpost_core::query::Query;

/// Counts live heap bytes, to report what the compiled index costs.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// CPU time of this thread in seconds: the machine is shared, and wall time
/// would count other processes' turns on the cores.
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map_or_else(
            || {
                static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
                START.get_or_init(Instant::now).elapsed().as_secs_f64()
            },
            |ns| ns as f64 / 1e9,
        )
}

/// The fastest of `rounds` runs of `work`, in CPU seconds.
fn best_of(rounds: usize, mut work: impl FnMut() -> usize) -> f64 {
    (0..rounds.max(1))
        .map(|_| {
            let started = cpu_seconds();
            std::hint::black_box(work());
            cpu_seconds() - started
        })
        .fold(f64::INFINITY, f64::min)
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing
    // and expects a quick run.
    let quick = !std::env::args().any(|a| a == "--bench");
    let articles_n = env_usize("ARTICLES", if quick { 300 } else { 100_000 });
    let reference_n = env_usize("REFERENCE_ARTICLES", if quick { 30 } else { 1_000 });
    let variants = env_usize("VARIANTS", 1) != 0;
    let watchlist_counts: Vec<usize> = std::env::var("WATCHLISTS")
        .ok()
        .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
        .unwrap_or_else(|| {
            if quick {
                vec![100]
            } else {
                vec![1_000, 10_000]
            }
        });

    let mut generator = Generator::new(0x0075_7457_2026);
    let articles: Vec<Article> = (0..articles_n).map(|_| generator.article()).collect();
    let words: usize = articles
        .iter()
        .map(|a| a.title.split_whitespace().count() + a.body.split_whitespace().count())
        .sum();
    println!(
        "{} generated articles (en/ru/fa), {:.0} words each on average; one thread, rates in CPU time",
        articles.len(),
        words as f64 / articles.len().max(1) as f64
    );
    let rounds = env_usize("ROUNDS", if quick { 1 } else { 3 });
    let tokenize_seconds = best_of(rounds, || {
        let mut tokens = 0usize;
        for a in &articles {
            let tokenized = TokenizedDocument::new(a.document());
            tokens += tokenized.title.len() + tokenized.body.len();
        }
        tokens
    });
    println!(
        "tokenising and normalising alone: {:.0} articles/s",
        articles.len() as f64 / tokenize_seconds
    );
    println!(
        "spelling variants: {}",
        if variants {
            "on (VARIANTS=0 turns them off)"
        } else {
            "off"
        }
    );
    println!();
    println!(
        "| watchlists | engine articles/s | reference articles/s | engine / reference | candidates per article | hits per article | index memory | build |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");

    let max_watchlists = watchlist_counts.iter().copied().max().unwrap_or(0);
    let all_queries: Vec<String> = (0..max_watchlists).map(|_| generator.watchlist()).collect();

    for &count in &watchlist_counts {
        let queries: Vec<(i64, Query)> = all_queries[..count]
            .iter()
            .enumerate()
            .map(|(i, text)| {
                let query = Query::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
                (i as i64, query)
            })
            .collect();

        let before = LIVE.load(Ordering::Relaxed);
        let build_started = Instant::now();
        // Spelling variants are on by default, as for watchlists; the build
        // time includes expanding every query.
        let queries: Vec<(i64, Query)> = if variants {
            queries
                .into_iter()
                .map(|(id, q)| (id, q.with_variants(&[])))
                .collect()
        } else {
            queries
        };
        let matcher = Matcher::new(queries.clone());
        let build = build_started.elapsed().as_secs_f64();
        let memory = LIVE.load(Ordering::Relaxed) - before;

        // Engine: every article, best of `rounds` passes.
        let mut hits = 0usize;
        let engine_seconds = best_of(rounds, || {
            hits = 0;
            let mut spans = 0usize;
            for a in &articles {
                let found = matcher.match_document(&a.document());
                hits += found.len();
                spans += found.iter().map(|h| h.spans.len()).sum::<usize>();
            }
            spans
        });
        let engine_rate = articles.len() as f64 / engine_seconds;

        // Reference: a sample, since it is slow; also checks the engine.
        let sample = &articles[..reference_n.min(articles.len())];
        let candidates: usize = sample
            .iter()
            .map(|a| matcher.candidate_count(&TokenizedDocument::new(a.document())))
            .sum();
        let started = cpu_seconds();
        let mut reference_hits = Vec::new();
        for a in sample {
            let tokenized = TokenizedDocument::new(a.document());
            let found: Vec<i64> = queries
                .iter()
                .filter(|(_, q)| q.matches_tokenized(&tokenized).is_some())
                .map(|(id, _)| *id)
                .collect();
            reference_hits.push(found);
        }
        let reference_seconds = cpu_seconds() - started;
        let reference_rate = sample.len() as f64 / reference_seconds;
        for (a, expected) in sample.iter().zip(&reference_hits) {
            let got: Vec<i64> = matcher
                .match_document(&a.document())
                .iter()
                .map(|h| h.watchlist)
                .collect();
            assert_eq!(
                &got, expected,
                "engine and reference disagree on {:?}",
                a.title
            );
        }

        println!(
            "| {count} | {engine_rate:.0} | {reference_rate:.1} (on {} articles) | {:.0}× | {:.1} | {:.2} | {:.1} MiB | {:.1} ms |",
            sample.len(),
            engine_rate / reference_rate,
            candidates as f64 / sample.len().max(1) as f64,
            hits as f64 / articles.len().max(1) as f64,
            memory as f64 / (1024.0 * 1024.0),
            build * 1000.0,
        );
    }
}

struct Article {
    title: String,
    body: String,
    lang: &'static str,
    source: &'static str,
}

impl Article {
    fn document(&self) -> Document<'_> {
        Document {
            title: &self.title,
            body: &self.body,
            lang: Some(self.lang),
            source: Some(self.source),
        }
    }
}

/// A deterministic generator of articles and watchlists (SplitMix64).
struct Generator {
    state: u64,
    /// Feed summaries (a title and a sentence or three) instead of leads of
    /// four to twelve sentences.
    summaries: bool,
    languages: Vec<Language>,
}

struct Language {
    code: &'static str,
    /// Words by rank: frequent ones first.
    words: Vec<String>,
    /// Cumulative Zipf weights over `words`.
    cdf: Vec<f64>,
}

/// Words per language: real news vocabulary is larger still.
const VOCABULARY: usize = 50_000;

const SOURCES: &[&str] = &[
    "www.ozodi.org",
    "asiaplustj.info",
    "tolonews.com",
    "www.bbc.com",
    "ria.ru",
    "8am.media",
    "khaama.com",
    "avesta.tj",
];

const EN_WORDS: &str = "the of and to in a on for that was with said by at from is as were has have \
    it an be after are not their which police security border forces taliban government officials \
    attack killed two three people province district militants soldiers army minister president \
    tajikistan afghanistan tajik afghan dushanbe kabul khatlon badakhshan kunduz takhar balkh herat \
    kandahar helmand crossing bridge checkpoint guards drone strike explosion bomb suicide mine \
    refugees migrants drugs smuggling heroin opium seizure arrested detained sentenced court trial \
    russia china uzbekistan kyrgyzstan turkmenistan iran pakistan india military base exercise drill \
    cooperation agreement talks delegation visit meeting summit election protest water energy \
    electricity gas pipeline railway road trade market prices wheat flour food aid humanitarian \
    earthquake flood avalanche mudslide casualties injured wounded hospital clinic teachers schools \
    girls women rights ban media journalist reporter radio television channel internet shutdown";

const RU_WORDS: &str = "и в на с по что не о к из за от для как это был была были года также \
    сообщил заявил границ таджикистан афганистан талибан пограничник погранотряд застав \
    военн учени безопасност министр президент правительств душанбе кабул хатлон бадахшан \
    кундуз тахар балх герат наркотик контрабанд героин задержан арестован суд приговор \
    россия китай узбекистан киргизия туркмения иран пакистан вооруженн сил баз \
    беженц мигрант взрыв атак обстрел погиб ранен вертолет самолет дрон мост \
    переход пункт таможн торговл рынок цен пшениц мук помощ гуманитарн землетрясени \
    наводнени лавин сел жертв больниц школ учител женщин прав запрет журналист СМИ \
    телеканал интернет блокировк выбор протест вод энерги электричеств газ трубопровод \
    железн дорог сотрудничеств соглашени переговор делегаци визит встреч саммит";

const RU_ENDINGS: &[&str] = &[
    "", "а", "ы", "е", "у", "ой", "ами", "ах", "ов", "ия", "ии", "ей",
];

const FA_WORDS: &str = "و در به از که این با را برای است شد می آن یک هم کرد گفت بود شده \
    مرز طالبان تاجیکستان افغانستان امنیت نیروهای مرزی حکومت مقامات حمله کشته زخمی ولایت \
    ولسوالی شورشیان سربازان ارتش وزیر رئیس جمهور دوشنبه کابل ختلان بدخشان کندز تخار بلخ هرات \
    قندهار هلمند گذرگاه پل پاسگاه انفجار بمب انتحاری ماین پناهجویان مهاجران مواد مخدر قاچاق \
    هروئین تریاک بازداشت زندانی دادگاه روسیه چین ازبکستان قرقیزستان ترکمنستان ایران پاکستان \
    هند پایگاه نظامی رزمایش همکاری توافق گفتگو هیئت دیدار نشست انتخابات اعتراض آب انرژی برق \
    گاز خط لوله راه آهن تجارت بازار قیمت گندم آرد غذا کمک بشردوستانه زلزله سیل برف \
    تلفات بیمارستان مکتب معلمان دختران زنان حقوق ممنوعیت رسانه خبرنگار رادیو تلویزیون انترنت";

const EN_SYLLABLES: &[&str] = &[
    "ka", "ro", "mi", "tan", "dor", "el", "sha", "bur", "gan", "li", "ver", "on", "as", "tre",
    "qu", "an", "is", "zar", "ho", "pe",
];
const RU_SYLLABLES: &[&str] = &[
    "ка", "ро", "ми", "тан", "дор", "ель", "ша", "бур", "ган", "ли", "вер", "он", "ас", "тре",
    "зар", "хо", "пе", "ну", "сто", "гра",
];
const FA_SYLLABLES: &[&str] = &[
    "کا", "رو", "می", "تان", "در", "ال", "شا", "بو", "گان", "لی", "ور", "ان", "اس", "زر", "هو",
    "پی", "نو", "ست", "گر", "با",
];

impl Generator {
    fn new(seed: u64) -> Generator {
        let mut generator = Generator {
            state: seed,
            summaries: std::env::var("SUMMARIES").is_ok_and(|v| v == "1"),
            languages: Vec::new(),
        };
        let en = generator.language("en", EN_WORDS, &[""], EN_SYLLABLES);
        let ru = generator.language("ru", RU_WORDS, RU_ENDINGS, RU_SYLLABLES);
        let fa = generator.language("fa-AF", FA_WORDS, &[""], FA_SYLLABLES);
        generator.languages = vec![en, ru, fa];
        generator
    }

    fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    /// A vocabulary of [`VOCABULARY`] words: the real ones first (most frequent),
    /// then stems with endings, then made-up words for the long tail.
    fn language(
        &mut self,
        code: &'static str,
        real: &str,
        endings: &[&str],
        syllables: &[&str],
    ) -> Language {
        let mut words: Vec<String> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let stems: Vec<&str> = real.split_whitespace().collect();
        for stem in &stems {
            let ending = endings[self.below(endings.len())];
            let word = format!("{stem}{ending}");
            if seen.insert(word.clone()) {
                words.push(word);
            }
        }
        for stem in &stems {
            for ending in endings {
                let word = format!("{stem}{ending}");
                if seen.insert(word.clone()) {
                    words.push(word);
                }
            }
        }
        while words.len() < VOCABULARY {
            let syllable_count = 2 + self.below(3);
            let mut word: String = (0..syllable_count)
                .map(|_| syllables[self.below(syllables.len())])
                .collect();
            word.push_str(endings[self.below(endings.len())]);
            if seen.insert(word.clone()) {
                words.push(word);
            }
        }
        let mut cdf = Vec::with_capacity(words.len());
        let mut total = 0.0;
        for rank in 1..=words.len() {
            total += 1.0 / (rank as f64).powf(1.05);
            cdf.push(total);
        }
        Language { code, words, cdf }
    }

    fn zipf_word(&mut self, lang: usize) -> String {
        let unit = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        let language = &self.languages[lang];
        let x = unit * *language.cdf.last().expect("vocabulary");
        let i = language.cdf.partition_point(|&c| c < x);
        language.words[i.min(language.words.len() - 1)].clone()
    }

    /// A watchlist word: log-uniform over ranks 200–50,000, so from the
    /// domain's own words (a few percent of articles) to rare names.
    fn topic_word(&mut self, lang: usize) -> String {
        let unit = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        let rank = (200.0 * (250.0f64).powf(unit)) as usize;
        let words = &self.languages[lang].words;
        words[rank.min(words.len() - 1)].clone()
    }

    fn pick_language(&mut self) -> usize {
        match self.below(10) {
            0..=4 => 0,
            5..=7 => 1,
            _ => 2,
        }
    }

    fn sentence(&mut self, lang: usize, words: usize) -> String {
        let mut out = String::new();
        for i in 0..words {
            let mut word = self.zipf_word(lang);
            if i == 0 || self.chance(0.05) {
                word = capitalize(&word);
            }
            if i > 0 {
                out.push_str(if self.chance(0.02) { "-" } else { " " });
            }
            out.push_str(&word);
            if i + 1 < words && self.chance(0.06) {
                out.push(',');
            }
        }
        out.push('.');
        out
    }

    fn article(&mut self) -> Article {
        let lang = self.pick_language();
        let title_words = 6 + self.below(7);
        let title = self
            .sentence(lang, title_words)
            .trim_end_matches('.')
            .to_string();
        let sentences = if self.summaries {
            1 + self.below(3)
        } else {
            4 + self.below(9)
        };
        let body: Vec<String> = (0..sentences)
            .map(|_| {
                let n = 8 + self.below(18);
                self.sentence(lang, n)
            })
            .collect();
        Article {
            title,
            body: body.join(" "),
            lang: self.languages[lang].code,
            source: SOURCES[self.below(SOURCES.len())],
        }
    }

    fn prefix_of(&mut self, lang: usize) -> String {
        let word = self.topic_word(lang);
        let chars: Vec<char> = word.chars().collect();
        let keep = chars.len().min(4 + self.below(3)).max(3.min(chars.len()));
        let stem: String = chars[..keep].iter().collect();
        if stem.chars().count() < 3 {
            word
        } else {
            format!("{stem}*")
        }
    }

    /// A watchlist query: words, phrases, prefixes, OR groups, NEAR, NOT and
    /// field scoping in proportions an analyst's list might have.
    fn watchlist(&mut self) -> String {
        let lang = self.pick_language();
        match self.below(20) {
            0..=2 => self.topic_word(lang),
            3..=5 => format!("{} {}", self.topic_word(lang), self.topic_word(lang)),
            6..=8 => format!("\"{} {}\"", self.topic_word(lang), self.topic_word(lang)),
            9..=10 => format!("{} {}", self.prefix_of(lang), self.topic_word(lang)),
            11..=13 => {
                let n = 2 + self.below(3);
                let group: Vec<String> = (0..n).map(|_| self.topic_word(lang)).collect();
                format!("({}) {}", group.join(" OR "), self.prefix_of(lang))
            }
            14..=15 => format!(
                "{} NEAR/{} ({} OR {})",
                self.topic_word(lang),
                1 + self.below(8),
                self.topic_word(lang),
                self.prefix_of(lang)
            ),
            16..=17 => format!(
                "{} {} -{}",
                self.topic_word(lang),
                self.topic_word(lang),
                self.topic_word(lang)
            ),
            18 => format!(
                "title:({} OR {}) lang:{}",
                self.topic_word(lang),
                self.prefix_of(lang),
                self.languages[lang].code
            ),
            _ => format!(
                "\"{} {}\" OR ({} NOT {}) source:{}",
                self.topic_word(lang),
                self.topic_word(lang),
                self.topic_word(lang),
                self.topic_word(lang),
                SOURCES[self.below(SOURCES.len())]
            ),
        }
    }
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
