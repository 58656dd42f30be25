//! Tests of the recorder: order, flushing, names, and write errors (a full disk).

use super::*;
use crate::log::tlog::TlogReader;
use crate::protocol::frame::{Sender, Version};
use crate::protocol::streams::gcs_heartbeat;

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("steppe-rec-{}-{name}", std::process::id()))
}

#[test]
fn records_read_back_in_order() {
    let dir = temp("order");
    let path = dir.join("a.tlog");
    let rec = Recorder::start(&path).expect("starts");
    let mut s = Sender::new(255, 190);
    for i in 0..1000u64 {
        rec.record(
            1_700_000_000_000_000 + i,
            s.encode(&gcs_heartbeat(), Version::V2).raw(),
        );
    }
    let st = rec.stop();
    assert_eq!((st.records, st.dropped, st.closed), (1000, 0, true));
    let data = std::fs::read(&path).expect("file");
    let times: Vec<u64> = TlogReader::new(&data).map(|r| r.t_us).collect();
    assert_eq!(times.len(), 1000);
    assert!(times.windows(2).all(|w| w[0] < w[1]));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn flushes_to_the_kernel_within_the_interval() {
    let dir = temp("flush");
    let path = dir.join("b.tlog");
    let rec = Recorder::start(&path).expect("starts");
    let mut s = Sender::new(255, 190);
    rec.record(
        1_700_000_000_000_000,
        s.encode(&gcs_heartbeat(), Version::V2).raw(),
    );
    // Without stopping: the bytes must be visible to another reader soon.
    let deadline = Instant::now() + FLUSH_INTERVAL * 10;
    let mut seen = 0;
    while Instant::now() < deadline && seen == 0 {
        std::thread::sleep(Duration::from_millis(20));
        seen = std::fs::read(&path)
            .map(|d| TlogReader::new(&d).count())
            .unwrap_or(0);
    }
    assert_eq!(seen, 1);
    drop(rec);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn session_names_never_collide() {
    let dir = temp("names");
    std::fs::create_dir_all(&dir).expect("dir");
    let t = chrono::Local::now();
    let a = session_path(&dir, t);
    std::fs::write(&a, b"").expect("file");
    let b = session_path(&dir, t);
    assert_ne!(a, b);
    assert!(b.to_string_lossy().ends_with("-2.tlog"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn new_logs_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = temp("mode");
    let path = dir.join("private.tlog");
    let rec = Recorder::start(&path).expect("start");
    rec.record(1, b"x");
    drop(rec);
    let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unwritable_path_is_a_clear_error() {
    let e = Recorder::start(Path::new("/proc/steppe/x.tlog")).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("cannot create tlog /proc/steppe/x.tlog"),
        "{e}"
    );
}

/// Waits until the recorder reports an error (at most 5 s).
fn wait_error(rec: &Recorder) -> RecorderStatus {
    let end = Instant::now() + Duration::from_secs(5);
    loop {
        let st = rec.status();
        if st.error.is_some() || Instant::now() > end {
            return st;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn dev_full_stops_the_recording_with_a_disk_full_status() {
    let path = Path::new("/dev/full");
    if !path.exists() {
        println!("skipped: this system has no /dev/full");
        return;
    }
    let rec = Recorder::start(path).expect("/dev/full opens");
    let mut s = Sender::new(255, 190);
    for i in 0..10u64 {
        rec.record(i, s.encode(&gcs_heartbeat(), Version::V2).raw());
    }
    let st = wait_error(&rec);
    assert_eq!(
        st.error.as_deref(),
        Some("recording stopped: disk full (/dev/full)")
    );
    assert!(st.disk_full);
    // Later frames are counted as lost, and nothing blocks or panics.
    for i in 0..10u64 {
        rec.record(i, s.encode(&gcs_heartbeat(), Version::V2).raw());
    }
    let st = rec.stop();
    assert!(st.closed && st.dropped >= 10, "{st:?}");
}

/// A disk with `room` bytes left: a write that does not fit is cut short, the next one fails
/// with ENOSPC, as on a full tmpfs.
struct FullDisk {
    data: Arc<Mutex<Vec<u8>>>,
    room: Arc<AtomicUsize>,
}

impl Write for FullDisk {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let room = self.room.load(Ordering::Relaxed);
        if room == 0 {
            return Err(std::io::Error::from(std::io::ErrorKind::StorageFull));
        }
        let n = buf.len().min(room);
        self.room.fetch_sub(n, Ordering::Relaxed);
        if let Ok(mut d) = self.data.lock() {
            d.extend_from_slice(buf.get(..n).unwrap_or_default());
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl SyncData for FullDisk {
    fn sync_data(&self) -> std::io::Result<()> {
        Ok(())
    }

    fn sync_all(&self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_disk_that_fills_up_keeps_every_whole_record_and_writes_nothing_after() {
    let data = Arc::new(Mutex::new(Vec::new()));
    let room = Arc::new(AtomicUsize::new(5_000));
    let disk = FullDisk {
        data: Arc::clone(&data),
        room: Arc::clone(&room),
    };
    let rec = Recorder::with_writer(Path::new("/media/stick/a.tlog"), disk).expect("starts");
    let mut s = Sender::new(255, 190);
    let frame_len = s.encode(&gcs_heartbeat(), Version::V2).raw().len();
    for i in 0..1000u64 {
        rec.record(
            1_700_000_000_000_000 + i,
            s.encode(&gcs_heartbeat(), Version::V2).raw(),
        );
    }
    let st = wait_error(&rec);
    assert_eq!(
        st.error.as_deref(),
        Some("recording stopped: disk full (/media/stick/a.tlog)")
    );
    // Space comes back (a file was deleted): the stopped recording does not resume, and what
    // was still buffered is not appended after the cut record.
    room.store(1_000_000, Ordering::Relaxed);
    for i in 0..100u64 {
        rec.record(
            2_000_000_000_000_000 + i,
            s.encode(&gcs_heartbeat(), Version::V2).raw(),
        );
    }
    let st = rec.stop();
    assert!(st.closed && st.dropped >= 100, "{st:?}");
    let bytes = data.lock().map(|d| d.clone()).unwrap_or_default();
    assert_eq!(bytes.len(), 5_000);
    let mut r = TlogReader::new(&bytes);
    let times: Vec<u64> = r.by_ref().map(|x| x.t_us).collect();
    let whole = 5_000 / (TIMESTAMP_LEN + frame_len);
    assert_eq!(times.len(), whole, "every whole record before the cut");
    assert!(
        times
            .iter()
            .enumerate()
            .all(|(i, t)| *t == 1_700_000_000_000_000 + i as u64)
    );
    assert_eq!(r.stats().bad_bytes, r.stats().truncated_tail_bytes);
    assert_eq!(
        r.stats().truncated_tail_bytes as usize,
        5_000 - whole * (TIMESTAMP_LEN + frame_len)
    );
}
