//! Feeds in the region's legacy character sets and in UTF-16/32, generated
//! here with encoding_rs so the bytes are exactly what such servers send.

use outpost_feeds::{EncodingSource, parse};

const TITLE_RU: &str = "Пограничники Таджикистана";
const TITLE_FA: &str = "مرز تاجیکستان و افغانستان";

fn rss(decl: Option<&str>, title: &str) -> String {
    let decl = decl
        .map(|e| format!("<?xml version=\"1.0\" encoding=\"{e}\"?>"))
        .unwrap_or_default();
    format!(
        "{decl}<rss version=\"2.0\"><channel><title>{title}</title>\
         <item><title>{title}: сводка</title><description>&lt;p&gt;{title}&lt;/p&gt;</description></item></channel></rss>"
    )
}

fn check(bytes: &[u8], ct: Option<&str>, label: &str, from: EncodingSource, title: &str) {
    let feed = parse(bytes, ct, None).unwrap_or_else(|e| panic!("{label}: {e}"));
    assert_eq!(feed.encoding.label, label);
    assert_eq!(feed.encoding.from, from, "{label}");
    assert_eq!(feed.title.as_deref(), Some(title), "{label}");
    assert_eq!(feed.entries[0].summary.as_deref(), Some(title), "{label}");
}

#[test]
fn declared_legacy_charsets() {
    for (enc, label) in [
        (encoding_rs::WINDOWS_1251, "windows-1251"),
        (encoding_rs::KOI8_R, "koi8-r"),
        (encoding_rs::KOI8_U, "koi8-u"),
        (encoding_rs::IBM866, "ibm866"),
    ] {
        let doc = rss(Some(enc.name()), TITLE_RU);
        let bytes = enc.encode(&doc).0.into_owned();
        assert_ne!(
            bytes,
            doc.as_bytes(),
            "{label} really is a different encoding"
        );
        check(&bytes, None, label, EncodingSource::Xml, TITLE_RU);
    }
    let doc = rss(Some("windows-1256"), "مرز تاجيكستان و افغانستان");
    let bytes = encoding_rs::WINDOWS_1256.encode(&doc).0.into_owned();
    check(
        &bytes,
        None,
        "windows-1256",
        EncodingSource::Xml,
        "مرز تاجيكستان و افغانستان",
    );
    // cp866 under its DOS name.
    let doc = rss(Some("cp866"), TITLE_RU);
    check(
        &encoding_rs::IBM866.encode(&doc).0,
        None,
        "ibm866",
        EncodingSource::Xml,
        TITLE_RU,
    );
}

#[test]
fn http_charset_overrides_a_wrong_declaration() {
    let doc = rss(Some("utf-8"), TITLE_RU);
    let bytes = encoding_rs::WINDOWS_1251.encode(&doc).0.into_owned();
    check(
        &bytes,
        Some("text/xml; charset=windows-1251"),
        "windows-1251",
        EncodingSource::Http,
        TITLE_RU,
    );
}

#[test]
fn undeclared_windows_1251_is_detected() {
    let doc = rss(
        None,
        "Новости Таджикистана и Афганистана: ситуация на границе остаётся напряжённой",
    );
    let bytes = encoding_rs::WINDOWS_1251.encode(&doc).0.into_owned();
    let feed = parse(
        &bytes,
        None,
        Some(&"https://news.example.tj/rss".parse().unwrap()),
    )
    .unwrap();
    assert_eq!(feed.encoding.label, "windows-1251");
    assert_eq!(feed.encoding.from, EncodingSource::Detected);
    assert!(feed.title.unwrap().starts_with("Новости Таджикистана"));
    assert!(
        feed.warnings.iter().any(|w| w.contains("guessed")),
        "{:?}",
        feed.warnings
    );
}

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice(if big_endian {
            &[0xFE, 0xFF]
        } else {
            &[0xFF, 0xFE]
        });
    }
    for unit in text.encode_utf16() {
        out.extend_from_slice(&if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        });
    }
    out
}

fn utf32(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice(if big_endian {
            &[0, 0, 0xFE, 0xFF]
        } else {
            &[0xFF, 0xFE, 0, 0]
        });
    }
    for c in text.chars() {
        let c = c as u32;
        out.extend_from_slice(&if big_endian {
            c.to_be_bytes()
        } else {
            c.to_le_bytes()
        });
    }
    out
}

#[test]
fn utf16_and_utf32_with_and_without_bom() {
    let doc = rss(Some("utf-16"), TITLE_FA);
    check(
        &utf16(&doc, false, true),
        None,
        "utf-16le",
        EncodingSource::Bom,
        TITLE_FA,
    );
    check(
        &utf16(&doc, true, true),
        None,
        "utf-16be",
        EncodingSource::Bom,
        TITLE_FA,
    );
    check(
        &utf16(&doc, true, false),
        None,
        "utf-16be",
        EncodingSource::Xml,
        TITLE_FA,
    );
    check(
        &utf16(&rss(None, TITLE_FA), false, false),
        None,
        "utf-16le",
        EncodingSource::Detected,
        TITLE_FA,
    );
    let doc = rss(Some("utf-32"), TITLE_FA);
    check(
        &utf32(&doc, false, true),
        None,
        "utf-32le",
        EncodingSource::Bom,
        TITLE_FA,
    );
    check(
        &utf32(&doc, true, false),
        None,
        "utf-32be",
        EncodingSource::Xml,
        TITLE_FA,
    );
}

#[test]
fn utf8_bom_and_plain_utf8() {
    let doc = rss(None, TITLE_FA);
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(doc.as_bytes());
    check(&bom, None, "utf-8", EncodingSource::Bom, TITLE_FA);
    check(
        doc.as_bytes(),
        None,
        "utf-8",
        EncodingSource::Default,
        TITLE_FA,
    );
}

#[test]
fn stored_fixture_in_koi8_r() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/koi8r.xml"
    ))
    .unwrap();
    let feed = parse(&bytes, None, None).unwrap();
    assert_eq!(feed.encoding.label, "koi8-r");
    assert_eq!(feed.title.as_deref(), Some("Хатлонская область: новости"));
}
