//! The regional source pack loaded on first run: outlets covering the
//! Tajik–Afghan border, Afghanistan and Central Asia in English, Russian,
//! Tajik, Dari, Pashto and Uzbek, humanitarian feeds, and search feeds.
//!
//! The addresses are the outlets' published feed URLs as last known. Feeds
//! move; an address that stops working shows its error on the source and
//! is fixed by editing the source, so nothing here is load-bearing.

use serde::Serialize;
use url::Url;

/// One source of the default pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DefaultSource {
    pub name: String,
    pub url: Url,
    /// ISO 639-1 language of the feed (`en`, `ru`, `tg`, `fa` for Dari, `ps`, `uz`).
    pub lang: String,
    /// ISO 3166-1 alpha-2 country the outlet covers, or `None` for regional.
    pub country: Option<String>,
    pub tags: Vec<String>,
    /// The folder the source is filed in.
    pub folder: String,
}

/// The pack, in the order the Sources page lists it.
pub fn default_sources() -> Vec<DefaultSource> {
    let mut out = Vec::new();
    let mut add =
        |name: &str, url: &str, lang: &str, country: Option<&str>, tags: &[&str], folder: &str| {
            out.push(DefaultSource {
                name: name.into(),
                url: Url::parse(url).expect("default source URLs are valid"),
                lang: lang.into(),
                country: country.map(str::to_string),
                tags: tags.iter().map(|t| t.to_string()).collect(),
                folder: folder.into(),
            });
        };

    // Tajikistan.
    add(
        "Asia-Plus (Russian)",
        "https://asiaplustj.info/ru/rss",
        "ru",
        Some("TJ"),
        &["news"],
        "Tajikistan",
    );
    add(
        "Asia-Plus (English)",
        "https://asiaplustj.info/en/rss",
        "en",
        Some("TJ"),
        &["news"],
        "Tajikistan",
    );
    add(
        "Avesta",
        "https://avesta.tj/feed/",
        "ru",
        Some("TJ"),
        &["news"],
        "Tajikistan",
    );
    add(
        "Khovar (state news agency)",
        "https://khovar.tj/rus/feed/",
        "ru",
        Some("TJ"),
        &["news", "official"],
        "Tajikistan",
    );
    add(
        "Sputnik Tajikistan",
        "https://tj.sputniknews.ru/export/rss2/archive/index.xml",
        "ru",
        Some("TJ"),
        &["news"],
        "Tajikistan",
    );

    // Afghanistan.
    add(
        "TOLOnews",
        "https://tolonews.com/rss.xml",
        "en",
        Some("AF"),
        &["news"],
        "Afghanistan",
    );
    add(
        "TOLOnews (Dari)",
        "https://tolonews.com/fa/rss.xml",
        "fa",
        Some("AF"),
        &["news"],
        "Afghanistan",
    );
    add(
        "Pajhwok Afghan News",
        "https://pajhwok.com/feed/",
        "en",
        Some("AF"),
        &["news"],
        "Afghanistan",
    );
    add(
        "Pajhwok (Dari)",
        "https://pajhwok.com/fa/feed/",
        "fa",
        Some("AF"),
        &["news"],
        "Afghanistan",
    );
    add(
        "Khaama Press",
        "https://www.khaama.com/feed/",
        "en",
        Some("AF"),
        &["news"],
        "Afghanistan",
    );
    add(
        "Amu TV",
        "https://amu.tv/feed/",
        "en",
        Some("AF"),
        &["news"],
        "Afghanistan",
    );
    add(
        "Afghanistan International",
        "https://www.afintl.com/en/rss",
        "en",
        Some("AF"),
        &["news"],
        "Afghanistan",
    );
    add(
        "BBC Pashto",
        "https://feeds.bbci.co.uk/pashto/rss.xml",
        "ps",
        Some("AF"),
        &["news"],
        "Afghanistan",
    );

    // Central Asia.
    add(
        "RFE/RL",
        "https://www.rferl.org/api/zrqiteuuir",
        "en",
        None,
        &["news"],
        "Central Asia",
    );
    add(
        "Eurasianet",
        "https://eurasianet.org/rss",
        "en",
        None,
        &["news", "analysis"],
        "Central Asia",
    );
    add(
        "Fergana",
        "https://fergana.media/rss/",
        "ru",
        None,
        &["news"],
        "Central Asia",
    );
    add(
        "Kun.uz",
        "https://kun.uz/news/rss",
        "uz",
        Some("UZ"),
        &["news"],
        "Central Asia",
    );
    add(
        "Gazeta.uz",
        "https://www.gazeta.uz/ru/rss/",
        "ru",
        Some("UZ"),
        &["news"],
        "Central Asia",
    );
    add(
        "Kabar",
        "https://kabar.kg/rss/",
        "ru",
        Some("KG"),
        &["news", "official"],
        "Central Asia",
    );
    add(
        "AKIpress",
        "https://akipress.com/rss/news_en.rss",
        "en",
        Some("KG"),
        &["news"],
        "Central Asia",
    );
    add(
        "24.kg",
        "https://24.kg/rss/",
        "ru",
        Some("KG"),
        &["news"],
        "Central Asia",
    );

    // Humanitarian.
    add(
        "ReliefWeb: Afghanistan",
        "https://reliefweb.int/country/afg/rss.xml",
        "en",
        Some("AF"),
        &["humanitarian"],
        "Humanitarian",
    );
    add(
        "ReliefWeb: Tajikistan",
        "https://reliefweb.int/country/tjk/rss.xml",
        "en",
        Some("TJ"),
        &["humanitarian"],
        "Humanitarian",
    );
    add(
        "UN News: Asia Pacific",
        "https://news.un.org/feed/subscribe/en/news/region/asia-pacific/feed/rss.xml",
        "en",
        None,
        &["humanitarian", "un"],
        "Humanitarian",
    );

    // Radio Ozodi publishes its feeds under opaque per-section codes that
    // change; a site search through Google News keeps working regardless.
    for (name, query, lang, hl) in [
        (
            "Radio Ozodi (RFE/RL Tajik), via Google News",
            "site:ozodi.org",
            "tg",
            ("tg", "TJ", "TJ:tg"),
        ),
        (
            "Google News: Tajik-Afghan border",
            "Tajik Afghan border",
            "en",
            ("en-US", "US", "US:en"),
        ),
        (
            "Google News: таджикско-афганская граница",
            "таджикско-афганская граница",
            "ru",
            ("ru", "RU", "RU:ru"),
        ),
    ] {
        let mut u = Url::parse("https://news.google.com/rss/search").expect("static URL");
        u.query_pairs_mut()
            .append_pair("q", query)
            .append_pair("hl", hl.0)
            .append_pair("gl", hl.1)
            .append_pair("ceid", hl.2);
        add(name, u.as_str(), lang, None, &["search"], "Search");
    }
    for (name, query, lang, market) in [
        (
            "Bing News: Tajik-Afghan border",
            "Tajik Afghan border",
            "en",
            "en-US",
        ),
        (
            "Bing News: таджикско-афганская граница",
            "таджикско-афганская граница",
            "ru",
            "ru-RU",
        ),
    ] {
        let mut u = Url::parse("https://www.bing.com/news/search").expect("static URL");
        u.query_pairs_mut()
            .append_pair("q", query)
            .append_pair("format", "rss")
            .append_pair("setmkt", market);
        add(name, u.as_str(), lang, None, &["search"], "Search");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_pack_covers_the_region() {
        let pack = default_sources();
        assert!((20..=32).contains(&pack.len()), "{} sources", pack.len());
        let langs: HashSet<&str> = pack.iter().map(|s| s.lang.as_str()).collect();
        for l in ["en", "ru", "tg", "fa", "ps", "uz"] {
            assert!(langs.contains(l), "no {l} source");
        }
        let urls: HashSet<&str> = pack.iter().map(|s| s.url.as_str()).collect();
        assert_eq!(urls.len(), pack.len(), "duplicate URLs");
        assert!(pack.iter().all(|s| s.url.scheme() == "https"));
        assert!(pack.iter().any(|s| s.tags.iter().any(|t| t == "search")));
        assert!(
            pack.iter()
                .any(|s| s.url.host_str() == Some("reliefweb.int"))
        );
    }
}
