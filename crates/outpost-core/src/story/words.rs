//! The small multilingual vocabulary story joining reads: numbers written
//! as words, month names, the kinds of event, and the names every report of
//! the region carries. English, Russian, Tajik, Persian/Dari, Pashto and
//! Uzbek (Latin and Cyrillic).
//!
//! Words are written here as people write them; they are compared after
//! `normalize` and the Tajik-on-a-Russian-keyboard fold ([`fold`]), so
//! `ҳамла` and `хамла` are one word.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::normalize;

/// Numbers written as words, with their value. One is left out: "one", "a",
/// "як", "یک" say nothing about an event. Words that are also ordinary
/// words in another of the languages are left out too (Tajik `сад` 100 is
/// Russian "garden", Persian `نه` 9 is "no").
const NUMBERS: &[(u32, &str)] = &[
    // English
    (2, "two"),
    (3, "three"),
    (4, "four"),
    (5, "five"),
    (6, "six"),
    (7, "seven"),
    (8, "eight"),
    (9, "nine"),
    (10, "ten"),
    (11, "eleven"),
    (12, "twelve"),
    (13, "thirteen"),
    (14, "fourteen"),
    (15, "fifteen"),
    (16, "sixteen"),
    (17, "seventeen"),
    (18, "eighteen"),
    (19, "nineteen"),
    (20, "twenty"),
    (30, "thirty"),
    (40, "forty"),
    (50, "fifty"),
    // Russian, with the case forms and collective numerals reports use
    (2, "два"),
    (2, "две"),
    (2, "двух"),
    (2, "двое"),
    (2, "двоих"),
    (2, "двум"),
    (3, "три"),
    (3, "трех"),
    (3, "трое"),
    (3, "троих"),
    (3, "тремя"),
    (4, "четыре"),
    (4, "четырех"),
    (4, "четверо"),
    (4, "четверых"),
    (5, "пять"),
    (5, "пяти"),
    (5, "пятеро"),
    (5, "пятерых"),
    (5, "пятью"),
    (6, "шесть"),
    (6, "шести"),
    (6, "шестеро"),
    (6, "шестерых"),
    (7, "семь"),
    (7, "семи"),
    (7, "семеро"),
    (7, "семерых"),
    (8, "восемь"),
    (8, "восьми"),
    (9, "девять"),
    (9, "девяти"),
    (10, "десять"),
    (10, "десяти"),
    (10, "десятеро"),
    (11, "одиннадцать"),
    (12, "двенадцать"),
    (12, "двенадцати"),
    (13, "тринадцать"),
    (14, "четырнадцать"),
    (15, "пятнадцать"),
    (15, "пятнадцати"),
    (16, "шестнадцать"),
    (17, "семнадцать"),
    (18, "восемнадцать"),
    (19, "девятнадцать"),
    (20, "двадцать"),
    (20, "двадцати"),
    (30, "тридцать"),
    (30, "тридцати"),
    (40, "сорок"),
    (50, "пятьдесят"),
    // Tajik
    (2, "ду"),
    (3, "се"),
    (4, "чор"),
    (5, "панҷ"),
    (6, "шаш"),
    (7, "ҳафт"),
    (8, "ҳашт"),
    (9, "нӯҳ"),
    (10, "даҳ"),
    (11, "ёздаҳ"),
    (12, "дувоздаҳ"),
    (13, "сенздаҳ"),
    (14, "чордаҳ"),
    (15, "понздаҳ"),
    (16, "шонздаҳ"),
    (17, "ҳабдаҳ"),
    (18, "ҳаждаҳ"),
    (19, "нуздаҳ"),
    (20, "бист"),
    (30, "сӣ"),
    (40, "чил"),
    (50, "панҷоҳ"),
    // Persian / Dari
    (2, "دو"),
    (3, "سه"),
    (4, "چهار"),
    (5, "پنج"),
    (6, "شش"),
    (7, "هفت"),
    (8, "هشت"),
    (10, "ده"),
    (11, "یازده"),
    (12, "دوازده"),
    (13, "سیزده"),
    (14, "چهارده"),
    (15, "پانزده"),
    (16, "شانزده"),
    (17, "هفده"),
    (18, "هجده"),
    (19, "نوزده"),
    (20, "بیست"),
    (30, "سی"),
    (40, "چهل"),
    (50, "پنجاه"),
    // Pashto
    (2, "دوه"),
    (3, "درې"),
    (4, "څلور"),
    (5, "پنځه"),
    (6, "شپږ"),
    (7, "اووه"),
    (8, "اته"),
    (9, "نهه"),
    (10, "لس"),
    (20, "شل"),
    // Uzbek, Latin and Cyrillic
    (2, "ikki"),
    (3, "uch"),
    (4, "toʻrt"),
    (5, "besh"),
    (6, "olti"),
    (7, "yetti"),
    (8, "sakkiz"),
    (9, "toʻqqiz"),
    (10, "oʻn"),
    (20, "yigirma"),
    (30, "oʻttiz"),
    (40, "qirq"),
    (50, "ellik"),
    (2, "икки"),
    (3, "уч"),
    (4, "тўрт"),
    (5, "беш"),
    (6, "олти"),
    (7, "етти"),
    (8, "саккиз"),
    (9, "тўққиз"),
    (10, "ўн"),
];

