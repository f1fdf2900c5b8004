//! Polite HTTP fetching of sources (ARCHITECTURE.md, `outpost-feeds`).
//!
//! One [`Fetcher`] is shared by every polling task: it is a cheap clone of
//! an `Arc`, and it enforces the per-host and global concurrency limits
//! itself. A fetch never returns `Err`: every outcome, including failures,
//! is a [`FetchOutcome`] the scheduler records on the source.
//!
//! Redirects are followed here rather than by reqwest so that a permanent
//! redirect (301/308) can update the stored URL while a temporary one
//! (302/303/307) does not.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use url::Url;

/// The most a backoff delay grows to.
pub const MAX_BACKOFF: Duration = Duration::from_secs(6 * 3600);
/// The longest `Retry-After` honoured; servers asking for more get this.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 3600);
const MAX_REDIRECTS: usize = 10;

/// The honest User-Agent: product, version, and what it is.
pub fn default_user_agent() -> String {
    format!(
        "Outpost/{} (desktop news monitor; RSS/Atom reader)",
        env!("CARGO_PKG_VERSION")
    )
}

/// A host-name resolver for the fetcher, in place of the system's: tests
/// map made-up public names to 127.0.0.1 with it.
#[derive(Clone)]
pub struct DnsResolver(pub Arc<dyn reqwest::dns::Resolve>);

impl DnsResolver {
    /// A resolver that knows only the names given, each at one address;
    /// any other name fails to resolve. For tests: a made-up public name
    /// can then lead to a server on 127.0.0.1.
    pub fn fixed(names: impl IntoIterator<Item = (String, std::net::IpAddr)>) -> DnsResolver {
        DnsResolver(Arc::new(FixedResolver(
            names
                .into_iter()
                .map(|(n, ip)| (n.to_ascii_lowercase(), ip))
                .collect(),
        )))
    }
}

struct FixedResolver(HashMap<String, std::net::IpAddr>);

impl reqwest::dns::Resolve for FixedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let found = self.0.get(&name.as_str().to_ascii_lowercase()).copied();
        let host = name.as_str().to_string();
        Box::pin(async move {
            match found {
                Some(ip) => Ok(Box::new(std::iter::once(std::net::SocketAddr::new(ip, 0)))
                    as reqwest::dns::Addrs),
                None => Err(format!("{host} is not a known name").into()),
            }
        })
    }
}

impl std::fmt::Debug for DnsResolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DnsResolver")
    }
}

/// How the fetcher behaves. `Default` gives the polite values the app polls with.
#[derive(Debug, Clone)]
pub struct FetchConfig {
    pub user_agent: String,
    /// `http://host:port`, `https://…`, `socks5://…` or `socks5h://…`
    /// (`socks5h` resolves names through the proxy, as Tor needs).
    pub proxy: Option<String>,
    pub connect_timeout: Duration,
    /// The whole fetch, redirects and body included.
    pub total_timeout: Duration,
    /// The largest body accepted, counted after decompression.
    pub max_body_bytes: usize,
    pub per_host_limit: usize,
    pub global_limit: usize,
    /// Refuse a redirect from a public address into a loopback, private or
    /// link-local one (`address::is_internal`). On for page captures and
    /// image loads, whose addresses come from feeds; off for polls, whose
    /// addresses the analyst chose. See [`Fetcher::fetch`].
    pub guard_redirects: bool,
    /// Resolves host names; `None` is the system resolver.
    pub resolver: Option<DnsResolver>,
}

impl Default for FetchConfig {
    fn default() -> Self {
        Self {
            user_agent: default_user_agent(),
            proxy: None,
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(30),
            max_body_bytes: 10 * 1024 * 1024,
            per_host_limit: 2,
            global_limit: 8,
            guard_redirects: false,
            resolver: None,
        }
    }
}

