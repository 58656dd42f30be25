//! MBTiles (an SQLite database of tiles, spec 1.3): reading any conforming file, and writing
//! the ones prefetch fills.
//!
//! Rows are TMS (`tile_row = 2^z - 1 - y`); everything outside this file speaks XYZ. Readers
//! open the file read-only and accept `tiles` as a table or a view (deduplicating writers
//! store a `map` table and an `images` table behind a view). The writer creates the schema and
//! the `metadata` table (name, format, minzoom, maxzoom, bounds, center, attribution) and
//! commits in batches, so a cancelled prefetch keeps what it downloaded.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use super::{BBox, MAX_TILE_BYTES, MAX_ZOOM, TileError, TileFormat, TileId, TileStore};

/// Tiles written per transaction.
const BATCH: usize = 256;

/// An MBTiles file opened read-only.
#[derive(Debug)]
pub struct MbTiles {
    path: PathBuf,
    conn: Mutex<Connection>,
    metadata: BTreeMap<String, String>,
    zooms: Option<(u8, u8)>,
}

impl MbTiles {
    /// Opens an MBTiles file read-only and reads its metadata.
    pub fn open(path: &Path) -> Result<MbTiles, TileError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(sql(path, "opening"))?;
        check_tiles_table(&conn, path)?;
        let metadata = read_metadata(&conn, path)?;
        let meta_zoom = |key: &str| metadata.get(key).and_then(|v| v.trim().parse::<u8>().ok());
        let zooms = match (meta_zoom("minzoom"), meta_zoom("maxzoom")) {
            (Some(lo), Some(hi)) if lo <= hi => Some((lo, hi.min(MAX_ZOOM))),
            _ => table_zooms(&conn, path)?,
        };
        Ok(MbTiles {
            path: path.to_owned(),
            conn: Mutex::new(conn),
            metadata,
            zooms,
        })
    }

    /// The `metadata` table (empty when the file has none).
    pub fn metadata(&self) -> &BTreeMap<String, String> {
        &self.metadata
    }

    /// The `format` metadata value (`png`, `jpg`, `webp`, `pbf`, ...), if given.
    pub fn format(&self) -> Option<&str> {
        self.metadata.get("format").map(String::as_str)
    }
}

impl TileStore for MbTiles {
    fn get(&self, id: TileId) -> Result<Option<Vec<u8>>, TileError> {
        if !id.is_valid() {
            return Err(TileError::InvalidTile { id });
        }
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let data: Option<Vec<u8>> = conn
            .prepare_cached(
                "SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3",
            )
            .and_then(|mut q| {
                q.query_row(params![id.z, id.x, id.tms_y()], |r| r.get(0))
                    .optional()
            })
            .map_err(|source| TileError::Sqlite {
                path: self.path.clone(),
                what: format!("reading tile {id}"),
                source,
            })?;
        match data {
            Some(d) if d.len() > MAX_TILE_BYTES => Err(TileError::BadTile {
                path: self.path.clone(),
                id,
                why: format!("{} bytes, more than {MAX_TILE_BYTES}", d.len()),
            }),
            Some(d) => super::decompress_tile(d, &self.path, id).map(Some),
            None => Ok(None),
        }
    }

    fn describe(&self) -> String {
        let name = self
            .metadata
            .get("name")
            .map(|n| format!(" \"{n}\""))
            .unwrap_or_default();
        let format = self.format().unwrap_or("unknown format");
        match self.zooms {
            Some((lo, hi)) => format!(
                "MBTiles{name} {} ({format}, zoom {lo}-{hi})",
                self.path.display()
            ),
            None => format!("MBTiles{name} {} ({format}, no tiles)", self.path.display()),
        }
    }

    fn zoom_range(&self) -> Option<(u8, u8)> {
        self.zooms
    }

    fn bounds(&self) -> Option<BBox> {
        self.metadata.get("bounds").and_then(|b| parse_bounds(b))
    }
}

/// Writes an MBTiles file (creating it, or adding to one Steppe wrote before). Call
/// [`MbTilesWriter::finish`] to commit and update the metadata; dropping it commits the tiles
/// but leaves the metadata as it was.
#[derive(Debug)]
pub struct MbTilesWriter {
    path: PathBuf,
    conn: Connection,
    pending: usize,
    name: String,
    attribution: String,
    format: Option<TileFormat>,
    bounds: Option<BBox>,
}

