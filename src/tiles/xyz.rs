//! XYZ tile folders: `{root}/{z}/{x}/{y}.{png|jpg|jpeg|webp}`, the layout every tile tool can
//! export and the simplest one to inspect by hand.
//!
//! Writes are atomic for readers (a temporary file in the same folder, then a rename), so the
//! map can draw from a folder while a prefetch fills it. Empty files, which a crash between
//! write and rename can leave behind, count as missing.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::{MAX_TILE_BYTES, MAX_ZOOM, TileError, TileFormat, TileId, TileStore};

/// Extensions looked for when reading, in order.
const EXTENSIONS: [&str; 4] = ["png", "jpg", "jpeg", "webp"];

/// An XYZ tile folder, for reading and writing.
#[derive(Debug)]
pub struct XyzDir {
    root: PathBuf,
    zooms: Option<(u8, u8)>,
}

impl XyzDir {
    /// Opens an existing folder for reading; it must hold at least one zoom folder (`0`..`22`).
    pub fn open(root: &Path) -> Result<XyzDir, TileError> {
        let zooms = scan_zooms(root)?;
        if zooms.is_none() {
            return Err(TileError::UnknownKind {
                path: root.to_owned(),
                why: format!(
                    "the folder holds no zoom folders (0 to {MAX_ZOOM}); expected {{z}}/{{x}}/{{y}}.png \
                     inside it"
                ),
            });
        }
        Ok(XyzDir {
            root: root.to_owned(),
            zooms,
        })
    }

    /// Opens a folder for writing, creating it if needed (it may be empty).
    pub fn create(root: &Path) -> Result<XyzDir, TileError> {
        std::fs::create_dir_all(root).map_err(|source| TileError::Io {
            action: "create folder",
            path: root.to_owned(),
            source,
        })?;
        Ok(XyzDir {
            root: root.to_owned(),
            zooms: scan_zooms(root)?,
        })
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where a tile of the given format lives.
    pub fn tile_path(&self, id: TileId, format: TileFormat) -> PathBuf {
        self.root
            .join(id.z.to_string())
            .join(id.x.to_string())
            .join(format!("{}.{}", id.y, format.extension()))
    }

    /// The file holding a tile, whatever its extension; empty files do not count.
    pub fn find(&self, id: TileId) -> Option<PathBuf> {
        let dir = self.root.join(id.z.to_string()).join(id.x.to_string());
        EXTENSIONS
            .iter()
            .map(|ext| dir.join(format!("{}.{ext}", id.y)))
            .find(|p| std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.len() > 0))
    }

    /// True when the folder has the tile.
    pub fn contains(&self, id: TileId) -> bool {
        self.find(id).is_some()
    }