/// One conditional GET.
#[derive(Debug, Clone)]
pub struct FetchRequest {
    pub url: Url,
    /// The `ETag` stored from the last successful fetch.
    pub etag: Option<String>,
    /// The `Last-Modified` stored from the last successful fetch.
    pub last_modified: Option<String>,
}

impl FetchRequest {
    pub fn new(url: Url) -> Self {
        Self {
            url,
            etag: None,
            last_modified: None,
        }
    }
}

/// What happened, for the scheduler to record on the source.
#[derive(Debug)]
pub enum FetchOutcome {
    /// A body arrived (status 2xx).
    Fetched {
        /// Where the body finally came from, after redirects.
        final_url: Url,
        /// Set when the chain of redirects from the requested URL began
        /// with permanent ones: the URL to store instead.
        moved_permanently_to: Option<Url>,
        etag: Option<String>,
        last_modified: Option<String>,
        content_type: Option<String>,
        body: Vec<u8>,
        status: u16,
        elapsed: Duration,
    },
    /// 304: nothing changed since the stored ETag/Last-Modified.
    NotModified {
        moved_permanently_to: Option<Url>,
        elapsed: Duration,
    },
    /// 410: the source should be disabled, showing `reason`.
    Gone { reason: String, elapsed: Duration },
    /// Anything else; `retry_after` is the server's own wish, if it said.
    Failed {
        error: FetchError,
        retry_after: Option<Duration>,
        elapsed: Duration,
    },
}

/// Why a fetch failed, each with a sentence a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error(
        "the proxy setting '{0}' is not usable: use http://, https://, socks5:// or socks5h:// with host and port"
    )]
    InvalidProxy(String),
    #[error("the HTTP client could not be set up: {0}")]
    Client(String),
    #[error("'{0}' is not an http or https address")]
    UnsupportedScheme(String),
    #[error("could not connect to {host}: {detail}")]
    Connect { host: String, detail: String },
    #[error("no answer within {seconds} s; the server is slow or unreachable")]
    Timeout { seconds: u64 },
    #[error("more than {MAX_REDIRECTS} redirects; the address loops")]
    TooManyRedirects,
    #[error("the server redirected without saying where to (HTTP {status})")]
    BadRedirect { status: u16 },
    #[error("the server answered HTTP {status} {reason}")]
    Status { status: u16, reason: String },
    #[error("the response is larger than the {limit}-byte limit (after decompression)")]
    BodyTooLarge { limit: usize },
    #[error("the response could not be read: {0}")]
    Body(String),
    #[error(
        "the page redirected to {host}, a loopback, private or link-local address; a public page may not lead there"
    )]
    InternalRedirect { host: String },
}

impl FetchError {
    /// A stable machine-readable code for the UI.
    pub fn code(&self) -> &'static str {
        match self {
            FetchError::InvalidProxy(_) => "invalid_proxy",
            FetchError::Client(_) => "client",
            FetchError::UnsupportedScheme(_) => "unsupported_scheme",
            FetchError::Connect { .. } => "connect",
            FetchError::Timeout { .. } => "timeout",
            FetchError::TooManyRedirects => "too_many_redirects",
            FetchError::BadRedirect { .. } => "bad_redirect",
            FetchError::Status { .. } => "http_status",
            FetchError::BodyTooLarge { .. } => "body_too_large",
            FetchError::Body(_) => "body",
            FetchError::InternalRedirect { .. } => "internal_redirect",
        }
    }
}

/// The shared HTTP fetcher. Clone it freely.
#[derive(Clone)]
pub struct Fetcher {
    inner: Arc<Inner>,
}

struct Inner {
    client: reqwest::Client,
    config: FetchConfig,
    global: Arc<Semaphore>,
    hosts: Mutex<HashMap<String, Arc<Semaphore>>>,
    /// Set when `guard_redirects` is on: the host names allowed to resolve
    /// to internal addresses.
    guard: Option<Arc<Guard>>,
}