impl MbTilesWriter {
    /// Opens or creates `path` for writing. An existing file must be an MBTiles file with a
    /// `tiles` table. `name` and `attribution` go into the metadata.
    pub fn create(path: &Path, name: &str, attribution: &str) -> Result<MbTilesWriter, TileError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| TileError::Io {
                action: "create folder",
                path: dir.to_owned(),
                source,
            })?;
        }
        let existed = std::fs::metadata(path).is_ok_and(|m| m.len() > 0);
        let conn = Connection::open(path).map_err(sql(path, "opening for writing"))?;
        if existed {
            check_tiles_table(&conn, path)?;
        }
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS metadata (name TEXT, value TEXT);
             CREATE UNIQUE INDEX IF NOT EXISTS name ON metadata (name);
             CREATE TABLE IF NOT EXISTS tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);
             CREATE UNIQUE INDEX IF NOT EXISTS tile_index ON tiles (zoom_level, tile_column, tile_row);",
        )
        .map_err(sql(path, "creating the schema"))?;
        let old = read_metadata(&conn, path)?;
        Ok(MbTilesWriter {
            path: path.to_owned(),
            conn,
            pending: 0,
            name: name.to_owned(),
            attribution: attribution.to_owned(),
            format: old
                .get("format")
                .and_then(|f| TileFormat::from_extension(f)),
            bounds: old.get("bounds").and_then(|b| parse_bounds(b)),
        })
    }

    /// True when the file already holds the tile.
    pub fn contains(&self, id: TileId) -> Result<bool, TileError> {
        self.conn
            .prepare_cached(
                "SELECT 1 FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3",
            )
            .and_then(|mut q| q.exists(params![id.z, id.x, id.tms_y()]))
            .map_err(sql(&self.path, "looking up a tile"))
    }

    /// Adds or replaces a tile (PNG, JPEG or WebP; the first one sets the `format`).
    pub fn put(&mut self, id: TileId, data: &[u8]) -> Result<(), TileError> {
        if !id.is_valid() {
            return Err(TileError::InvalidTile { id });
        }
        let format = TileFormat::sniff(data).ok_or_else(|| TileError::BadTile {
            path: self.path.clone(),
            id,
            why: format!(
                "{} bytes that are not a PNG, JPEG or WebP image",
                data.len()
            ),
        })?;
        if *self.format.get_or_insert(format) != format {
            return Err(TileError::BadTile {
                path: self.path.clone(),
                id,
                why: format!(
                    "a {} image in a file of {} tiles (MBTiles holds one format)",
                    format.extension(),
                    self.format.map_or("", |f| f.extension())
                ),
            });
        }
        if self.pending == 0 {
            self.conn
                .execute_batch("BEGIN")
                .map_err(sql(&self.path, "starting a transaction"))?;
        }
        self.conn
            .prepare_cached(
                "INSERT OR REPLACE INTO tiles (zoom_level, tile_column, tile_row, tile_data) VALUES (?1, ?2, ?3, ?4)",
            )
            .and_then(|mut q| q.execute(params![id.z, id.x, id.tms_y(), data]))
            .map_err(|source| TileError::Sqlite {
                path: self.path.clone(),
                what: format!("adding tile {id}"),
                source,
            })?;
        self.pending += 1;
        if self.pending >= BATCH {
            self.commit()?;
        }
        Ok(())
    }

    /// Widens the `bounds` metadata to include `bbox`.
    pub fn add_bounds(&mut self, bbox: BBox) {
        self.bounds = Some(self.bounds.map_or(bbox, |b| b.union(&bbox)));
    }

    /// Commits the pending tiles.
    pub fn commit(&mut self) -> Result<(), TileError> {
        if self.pending > 0 {
            self.conn
                .execute_batch("COMMIT")
                .map_err(sql(&self.path, "committing tiles"))?;
            self.pending = 0;
        }
        Ok(())
    }

    /// Commits and writes the metadata (zoom range from the tiles present, bounds, center).
    pub fn finish(mut self) -> Result<(), TileError> {
        self.commit()?;
        let zooms = table_zooms(&self.conn, &self.path)?;
        let mut meta: Vec<(&str, String)> = vec![
            ("name", self.name.clone()),
            (
                "format",
                self.format.map_or("png", |f| f.extension()).to_owned(),
            ),
            ("type", "baselayer".to_owned()),
            ("version", "1.3".to_owned()),
        ];
        if !self.attribution.is_empty() {
            meta.push(("attribution", self.attribution.clone()));
        }
        if let Some((lo, hi)) = zooms {
            meta.push(("minzoom", lo.to_string()));
            meta.push(("maxzoom", hi.to_string()));
        }
        if let Some(b) = self.bounds {
            let (w, s, e, n) = (b.west_deg(), b.south_deg(), b.east_deg(), b.north_deg());
            meta.push(("bounds", format!("{w:.7},{s:.7},{e:.7},{n:.7}")));
            let z = zooms.map_or(0, |(lo, hi)| lo.max(hi.saturating_sub(2)));
            meta.push((
                "center",
                format!("{:.7},{:.7},{z}", (w + e) / 2.0, (s + n) / 2.0),
            ));
        }
        for (key, value) in meta {
            self.conn
                .execute(
                    "INSERT OR REPLACE INTO metadata (name, value) VALUES (?1, ?2)",
                    params![key, value],
                )
                .map_err(sql(&self.path, "writing the metadata"))?;
        }
        Ok(())
    }
}

