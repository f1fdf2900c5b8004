//! Deciding the character set of a feed and decoding it to UTF-8.
//!
//! Precedence: a byte-order mark, then the HTTP
//! `Content-Type` charset, then the XML declaration, then detection (the XML
//! spec's UTF-16/32 layout sniffing, then `chardetng`). A document that says
//! nothing and is valid UTF-8 is UTF-8.

use encoding_rs::Encoding;
use url::Url;

use crate::model::{EncodingInfo, EncodingSource};

/// A document decoded to UTF-8, with how the charset was decided and what
/// was not clean about it.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub text: String,
    pub encoding: EncodingInfo,
    pub warnings: Vec<String>,
}

/// Decodes `bytes` to UTF-8 following the precedence above. Never fails:
/// undecodable bytes become U+FFFD and a warning says so.
pub fn decode(bytes: &[u8], content_type: Option<&str>, url: Option<&Url>) -> Decoded {
    let mut warnings = Vec::new();
    let (bom, body) = sniff_bom(bytes);
    let layout = sniff_wide_layout(body);
    let http_label = content_type.and_then(charset_param);
    let http = http_label.as_deref().and_then(|l| {
        let found = Charset::for_label(l);
        if found.is_none() {
            warnings.push(format!(
                "the HTTP Content-Type names an unknown charset '{l}'; ignored"
            ));
        }
        found
    });
    let xml_label = declared_encoding(body, bom.or(layout));
    let xml = xml_label.as_deref().and_then(|l| {
        let found = Charset::for_label(l);
        if found.is_none() {
            warnings.push(format!(
                "the XML declaration names an unknown encoding '{l}'; ignored"
            ));
        }
        found
    });

    let (charset, from) = if let Some(bom) = bom {
        for (what, declared) in [("HTTP Content-Type", http), ("XML declaration", xml)] {
            if let Some(d) = declared
                && !d.compatible_with(bom)
            {
                warnings.push(format!(
                    "the {what} says {} but the byte-order mark says {}; used the byte-order mark",
                    d.label(),
                    bom.label()
                ));
            }
        }
        (bom, EncodingSource::Bom)
    } else if let Some(http) = http {
        match layout {
            Some(wide) if !http.compatible_with(wide) => {
                warnings.push(format!(
                    "the HTTP Content-Type says {} but the bytes are laid out as {}; used {}",
                    http.label(),
                    wide.label(),
                    wide.label()
                ));
                (wide, EncodingSource::Detected)
            }
            Some(wide) => (wide, EncodingSource::Http),
            None => (http, EncodingSource::Http),
        }
    } else if let Some(xml) = xml {
        match layout {
            Some(wide) if !xml.compatible_with(wide) => {
                warnings.push(format!(
                    "the XML declaration says {} but the bytes are laid out as {}; used {}",
                    xml.label(),
                    wide.label(),
                    wide.label()
                ));
                (wide, EncodingSource::Detected)
            }
            // "utf-16" without endianness is made precise by the layout.
            Some(wide) => (wide, EncodingSource::Xml),
            None => (xml, EncodingSource::Xml),
        }
    } else if let Some(wide) = layout {
        (wide, EncodingSource::Detected)
    } else if std::str::from_utf8(body).is_ok() {
        (Charset::Whatwg(encoding_rs::UTF_8), EncodingSource::Default)
    } else {
        let guess = detect(body, url);
        warnings.push(format!(
            "no charset was declared and the bytes are not UTF-8; guessed {} from the bytes",
            guess.label()
        ));
        (guess, EncodingSource::Detected)
    };

    let (text, had_errors) = charset.decode(body);
    if had_errors {
        warnings.push(format!(
            "some bytes are not valid {}; they were replaced with U+FFFD",
            charset.label()
        ));
    }
    Decoded {
        text,
        encoding: EncodingInfo {
            label: charset.label().to_string(),
            from,
        },
        warnings,
    }
}

/// A character set: one WHATWG encoding, or UTF-32, which WHATWG leaves out
/// but the XML spec and feeds in the wild still use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    Whatwg(&'static Encoding),
    Utf32Le,
    Utf32Be,
}

impl Charset {
    /// Resolves a label as feeds write it: WHATWG labels, plus `utf-32*`,
    /// underscores for hyphens (`windows_1251`), and `utf-16` meaning the
    /// UTF-16 family.
    pub fn for_label(label: &str) -> Option<Charset> {
        let l = label.trim().trim_matches(|c| c == '"' || c == '\'');
        let lower = l.to_ascii_lowercase().replace('_', "-");
        match lower.as_str() {
            "utf-32" | "utf-32be" | "ucs-4" | "ucs-4be" => return Some(Charset::Utf32Be),
            "utf-32le" | "ucs-4le" => return Some(Charset::Utf32Le),
            // Python's codec aliases, which feeds generated by Python carry.
            "u32" | "utf32" => return Some(Charset::Utf32Be),
            "u16" | "utf16" => return Some(Charset::Whatwg(encoding_rs::UTF_16BE)),
            _ => {}
        }
        Encoding::for_label(lower.as_bytes())
            .or_else(|| Encoding::for_label(lower.replace("cp-", "cp").as_bytes()))
            .map(Charset::Whatwg)
    }