/// The host names a guarded fetcher lets resolve to internal addresses: the
/// ones a fetch started from (the page itself), never one a redirect named.
#[derive(Default)]
struct Guard {
    origins: Mutex<std::collections::HashSet<String>>,
}

impl Guard {
    fn allow(&self, host: &str) {
        self.origins
            .lock()
            .expect("guard lock")
            .insert(host.to_ascii_lowercase());
    }
    fn allowed(&self, host: &str) -> bool {
        self.origins
            .lock()
            .expect("guard lock")
            .contains(&host.to_ascii_lowercase())
    }
}

/// The system resolver, through tokio.
struct SystemResolver;

impl reqwest::dns::Resolve for SystemResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs: Vec<std::net::SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Resolves through `inner`, and refuses an internal address for a name
/// that is not the origin of a fetch. Checking the addresses actually
/// connected to, not a lookup made beforehand, leaves no window for a name
/// that answers differently the second time.
struct GuardedResolver {
    inner: Arc<dyn reqwest::dns::Resolve>,
    guard: Arc<Guard>,
}

#[derive(Debug, thiserror::Error)]
#[error(
    "{host} resolves to {ip}, a loopback, private or link-local address; a public page may not redirect there"
)]
struct InternalAddress {
    host: String,
    ip: std::net::IpAddr,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        let allowed = self.guard.allowed(&host);
        let lookup = self.inner.resolve(name);
        Box::pin(async move {
            let addrs: Vec<std::net::SocketAddr> = lookup.await?.collect();
            if !allowed && let Some(a) = addrs.iter().find(|a| crate::address::is_internal(a.ip()))
            {
                return Err(Box::new(InternalAddress { host, ip: a.ip() }) as _);
            }
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

impl Fetcher {
    pub fn new(config: FetchConfig) -> Result<Fetcher, FetchError> {
        let mut builder = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .connect_timeout(config.connect_timeout)
            .timeout(config.total_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .gzip(true)
            .brotli(true)
            .deflate(true);
        builder = match &config.proxy {
            // The app's setting is the only proxy: environment variables
            // must not silently route (or un-route) the analyst's traffic.
            None => builder.no_proxy(),
            Some(p) => {
                let url = Url::parse(p).map_err(|_| FetchError::InvalidProxy(p.clone()))?;
                if !matches!(url.scheme(), "http" | "https" | "socks5" | "socks5h")
                    || url.host_str().is_none()
                {
                    return Err(FetchError::InvalidProxy(p.clone()));
                }
                let proxy = reqwest::Proxy::all(p.as_str())
                    .map_err(|_| FetchError::InvalidProxy(p.clone()))?;
                builder.proxy(proxy)
            }
        };
        let inner_resolver: Arc<dyn reqwest::dns::Resolve> = match &config.resolver {
            Some(r) => Arc::clone(&r.0),
            None => Arc::new(SystemResolver),
        };
        let guard = config.guard_redirects.then(|| Arc::new(Guard::default()));
        builder = match &guard {
            Some(g) => builder.dns_resolver(Arc::new(GuardedResolver {
                inner: inner_resolver,
                guard: Arc::clone(g),
            })),
            None if config.resolver.is_some() => builder.dns_resolver(inner_resolver),
            None => builder,
        };
        let client = builder
            .build()
            .map_err(|e| FetchError::Client(e.to_string()))?;
        Ok(Fetcher {
            inner: Arc::new(Inner {
                guard,
                client,
                global: Arc::new(Semaphore::new(config.global_limit.max(1))),
                hosts: Mutex::new(HashMap::new()),
                config,
            }),
        })
    }

    pub fn config(&self) -> &FetchConfig {
        &self.inner.config
    }

    /// Fetches one URL, waiting for a free slot under the global and the
    /// per-host limits first. The total timeout covers the fetch itself,
    /// not the wait for a slot.
    pub async fn fetch(&self, req: &FetchRequest) -> FetchOutcome {
        let _global = self
            .inner
            .global
            .clone()
            .acquire_owned()
            .await
            .expect("the global semaphore is never closed");
        let start = Instant::now();
        let total = self.inner.config.total_timeout;
        match tokio::time::timeout(total, self.fetch_following(req)).await {
            Ok(Ok(done)) => done.into_outcome(start.elapsed()),
            Ok(Err((error, retry_after))) => FetchOutcome::Failed {
                error,
                retry_after,
                elapsed: start.elapsed(),
            },
            Err(_) => FetchOutcome::Failed {
                error: FetchError::Timeout {
                    seconds: total.as_secs().max(1),
                },
                retry_after: None,
                elapsed: start.elapsed(),
            },
        }
    }

    async fn host_permit(&self, url: &Url) -> OwnedSemaphorePermit {
        let key = format!(
            "{}:{}",
            url.host_str().unwrap_or(""),
            url.port_or_known_default().unwrap_or(0)
        );
        let sem = {
            let mut hosts = self.inner.hosts.lock().expect("host table lock");
            hosts
                .entry(key)
                .or_insert_with(|| {
                    Arc::new(Semaphore::new(self.inner.config.per_host_limit.max(1)))
                })
                .clone()
        };
        sem.acquire_owned()
            .await
            .expect("host semaphores are never closed")
    }

    async fn fetch_following(
        &self,
        req: &FetchRequest,
    ) -> Result<Done, (FetchError, Option<Duration>)> {
        let mut url = req.url.clone();
        let mut moved: Option<Url> = None;
        let mut still_permanent = true;
        // A guarded fetch trusts the address it was given (the analyst may
        // have chosen a local one) but no redirect from a public address
        // into an internal one: IP literals are checked here, names by the
        // guarded resolver when they are looked up.
        let origin_public = match &self.inner.guard {
            Some(guard) => {
                if let Some(url::Host::Domain(d)) = req.url.host() {
                    guard.allow(d);
                }
                !is_internal_host(&req.url)
            }
            None => false,
        };
        for hop in 0..=MAX_REDIRECTS {
            if !matches!(url.scheme(), "http" | "https") {
                return Err((FetchError::UnsupportedScheme(url.to_string()), None));
            }
            if hop > 0 && origin_public && is_internal_host(&url) {
                let host = url.host_str().unwrap_or("?").to_string();
                return Err((FetchError::InternalRedirect { host }, None));
            }
            let _host = self.host_permit(&url).await;
            let mut r = self.inner.client.get(url.clone());
            // Validators only make sense for the resource they came from.
            if url == req.url || moved.as_ref() == Some(&url) {
                if let Some(etag) = &req.etag {
                    r = r.header(header::IF_NONE_MATCH, etag);
                }
                if let Some(lm) = &req.last_modified {
                    r = r.header(header::IF_MODIFIED_SINCE, lm);
                }
            }
            let mut resp = r
                .send()
                .await
                .map_err(|e| (send_error(&url, &e, &self.inner.config), None))?;
            let status = resp.status();
            if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                let location = resp
                    .headers()
                    .get(header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|l| url.join(l).ok())
                    .ok_or((
                        FetchError::BadRedirect {
                            status: status.as_u16(),
                        },
                        None,
                    ))?;
                let permanent = matches!(
                    status,
                    StatusCode::MOVED_PERMANENTLY | StatusCode::PERMANENT_REDIRECT
                );
                if permanent && still_permanent {
                    moved = Some(location.clone());
                } else {
                    still_permanent = false;
                }
                url = location;
                continue;
            }
            if status == StatusCode::NOT_MODIFIED {
                return Ok(Done::NotModified { moved });
            }
            if status == StatusCode::GONE {
                return Ok(Done::Gone);
            }
            if !status.is_success() {
                let retry_after = retry_after(resp.headers(), SystemTime::now());
                return Err((
                    FetchError::Status {
                        status: status.as_u16(),
                        reason: status.canonical_reason().unwrap_or("").to_string(),
                    },
                    retry_after,
                ));
            }
            let headers = resp.headers().clone();
            let limit = self.inner.config.max_body_bytes;
            let mut body = Vec::new();
            while let Some(chunk) = resp.chunk().await.map_err(|e| {
                // A body that never finishes runs into the total timeout.
                let err = if e.is_timeout() {
                    FetchError::Timeout {
                        seconds: self.inner.config.total_timeout.as_secs().max(1),
                    }
                } else {
                    FetchError::Body(error_chain(&e))
                };
                (err, None)
            })? {
                if body.len() + chunk.len() > limit {
                    return Err((FetchError::BodyTooLarge { limit }, None));
                }
                body.extend_from_slice(&chunk);
            }
            let text = |h: header::HeaderName| {
                headers
                    .get(h)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            };
            return Ok(Done::Fetched {
                final_url: url,
                moved,
                etag: text(header::ETAG),
                last_modified: text(header::LAST_MODIFIED),
                content_type: text(header::CONTENT_TYPE),
                body,
                status: status.as_u16(),
            });
        }
        Err((FetchError::TooManyRedirects, None))
    }
}

/// Whether a URL names an internal address literally (an IP in the ranges
/// of `address::is_internal`, or `localhost`).
fn is_internal_host(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => crate::address::is_internal(ip.into()),
        Some(url::Host::Ipv6(ip)) => crate::address::is_internal(ip.into()),
        Some(url::Host::Domain(d)) => {
            d.eq_ignore_ascii_case("localhost") || d.to_ascii_lowercase().ends_with(".localhost")
        }
        None => false,
    }
}

enum Done {
    Fetched {
        final_url: Url,
        moved: Option<Url>,
        etag: Option<String>,
        last_modified: Option<String>,
        content_type: Option<String>,
        body: Vec<u8>,
        status: u16,
    },
    NotModified {
        moved: Option<Url>,
    },
    Gone,
}

impl Done {
    fn into_outcome(self, elapsed: Duration) -> FetchOutcome {
        match self {
            Done::Fetched {
                final_url,
                moved,
                etag,
                last_modified,
                content_type,
                body,
                status,
            } => FetchOutcome::Fetched {
                final_url,
                moved_permanently_to: moved,
                etag,
                last_modified,
                content_type,
                body,
                status,
                elapsed,
            },
            Done::NotModified { moved } => FetchOutcome::NotModified {
                moved_permanently_to: moved,
                elapsed,
            },
            Done::Gone => FetchOutcome::Gone {
                reason: "the server says this feed is gone for good (HTTP 410 Gone); the source was disabled"
                    .into(),
                elapsed,
            },
        }
    }
}

fn send_error(url: &Url, e: &reqwest::Error, config: &FetchConfig) -> FetchError {
    let host = url.host_str().unwrap_or("?").to_string();
    if e.is_connect() && e.is_timeout() {
        return FetchError::Connect {
            host,
            detail: format!(
                "no connection within {} s",
                config.connect_timeout.as_secs().max(1)
            ),
        };
    }
    if e.is_timeout() {
        return FetchError::Timeout {
            seconds: config.total_timeout.as_secs().max(1),
        };
    }
    FetchError::Connect {
        host,
        detail: error_chain(e),
    }
}

/// The error and its causes in one line ("error sending request: … :
/// Connection refused"), since reqwest's top-level message alone says little.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let msg = s.to_string();
        if !out.contains(&msg) {
            out.push_str(": ");
            out.push_str(&msg);
        }
        source = s.source();
    }
    out
}