/// Month names (and the stems of their case forms) with their number.
/// Words of four letters or more match as prefixes (`ноября`, `ноябри`).
const MONTHS: &[(u32, &str)] = &[
    (1, "january"),
    (2, "february"),
    (3, "march"),
    (4, "april"),
    (5, "may"),
    (6, "june"),
    (7, "july"),
    (8, "august"),
    (9, "september"),
    (10, "october"),
    (11, "november"),
    (12, "december"),
    (1, "январ"),
    (2, "феврал"),
    (3, "март"),
    (4, "апрел"),
    (5, "мая"),
    (5, "май"),
    (6, "июн"),
    (7, "июл"),
    (8, "август"),
    (9, "сентябр"),
    (10, "октябр"),
    (11, "ноябр"),
    (12, "декабр"),
    (1, "yanvar"),
    (2, "fevral"),
    (3, "mart"),
    (4, "aprel"),
    (6, "iyun"),
    (7, "iyul"),
    (8, "avgust"),
    (9, "sentabr"),
    (10, "oktabr"),
    (11, "noyabr"),
    (12, "dekabr"),
    (1, "ژانویه"),
    (1, "جنوری"),
    (2, "فوریه"),
    (2, "فبروری"),
    (3, "مارس"),
    (4, "آوریل"),
    (6, "ژوئن"),
    (7, "ژوئیه"),
    (8, "اوت"),
    (8, "آگوست"),
    (9, "سپتامبر"),
    (10, "اکتبر"),
    (11, "نوامبر"),
    (11, "نومبر"),
    (12, "دسامبر"),
    (12, "دسمبر"),
];