    /// The lower-case name reported in `encoding.label`.
    pub fn label(self) -> String {
        match self {
            Charset::Whatwg(e) => e.name().to_ascii_lowercase(),
            Charset::Utf32Le => "utf-32le".into(),
            Charset::Utf32Be => "utf-32be".into(),
        }
    }

    fn is_wide(self) -> bool {
        match self {
            Charset::Whatwg(e) => e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE,
            _ => true,
        }
    }

    /// Whether a declaration naming `self` agrees with bytes known to be in
    /// `actual`: the same charset, or the same width family ("utf-16" for
    /// UTF-16BE), or any ASCII-compatible label on a UTF-8 document whose
    /// declaration only claims what the bytes really are.
    fn compatible_with(self, actual: Charset) -> bool {
        if self == actual {
            return true;
        }
        let utf16 = |c: Charset| matches!(c, Charset::Whatwg(e) if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE);
        let utf32 = |c: Charset| matches!(c, Charset::Utf32Le | Charset::Utf32Be);
        (utf16(self) && utf16(actual)) || (utf32(self) && utf32(actual))
    }

    /// Decodes without BOM handling (the BOM was already removed) and says
    /// whether anything had to be replaced.
    fn decode(self, bytes: &[u8]) -> (String, bool) {
        match self {
            Charset::Whatwg(e) => {
                let (text, had_errors) = e.decode_without_bom_handling(bytes);
                (text.into_owned(), had_errors)
            }
            Charset::Utf32Le | Charset::Utf32Be => {
                let mut out = String::with_capacity(bytes.len() / 4);
                let mut had_errors = !bytes.len().is_multiple_of(4);
                for chunk in bytes.chunks_exact(4) {
                    let raw: [u8; 4] = [chunk[0], chunk[1], chunk[2], chunk[3]];
                    let v = if self == Charset::Utf32Le {
                        u32::from_le_bytes(raw)
                    } else {
                        u32::from_be_bytes(raw)
                    };
                    match char::from_u32(v) {
                        Some(c) => out.push(c),
                        None => {
                            had_errors = true;
                            out.push('\u{FFFD}');
                        }
                    }
                }
                (out, had_errors)
            }
        }
    }
}

/// Returns the charset named by a byte-order mark and the bytes after it.
fn sniff_bom(bytes: &[u8]) -> (Option<Charset>, &[u8]) {
    // UTF-32LE's mark starts with UTF-16LE's, so it is tested first.
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE, 0x00, 0x00]) {
        return (Some(Charset::Utf32Le), rest);
    }
    if let Some(rest) = bytes.strip_prefix(&[0x00, 0x00, 0xFE, 0xFF]) {
        return (Some(Charset::Utf32Be), rest);
    }
    match Encoding::for_bom(bytes) {
        Some((enc, len)) => (Some(Charset::Whatwg(enc)), &bytes[len..]),
        None => (None, bytes),
    }
}

/// The XML spec's appendix F: without a BOM, the first four bytes of a
/// document that starts with `<` show whether it is UTF-16 or UTF-32.
fn sniff_wide_layout(bytes: &[u8]) -> Option<Charset> {
    let b = bytes.get(..4)?;
    match (b[0], b[1], b[2], b[3]) {
        (0, 0, 0, x) if x != 0 => Some(Charset::Utf32Be),
        (x, 0, 0, 0) if x != 0 => Some(Charset::Utf32Le),
        (0, x, 0, y) if x != 0 && y != 0 => Some(Charset::Whatwg(encoding_rs::UTF_16BE)),
        (x, 0, y, 0) if x != 0 && y != 0 => Some(Charset::Whatwg(encoding_rs::UTF_16LE)),
        _ => None,
    }
}

/// The `charset` parameter of a Content-Type, tolerating the spaces and
/// quotes servers put around it (`text/xml;charset= "us-ascii"`).
pub fn charset_param(content_type: &str) -> Option<String> {
    if let Ok(m) = content_type.parse::<mime::Mime>()
        && let Some(cs) = m.get_param(mime::CHARSET)
    {
        return Some(cs.as_str().to_string());
    }
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim().eq_ignore_ascii_case("charset")).then(|| {
            v.trim()
                .trim_matches(|c| c == '"' || c == '\'')
                .trim()
                .to_string()
        })
    })
}

/// The `encoding` pseudo-attribute of the XML declaration, read with
/// quick-xml from the head of the document (decoded in the UTF-16/32 layout
/// when one was detected).
fn declared_encoding(body: &[u8], wide: Option<Charset>) -> Option<String> {
    const HEAD: usize = 1024;
    let head_bytes = &body[..body.len().min(HEAD * 4)];
    let head: String = match wide {
        Some(cs) if cs.is_wide() => cs.decode(head_bytes).0,
        _ => String::from_utf8_lossy(&body[..body.len().min(HEAD)]).into_owned(),
    };
    let mut reader = quick_xml::Reader::from_str(&head);
    // Only the prolog matters; stop at the first element.
    for _ in 0..16 {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Decl(decl)) => {
                let enc = decl.encoding()?.ok()?;
                return Some(enc.into_owned());
            }
            Ok(quick_xml::events::Event::Start(_))
            | Ok(quick_xml::events::Event::Empty(_))
            | Ok(quick_xml::events::Event::Eof)
            | Err(_) => return None,
            Ok(_) => {}
        }
    }
    None
}