/// `Retry-After` as delay-seconds or an HTTP-date, capped at
/// [`MAX_RETRY_AFTER`]; `now` is passed in so the rule is testable.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let v = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    let delay = if let Ok(secs) = v.parse::<u64>() {
        Duration::from_secs(secs)
    } else {
        let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
        let when =
            SystemTime::UNIX_EPOCH + Duration::from_secs(u64::try_from(when.timestamp()).ok()?);
        when.duration_since(now).unwrap_or(Duration::ZERO)
    };
    Some(delay.min(MAX_RETRY_AFTER))
}

/// The delay before the next attempt after `consecutive_failures` failures
/// in a row: the normal interval when there were none, then doubling per
/// failure up to [`MAX_BACKOFF`], with ±20 % jitter so that sources failing
/// together do not retry together. `jitter_unit` in 0..1 comes from the
/// caller (this function is pure).
pub fn backoff(consecutive_failures: u32, base_interval: Duration, jitter_unit: f64) -> Duration {
    if consecutive_failures == 0 {
        return jittered_interval(base_interval, jitter_unit);
    }
    let factor = 2u32.saturating_pow(consecutive_failures.min(20));
    let raw = base_interval.saturating_mul(factor).min(MAX_BACKOFF);
    let j = jitter_unit.clamp(0.0, 1.0);
    raw.mul_f64(0.8 + 0.4 * j).min(MAX_BACKOFF)
}