/// Kinds of event, each with its words; a word of four letters or more
/// matches as a prefix (`напад`, `killed`), a shorter one only whole.
const EVENTS: &[(&str, &[&str])] = &[
    (
        "attack",
        &[
            "attack",
            "assault",
            "ambush",
            "raid",
            "напад",
            "атак",
            "обстрел",
            "ҳамла",
            "таҳоҷум",
            "حمله",
            "هجوم",
            "یرغل",
            "hujum",
            "ҳужум",
        ],
    ),
    (
        "killed",
        &[
            "kill",
            "deaths",
            "died",
            "погиб",
            "убит",
            "убил",
            "гибел",
            "смерт",
            "кушта",
            "ҳалок",
            "фавтид",
            "کشته",
            "کشتن",
            "قتل",
            "جان",
            "هلاک",
            "وژل",
            "ووژل",
            "مړه",
            "halok",
            "oʻldir",
            "qurbon",
            "ўлдир",
            "ҳалок",
        ],
    ),
    (
        "wounded",
        &[
            "wound",
            "injur",
            "hurt",
            "ранен",
            "ранил",
            "захмӣ",
            "захми",
            "маҷрӯҳ",
            "زخمی",
            "مجروح",
            "ټپي",
            "yarador",
            "jarohat",
            "ярадор",
        ],
    ),
    (
        "explosion",
        &[
            "explo",
            "blast",
            "bomb",
            "bombing",
            "взрыв",
            "подрыв",
            "таркиш",
            "инфиҷор",
            "انفجار",
            "چاودن",
            "portla",
            "портла",
        ],
    ),
    (
        "clash",
        &[
            "clash",
            "firefight",
            "shoot",
            "gunfire",
            "gunbattle",
            "exchanged",
            "столкн",
            "перестрел",
            "стрельб",
            "задухӯрд",
            "тирпаррон",
            "тирандоз",
            "درگیر",
            "تیراندازی",
            "نښت",
            "toʻqnash",
            "otishma",
            "тўқнаш",
        ],
    ),
    (
        "arrest",
        &[
            "arrest",
            "detain",
            "detention",
            "задерж",
            "арест",
            "боздошт",
            "ҳабс",
            "بازداشت",
            "دستگیر",
            "ونیول",
            "hibsga",
            "qoʻlga",
            "ҳибс",
        ],
    ),
    (
        "patrol",
        &["patrol", "патрул", "посбон", "گشت", "patrul", "gasht"],
    ),
    (
        "protest",
        &[
            "protest",
            "rally",
            "demonstrat",
            "протест",
            "митинг",
            "эътироз",
            "гирдиҳамо",
            "اعتراض",
            "تظاهرات",
            "namoyish",
            "norozilik",
        ],
    ),
    (
        "earthquake",
        &[
            "earthquake",
            "quake",
            "tremor",
            "землетряс",
            "толчк",
            "заминҷунб",
            "зилзила",
            "زلزله",
            "زمینلرزه",
            "zilzila",
            "zilzilа",
        ],
    ),
    (
        "flood",
        &[
            "flood",
            "mudslide",
            "mudflow",
            "наводн",
            "паводк",
            "паводок",
            "селев",
            "сел",
            "обхез",
            "سیل",
            "سیلاب",
            "toshqin",
            "sel",
        ],
    ),
    (
        "avalanche",
        &["avalanch", "лавин", "тарма", "برفکوچ", "koʻchki"],
    ),
    (
        "landslide",
        &[
            "landslide",
            "rockfall",
            "оползн",
            "оползен",
            "обвал",
            "ярч",
            "рондаи",
            "رانش",
            "koʻchki",
        ],
    ),
    (
        "fire",
        &[
            "fire",
            "blaze",
            "wildfire",
            "пожар",
            "сӯхтор",
            "آتشسوزی",
            "yongʻin",
        ],
    ),
    (
        "smuggling",
        &[
            "smuggl",
            "drug",
            "drugs",
            "heroin",
            "opium",
            "narcot",
            "hashish",
            "контрабанд",
            "наркот",
            "героин",
            "гашиш",
            "қочоқ",
            "мухаддир",
            "قاچاق",
            "مخدر",
            "هیروئین",
            "kontraband",
            "giyohvand",
        ],
    ),
    (
        "kidnap",
        &[
            "kidnap",
            "abduct",
            "hostage",
            "похищ",
            "похит",
            "залож",
            "рабуд",
            "ربود",
            "گروگان",
            "oʻgʻirla",
        ],
    ),
    (
        "airstrike",
        &[
            "drone",
            "airstrike",
            "беспилот",
            "дрон",
            "авиаудар",
            "پهپاد",
            "بمبار",
            "dron",
        ],
    ),
    (
        "talks",
        &[
            "talks",
            "summit",
            "negotiat",
            "переговор",
            "саммит",
            "музокира",
            "مذاکره",
            "muzokara",
        ],
    ),
    (
        "agreement",
        &[
            "agreement",
            "accord",
            "соглашен",
            "договор",
            "созишнома",
            "توافق",
            "موافقتنامه",
            "kelishuv",
            "shartnoma",
        ],
    ),
    (
        "crash",
        &[
            "crash",
            "accident",
            "collision",
            "авари",
            "дтп",
            "крушен",
            "садама",
            "фалокат",
            "تصادف",
            "سانحه",
            "avariya",
            "halokat",
        ],
    ),
    (
        "closure",
        &[
            "closed",
            "closure",
            "shut",
            "закры",
            "баста",
            "مسدود",
            "بسته",
            "yopil",
            "ёпил",
        ],
    ),
];