impl Drop for MbTilesWriter {
    fn drop(&mut self) {
        // Keep what was downloaded even if `finish` was not reached; nowhere to report errors.
        let _ = self.commit();
    }
}

fn sql(path: &Path, what: &str) -> impl FnOnce(rusqlite::Error) -> TileError {
    let (path, what) = (path.to_owned(), what.to_owned());
    move |source| TileError::Sqlite { path, what, source }
}

/// Checks for a `tiles` table or view with the MBTiles columns.
fn check_tiles_table(conn: &Connection, path: &Path) -> Result<(), TileError> {
    let kind: Option<String> = conn
        .query_row(
            "SELECT type FROM sqlite_master WHERE name = 'tiles' AND type IN ('table', 'view')",
            [],
            |r| r.get(0),
        )
        .optional()
        .map_err(sql(path, "reading the schema"))?;
    if kind.is_none() {
        return Err(TileError::MbTiles {
            path: path.to_owned(),
            why: "the database has no `tiles` table or view; is it an MBTiles file?".into(),
        });
    }
    conn.prepare("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles LIMIT 0")
        .map(|_| ())
        .map_err(sql(
            path,
            "checking the `tiles` columns (zoom_level, tile_column, tile_row, tile_data)",
        ))
}

/// The `metadata` table as a map; empty when the table is missing.
fn read_metadata(conn: &Connection, path: &Path) -> Result<BTreeMap<String, String>, TileError> {
    let has_table = conn
        .prepare(
            "SELECT 1 FROM sqlite_master WHERE name = 'metadata' AND type IN ('table', 'view')",
        )
        .and_then(|mut q| q.exists([]))
        .map_err(sql(path, "reading the schema"))?;
    if !has_table {
        return Ok(BTreeMap::new());
    }
    let mut q = conn
        .prepare("SELECT name, value FROM metadata")
        .map_err(sql(path, "reading the metadata"))?;
    let rows = q
        .query_map([], |r| {
            Ok((
                r.get::<_, Option<String>>(0)?,
                r.get::<_, Option<String>>(1)?,
            ))
        })
        .map_err(sql(path, "reading the metadata"))?;
    let mut out = BTreeMap::new();
    for row in rows {
        if let (Some(k), Some(v)) = row.map_err(sql(path, "reading the metadata"))? {
            out.insert(k, v);
        }
    }
    Ok(out)
}

