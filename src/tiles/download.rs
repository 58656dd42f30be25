//! Prefetching the tiles of an area from an online source into an XYZ folder or an MBTiles
//! file, for flying where there is no internet. This is the tiles module's I/O edge (tokio,
//! HTTP); everything it decides with is in the pure modules.
//!
//! Politeness and safety first: a source whose policy forbids bulk download is refused before
//! any request, and so is an area needing more tiles than a limit (50 000 by default). Then:
//! tiles already present are skipped, a few requests run at once, 5xx/429/timeouts are retried
//! with exponential backoff, 404 counts as "missing" (servers have holes), other failures are
//! counted and reported, never fatal; only a failing disk stops the run. Progress goes to a
//! callback; a cancel flag stops it within about 50 ms, keeping what was written.

use std::collections::HashMap;
use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tokio::task::JoinSet;

use super::{
    BBox, BulkPolicy, MAX_TILE_BYTES, MAX_ZOOM, MbTilesWriter, SourceError, TileError, TileId,
    TileSource, XyzDir, count_tiles, tiles_covering,
};

/// Default limit on the tiles one prefetch may download.
pub const DEFAULT_MAX_TILES: u64 = 50_000;
/// How often the cancel flag is checked while requests are in flight.
const POLL: Duration = Duration::from_millis(50);
/// Shortest interval between two progress reports (the first and last always go out).
const PROGRESS_INTERVAL: Duration = Duration::from_millis(50);
/// Longest wait between two attempts at one tile.
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// Failures listed in the report (the count covers all).
const MAX_LISTED_FAILURES: usize = 20;

/// Where prefetched tiles go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrefetchTarget {
    /// An XYZ folder (`{z}/{x}/{y}.png`), created if needed.
    Xyz(PathBuf),
    /// An MBTiles file, created or added to.
    MbTiles(PathBuf),
}

impl PrefetchTarget {
    /// The folder or file.
    pub fn path(&self) -> &PathBuf {
        match self {
            PrefetchTarget::Xyz(p) | PrefetchTarget::MbTiles(p) => p,
        }
    }
}

/// Tuning for [`prefetch`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrefetchOptions {
    /// Refuse areas needing more tiles than this.
    pub max_tiles: u64,
    /// Requests in flight at once (at least 1).
    pub parallel: usize,
    /// Extra attempts per tile after a 5xx, 429 or network failure.
    pub retries: u32,
    /// Wait before the first retry; doubles each time, up to 30 s.
    pub first_backoff: Duration,
    /// Limit on one request, connection to last byte.
    pub request_timeout: Duration,
}

impl Default for PrefetchOptions {
    fn default() -> Self {
        PrefetchOptions {
            max_tiles: DEFAULT_MAX_TILES,
            parallel: 4,
            retries: 3,
            first_backoff: Duration::from_millis(500),
            request_timeout: Duration::from_secs(20),
        }
    }
}

/// Counts so far. `done = downloaded + skipped + missing + failed`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PrefetchProgress {
    /// Tiles dealt with.
    pub done: u64,
    /// Tiles in the area.
    pub total: u64,
    /// Tiles downloaded and written.
    pub downloaded: u64,
    /// Tiles already present, not requested.
    pub skipped: u64,
    /// Tiles the server does not have (404).
    pub missing: u64,
    /// Tiles that failed after their retries.
    pub failed: u64,
    /// Bytes downloaded.
    pub bytes: u64,
}

/// How a prefetch ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrefetchReport {
    /// Final counts.
    pub counts: PrefetchProgress,
    /// True when the cancel flag stopped it early.
    pub cancelled: bool,
    /// Zoom levels fetched (the request clipped to the source's deepest zoom).
    pub zooms: RangeInclusive<u8>,
    /// The first failures with their reasons (at most 20; `counts.failed` has the total).
    pub failures: Vec<(TileId, String)>,
}

