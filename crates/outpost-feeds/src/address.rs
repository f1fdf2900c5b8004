//! What Outpost shows of a source's address, and which addresses a
//! redirect may not lead into (SECURITY.md, sections 1 and 2).

use std::borrow::Cow;
use std::net::IpAddr;

use url::Url;

/// The address with any credentials (`user:pass@`) replaced by `***`, for
/// lists, payloads and exports; the stored address keeps them for fetching.
pub fn redact_url(raw: &str) -> Cow<'_, str> {
    let Ok(mut url) = Url::parse(raw) else {
        return Cow::Borrowed(raw);
    };
    if url.username().is_empty() && url.password().is_none() {
        return Cow::Borrowed(raw);
    }
    if !url.username().is_empty() {
        let _ = url.set_username("***");
    }
    if url.password().is_some() {
        let _ = url.set_password(Some("***"));
    }
    Cow::Owned(url.to_string())
}

/// A feed address as Outpost stores it: trimmed and in the URL standard's
/// normal form (lower-case scheme and host, default port dropped, path
/// percent-encoded), so that one feed written two ways is one source.
/// `None` when it is not an http(s) address.
pub fn normalize_feed_url(raw: &str) -> Option<String> {
    let url = Url::parse(raw.trim()).ok()?;
    matches!(url.scheme(), "http" | "https")
        .then(|| url.host_str().is_some())
        .filter(|h| *h)
        .map(|_| url.to_string())
}

/// Whether an address is one a public page must not redirect into:
/// loopback (127/8, ::1), private (10/8, 172.16/12, 192.168/16, fc00::/7),
/// link-local (169.254/16, fe80::/10, which holds cloud metadata services)
/// or unspecified (0.0.0.0, ::). IPv4-mapped IPv6 addresses count as their
/// IPv4 address.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            v4.is_loopback() || v4.is_private() || v4.is_link_local() || v4.is_unspecified()
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_internal(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_redacted_and_nothing_else_changes() {
        assert_eq!(
            redact_url("https://user:secret@example.tj/feed?a=1"),
            "https://***:***@example.tj/feed?a=1"
        );
        assert_eq!(
            redact_url("https://token@example.tj/feed"),
            "https://***@example.tj/feed"
        );
        assert_eq!(
            redact_url("https://example.tj/feed"),
            "https://example.tj/feed"
        );
        assert_eq!(redact_url("not a url"), "not a url");
    }

    #[test]
    fn feed_urls_are_normalised() {
        assert_eq!(
            normalize_feed_url("  HTTPS://Example.TJ:443/a b/feed  ").as_deref(),
            Some("https://example.tj/a%20b/feed")
        );
        assert_eq!(normalize_feed_url("ftp://example.tj/feed"), None);
        assert_eq!(normalize_feed_url("feed"), None);
    }

    #[test]
    fn internal_ranges() {
        for ip in [
            "127.0.0.1",
            "127.8.9.10",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "::1",
            "::",
            "fc00::1",
            "fd12::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(is_internal(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["8.8.8.8", "172.32.0.1", "93.184.216.34", "2a00:1450::1"] {
            assert!(!is_internal(ip.parse().unwrap()), "{ip}");
        }
    }
}
