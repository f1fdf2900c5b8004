//! A real HTTP server on 127.0.0.1 for the fetch tests, on tiny_http. Each
//! request is answered on its own thread so that slow answers and the
//! concurrency limits can be observed.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use url::Url;

/// What the handler sees of a request.
#[derive(Debug, Clone)]
pub struct Seen {
    /// The request target as sent (absolute-form when sent to a proxy).
    pub target: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The answer to give.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub delay: Duration,
}

impl Reply {
    pub fn ok(body: impl Into<Vec<u8>>, content_type: &str) -> Reply {
        Reply {
            status: 200,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
            delay: Duration::ZERO,
        }
    }
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delay: Duration::ZERO,
        }
    }
    pub fn header(mut self, k: &str, v: &str) -> Reply {
        self.headers.push((k.into(), v.into()));
        self
    }
    pub fn delay(mut self, d: Duration) -> Reply {
        self.delay = d;
        self
    }
}

type Handler = dyn Fn(&Seen) -> Reply + Send + Sync;

pub struct TestServer {
    pub base: Url,
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
    seen: Arc<Mutex<Vec<Seen>>>,
    max_in_flight: Arc<AtomicUsize>,
}

impl TestServer {
    pub fn start(handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> TestServer {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1"));
        let port = server.server_addr().to_ip().expect("ip listener").port();
        let base = Url::parse(&format!("http://127.0.0.1:{port}/")).expect("base URL");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let in_flight = Arc::new(AtomicUsize::new(0));
        let max_in_flight = Arc::new(AtomicUsize::new(0));
        let handler: Arc<Handler> = Arc::new(handler);
        let thread = {
            let (server, seen, in_flight, max_in_flight) = (
                server.clone(),
                seen.clone(),
                in_flight.clone(),
                max_in_flight.clone(),
            );
            std::thread::spawn(move || {
                for req in server.incoming_requests() {
                    let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    max_in_flight.fetch_max(now, Ordering::SeqCst);
                    let (handler, seen, in_flight) =
                        (handler.clone(), seen.clone(), in_flight.clone());
                    std::thread::spawn(move || {
                        let target = req.url().to_string();
                        let path = match Url::parse(&target) {
                            Ok(abs) => abs.path().to_string(),
                            Err(_) => target.split('?').next().unwrap_or("").to_string(),
                        };
                        let info = Seen {
                            target,
                            path,
                            headers: req
                                .headers()
                                .iter()
                                .map(|h| (h.field.to_string(), h.value.to_string()))
                                .collect(),
                        };
                        seen.lock().unwrap().push(info.clone());
                        let reply = handler(&info);
                        std::thread::sleep(reply.delay);
                        let mut resp = tiny_http::Response::from_data(reply.body)
                            .with_status_code(reply.status);
                        for (k, v) in reply.headers {
                            resp.add_header(
                                tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes())
                                    .expect("header"),
                            );
                        }
                        in_flight.fetch_sub(1, Ordering::SeqCst);
                        let _ = req.respond(resp);
                    });
                }
            })
        };
        TestServer {
            base,
            server,
            thread: Some(thread),
            seen,
            max_in_flight,
        }
    }

    pub fn url(&self, path: &str) -> Url {
        self.base.join(path).expect("join")
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    pub fn max_in_flight(&self) -> usize {
        self.max_in_flight.load(Ordering::SeqCst)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