/// Why a prefetch did not run or stopped.
#[derive(Debug, thiserror::Error)]
pub enum PrefetchError {
    /// The source's usage policy forbids bulk download.
    #[error("{source_name} does not allow downloading areas for offline use: {reason}")]
    BulkForbidden {
        /// The source's name.
        source_name: String,
        /// Why, from the source's policy.
        reason: String,
    },
    /// The area needs more tiles than allowed.
    #[error(
        "the area needs {count} tiles at zoom {}-{}, more than the limit of {limit}; choose a \
         smaller area or fewer zoom levels", zooms.start(), zooms.end()
    )]
    TooManyTiles {
        /// Tiles needed.
        count: u64,
        /// The limit.
        limit: u64,
        /// The zoom levels asked for (clipped to the source).
        zooms: RangeInclusive<u8>,
    },
    /// None of the requested zoom levels exists at the source.
    #[error("zoom {}-{} is beyond {source_name}'s deepest zoom {max_zoom}", zooms.start(), zooms.end())]
    NoZooms {
        /// The source's name.
        source_name: String,
        /// The zoom levels asked for.
        zooms: RangeInclusive<u8>,
        /// The source's deepest zoom.
        max_zoom: u8,
    },
    /// The source's settings are invalid.
    #[error("tile source {source_name}: {source}")]
    InvalidSource {
        /// The source's name.
        source_name: String,
        /// What is wrong.
        source: SourceError,
    },
    /// The target could not be opened or written (fatal: the disk is the problem).
    #[error(transparent)]
    Store(#[from] TileError),
    /// The HTTP client could not be built.
    #[error("cannot set up the HTTP client: {0}")]
    Client(String),
    /// The blocking wrapper could not start its runtime.
    #[error("cannot start the download runtime: {0}")]
    Runtime(String),
}

/// Downloads the tiles covering `bbox` at `zooms` from `source` into `target`, calling
/// `progress` as tiles complete (at most every 50 ms, and once at the end) and stopping soon
/// after `cancel` becomes true. Must run inside a tokio runtime (it spawns the requests).
pub async fn prefetch(
    source: &TileSource,
    bbox: &BBox,
    zooms: RangeInclusive<u8>,
    target: &PrefetchTarget,
    options: &PrefetchOptions,
    mut progress: impl FnMut(&PrefetchProgress),
    cancel: &AtomicBool,
) -> Result<PrefetchReport, PrefetchError> {
    let zooms = check_request(source, bbox, zooms, options)?;
    let total = count_tiles(bbox, zooms.clone());
    let client = reqwest::Client::builder()
        .user_agent(concat!("Steppe/", env!("CARGO_PKG_VERSION")))
        .timeout(options.request_timeout)
        .connect_timeout(options.request_timeout.min(Duration::from_secs(10)))
        .build()
        .map_err(|e| PrefetchError::Client(error_chain(&e)))?;
    let mut sink = Sink::open(target, source)?;

    let mut counts = PrefetchProgress {
        total,
        ..PrefetchProgress::default()
    };
    let mut failures = Vec::new();
    let mut fail = |counts: &mut PrefetchProgress, id: TileId, why: String| {
        counts.failed += 1;
        if failures.len() < MAX_LISTED_FAILURES {
            failures.push((id, why));
        }
    };
    let mut reporter = Reporter::default();
    reporter.send(&mut progress, &counts, true);

    let mut tiles = tiles_covering(bbox, zooms.clone());
    let mut running: JoinSet<Fetched> = JoinSet::new();
    let mut ids: HashMap<tokio::task::Id, TileId> = HashMap::new();
    let mut cancelled = false;
    loop {
        // Top up the requests in flight, skipping tiles already present.
        while running.len() < options.parallel.max(1) && !cancel.load(Ordering::Relaxed) {
            let Some(id) = tiles.next() else { break };
            if sink.contains(id)? {
                counts.skipped += 1;
                counts.done += 1;
                reporter.send(&mut progress, &counts, false);
                continue;
            }
            let (client, url, opts) = (client.clone(), source.url_for(id), options.clone());
            let handle = running.spawn(async move { fetch(&client, &url, &opts).await });
            ids.insert(handle.id(), id);
        }
        if cancel.load(Ordering::Relaxed) {
            cancelled = true;
            running.abort_all();
            break;
        }
        if running.is_empty() {
            break;
        }
        let joined = match tokio::time::timeout(POLL, running.join_next_with_id()).await {
            Err(_) | Ok(None) => continue,
            Ok(Some(joined)) => joined,
        };
        let (task, outcome) = match joined {
            Ok((task, outcome)) => (task, outcome),
            Err(e) => (
                e.id(),
                Fetched::Failed(format!("download task failed: {e}")),
            ),
        };
        let Some(id) = ids.remove(&task) else {
            continue;
        };
        counts.done += 1;
        match outcome {
            Fetched::Tile(data) => match sink.put(id, &data) {
                Ok(()) => {
                    counts.downloaded += 1;
                    counts.bytes += data.len() as u64;
                }
                // The server sent something that is not a tile image (an error page...).
                Err(TileError::BadTile { why, .. }) => fail(&mut counts, id, why),
                Err(e) => {
                    running.abort_all();
                    return Err(e.into());
                }
            },
            Fetched::Missing => counts.missing += 1,
            Fetched::Failed(why) => fail(&mut counts, id, why),
        }
        reporter.send(&mut progress, &counts, false);
    }
    sink.finish(bbox)?;
    reporter.send(&mut progress, &counts, true);
    Ok(PrefetchReport {
        counts,
        cancelled,
        zooms,
        failures,
    })
}