    /// Writes a tile atomically, naming it by its sniffed format (PNG, JPEG or WebP; anything
    /// else is refused). Returns the file written.
    pub fn put(&self, id: TileId, data: &[u8]) -> Result<PathBuf, TileError> {
        if !id.is_valid() {
            return Err(TileError::InvalidTile { id });
        }
        let format = TileFormat::sniff(data).ok_or_else(|| TileError::BadTile {
            path: self.root.clone(),
            id,
            why: format!(
                "{} bytes that are not a PNG, JPEG or WebP image (starting {:02x?})",
                data.len(),
                data.get(..8).unwrap_or(data)
            ),
        })?;
        let path = self.tile_path(id, format);
        let dir = path.parent().unwrap_or(&self.root);
        let io = |action, path: &Path| {
            let path = path.to_owned();
            move |source| TileError::Io {
                action,
                path,
                source,
            }
        };
        std::fs::create_dir_all(dir).map_err(io("create folder", dir))?;
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let tmp = dir.join(format!(
            ".{}.{}.tmp-{}-{}",
            id.y,
            format.extension(),
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let written = std::fs::File::create(&tmp)
            .and_then(|mut f| f.write_all(data))
            .map_err(io("write", &tmp));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        if let Err(e) = std::fs::rename(&tmp, &path).map_err(io("rename into place", &path)) {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        // A tile saved under another extension earlier would shadow or duplicate this one.
        for ext in EXTENSIONS.iter().filter(|e| **e != format.extension()) {
            let _ = std::fs::remove_file(dir.join(format!("{}.{ext}", id.y)));
        }
        Ok(path)
    }
}

impl TileStore for XyzDir {
    fn get(&self, id: TileId) -> Result<Option<Vec<u8>>, TileError> {
        if !id.is_valid() {
            return Err(TileError::InvalidTile { id });
        }
        let Some(path) = self.find(id) else {
            return Ok(None);
        };
        let io = |source| TileError::Io {
            action: "read tile",
            path: path.clone(),
            source,
        };
        let mut data = Vec::new();
        std::fs::File::open(&path)
            .map_err(io)?
            .take(MAX_TILE_BYTES as u64 + 1)
            .read_to_end(&mut data)
            .map_err(io)?;
        if data.len() > MAX_TILE_BYTES {
            return Err(TileError::BadTile {
                path,
                id,
                why: format!("larger than {MAX_TILE_BYTES} bytes"),
            });
        }
        Ok(Some(data))
    }

    fn describe(&self) -> String {
        match self.zooms {
            Some((lo, hi)) => format!("XYZ folder {} (zoom {lo}-{hi})", self.root.display()),
            None => format!("XYZ folder {} (empty)", self.root.display()),
        }
    }

    fn zoom_range(&self) -> Option<(u8, u8)> {
        self.zooms
    }
}

/// Lowest and highest zoom folder under `root`.
fn scan_zooms(root: &Path) -> Result<Option<(u8, u8)>, TileError> {
    let entries = std::fs::read_dir(root).map_err(|source| TileError::Io {
        action: "list folder",
        path: root.to_owned(),
        source,
    })?;
    let zooms = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().to_str()?.parse::<u8>().ok())
        .filter(|z| *z <= MAX_ZOOM);
    Ok(zooms.fold(None, |acc, z| match acc {
        None => Some((z, z)),
        Some((lo, hi)) => Some((lo.min(z), hi.max(z))),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tiles::test_dir as temp_dir;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\nfake";
    const JPEG: &[u8] = &[0xff, 0xd8, 0xff, 0xe0, 1, 2, 3];

    #[test]
    fn write_then_read() {
        let root = temp_dir("xyz-rw").join("tiles");
        let w = XyzDir::create(&root).unwrap();
        let a = TileId::new(3, 1, 2).unwrap();
        let b = TileId::new(5, 10, 20).unwrap();
        assert!(!w.contains(a));
        let path = w.put(a, PNG).unwrap();
        assert_eq!(path, root.join("3/1/2.png"));
        w.put(b, JPEG).unwrap();
        assert!(root.join("5/10/20.jpg").is_file());
        // Replacing a tile with another format leaves one file.
        w.put(b, PNG).unwrap();
        assert!(!root.join("5/10/20.jpg").exists());
        let r = XyzDir::open(&root).unwrap();
        assert_eq!(r.zoom_range(), Some((3, 5)));
        assert_eq!(r.get(a).unwrap().as_deref(), Some(PNG));
        assert_eq!(r.get(TileId::new(3, 0, 0).unwrap()).unwrap(), None);
        assert!(r.describe().contains("zoom 3-5"));
        // No temporary files are left behind.
        let leftovers: Vec<_> = std::fs::read_dir(root.join("3/1"))
            .unwrap()
            .flatten()
            .collect();
        assert_eq!(leftovers.len(), 1);
    }

    #[test]
    fn reads_other_extensions_and_ignores_empty_files() {
        let root = temp_dir("xyz-ext");
        std::fs::create_dir_all(root.join("7/3")).unwrap();
        std::fs::write(root.join("7/3/4.jpeg"), JPEG).unwrap();
        std::fs::write(root.join("7/3/5.png"), b"").unwrap();
        let r = XyzDir::open(&root).unwrap();
        assert_eq!(
            r.get(TileId::new(7, 3, 4).unwrap()).unwrap().as_deref(),
            Some(JPEG)
        );
        assert_eq!(r.get(TileId::new(7, 3, 5).unwrap()).unwrap(), None);
        assert!(r.get(TileId { z: 7, x: 300, y: 0 }).is_err());
    }

    #[test]
    fn refuses_non_images_and_folders_without_zooms() {
        let root = temp_dir("xyz-bad");
        let w = XyzDir::create(&root).unwrap();
        let err = w
            .put(TileId::new(1, 0, 0).unwrap(), b"<html>nope")
            .unwrap_err();
        assert!(err.to_string().contains("1/0/0"), "{err}");
        let err = XyzDir::open(&root).unwrap_err().to_string();
        assert!(err.contains("no zoom folders"), "{err}");
    }
}
