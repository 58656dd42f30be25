//! The telemetry recorder: every frame received and sent goes to a `.tlog` file, written on its
//! own thread so a slow disk never stalls the link or the screen.
//!
//! Crash safety: records are handed to the kernel at least every [`FLUSH_INTERVAL`] (a
//! `kill -9` loses at most that) and forced to the disk every [`SYNC_INTERVAL`] (a power cut
//! loses at most about a second). The format has no header or index to update, so whatever
//! reached the disk is a valid tlog; a half-written last record is skipped by every reader.
//! A write error (disk full, USB stick pulled) stops the recording with a clear status; it
//! never stops the ground station. Records still in memory at that moment are discarded rather
//! than written later, so the file ends at most with one cut record, which readers skip.

use super::tlog::TIMESTAMP_LEN;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Longest time a record waits in memory before reaching the kernel.
pub const FLUSH_INTERVAL: Duration = Duration::from_millis(200);
/// Longest time between forced writes to the disk itself.
pub const SYNC_INTERVAL: Duration = Duration::from_millis(1000);
/// Records buffered between the engine and the writer thread.
const QUEUE: usize = 65_536;

/// Errors starting a recording.
#[derive(Debug, thiserror::Error)]
pub enum RecorderError {
    /// The folder or file could not be created.
    #[error("cannot create tlog {path}: {source}")]
    Create {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// No home or data directory is known.
    #[error("no data directory: set XDG_DATA_HOME or HOME, or give a tlog path")]
    NoDataDir,
}

/// What the recorder has done so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecorderStatus {
    /// The file being written.
    pub path: PathBuf,
    /// Records written (handed to the file; after a write error the last ones buffered may
    /// not have reached it).
    pub records: u64,
    /// Bytes of those records.
    pub bytes: u64,
    /// Records lost (queue full, or after a write error).
    pub dropped: u64,
    /// The write error that stopped the recording, if any.
    pub error: Option<String>,
    /// The error was a full disk (or quota), so the operator knows to free space.
    pub disk_full: bool,
    /// True once the file is closed.
    pub closed: bool,
}

enum Msg {
    Record(u64, Vec<u8>),
    Stop,
}

/// A running recording.
#[derive(Debug)]
pub struct Recorder {
    tx: SyncSender<Msg>,
    /// Records queued for the writer thread and not written yet.
    queued: Arc<AtomicUsize>,
    status: Arc<Mutex<RecorderStatus>>,
    thread: Option<JoinHandle<()>>,
}

impl Recorder {
    /// Creates `path` (and its folders) and starts recording into it. An existing file is
    /// appended to, never truncated.
    pub fn start(path: &Path) -> Result<Recorder, RecorderError> {
        let create = |source| RecorderError::Create {
            path: path.to_owned(),
            source,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(create)?;
        }
        let mut opts = OpenOptions::new();
        opts.create(true).append(true);
        // Where a team flew is sensitive: a new log is readable by its owner only.
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let file = opts.open(path).map_err(create)?;
        Self::with_writer(path, file).map_err(create)
    }

    /// Starts the writer thread on `out`; `path` is what the status names.
    fn with_writer<W: Write + SyncData + Send + 'static>(
        path: &Path,
        out: W,
    ) -> std::io::Result<Recorder> {
        let status = Arc::new(Mutex::new(RecorderStatus {
            path: path.to_owned(),
            ..Default::default()
        }));
        let (tx, rx) = sync_channel(QUEUE);
        let st = Arc::clone(&status);
        let queued = Arc::new(AtomicUsize::new(0));
        let q = Arc::clone(&queued);
        let thread = std::thread::Builder::new()
            .name("steppe-recorder".into())
            .spawn(move || writer(out, rx, st, q))?;
        Ok(Recorder {
            tx,
            queued,
            status,
            thread: Some(thread),
        })
    }

    /// Queues one frame with its time. Never blocks; a full queue counts a dropped record.
    pub fn record(&self, t_us: u64, frame: &[u8]) {
        // Counted before it is sent, so the writer never takes it off a count of zero.
        self.queued.fetch_add(1, Ordering::Relaxed);
        match self.tx.try_send(Msg::Record(t_us, frame.to_vec())) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => {
                self.queued.fetch_sub(1, Ordering::Relaxed);
                if let Ok(mut s) = self.status.lock() {
                    s.dropped += 1;
                }
            }
        }
    }

    /// Records waiting for the writer thread (a gauge: it stays near zero unless the disk
    /// is slower than the links).
    pub fn queued(&self) -> usize {
        self.queued.load(Ordering::Relaxed)
    }

    /// Current status.
    pub fn status(&self) -> RecorderStatus {
        self.status.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Writes everything queued, syncs and closes the file.
    pub fn stop(mut self) -> RecorderStatus {
        self.finish();
        self.status()
    }

    fn finish(&mut self) {
        // A full queue still drains: block until the stop message fits.
        let _ = self.tx.send(Msg::Stop);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.finish();
    }
}

