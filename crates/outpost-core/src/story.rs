//! Story clustering: reports of the same event from different outlets — and
//! different languages — within a time window become one story.
//!
//! Two signals, both computed from an article's title and lead:
//! * a 64-bit SimHash over word pairs of the normalised text, which catches
//!   near-duplicate wording (syndicated copies, light rewrites) within one
//!   language;
//! * "keys": the rare tokens that survive translation — numbers and proper
//!   names, transliterated to ASCII (`Дарвоз` and `Darvoz` both give `darvo`)
//!   and cut to a five-letter stem so that inflection (`Дарвозе`) still joins.
//!
//! Pure: callers pass the candidate stories and the time.

use std::collections::{BTreeSet, HashMap};

use chrono::Duration;

use crate::model::{StoryId, Timestamp};
use crate::normalize;

/// Hamming distance at or below which two SimHashes are near-duplicates.
pub const SIMHASH_MAX_DISTANCE: u32 = 10;
/// Stories older than this (by their last article) take no new articles.
pub fn default_window() -> Duration {
    Duration::hours(48)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorySignature {
    pub simhash: u64,
    /// Sorted, unique: numbers as ASCII digits, names as five-letter stems.
    pub keys: Vec<String>,
}

impl StorySignature {
    /// Keys joined by spaces, for storage.
    pub fn keys_string(&self) -> String {
        self.keys.join(" ")
    }

    pub fn from_parts(simhash: u64, keys: &str) -> Self {
        Self {
            simhash,
            keys: keys.split_whitespace().map(str::to_string).collect(),
        }
    }
}

/// A recent story to compare against.
#[derive(Debug, Clone)]
pub struct StoryCandidate {
    pub id: StoryId,
    pub signature: StorySignature,
    pub last_seen: Timestamp,
}

/// Computes an article's signature from its title and the start of its text.
pub fn signature(title: &str, lead: &str) -> StorySignature {
    let lead = truncate_chars(lead, 400);
    let mut keys = BTreeSet::new();
    let title_tokens = normalize::tokenize(title);
    let lead_tokens = normalize::tokenize(lead);
    collect_keys(title, &title_tokens, &mut keys);
    collect_keys(lead, &lead_tokens, &mut keys);
    let words: Vec<&str> = title_tokens
        .iter()
        .chain(lead_tokens.iter())
        .map(|t| t.text.as_str())
        .filter(|w| w.chars().count() > 2)
        .collect();
    StorySignature {
        simhash: simhash(&words),
        keys: keys.into_iter().collect(),
    }
}

/// Picks the story an article belongs to, if any: the closest candidate seen
/// within `window` before `at` that is a near-duplicate or shares enough keys.
pub fn assign(
    sig: &StorySignature,
    at: Timestamp,
    candidates: &[StoryCandidate],
    window: Duration,
) -> Option<StoryId> {
    let common = common_keys(candidates);
    let sig = without(sig, &common);
    candidates
        .iter()
        .filter(|c| (at - c.last_seen).abs() <= window)
        .filter_map(|c| similarity(&sig, &without(&c.signature, &common)).map(|s| (s, c)))
        .max_by(|(a, ca), (b, cb)| a.total_cmp(b).then(ca.last_seen.cmp(&cb.last_seen)))
        .map(|(_, c)| c.id)
}

/// The recent stories of one poll cycle, indexed by key, so that comparing
/// keys costs work only for the stories that share a key with an article;
/// the SimHash test stays one XOR per story. A cold poll places thousands of
/// alerted articles among thousands of recent stories, and [`assign`]
/// recounts every story's keys for each one. [`StoryIndex::assign`] decides
/// exactly as [`assign`] does over the same candidates (a property test
/// checks it); [`assign`] stays as the plain statement of the rule.
#[derive(Debug, Default)]
pub struct StoryIndex {
    candidates: Vec<StoryCandidate>,
    /// How many candidates carry each key (the "common keys" rule).
    df: HashMap<String, usize>,
    /// The candidates, by position, that carry each key.
    postings: HashMap<String, Vec<usize>>,
}

impl StoryIndex {
    pub fn new(candidates: impl IntoIterator<Item = StoryCandidate>) -> Self {
        let mut index = Self::default();
        for c in candidates {
            index.push(c);
        }
        index
    }

    /// Adds a story (a new one, made for an article no candidate took).
    pub fn push(&mut self, candidate: StoryCandidate) {
        let at = self.candidates.len();
        for k in &candidate.signature.keys {
            *self.df.entry(k.clone()).or_default() += 1;
            self.postings.entry(k.clone()).or_default().push(at);
        }
        self.candidates.push(candidate);
    }

    pub fn len(&self) -> usize {
        self.candidates.len()
    }

    pub fn is_empty(&self) -> bool {
        self.candidates.is_empty()
    }

    /// [`assign`] over the indexed candidates.
    pub fn assign(&self, sig: &StorySignature, at: Timestamp, window: Duration) -> Option<StoryId> {
        let limit = common_limit(self.candidates.len());
        let common = |k: &str| self.df.get(k).is_some_and(|n| *n >= limit);
        let keys: Vec<&str> = sig
            .keys
            .iter()
            .map(String::as_str)
            .filter(|k| !common(k))
            .collect();
        // (names, numbers) each candidate shares with the article.
        let mut shared: HashMap<usize, (usize, usize)> = HashMap::new();
        for k in &keys {
            for &i in self.postings.get(*k).into_iter().flatten() {
                let e = shared.entry(i).or_default();
                if is_number(k) {
                    e.1 += 1;
                } else {
                    e.0 += 1;
                }
            }
        }
        let mut best: Option<(f64, &StoryCandidate)> = None;
        for (i, c) in self.candidates.iter().enumerate() {
            if (at - c.last_seen).abs() > window {
                continue;
            }
            let theirs = || {
                c.signature
                    .keys
                    .iter()
                    .filter(|k| !common(k.as_str()))
                    .count()
            };
            let (names, numbers) = shared.get(&i).copied().unwrap_or_default();
            let Some(score) = score(
                sig.simhash,
                c.signature.simhash,
                names,
                numbers,
                keys.len(),
                theirs,
            ) else {
                continue;
            };
            // As `Iterator::max_by`: the last of equal maxima wins.
            let better = best.is_none_or(|(s, b)| {
                score
                    .total_cmp(&s)
                    .then(c.last_seen.cmp(&b.last_seen))
                    .is_ge()
            });
            if better {
                best = Some((score, c));
            }
        }
        best.map(|(_, c)| c.id)
    }
}

fn without(sig: &StorySignature, common: &BTreeSet<&str>) -> StorySignature {
    StorySignature {
        simhash: sig.simhash,
        keys: sig
            .keys
            .iter()
            .filter(|k| !common.contains(k.as_str()))
            .cloned()
            .collect(),
    }
}

/// A score in (0, 2] when the two signatures describe the same story.
fn similarity(a: &StorySignature, b: &StorySignature) -> Option<f64> {
    let shared: Vec<&String> = a
        .keys
        .iter()
        .filter(|k| b.keys.binary_search(k).is_ok())
        .collect();
    let names = shared.iter().filter(|k| !is_number(k)).count();
    let numbers = shared.len() - names;
    score(a.simhash, b.simhash, names, numbers, a.keys.len(), || {
        b.keys.len()
    })
}

/// The similarity rule, from what two signatures share: their SimHashes,
/// the names and numbers both carry, and how many keys each has (`theirs`
/// is only counted when the keys could decide).
fn score(
    ours_hash: u64,
    theirs_hash: u64,
    names: usize,
    numbers: usize,
    ours: usize,
    theirs: impl FnOnce() -> usize,
) -> Option<f64> {
    let distance = (ours_hash ^ theirs_hash).count_ones();
    if distance <= SIMHASH_MAX_DISTANCE && ours_hash != 0 {
        return Some(1.0 + (1.0 - distance as f64 / 64.0));
    }
    // Names and numbers survive translation; require two of them, at least
    // one a name, so "5 killed" alone never merges unrelated events.
    if names == 0 || names + numbers < 2 {
        return None;
    }
    let shared = names + numbers;
    let union = ours + theirs() - shared;
    let jaccard = if union == 0 {
        0.0
    } else {
        shared as f64 / union as f64
    };
    (jaccard >= 0.25).then_some(jaccard)
}

/// Names every report in the region carries — the countries, peoples and
/// capitals the watchlists are about, months and weekdays — which therefore
/// say nothing about which event a report is about. Stems as `collect_keys`
/// makes them, from English, Russian and Tajik spellings.
const COMMON_NAMES: &[&str] = &[
    "afgan", "afgha", "afgho", "tadzh", "tajik", "tojik", "uzbek", "ozbek", "kyrgy", "kirgi",
    "kazak", "kazax", "qazaq", "turkm", "russi", "rossi", "rusia", "china", "chine", "kitai",
    "kitae", "iran", "irani", "pakis", "talib", "tolib", "dusha", "kabul", "kobul", "tashk",
    "almat", "bishk", "mosco", "mosko", "asia", "azii", "osiyo", "centr", "tsent", "marka",
    "janua", "febru", "march", "april", "june", "july", "augus", "septe", "octob", "novem",
    "decem", "yanva", "fevra", "marta", "aprel", "iiuni", "iiuli", "avgus", "sentia", "oktia",
    "noiab", "dekab", "monda", "tuesd", "wedne", "thurs", "frida", "satur", "sunda",
];

/// Keys carried by many recent stories are topic words of the moment, not
/// identifiers of one event.
fn common_keys(candidates: &[StoryCandidate]) -> BTreeSet<&str> {
    let mut df: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for c in candidates {
        for k in &c.signature.keys {
            *df.entry(k.as_str()).or_default() += 1;
        }
    }
    let limit = common_limit(candidates.len());
    df.into_iter()
        .filter(|(_, n)| *n >= limit)
        .map(|(k, _)| k)
        .collect()
}

/// How many of `n` recent stories must carry a key for it to be common.
fn common_limit(n: usize) -> usize {
    (n / 5).max(3)
}

fn is_number(k: &str) -> bool {
    k.bytes().all(|b| b.is_ascii_digit())
}

fn collect_keys(original: &str, tokens: &[normalize::Token], keys: &mut BTreeSet<String>) {
    for (i, token) in tokens.iter().enumerate() {
        let raw = &original[token.start..token.end];
        if let Some(n) = ascii_number(raw) {
            // Years and single digits are too common to identify an event.
            let year = n.len() == 4 && (n.starts_with("19") || n.starts_with("20"));
            if !year && n.len() > 1 || n.parse::<u32>().is_ok_and(|v| (2..=9).contains(&v)) {
                keys.insert(n);
            }
            continue;
        }
        // A name: capitalised in the original and not the first word.
        let capitalised = raw.chars().next().is_some_and(char::is_uppercase);
        if i == 0 || !capitalised || raw.chars().count() < 4 {
            continue;
        }
        let ascii = deunicode::deunicode(raw).to_ascii_lowercase();
        let stem: String = ascii
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(5)
            .collect();
        if stem.len() >= 4 && !COMMON_NAMES.contains(&stem.as_str()) {
            keys.insert(stem);
        }
    }
}

/// Digits in any script (Latin, Arabic-Indic, Persian) as ASCII digits.
fn ascii_number(raw: &str) -> Option<String> {
    let mut out = String::new();
    for c in raw.chars() {
        let d = match c {
            '0'..='9' => c as u32 - '0' as u32,
            '\u{0660}'..='\u{0669}' => c as u32 - 0x0660,
            '\u{06F0}'..='\u{06F9}' => c as u32 - 0x06F0,
            _ => return None,
        };
        out.push(char::from_digit(d, 10)?);
    }
    (!out.is_empty()).then_some(out)
}

fn simhash(words: &[&str]) -> u64 {
    if words.len() < 2 {
        return words.first().map_or(0, |w| fnv1a(w.as_bytes()));
    }
    let mut weights = [0i32; 64];
    for pair in words.windows(2) {
        let h = fnv1a(pair[0].as_bytes()) ^ fnv1a(pair[1].as_bytes()).rotate_left(17);
        for (bit, w) in weights.iter_mut().enumerate() {
            *w += if h >> bit & 1 == 1 { 1 } else { -1 };
        }
    }
    weights.iter().enumerate().fold(
        0u64,
        |acc, (bit, w)| if *w > 0 { acc | 1 << bit } else { acc },
    )
}

/// FNV-1a: stable across platforms and compiler versions, which matters
/// because signatures are stored in the archive.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn truncate_chars(s: &str, n: usize) -> &str {
    s.char_indices().nth(n).map_or(s, |(i, _)| &s[..i])
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn at(h: i64) -> Timestamp {
        Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).unwrap() + Duration::hours(h)
    }

    fn story(id: StoryId, title: &str, lead: &str, h: i64) -> StoryCandidate {
        StoryCandidate {
            id,
            signature: signature(title, lead),
            last_seen: at(h),
        }
    }

    #[test]
    fn syndicated_copies_join_by_simhash() {
        let a = signature(
            "Gunmen kill five Chinese workers near Tajik-Afghan border",
            "Five Chinese nationals working at a gold mine were killed on Sunday.",
        );
        let stories = [story(
            1,
            "Gunmen kill five Chinese workers near Tajik-Afghan border",
            "Five Chinese nationals working at a gold mine were killed on Sunday night.",
            0,
        )];
        assert_eq!(assign(&a, at(3), &stories, default_window()), Some(1));
    }

    #[test]
    fn english_and_russian_reports_join_by_names_and_numbers() {
        let ru = signature(
            "Боевики убили 5 китайских рабочих у таджикско-афганской границы",
            "Нападение произошло в районе Дарвоз Горно-Бадахшанской автономной области.",
        );
        let en = story(
            7,
            "Gunmen kill 5 Chinese workers near Tajik-Afghan border",
            "The attack happened in Darvoz district of Gorno-Badakhshan.",
            1,
        );
        let unrelated = story(
            8,
            "Uzbekistan and Kazakhstan sign water deal",
            "The 12 agreements were signed in Tashkent on Monday.",
            1,
        );
        assert_eq!(
            assign(&ru, at(2), &[unrelated, en], default_window()),
            Some(7)
        );
    }

    #[test]
    fn persian_digits_count_as_numbers() {
        assert_eq!(ascii_number("۱۲"), Some("12".into()));
        assert_eq!(ascii_number("١٢"), Some("12".into()));
        assert_eq!(ascii_number("12a"), None);
    }

    #[test]
    fn different_events_stay_apart() {
        let a = signature(
            "Border guards detain 3 smugglers in Khatlon",
            "Tajik border guards detained three men carrying drugs.",
        );
        let stories = [story(
            1,
            "Earthquake of magnitude 5 hits Dushanbe",
            "No casualties were reported after the tremor in Dushanbe.",
            0,
        )];
        assert_eq!(assign(&a, at(1), &stories, default_window()), None);
    }

    #[test]
    fn reports_sharing_only_the_regions_names_stay_apart() {
        let a = signature(
            "Clashes reported on the Tajik-Afghan border near Khorog",
            "Border guards exchanged fire with smugglers on the Tajik-Afghan border overnight.",
        );
        let stories = [story(
            1,
            "Tajik Afghan border crossing at Panji Poyon reopens for trade",
            "Traders welcomed the reopening of the Tajik–Afghan border crossing after two weeks.",
            0,
        )];
        assert_eq!(assign(&a, at(1), &stories, default_window()), None);
    }

    #[test]
    fn keys_common_to_many_recent_stories_do_not_join() {
        // Khorog is in the news all week: sharing it and one number is not
        // enough once several stories carry it.
        let stories: Vec<StoryCandidate> = (0..6)
            .map(|i| {
                story(
                    i,
                    &format!("Event {i} in Khorog draws crowds"),
                    &format!("Officials in Khorog counted {} people.", 10 + i),
                    1,
                )
            })
            .collect();
        let a = signature(
            "Protest in Khorog",
            "Witnesses in Khorog counted 12 people.",
        );
        assert_eq!(assign(&a, at(2), &stories, default_window()), None);
    }

    #[test]
    fn stories_outside_the_window_take_no_new_articles() {
        let title = "Gunmen kill five Chinese workers near Tajik-Afghan border";
        let a = signature(title, "");
        let stories = [story(1, title, "", 0)];
        assert_eq!(assign(&a, at(47), &stories, default_window()), Some(1));
        assert_eq!(assign(&a, at(49), &stories, default_window()), None);
    }

    #[test]
    fn keys_round_trip_through_storage() {
        let s = signature("Clash in Darvoz leaves 12 dead", "Officials in Khorog said");
        assert!(s.keys.contains(&"12".to_string()));
        assert!(s.keys.contains(&"darvo".to_string()));
        let back = StorySignature::from_parts(s.simhash, &s.keys_string());
        assert_eq!(back, s);
    }

    fn arb_signature() -> impl proptest::strategy::Strategy<Value = StorySignature> {
        use proptest::prelude::*;
        // A small alphabet of names and numbers, so signatures share keys
        // often, and SimHashes near each other as often as far apart.
        let keys = prop::collection::btree_set(
            prop::sample::select(
                &[
                    "darvo", "khoro", "panji", "ishko", "murgh", "12", "57", "300", "5", "7",
                ][..],
            ),
            0..6,
        );
        let simhash = prop_oneof![
            Just(0u64),
            any::<u64>(),
            (0u32..64, 0u32..64).prop_map(|(a, b)| 0xF0F0_F0F0_F0F0_F0F0 ^ (1 << a) ^ (1 << b)),
        ];
        (simhash, keys).prop_map(|(simhash, keys)| StorySignature {
            simhash,
            keys: keys.into_iter().map(str::to_string).collect(),
        })
    }

    proptest::proptest! {
        // The engine places articles with the index; the plain function is
        // the rule. They must pick the same story, ties included.
        #[test]
        fn the_index_assigns_exactly_as_the_rule(
            candidates in proptest::collection::vec((arb_signature(), -60i64..60), 0..40),
            articles in proptest::collection::vec((arb_signature(), -60i64..60), 1..10),
        ) {
            let mut list: Vec<StoryCandidate> = candidates
                .into_iter()
                .enumerate()
                .map(|(i, (signature, h))| StoryCandidate { id: i as StoryId, signature, last_seen: at(h) })
                .collect();
            let mut index = StoryIndex::new(list.clone());
            for (n, (sig, h)) in articles.into_iter().enumerate() {
                let expected = assign(&sig, at(h), &list, default_window());
                proptest::prop_assert_eq!(index.assign(&sig, at(h), default_window()), expected);
                // As the engine does: an article no story took starts one.
                if expected.is_none() {
                    let c = StoryCandidate { id: 1000 + n as StoryId, signature: sig, last_seen: at(h) };
                    list.push(c.clone());
                    index.push(c);
                }
            }
        }
    }
}
