//! Adding a source of a kind other than a feed: each kind's address is
//! normalised and its settings checked, with a sentence saying what to fix.
//! A Telegram channel is read once (through the politeness gate) to find
//! its name and to say at once when it has no public preview; a page keeps
//! its selectors and is not searched for a feed; a GDELT query is not sent
//! (GDELT's rate limit is for polls).

use outpost_core::{NewSource, PageSelectors, Source, SourceKind, SourceSettings};
use outpost_feeds::fetch::{FetchOutcome, FetchRequest};
use outpost_feeds::{gdelt, telegram};

use crate::engine::{DEFAULT_INTERVAL_SECS, Engine, EngineEvent, NewSourceRequest, check_folder};
use crate::error::{EngineError, Result};

/// The longest GDELT query accepted (GDELT's own limit is on the URL).
const MAX_QUERY_CHARS: usize = 1_000;

impl Engine {
    pub(crate) async fn add_source_of_kind(&self, input: NewSourceRequest) -> Result<Source> {
        check_folder(input.folder.as_deref())?;
        let kind = input.kind.unwrap_or(SourceKind::Feed);
        let (url, settings, found_name) = match kind {
            SourceKind::Telegram => {
                let url = telegram_address(&input.url)?;
                let title = self.telegram_title(&url).await?;
                (url, SourceSettings::default(), title)
            }
            SourceKind::Gdelt => {
                let (url, settings) = gdelt_address(&input.url, &input.settings)?;
                let name = format!(
                    "GDELT: {}",
                    settings.gdelt_query.as_deref().unwrap_or_default()
                );
                (url, settings, Some(name))
            }
            SourceKind::Page => {
                let url = http_address(&input.url)?;
                let page = input.settings.page.clone().ok_or_else(|| {
                    EngineError::invalid(
                        "a page source needs selectors: at least --item, --title and --link",
                    )
                })?;
                check_page_selectors(&page)?;
                let settings = SourceSettings {
                    page: Some(page),
                    ..input.settings.clone()
                };
                (url, settings, None)
            }
            SourceKind::Feed => unreachable!("feeds are added by Engine::add_source"),
        };
        let name = input
            .name
            .filter(|n| !n.trim().is_empty())
            .or(found_name)
            .unwrap_or_else(|| url.host_str().unwrap_or("source").to_string());
        let new = NewSource {
            kind,
            settings,
            url: url.to_string(),
            name,
            interval_secs: input.interval_secs.unwrap_or(DEFAULT_INTERVAL_SECS),
            lang: input
                .lang
                .map(|l| l.trim().to_lowercase())
                .filter(|l| !l.is_empty()),
            country: None,
            folder: input.folder,
            tags: input.tags,
        };
        let id = self.store().add_source(&new, self.now())?;
        self.events.emit(EngineEvent::SourcesChanged);
        self.wake.notify_one();
        Ok(self.store().get_source(id)?)
    }

    /// Reads a channel's preview once: its title, or why it cannot be
    /// polled (no public preview, not a preview page, unreachable).
    async fn telegram_title(&self, url: &url::Url) -> Result<Option<String>> {
        let gate = format!(
            "telegram:{}:{}",
            url.host_str().unwrap_or(""),
            url.port_or_known_default().unwrap_or(0)
        );
        if let Err(left) = self.gates.wait(&gate, self.gates.spacing().telegram).await {
            return Err(EngineError::Fetch(format!(
                "could not add {url}: Telegram asked Outpost to slow down; try again in about {} minute(s)",
                left.as_secs().div_ceil(60).max(1)
            )));
        }
        match self.fetcher().fetch(&FetchRequest::new(url.clone())).await {
            FetchOutcome::Fetched {
                final_url, body, ..
            } => {
                if !telegram::is_preview_address(&final_url) {
                    return Err(EngineError::Fetch(format!(
                        "could not add {url}: {}",
                        telegram::TelegramError::NoPublicPreview
                    )));
                }
                match telegram::read_channel(&body, &final_url) {
                    Ok(page) => Ok(page.title.filter(|t| !t.is_empty())),
                    Err(e) => Err(EngineError::Fetch(format!("could not add {url}: {e}"))),
                }
            }
            FetchOutcome::Failed { error, .. } => {
                Err(EngineError::Fetch(format!("could not add {url}: {error}")))
            }
            _ => Err(EngineError::Fetch(format!(
                "could not add {url}: the channel's page could not be read"
            ))),
        }
    }
}

/// A Telegram channel's preview address, from `https://t.me/NAME`,
/// `t.me/s/NAME`, `@NAME` or any address serving the same markup.
pub(crate) fn telegram_address(input: &str) -> Result<url::Url> {
    telegram::preview_url(input).map_err(EngineError::invalid)
}