/// Names every report of the region carries — its countries, peoples,
/// capitals, the Taliban — which therefore say nothing about which event a
/// report is about.
const COMMON_NAMES: &[&str] = &[
    "Afghanistan",
    "Afghan",
    "Афганистан",
    "Афғонистон",
    "افغانستان",
    "Afgʻoniston",
    "Tajikistan",
    "Tajik",
    "Таджикистан",
    "Тоҷикистон",
    "تاجیکستان",
    "Tojikiston",
    "Uzbekistan",
    "Uzbek",
    "Узбекистан",
    "Ӯзбекистон",
    "Oʻzbekiston",
    "Ўзбекистон",
    "ازبکستان",
    "Kyrgyzstan",
    "Kyrgyz",
    "Кыргызстан",
    "Киргизия",
    "Қирғизистон",
    "Qirgʻiziston",
    "Kazakhstan",
    "Казахстан",
    "Qozogʻiston",
    "Turkmenistan",
    "Туркменистан",
    "Russia",
    "Россия",
    "Русия",
    "Rossiya",
    "روسیه",
    "China",
    "Chinese",
    "Китай",
    "Чин",
    "Xitoy",
    "چین",
    "Iran",
    "Иран",
    "ایران",
    "Pakistan",
    "Пакистан",
    "پاکستان",
    "Taliban",
    "Талибан",
    "Толибон",
    "طالبان",
    "Toliblar",
    "Dushanbe",
    "Душанбе",
    "دوشنبه",
    "Kabul",
    "Кабул",
    "Кобул",
    "کابل",
    "Tashkent",
    "Ташкент",
    "Тошкент",
    "Toshkent",
    "Bishkek",
    "Бишкек",
    "Moscow",
    "Москва",
    "Asia",
    "Азия",
    "Осиё",
    "Osiyo",
    "Central",
    "Центральной",
    "Reuters",
    "Associated",
    "Press",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Понедельник",
    "Вторник",
    "Среда",
    "Четверг",
    "Пятница",
    "Суббота",
    "Воскресенье",
    "Душанбе",
    "Сешанбе",
    "Чоршанбе",
    "Панҷшанбе",
    "Ҷумъа",
    "Шанбе",
    "Якшанбе",
    "Dushanba",
    "Seshanba",
    "Chorshanba",
    "Payshanba",
    "Juma",
    "Shanba",
    "Yakshanba",
];

/// Frequent words of Persian and Pashto news, which has no capital
/// letters to tell names from words: they are never taken for names.
const ARABIC_SCRIPT_WORDS: &[&str] = &[
    "در",
    "از",
    "به",
    "با",
    "که",
    "این",
    "آن",
    "را",
    "و",
    "برای",
    "است",
    "شد",
    "شده",
    "کرد",
    "کردند",
    "گفت",
    "گفته",
    "اند",
    "های",
    "ها",
    "نیروهای",
    "نیروها",
    "ولایت",
    "ولسوالی",
    "مقامات",
    "محلی",
    "امنیتی",
    "مرزی",
    "مرز",
    "سرحد",
    "روز",
    "شب",
    "گذشته",
    "امروز",
    "دیروز",
    "حکومت",
    "دولت",
    "وزارت",
    "سخنگوی",
    "پولیس",
    "پلیس",
    "افراد",
    "تن",
    "نفر",
    "مردم",
    "منطقه",
    "شمال",
    "جنوب",
    "کشور",
    "خبر",
    "گزارش",
    "داد",
    "دادند",
    "هم",
    "نیز",
    "یک",
    "پس",
    "په",
    "د",
    "کې",
    "او",
    "چې",
    "ته",
    "له",
    "دی",
    "وو",
    "شو",
    "شوي",
    "وویل",
    "ولسوالۍ",
    "سرحدي",
    "امنیتي",
    "ځواکونو",
    "کسان",
];

/// Folds Tajik and Uzbek Cyrillic letters into the Russian ones typed in
/// their place on a Russian keyboard (`ҳамла` → `хамла`), so both spellings
/// meet. Applied to normalised words only for looking them up here.
pub(super) fn fold(word: &str) -> std::borrow::Cow<'_, str> {
    if !word
        .chars()
        .any(|c| matches!(c, 'ғ' | 'ҳ' | 'қ' | 'ҷ' | 'ӯ' | 'ӣ' | 'ў'))
    {
        return std::borrow::Cow::Borrowed(word);
    }
    word.chars()
        .map(|c| match c {
            'ғ' => 'г',
            'ҳ' => 'х',
            'қ' => 'к',
            'ҷ' => 'ч',
            'ӯ' | 'ў' => 'у',
            'ӣ' => 'и',
            c => c,
        })
        .collect::<String>()
        .into()
}

/// A word's value if it is a number written as a word.
pub(super) fn number(word: &str) -> Option<u32> {
    tables().numbers.get(fold(word).as_ref()).copied()
}

