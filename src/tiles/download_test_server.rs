//! A small HTTP/1.1 tile server on 127.0.0.1:0 for the prefetch tests (std threads,
//! keep-alive): each path answered as the test's handler says — a generated PNG, a status,
//! an HTML error page, or silence.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::TileSource;

pub(super) enum Reply {
    Png,
    Status(u16),
    Html,
    Hang(Duration),
}

/// The PNG the server sends for a path.
pub(super) fn body_for(path: &str) -> Vec<u8> {
    use image::ImageEncoder;
    let seed = path
        .bytes()
        .fold(7u8, |a, b| a.wrapping_mul(31).wrapping_add(b));
    let img = image::RgbImage::from_fn(4, 4, |x, y| image::Rgb([seed, x as u8 * 60, y as u8 * 60]));
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(img.as_raw(), 4, 4, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

type Handler = dyn Fn(&str, usize) -> Reply + Send + Sync;

pub(super) struct TileServer {
    pub(super) addr: SocketAddr,
    requests: Arc<Mutex<Vec<String>>>,
    pub(super) connections: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl TileServer {
    /// Serves `/{z}/{x}/{y}.png`; `handler` gets the path and how often it was asked before.
    pub(super) fn start(
        handler: impl Fn(&str, usize) -> Reply + Send + Sync + 'static,
    ) -> TileServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let (r, c, s) = (requests.clone(), connections.clone(), stop.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(stream) = stream else { continue };
                c.fetch_add(1, Ordering::SeqCst);
                let (r, h) = (r.clone(), handler.clone());
                std::thread::spawn(move || serve_connection(stream, &r, &*h));
            }
        });
        TileServer {
            addr,
            requests,
            connections,
            stop,
        }
    }

    pub(super) fn source(&self) -> TileSource {
        let url = format!("http://{}/{{z}}/{{x}}/{{y}}.png", self.addr);
        TileSource::user("Test server", &url, 19, "test").unwrap()
    }

    pub(super) fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for TileServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
    }
}

fn serve_connection(stream: TcpStream, requests: &Mutex<Vec<String>>, handler: &Handler) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut out = stream;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                break;
            }
        }
        let path = request_line
            .split_whitespace()
            .nth(1)
            .unwrap_or("/")
            .to_string();
        let before = {
            let mut r = requests.lock().unwrap();
            let n = r.iter().filter(|p| **p == path).count();
            r.push(path.clone());
            n
        };
        let (status, body, kind) = match handler(&path, before) {
            Reply::Png => (200, body_for(&path), "image/png"),
            Reply::Status(code) => (code, b"no".to_vec(), "text/plain"),
            Reply::Html => (200, b"<html>quota exceeded</html>".to_vec(), "text/html"),
            Reply::Hang(d) => {
                std::thread::sleep(d);
                return;
            }
        };
        let head = format!(
            "HTTP/1.1 {status} X\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        if out
            .write_all(head.as_bytes())
            .and_then(|_| out.write_all(&body))
            .is_err()
        {
            return;
        }
    }
}