/// A polling interval with ±10 % jitter, so that sources added together do
/// not poll together forever.
pub fn jittered_interval(interval: Duration, jitter_unit: f64) -> Duration {
    let j = jitter_unit.clamp(0.0, 1.0);
    interval.mul_f64(0.9 + 0.2 * j)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let base = Duration::from_secs(600);
        assert_eq!(backoff(0, base, 0.5), base);
        assert_eq!(backoff(1, base, 0.5), Duration::from_secs(1200));
        assert_eq!(backoff(2, base, 0.5), Duration::from_secs(2400));
        assert_eq!(backoff(30, base, 0.5), MAX_BACKOFF);
        assert_eq!(backoff(u32::MAX, base, 1.0), MAX_BACKOFF);
        assert_eq!(backoff(1, base, 0.0), Duration::from_secs(960));
        assert_eq!(backoff(1, base, 1.0), Duration::from_secs(1440));
    }

    #[test]
    fn jitter_stays_within_ten_percent() {
        let base = Duration::from_secs(1000);
        assert_eq!(jittered_interval(base, 0.0), Duration::from_secs(900));
        assert_eq!(jittered_interval(base, 1.0), Duration::from_secs(1100));
        assert_eq!(jittered_interval(base, 7.0), Duration::from_secs(1100));
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut h = HeaderMap::new();
        h.insert(header::RETRY_AFTER, "120".parse().unwrap());
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(120)));
        // 1_700_000_000 is Tue, 14 Nov 2023 22:13:20 GMT.
        h.insert(
            header::RETRY_AFTER,
            "Tue, 14 Nov 2023 22:18:20 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(300)));
        h.insert(header::RETRY_AFTER, "999999999".parse().unwrap());
        assert_eq!(retry_after(&h, now), Some(MAX_RETRY_AFTER));
        h.insert(header::RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&h, now), None);
    }

    #[test]
    fn proxy_setting_is_checked() {
        for ok in [
            "http://127.0.0.1:8080",
            "socks5h://127.0.0.1:9050",
            "socks5://proxy.example:1080",
        ] {
            let cfg = FetchConfig {
                proxy: Some(ok.into()),
                ..FetchConfig::default()
            };
            assert!(Fetcher::new(cfg).is_ok(), "{ok}");
        }
        for bad in ["ftp://x:21", "127.0.0.1:9050", "socks5h://"] {
            let cfg = FetchConfig {
                proxy: Some(bad.into()),
                ..FetchConfig::default()
            };
            assert!(
                matches!(Fetcher::new(cfg), Err(FetchError::InvalidProxy(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn user_agent_names_the_version() {
        assert!(
            default_user_agent().starts_with(&format!("Outpost/{} ", env!("CARGO_PKG_VERSION")))
        );
    }
}