/// Marks the recording stopped by `e`: a full disk is named as such.
fn fail(e: &std::io::Error, status: &Mutex<RecorderStatus>) {
    if let Ok(mut s) = status.lock() {
        let full = e.kind() == std::io::ErrorKind::StorageFull
            || e.kind() == std::io::ErrorKind::QuotaExceeded;
        s.disk_full = full;
        s.error = Some(if full {
            format!("recording stopped: disk full ({})", s.path.display())
        } else {
            format!("recording stopped: cannot write {}: {e}", s.path.display())
        });
    }
}

fn writer<W: Write + SyncData>(
    file: W,
    rx: Receiver<Msg>,
    status: Arc<Mutex<RecorderStatus>>,
    queued: Arc<AtomicUsize>,
) {
    let mut out = BufWriter::with_capacity(64 * 1024, file);
    let mut failed = false;
    let mut last_flush = Instant::now();
    let mut last_sync = Instant::now();
    let mut dirty = false;
    loop {
        let msg = rx.recv_timeout(FLUSH_INTERVAL);
        match msg {
            Ok(Msg::Record(t_us, frame)) => {
                queued.fetch_sub(1, Ordering::Relaxed);
                if failed {
                    if let Ok(mut s) = status.lock() {
                        s.dropped += 1;
                    }
                } else {
                    let mut rec = Vec::with_capacity(TIMESTAMP_LEN + frame.len());
                    rec.extend_from_slice(&t_us.to_be_bytes());
                    rec.extend_from_slice(&frame);
                    match out.write_all(&rec) {
                        Ok(()) => {
                            dirty = true;
                            if let Ok(mut s) = status.lock() {
                                s.records += 1;
                                s.bytes += rec.len() as u64;
                            }
                        }
                        Err(e) => {
                            failed = true;
                            fail(&e, &status);
                        }
                    }
                }
            }
            Ok(Msg::Stop) | Err(RecvTimeoutError::Disconnected) => break,
            Err(RecvTimeoutError::Timeout) => {}
        }
        if !failed && dirty && last_flush.elapsed() >= FLUSH_INTERVAL {
            if let Err(e) = out.flush() {
                failed = true;
                fail(&e, &status);
            }
            last_flush = Instant::now();
            if !failed && last_sync.elapsed() >= SYNC_INTERVAL {
                if let Err(e) = out.get_ref().sync_data() {
                    failed = true;
                    fail(&e, &status);
                }
                last_sync = Instant::now();
                dirty = false;
            }
        }
    }
    if failed {
        // Drop what is still buffered: writing it later (once space was freed) could put
        // the rest of a cut record after a gap in time, and the recording has stopped.
        drop(out.into_parts());
    } else if let Err(e) = out.flush().and_then(|()| out.get_ref().sync_all()) {
        fail(&e, &status);
    }
    if let Ok(mut s) = status.lock() {
        s.closed = true;
    }
}

/// Forcing written data to the disk: files do, test writers pretend to.
trait SyncData {
    /// `fdatasync`.
    fn sync_data(&self) -> std::io::Result<()>;
    /// `fsync`.
    fn sync_all(&self) -> std::io::Result<()>;
}

impl SyncData for File {
    fn sync_data(&self) -> std::io::Result<()> {
        File::sync_data(self)
    }

    fn sync_all(&self) -> std::io::Result<()> {
        File::sync_all(self)
    }
}

/// The folder for tlogs: `$XDG_DATA_HOME/steppe/tlogs`, else `~/.local/share/steppe/tlogs`
/// (`%APPDATA%\steppe\tlogs` on Windows).
pub fn default_tlog_dir() -> Result<PathBuf, RecorderError> {
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("APPDATA")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        })
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".local/share"))
        })
        .ok_or(RecorderError::NoDataDir)?;
    Ok(base.join("steppe").join("tlogs"))
}

/// A new session file name in `dir` from the local date and time, e.g.
/// `2026-11-26 15-51-17.tlog` (Mission Planner's pattern), never an existing file.
pub fn session_path(dir: &Path, local: chrono::DateTime<chrono::Local>) -> PathBuf {
    let stem = local.format("%Y-%m-%d %H-%M-%S").to_string();
    let mut p = dir.join(format!("{stem}.tlog"));
    let mut n = 2;
    while p.exists() {
        p = dir.join(format!("{stem}-{n}.tlog"));
        n += 1;
    }
    p
}

#[cfg(test)]
#[path = "recorder_tests.rs"]
mod tests;