/// Lowest and highest `zoom_level` in the tiles table (ignoring values outside 0..=22).
fn table_zooms(conn: &Connection, path: &Path) -> Result<Option<(u8, u8)>, TileError> {
    let (lo, hi): (Option<i64>, Option<i64>) = conn
        .query_row(
            "SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles WHERE zoom_level BETWEEN 0 AND 22",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(sql(path, "reading the zoom levels"))?;
    Ok(
        match (
            lo.and_then(|v| u8::try_from(v).ok()),
            hi.and_then(|v| u8::try_from(v).ok()),
        ) {
            (Some(lo), Some(hi)) => Some((lo, hi)),
            _ => None,
        },
    )
}

/// `bounds` metadata: "west,south,east,north" in degrees.
fn parse_bounds(text: &str) -> Option<BBox> {
    let v: Vec<f64> = text
        .split(',')
        .map(|p| p.trim().parse().ok())
        .collect::<Option<_>>()?;
    match v.as_slice() {
        [w, s, e, n] => BBox::new(*s, *w, *n, *e).ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tiles::test_dir as temp_dir;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\ntile";

    #[test]
    fn write_then_read_with_tms_rows() {
        let path = temp_dir("mbtiles-rw").join("area.mbtiles");
        let mut w = MbTilesWriter::create(&path, "Test area", "© test").unwrap();
        let a = TileId::new(3, 1, 2).unwrap();
        let b = TileId::new(5, 10, 20).unwrap();
        w.put(a, PNG).unwrap();
        w.put(b, b"\x89PNG\r\n\x1a\nother").unwrap();
        assert!(w.contains(a).unwrap());
        assert!(!w.contains(TileId::new(3, 1, 5).unwrap()).unwrap());
        w.add_bounds(BBox::new(-35.4, 149.1, -35.3, 149.2).unwrap());
        assert!(
            w.put(a, &[0xff, 0xd8, 0xff, 0]).is_err(),
            "one format per file"
        );
        w.finish().unwrap();

        // Rows are stored flipped.
        let conn = Connection::open(&path).unwrap();
        let row: i64 = conn
            .query_row("SELECT tile_row FROM tiles WHERE zoom_level = 3", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(row, 5);
        drop(conn);

        let r = MbTiles::open(&path).unwrap();
        assert_eq!(r.get(a).unwrap().as_deref(), Some(PNG));
        assert_eq!(r.get(TileId::new(3, 1, 5).unwrap()).unwrap(), None);
        assert_eq!(r.zoom_range(), Some((3, 5)));
        assert_eq!(r.format(), Some("png"));
        assert_eq!(
            r.metadata().get("name").map(String::as_str),
            Some("Test area")
        );
        let bounds = r.bounds().unwrap();
        assert!(
            (bounds.west_deg() - 149.1).abs() < 1e-6 && (bounds.north_deg() + 35.3).abs() < 1e-6
        );
        assert!(r.describe().contains("zoom 3-5"), "{}", r.describe());
    }

    #[test]
    fn adds_to_an_existing_file() {
        let path = temp_dir("mbtiles-add").join("area.mbtiles");
        let a = TileId::new(4, 1, 1).unwrap();
        let b = TileId::new(6, 1, 1).unwrap();
        let mut w = MbTilesWriter::create(&path, "x", "").unwrap();
        w.put(a, PNG).unwrap();
        drop(w); // committed even without finish
        let mut w = MbTilesWriter::create(&path, "x", "").unwrap();
        assert!(w.contains(a).unwrap());
        w.put(b, PNG).unwrap();
        w.finish().unwrap();
        assert_eq!(MbTiles::open(&path).unwrap().zoom_range(), Some((4, 6)));
    }

    #[test]
    fn reads_a_view_and_gzip_tiles_and_explains_bad_files() {
        let dir = temp_dir("mbtiles-view");
        let path = dir.join("dedup.mbtiles");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE map (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_id TEXT);
             CREATE TABLE images (tile_data BLOB, tile_id TEXT);
             CREATE VIEW tiles AS SELECT map.zoom_level, map.tile_column, map.tile_row, images.tile_data
                 FROM map JOIN images ON images.tile_id = map.tile_id;
             INSERT INTO map VALUES (1, 0, 0, 'a');",
        )
        .unwrap();
        let packed = crate::tiles::gzip::gzip(b"vector tile").unwrap();
        conn.execute("INSERT INTO images VALUES (?1, 'a')", [packed])
            .unwrap();
        drop(conn);
        let r = MbTiles::open(&path).unwrap();
        // TMS row 0 at zoom 1 is XYZ row 1.
        let got = r.get(TileId::new(1, 0, 1).unwrap()).unwrap();
        assert_eq!(got.as_deref(), Some(&b"vector tile"[..]));
        assert_eq!(r.zoom_range(), Some((1, 1)));

        let junk = dir.join("junk.mbtiles");
        std::fs::write(&junk, vec![b'x'; 4096]).unwrap();
        let err = MbTiles::open(&junk).unwrap_err().to_string();
        assert!(
            err.contains("junk.mbtiles") && err.contains("not a database"),
            "{err}"
        );
        let other = dir.join("other.db");
        Connection::open(&other)
            .unwrap()
            .execute_batch("CREATE TABLE t (a)")
            .unwrap();
        let err = MbTiles::open(&other).unwrap_err().to_string();
        assert!(err.contains("no `tiles` table"), "{err}");
        let err = MbTilesWriter::create(&other, "x", "")
            .unwrap_err()
            .to_string();
        assert!(err.contains("no `tiles` table"), "{err}");
    }
}