/// [`prefetch`] for a plain thread (not one inside a tokio runtime): runs it on a
/// current-thread runtime of its own and blocks until it ends.
pub fn prefetch_blocking(
    source: &TileSource,
    bbox: &BBox,
    zooms: RangeInclusive<u8>,
    target: &PrefetchTarget,
    options: &PrefetchOptions,
    progress: impl FnMut(&PrefetchProgress),
    cancel: &AtomicBool,
) -> Result<PrefetchReport, PrefetchError> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(PrefetchError::Runtime(
            "prefetch_blocking was called inside a tokio runtime; call prefetch().await there"
                .into(),
        ));
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| PrefetchError::Runtime(e.to_string()))?;
    runtime.block_on(prefetch(
        source, bbox, zooms, target, options, progress, cancel,
    ))
}

/// The checks made before any request: source valid, bulk download allowed, zooms existing,
/// tile count within the limit. Returns the zooms clipped to the source.
fn check_request(
    source: &TileSource,
    bbox: &BBox,
    zooms: RangeInclusive<u8>,
    options: &PrefetchOptions,
) -> Result<RangeInclusive<u8>, PrefetchError> {
    let source_name = source.name.clone();
    source
        .validate()
        .map_err(|e| PrefetchError::InvalidSource {
            source_name: source_name.clone(),
            source: e,
        })?;
    if let BulkPolicy::Forbidden { reason } = source.bulk_policy() {
        return Err(PrefetchError::BulkForbidden {
            source_name,
            reason,
        });
    }
    let deepest = source.max_zoom.min(MAX_ZOOM);
    let clipped = *zooms.start()..=(*zooms.end()).min(deepest);
    if clipped.is_empty() {
        return Err(PrefetchError::NoZooms {
            source_name,
            zooms,
            max_zoom: deepest,
        });
    }
    let count = count_tiles(bbox, clipped.clone());
    if count > options.max_tiles {
        return Err(PrefetchError::TooManyTiles {
            count,
            limit: options.max_tiles,
            zooms: clipped,
        });
    }
    Ok(clipped)
}

/// Calls the progress callback at most every [`PROGRESS_INTERVAL`] unless forced.
#[derive(Default)]
struct Reporter {
    last: Option<Instant>,
}

