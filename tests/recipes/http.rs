//! A tiny HTTP/1.1 server for the recipes to talk to: one request per connection, each
//! recorded, answered as the test says.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::Value;

#[derive(Debug)]
pub(crate) struct Request {
    pub(crate) method: String,
    /// The path and the query, as sent.
    pub(crate) target: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Request {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    pub(crate) fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    pub(crate) fn query(&self) -> BTreeMap<String, String> {
        let Some((_, query)) = self.target.split_once('?') else {
            return BTreeMap::new();
        };
        query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .map(|(key, value)| (percent_decode(key), percent_decode(value)))
            .collect()
    }

    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{e}: {} {}: {}",
                self.method,
                self.target,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}

type Respond = dyn Fn(&Request) -> (u16, String) + Send + Sync;

/// Listens on 127.0.0.1 (a free port) until [`Listener::requests`], answering each request
/// with what `respond` says and recording it.
pub(crate) struct Listener {
    /// `http://127.0.0.1:PORT`
    pub(crate) url: String,
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: JoinHandle<Vec<Request>>,
}

impl Listener {
    pub(crate) fn start(
        respond: impl Fn(&Request) -> (u16, String) + Send + Sync + 'static,
    ) -> Listener {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let respond: Box<Respond> = Box::new(respond);
        let stopping = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let mut seen = Vec::new();
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                seen.push(serve(stream.unwrap(), &respond));
            }
            seen
        });
        Listener {
            url: format!("http://{addr}"),
            addr,
            stop,
            thread,
        }
    }

    /// Answers 200 with `{"ok": true}` to everything.
    pub(crate) fn ok() -> Listener {
        Listener::start(|_| (200, r#"{"ok":true}"#.to_owned()))
    }

    /// Stops listening and returns every request, in the order they came. Call it after the
    /// recipe exited: curl has had its answers by then.
    pub(crate) fn requests(self) -> Vec<Request> {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept; the thread sees the flag and ends.
        drop(TcpStream::connect(self.addr));
        self.thread.join().unwrap()
    }
}

fn serve(stream: TcpStream, respond: &Respond) -> Request {
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let mut words = line.split_whitespace();
    let method = words.next().unwrap_or_default().to_owned();
    let target = words.next().unwrap_or_default().to_owned();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).unwrap();
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (key, value) = header.split_once(':').unwrap();
        headers.push((key.trim().to_owned(), value.trim().to_owned()));
    }
    let mut request = Request {
        method,
        target,
        headers,
        body: Vec::new(),
    };
    let mut writer = stream;
    if request
        .header("expect")
        .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
    {
        writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").unwrap();
    }
    let length: usize = request
        .header("content-length")
        .map_or(0, |v| v.parse().unwrap());
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    request.body = body;
    let (status, body) = respond(&request);
    let reason = match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        400 => "Bad Request",
        _ => "Whatever",
    };
    write!(
        writer,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    writer.flush().unwrap();
    request
}