/// A word's month number if it names a month.
pub(super) fn month(word: &str) -> Option<u32> {
    tables().months.find(&fold(word))
}

/// The kind of event a word names, if any.
pub(super) fn event(word: &str) -> Option<&'static str> {
    tables().events.find(&fold(word))
}

/// Whether a Perso-Arabic word is a frequent word rather than a name.
pub(super) fn is_arabic_script_word(word: &str) -> bool {
    tables().arabic_words.contains(word)
}

/// Whether a name skeleton is one every report of the region carries.
pub(super) fn is_common_name(skeleton: &str) -> bool {
    tables().common.iter().any(|c| c == skeleton)
}

struct Tables {
    numbers: HashMap<String, u32>,
    months: Prefixes<u32>,
    events: Prefixes<&'static str>,
    common: Vec<String>,
    arabic_words: std::collections::HashSet<String>,
}

/// Words matched whole, or as prefixes when they are at least `min` long:
/// a hash lookup per prefix length that occurs, not a scan of the list.
struct Prefixes<T> {
    whole: HashMap<String, T>,
    prefixes: HashMap<String, T>,
    /// The lengths, in chars, the prefixes come in.
    lengths: Vec<usize>,
}

impl<T: Copy> Prefixes<T> {
    fn new(words: impl IntoIterator<Item = (String, T)>, min: usize) -> Self {
        let mut p = Prefixes {
            whole: HashMap::new(),
            prefixes: HashMap::new(),
            lengths: Vec::new(),
        };
        for (w, v) in words {
            let n = w.chars().count();
            if n >= min {
                p.prefixes.insert(w, v);
                if !p.lengths.contains(&n) {
                    p.lengths.push(n);
                }
            } else {
                p.whole.insert(w, v);
            }
        }
        p.lengths.sort_unstable();
        p
    }

    fn find(&self, word: &str) -> Option<T> {
        if let Some(v) = self.whole.get(word) {
            return Some(*v);
        }
        let ends: Vec<usize> = word
            .char_indices()
            .map(|(i, _)| i)
            .skip(1)
            .chain([word.len()])
            .collect();
        // The longest prefix wins (`сентябр` before a shorter entry).
        self.lengths.iter().rev().find_map(|&n| {
            let end = *ends.get(n - 1)?;
            self.prefixes.get(&word[..end]).copied()
        })
    }
}

fn key(word: &str) -> String {
    fold(&normalize::normalize(word)).into_owned()
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut common = Vec::new();
        for w in COMMON_NAMES {
            for t in normalize::tokenize(w) {
                super::names::skeletons(&t.text, &mut common);
            }
        }
        Tables {
            numbers: NUMBERS.iter().map(|(v, w)| (key(w), *v)).collect(),
            months: Prefixes::new(MONTHS.iter().map(|(v, w)| (key(w), *v)), 4),
            events: Prefixes::new(
                EVENTS
                    .iter()
                    .flat_map(|(kind, words)| words.iter().map(move |w| (key(w), *kind))),
                4,
            ),
            common,
            arabic_words: ARABIC_SCRIPT_WORDS
                .iter()
                .map(|w| normalize::normalize(w))
                .collect(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_is_five_in_every_language() {
        for w in [
            "five",
            "пять",
            "пятеро",
            "панҷ",
            "панч",
            "پنج",
            "پنځه",
            "besh",
            "беш",
        ] {
            assert_eq!(number(&normalize::normalize(w)), Some(5), "{w}");
        }
        assert_eq!(number("пятница"), None);
    }

    #[test]
    fn months_match_their_case_forms() {
        for w in ["November", "ноября", "ноябри", "noyabr", "نوامبر"] {
            assert_eq!(month(&normalize::normalize(w)), Some(11), "{w}");
        }
        assert_eq!(month("market"), None);
    }

    #[test]
    fn event_words_in_every_language() {
        for w in ["attack", "нападение", "ҳамла", "хамла", "حمله", "hujum"] {
            assert_eq!(event(&normalize::normalize(w)), Some("attack"), "{w}");
        }
        for w in ["killed", "погибли", "кушта", "کشته"] {
            assert_eq!(event(&normalize::normalize(w)), Some("killed"), "{w}");
        }
        for w in ["patrol", "патрулирование", "посбонӣ"] {
            assert_eq!(event(&normalize::normalize(w)), Some("patrol"), "{w}");
        }
        assert_eq!(event("село"), None);
    }
}