impl Reporter {
    fn send(
        &mut self,
        progress: &mut impl FnMut(&PrefetchProgress),
        counts: &PrefetchProgress,
        force: bool,
    ) {
        let due = self.last.is_none_or(|t| t.elapsed() >= PROGRESS_INTERVAL);
        if force || due {
            self.last = Some(Instant::now());
            progress(counts);
        }
    }
}

/// The target, opened for writing.
enum Sink {
    Xyz(XyzDir),
    MbTiles(Box<MbTilesWriter>),
}

impl Sink {
    fn open(target: &PrefetchTarget, source: &TileSource) -> Result<Sink, TileError> {
        Ok(match target {
            PrefetchTarget::Xyz(dir) => Sink::Xyz(XyzDir::create(dir)?),
            PrefetchTarget::MbTiles(file) => Sink::MbTiles(Box::new(MbTilesWriter::create(
                file,
                &source.name,
                &source.attribution,
            )?)),
        })
    }

    fn contains(&self, id: TileId) -> Result<bool, TileError> {
        match self {
            Sink::Xyz(dir) => Ok(dir.contains(id)),
            Sink::MbTiles(w) => w.contains(id),
        }
    }

    fn put(&mut self, id: TileId, data: &[u8]) -> Result<(), TileError> {
        match self {
            Sink::Xyz(dir) => dir.put(id, data).map(|_| ()),
            Sink::MbTiles(w) => w.put(id, data),
        }
    }

    fn finish(self, bbox: &BBox) -> Result<(), TileError> {
        match self {
            Sink::Xyz(_) => Ok(()),
            Sink::MbTiles(mut w) => {
                w.add_bounds(*bbox);
                (*w).finish()
            }
        }
    }
}

/// What fetching one tile came to.
enum Fetched {
    Tile(Vec<u8>),
    Missing,
    Failed(String),
}

/// Whether trying again might help.
enum Attempt {
    Retry(String),
    Permanent(String),
}

/// Fetches one tile, retrying transient failures with exponential backoff.
async fn fetch(client: &reqwest::Client, url: &str, options: &PrefetchOptions) -> Fetched {
    let mut delay = options.first_backoff;
    let mut attempt = 0u32;
    loop {
        match fetch_once(client, url).await {
            Ok(Some(data)) => return Fetched::Tile(data),
            Ok(None) => return Fetched::Missing,
            Err(Attempt::Permanent(why)) => return Fetched::Failed(why),
            Err(Attempt::Retry(why)) if attempt >= options.retries => {
                return Fetched::Failed(format!("{why} (gave up after {} attempts)", attempt + 1));
            }
            Err(Attempt::Retry(_)) => {
                attempt += 1;
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(MAX_BACKOFF);
            }
        }
    }
}

/// One request: `Ok(None)` for a tile the server does not have.
async fn fetch_once(client: &reqwest::Client, url: &str) -> Result<Option<Vec<u8>>, Attempt> {
    let transient = |e: reqwest::Error| {
        let why = format!("{url}: {}", error_chain(&e));
        if e.is_timeout() || e.is_connect() || e.is_request() || e.is_body() {
            Attempt::Retry(why)
        } else {
            Attempt::Permanent(why)
        }
    };
    let mut response = client.get(url).send().await.map_err(transient)?;
    let status = response.status();
    match status.as_u16() {
        404 | 410 | 204 => return Ok(None),
        408 | 429 | 500..=599 => return Err(Attempt::Retry(format!("{url}: HTTP {status}"))),
        _ if !status.is_success() => {
            return Err(Attempt::Permanent(format!("{url}: HTTP {status}")));
        }
        _ => {}
    }
    let too_large = || {
        Attempt::Permanent(format!(
            "{url}: the tile is larger than {MAX_TILE_BYTES} bytes"
        ))
    };
    if response
        .content_length()
        .is_some_and(|n| n > MAX_TILE_BYTES as u64)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(transient)? {
        if body.len() + chunk.len() > MAX_TILE_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok((!body.is_empty()).then_some(body))
}

/// An error and its causes, "outer: inner: innermost" (reqwest's own text omits the cause).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}
