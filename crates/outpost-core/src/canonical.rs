//! Canonical article URLs, the first key of deduplication.
//!
//! The same article reaches Outpost under many spellings of its address:
//! `HTTP://Example.COM:80/a?utm_source=rss#top`, a feed that appends
//! `fbclid`, a syndication copy with its parameters in another order. This
//! module reduces them to one string so the archive stores the article once.
//!
//! Rules, in order: parse as an absolute URL (WHATWG rules via the `url`
//! crate, which already lower-cases the scheme and host, converts IDN hosts to
//! punycode, drops default ports and resolves `.`/`..` path segments); keep
//! only `http` and `https`; drop the fragment and any user name or password;
//! remove tracking parameters (`utm_*` and the click identifiers listed in
//! [`is_tracking_param`]); sort the remaining parameters by name so their
//! order does not matter; drop an empty query. The path keeps its case and a
//! trailing slash, because servers are free to treat those as different
//! resources.

use url::Url;

/// Returns the canonical form of `raw`, or `None` when it is not an absolute
/// `http`/`https` URL (such articles are deduplicated by GUID and content
/// hash only).
pub fn canonical_url(raw: &str) -> Option<String> {
    let mut url = Url::parse(raw.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return None;
    }
    url.set_fragment(None);
    // Credentials never identify an article; failing to clear them only
    // happens for URLs that cannot carry them, which is harmless.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    // A trailing dot in a host name ("example.com.") names the same host.
    let trimmed = url
        .host_str()
        .filter(|h| h.len() > 1 && h.ends_with('.'))
        .map(|h| h.trim_end_matches('.').to_string());
    if let Some(host) = trimmed {
        let _ = url.set_host(Some(&host));
    }

    let mut kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !is_tracking_param(k))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        // A stable sort keeps repeated keys (`a=1&a=2`) in their given order.
        kept.sort_by(|a, b| a.0.cmp(&b.0));
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    Some(url.into())
}

/// Whether a query parameter only tracks the reader and never selects
/// content. Names are compared case-insensitively.
pub fn is_tracking_param(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    if name.starts_with("utm_") || name.starts_with("pk_") || name.starts_with("mtm_") {
        return true;
    }
    matches!(
        name.as_str(),
        "fbclid"
            | "gclid"
            | "gclsrc"
            | "dclid"
            | "gbraid"
            | "wbraid"
            | "msclkid"
            | "yclid"
            | "ysclid"
            | "twclid"
            | "ttclid"
            | "li_fat_id"
            | "igshid"
            | "mc_cid"
            | "mc_eid"
            | "_ga"
            | "_gl"
            | "_hsenc"
            | "_hsmi"
            | "mkt_tok"
            | "oly_anon_id"
            | "oly_enc_id"
            | "vero_id"
            | "rb_clickid"
            | "s_cid"
            | "at_medium"
            | "at_campaign"
            | "ito"
            | "cmpid"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(raw: &str) -> Option<String> {
        canonical_url(raw)
    }

    #[test]
    fn scheme_host_case_and_default_port_fold() {
        assert_eq!(
            c("HTTP://Example.COM:80/News/Item").as_deref(),
            Some("http://example.com/News/Item")
        );
        assert_eq!(
            c("https://example.com:443/a").as_deref(),
            Some("https://example.com/a")
        );
        // A non-default port is part of the address.
        assert_eq!(
            c("https://example.com:8443/a").as_deref(),
            Some("https://example.com:8443/a")
        );
    }

    #[test]
    fn fragments_credentials_and_trailing_host_dot_go() {
        assert_eq!(
            c("https://user:pw@example.com./a#comments").as_deref(),
            Some("https://example.com/a")
        );
    }

    #[test]
    fn tracking_parameters_are_removed_and_the_rest_sorted() {
        assert_eq!(
            c("https://example.com/a?utm_source=rss&id=7&fbclid=XYZ&gclid=1&UTM_Medium=x&b=2")
                .as_deref(),
            Some("https://example.com/a?b=2&id=7")
        );
        assert_eq!(
            c("https://example.com/a?utm_source=rss").as_deref(),
            Some("https://example.com/a")
        );
        assert_eq!(
            c("https://example.com/a?b=2&a=1"),
            c("https://example.com/a?a=1&b=2")
        );
    }

    #[test]
    fn path_case_and_trailing_slash_are_kept() {
        assert_ne!(c("https://example.com/A"), c("https://example.com/a"));
        assert_ne!(c("https://example.com/a/"), c("https://example.com/a"));
        assert_eq!(
            c("https://example.com").as_deref(),
            Some("https://example.com/")
        );
    }

    #[test]
    fn idn_hosts_become_punycode() {
        assert_eq!(
            c("https://ПРЕЗИДЕНТ.рф/новости").as_deref(),
            Some("https://xn--d1abbgf6aiiy.xn--p1ai/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8")
        );
    }

    #[test]
    fn non_web_and_relative_urls_have_no_canonical_form() {
        assert_eq!(c("/relative/path"), None);
        assert_eq!(c("mailto:desk@example.com"), None);
        assert_eq!(c("urn:uuid:1234"), None);
        assert_eq!(c(""), None);
    }
}