/// Guesses the charset of bytes that are not UTF-8 with `chardetng`, using
/// the top-level domain of the document URL as a hint (`.ru`, `.tj`, `.af`).
fn detect(bytes: &[u8], url: Option<&Url>) -> Charset {
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(&bytes[..bytes.len().min(64 * 1024)], true);
    let host = url.and_then(|u| u.host_str().map(str::to_string));
    let tld = host
        .as_deref()
        .and_then(|h| h.rsplit('.').next())
        .map(str::as_bytes);
    let guess = det.guess(tld, chardetng::Utf8Detection::Deny);
    // chardetng answers KOI8-U for all KOI8 text. KOI8-R differs only in
    // the eight cells where KOI8-U puts Ukrainian letters; when none of them
    // occurs the text is the same either way and KOI8-R, far more common
    // on Russian-language sites, is the honest name.
    const UKRAINIAN_CELLS: [u8; 8] = [0xA4, 0xA6, 0xA7, 0xAD, 0xB4, 0xB6, 0xB7, 0xBD];
    if guess == encoding_rs::KOI8_U && !bytes.iter().any(|b| UKRAINIAN_CELLS.contains(b)) {
        return Charset::Whatwg(encoding_rs::KOI8_R);
    }
    Charset::Whatwg(guess)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_wins_over_everything() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice(b"<?xml version='1.0' encoding='koi8-r'?><rss/>");
        let d = decode(&bytes, Some("text/xml; charset=windows-1251"), None);
        assert_eq!(d.encoding.label, "utf-8");
        assert_eq!(d.encoding.from, EncodingSource::Bom);
        assert_eq!(d.warnings.len(), 2, "{:?}", d.warnings);
        assert!(d.text.starts_with("<?xml"));
    }

    #[test]
    fn http_charset_beats_declaration() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1251
            .encode("<?xml version='1.0' encoding='koi8-r'?><t>Душанбе</t>");
        let d = decode(
            &bytes,
            Some("application/rss+xml;charset= \"windows-1251\""),
            None,
        );
        assert_eq!(d.encoding.label, "windows-1251");
        assert_eq!(d.encoding.from, EncodingSource::Http);
        assert!(d.text.contains("Душанбе"));
    }

    #[test]
    fn declaration_with_underscores_and_cp_names() {
        for (label, expect) in [
            ("windows_1251", "windows-1251"),
            ("cp866", "ibm866"),
            ("koi8-u", "koi8-u"),
            ("CP1256", "windows-1256"),
        ] {
            assert_eq!(
                Charset::for_label(label).map(Charset::label).as_deref(),
                Some(expect),
                "{label}"
            );
        }
    }

    #[test]
    fn utf32_without_bom_is_detected_from_layout() {
        let text = "<?xml version=\"1.0\" encoding=\"utf-32\"?><rss><t>Кабул</t></rss>";
        let bytes: Vec<u8> = text
            .chars()
            .flat_map(|c| (c as u32).to_le_bytes())
            .collect();
        let d = decode(&bytes, None, None);
        assert_eq!(d.encoding.label, "utf-32le");
        assert_eq!(d.encoding.from, EncodingSource::Xml);
        assert_eq!(d.text, text);
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    }

    #[test]
    fn undeclared_cyrillic_is_detected() {
        let text = "<rss><channel><title>Новости Таджикистана: граница с Афганистаном</title>\
                    <description>На таджикско-афганской границе задержаны нарушители</description></channel></rss>";
        let (bytes, _, _) = encoding_rs::KOI8_R.encode(text);
        let d = decode(
            &bytes,
            None,
            Some(&Url::parse("https://example.ru/rss").unwrap()),
        );
        assert_eq!(d.encoding.from, EncodingSource::Detected);
        assert_eq!(d.encoding.label, "koi8-r");
        assert_eq!(d.warnings.len(), 1, "a guess is reported: {:?}", d.warnings);
        assert_eq!(d.text, text);
    }

    #[test]
    fn plain_utf8_is_the_default() {
        let d = decode("<rss>Хорог</rss>".as_bytes(), None, None);
        assert_eq!(
            (d.encoding.label.as_str(), d.encoding.from),
            ("utf-8", EncodingSource::Default)
        );
    }

    #[test]
    fn invalid_bytes_are_replaced_with_a_warning() {
        let d = decode(
            b"<?xml version='1.0' encoding='utf-8'?><rss>\xff</rss>",
            None,
            None,
        );
        assert!(d.text.contains('\u{FFFD}'));
        assert_eq!(d.warnings.len(), 1);
    }
}