/// A GDELT source's address (the endpoint, the public one by default,
/// with the query, so each query is a source of its own) and settings.
pub(crate) fn gdelt_address(
    endpoint: &str,
    settings: &SourceSettings,
) -> Result<(url::Url, SourceSettings)> {
    let query = settings
        .gdelt_query
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .ok_or_else(|| {
            EngineError::invalid(
                "a GDELT source needs a query, written in English (GDELT searches English translations)",
            )
        })?;
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(EngineError::invalid(format!(
            "the GDELT query is longer than {MAX_QUERY_CHARS} characters; shorten it"
        )));
    }
    let endpoint = if endpoint.trim().is_empty() {
        gdelt::DEFAULT_ENDPOINT
    } else {
        endpoint.trim()
    };
    let endpoint = http_address(endpoint)?;
    Ok((
        gdelt::source_url(&endpoint, query),
        SourceSettings {
            gdelt_query: Some(query.to_string()),
            ..settings.clone()
        },
    ))
}

fn http_address(input: &str) -> Result<url::Url> {
    let url = url::Url::parse(input.trim()).map_err(|e| {
        EngineError::invalid(format!(
            "'{input}' is not a URL ({e}); paste the full address"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(EngineError::invalid(format!(
            "'{url}' is not an http(s) address"
        )));
    }
    Ok(url)
}

/// Checks each selector parses as CSS and the time zone is an IANA name.
pub fn check_page_selectors(page: &PageSelectors) -> Result<()> {
    let required = [
        ("--item", Some(&page.item)),
        ("--title", Some(&page.title)),
        ("--link", Some(&page.link)),
    ];
    for (flag, sel) in required {
        if sel.is_none_or(|s| s.trim().is_empty()) {
            return Err(EngineError::invalid(format!(
                "a page source needs {flag}: a CSS selector"
            )));
        }
    }
    let all = [
        ("--item", Some(&page.item)),
        ("--title", Some(&page.title)),
        ("--link", Some(&page.link)),
        ("--date", page.date.as_ref()),
        ("--body", page.body.as_ref()),
    ];
    for (flag, sel) in all {
        let Some(sel) = sel else { continue };
        if let Err(e) = scraper::Selector::parse(sel) {
            return Err(EngineError::invalid(format!(
                "{flag} '{sel}' is not a CSS selector ({e}); write it as in a style sheet, e.g. 'article h2 a'"
            )));
        }
    }
    if let Some(tz) = page.tz.as_deref().filter(|t| !t.trim().is_empty())
        && tz.trim().parse::<chrono_tz::Tz>().is_err()
    {
        return Err(EngineError::invalid(format!(
            "--tz '{tz}' is not a time-zone name; use an IANA name such as Asia/Dushanbe or UTC"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(item: &str) -> PageSelectors {
        PageSelectors {
            item: item.into(),
            title: "h2".into(),
            link: "a".into(),
            ..PageSelectors::default()
        }
    }

    #[test]
    fn page_selectors_and_zones_are_checked() {
        assert!(check_page_selectors(&page("article.news")).is_ok());
        let err = check_page_selectors(&page("article["))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("--item 'article['") && err.contains("not a CSS selector"),
            "{err}"
        );
        let err = check_page_selectors(&page(" ")).unwrap_err().to_string();
        assert!(err.contains("needs --item"), "{err}");
        let bad_tz = PageSelectors {
            tz: Some("Asia/Nowhere".into()),
            ..page("li")
        };
        let err = check_page_selectors(&bad_tz).unwrap_err().to_string();
        assert!(
            err.contains("Asia/Nowhere") && err.contains("IANA"),
            "{err}"
        );
        let good_tz = PageSelectors {
            tz: Some("Asia/Dushanbe".into()),
            ..page("li")
        };
        assert!(check_page_selectors(&good_tz).is_ok());
    }

    #[test]
    fn gdelt_sources_carry_their_query() {
        let settings = SourceSettings {
            gdelt_query: Some(" Khorog ".into()),
            ..SourceSettings::default()
        };
        let (url, s) = gdelt_address("", &settings).unwrap();
        assert_eq!(
            url.as_str(),
            "https://api.gdeltproject.org/api/v2/doc/doc?query=Khorog"
        );
        assert_eq!(s.gdelt_query.as_deref(), Some("Khorog"));
        let err = gdelt_address("", &SourceSettings::default()).unwrap_err();
        assert!(err.to_string().contains("needs a query"), "{err}");
        assert!(gdelt_address("ftp://x", &settings).is_err());
    }
}
