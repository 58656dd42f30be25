//! PMTiles reader tests: a small v3 writer for round trips, an archive written by another tool,
//! and damaged archives (every truncation, bad headers, hostile directories, random flips).

use std::collections::HashMap;
use std::path::PathBuf;

use proptest::prelude::*;

use super::format::{Entry, HEADER_LEN, hilbert_tile_id, parse_directory};
use super::reader::PmTiles;
use crate::tiles::gzip;
use crate::tiles::test_dir as temp_dir;
use crate::tiles::{TileId, TileStore};

struct WriteOptions {
    gzip_internal: bool,
    gzip_tiles: bool,
    /// Directories longer than this are split into leaves (recursively).
    max_dir_entries: usize,
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn encode_dir(entries: &[Entry], gzip_it: bool) -> Vec<u8> {
    let mut out = Vec::new();
    varint(&mut out, entries.len() as u64);
    let mut last = 0;
    for e in entries {
        varint(&mut out, e.tile_id - last);
        last = e.tile_id;
    }
    for e in entries {
        varint(&mut out, u64::from(e.run_length));
    }
    for e in entries {
        varint(&mut out, u64::from(e.length));
    }
    let mut end = None;
    for e in entries {
        let v = if end == Some(e.offset) {
            0
        } else {
            e.offset + 1
        };
        varint(&mut out, v);
        end = Some(e.offset + u64::from(e.length));
    }
    if gzip_it {
        gzip::gzip(&out).unwrap()
    } else {
        out
    }
}

/// Splits `entries` into leaf directories appended to `leaves` until the rest fits the root.
fn build_leaves(entries: Vec<Entry>, opts: &WriteOptions, leaves: &mut Vec<u8>) -> Vec<Entry> {
    if entries.len() <= opts.max_dir_entries {
        return entries;
    }
    let pointers = entries
        .chunks(opts.max_dir_entries)
        .map(|chunk| {
            let bytes = encode_dir(chunk, opts.gzip_internal);
            let e = Entry {
                tile_id: chunk[0].tile_id,
                offset: leaves.len() as u64,
                length: bytes.len() as u32,
                run_length: 0,
            };
            leaves.extend_from_slice(&bytes);
            e
        })
        .collect();
    build_leaves(pointers, opts, leaves)
}

/// A PMTiles v3 archive holding `tiles` (PNG type); identical neighbours become runs and
/// identical contents share one blob.
fn write_pmtiles(tiles: &[(TileId, Vec<u8>)], opts: &WriteOptions) -> Vec<u8> {
    let mut sorted: Vec<(u64, &[u8])> = tiles
        .iter()
        .map(|(id, d)| (hilbert_tile_id(*id), d.as_slice()))
        .collect();
    sorted.sort_by_key(|t| t.0);
    let mut data = Vec::new();
    let mut seen: HashMap<Vec<u8>, (u64, u32)> = HashMap::new();
    let mut entries: Vec<Entry> = Vec::new();
    for (tile_id, content) in sorted {
        let blob = if opts.gzip_tiles {
            gzip::gzip(content).unwrap()
        } else {
            content.to_vec()
        };
        let known = seen.get(&blob).copied();
        if let Some(last) = entries.last_mut()
            && last.tile_id + u64::from(last.run_length) == tile_id
            && known == Some((last.offset, last.length))
        {
            last.run_length += 1;
            continue;
        }
        let (offset, length) = *seen.entry(blob.clone()).or_insert_with(|| {
            data.extend_from_slice(&blob);
            ((data.len() - blob.len()) as u64, blob.len() as u32)
        });
        entries.push(Entry {
            tile_id,
            offset,
            length,
            run_length: 1,
        });
    }
    let mut leaves = Vec::new();
    let root = encode_dir(
        &build_leaves(entries, opts, &mut leaves),
        opts.gzip_internal,
    );
    let metadata_text = br#"{"attribution":"test tiles"}"#;
    let metadata = if opts.gzip_internal {
        gzip::gzip(metadata_text).unwrap()
    } else {
        metadata_text.to_vec()
    };

    let root_offset = HEADER_LEN as u64;
    let metadata_offset = root_offset + root.len() as u64;
    let leaf_offset = metadata_offset + metadata.len() as u64;
    let data_offset = leaf_offset + leaves.len() as u64;
    let mut out = b"PMTiles\x03".to_vec();
    for v in [
        root_offset,
        root.len() as u64,
        metadata_offset,
        metadata.len() as u64,
        leaf_offset,
        leaves.len() as u64,
        data_offset,
        data.len() as u64,
        tiles.len() as u64,
        0,
        seen.len() as u64,
    ] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    let compression = |g: bool| if g { 2 } else { 1 };
    let zooms = tiles.iter().map(|t| t.0.z);
    let (min_zoom, max_zoom) = (zooms.clone().min().unwrap_or(0), zooms.max().unwrap_or(0));
    out.extend_from_slice(&[
        1,
        compression(opts.gzip_internal),
        compression(opts.gzip_tiles),
        2,
        min_zoom,
        max_zoom,
    ]);
    for v in [1_491_000_000i32, -354_000_000, 1_492_000_000, -353_000_000] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.push(min_zoom);
    for v in [1_491_500_000i32, -353_500_000] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    assert_eq!(out.len(), HEADER_LEN);
    for part in [root, metadata, leaves, data] {
        out.extend_from_slice(&part);
    }
    out
}

/// Every tile of zooms 0..=3; the west half of zoom 3 shares one content (runs and shared
/// blobs), the rest are distinct.
fn pyramid() -> Vec<(TileId, Vec<u8>)> {
    let mut tiles = Vec::new();
    for z in 0..=3u8 {
        for x in 0..(1u32 << z) {
            for y in 0..(1u32 << z) {
                let content = if z == 3 && x < 4 {
                    "sea".to_string()
                } else {
                    format!("tile {z}/{x}/{y}")
                };
                tiles.push((TileId::new(z, x, y).unwrap(), content.into_bytes()));
            }
        }
    }
    tiles
}

fn save(name: &str, bytes: &[u8]) -> PathBuf {
    let path = temp_dir(name).join("t.pmtiles");
    std::fs::write(&path, bytes).unwrap();
    path
}

fn check_all(store: &PmTiles, tiles: &[(TileId, Vec<u8>)]) {
    for (id, content) in tiles {
        assert_eq!(store.get(*id).unwrap().as_ref(), Some(content), "tile {id}");
    }
    assert_eq!(store.get(TileId::new(4, 3, 3).unwrap()).unwrap(), None);
    assert_eq!(
        store.get(TileId::new(12, 3423, 1763).unwrap()).unwrap(),
        None
    );
}

#[test]
fn hilbert_ids_match_the_reference_implementation() {
    let id = |z, x, y| hilbert_tile_id(TileId::new(z, x, y).unwrap());
    assert_eq!(id(0, 0, 0), 0);
    assert_eq!(
        [id(1, 0, 0), id(1, 0, 1), id(1, 1, 1), id(1, 1, 0)],
        [1, 2, 3, 4]
    );
    assert_eq!(id(2, 1, 3), 11);
    assert_eq!(id(3, 3, 0), 26);
    assert_eq!(id(12, 3423, 1763), 19_078_479);
    assert_eq!(id(20, 0, 0), 366_503_875_925);
    assert_eq!(id(22, 0, 0), 5_864_062_014_805);
    // Each zoom level fills its own id range exactly once.
    for z in 0..=5u8 {
        let base = ((1u64 << (2 * z)) - 1) / 3;
        let mut ids: Vec<u64> = (0..1u32 << z)
            .flat_map(|x| (0..1u32 << z).map(move |y| (x, y)))
            .map(|(x, y)| id(z, x, y))
            .collect();
        ids.sort_unstable();
        assert_eq!(ids, (base..base + (1u64 << (2 * z))).collect::<Vec<_>>());
    }
}

#[test]
fn round_trip_uncompressed_single_directory() {
    let tiles = pyramid();
    let opts = WriteOptions {
        gzip_internal: false,
        gzip_tiles: false,
        max_dir_entries: 10_000,
    };
    let store = PmTiles::open(&save("pm-plain", &write_pmtiles(&tiles, &opts))).unwrap();
    check_all(&store, &tiles);
    assert_eq!(store.header().leaf_length, 0);
    assert_eq!(store.zoom_range(), Some((0, 3)));
    let b = store.bounds().unwrap();
    assert!((b.west_deg() - 149.1).abs() < 1e-9 && (b.south_deg() + 35.4).abs() < 1e-9);
    assert!(
        store.describe().contains("png, zoom 0-3"),
        "{}",
        store.describe()
    );
    assert_eq!(
        store.metadata_json().unwrap(),
        r#"{"attribution":"test tiles"}"#
    );
}

#[test]
fn round_trip_gzip_with_nested_leaves() {
    let tiles = pyramid();
    let opts = WriteOptions {
        gzip_internal: true,
        gzip_tiles: true,
        max_dir_entries: 4,
    };
    let bytes = write_pmtiles(&tiles, &opts);
    let store = PmTiles::open(&save("pm-gzip", &bytes)).unwrap();
    assert!(store.header().leaf_length > 0);
    check_all(&store, &tiles);
    // Again, now from the leaf cache.
    check_all(&store, &tiles);
    assert_eq!(
        store.metadata_json().unwrap(),
        r#"{"attribution":"test tiles"}"#
    );
}

#[test]
fn leaf_nesting_is_bounded() {
    // 2 entries per directory over ~70 entries nests leaves six levels deep.
    let opts = WriteOptions {
        gzip_internal: false,
        gzip_tiles: false,
        max_dir_entries: 2,
    };
    let store = PmTiles::open(&save("pm-deep", &write_pmtiles(&pyramid(), &opts))).unwrap();
    let err = store
        .get(TileId::new(2, 1, 1).unwrap())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("deeper than") && err.contains("2/1/1"),
        "{err}"
    );
}

/// `leaf.pmtiles` from the pmtiles-rs test fixtures (MIT OR Apache-2.0, github.com/stadiamaps/
/// pmtiles-rs), written by go-pmtiles: gzip directories with a leaf, five one-byte tiles.
const LEAF_FIXTURE: [u8; 265] = [
    0x50, 0x4d, 0x54, 0x69, 0x6c, 0x65, 0x73, 0x03, 0x7f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x19, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x98, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x51, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xe9, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x1b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x02, 0x01, 0x00, 0x00, 0x01, 0x00, 0x2e, 0xb6, 0x94, 0x00, 0x17, 0x5b, 0xca, 0x00, 0xd2,
    0x49, 0x6b, 0x00, 0xe9, 0xa4, 0x35, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1f,
    0x8b, 0x08, 0x00, 0x2b, 0x54, 0xc1, 0x65, 0x02, 0xff, 0x63, 0x64, 0x60, 0x90, 0x66, 0x04, 0x00,
    0xa1, 0x25, 0x73, 0x25, 0x05, 0x00, 0x00, 0x00, 0x1f, 0x8b, 0x08, 0x00, 0x2b, 0x54, 0xc1, 0x65,
    0x02, 0xff, 0xab, 0x56, 0x4a, 0x49, 0x2d, 0x4e, 0x2e, 0xca, 0x2c, 0x28, 0xc9, 0xcc, 0xcf, 0x53,
    0xb2, 0x52, 0x50, 0x0a, 0xce, 0xcc, 0x2d, 0xc8, 0x49, 0x55, 0x48, 0xad, 0x48, 0x04, 0xd3, 0xe5,
    0x19, 0x99, 0xc9, 0x19, 0x0a, 0xc9, 0xf9, 0x79, 0x25, 0x89, 0x99, 0x79, 0xc5, 0x0a, 0x89, 0x0a,
    0x39, 0xa9, 0x89, 0x69, 0x0a, 0x29, 0x99, 0x45, 0xa9, 0xc9, 0x25, 0xf9, 0x45, 0x95, 0x4a, 0xb5,
    0x00, 0xe6, 0x8b, 0xb2, 0x2e, 0x41, 0x00, 0x00, 0x00, 0x1f, 0x8b, 0x08, 0x00, 0x2b, 0x54, 0xc1,
    0x65, 0x02, 0xff, 0x63, 0x65, 0x60, 0x44, 0x05, 0x0c, 0x40, 0x00, 0x00, 0x33, 0xd0, 0x48, 0x1a,
    0x15, 0x00, 0x00, 0x00, 0x30, 0x31, 0x32, 0x33, 0x34,
];

#[test]
fn reads_an_archive_written_by_go_pmtiles() {
    let store = PmTiles::open(&save("pm-fixture", &LEAF_FIXTURE)).unwrap();
    assert!(store.header().leaf_length > 0);
    for (z, x, y, want) in [
        (0, 0, 0, "0"),
        (1, 0, 0, "1"),
        (1, 0, 1, "2"),
        (1, 1, 1, "3"),
        (1, 1, 0, "4"),
    ] {
        let got = store.get(TileId::new(z, x, y).unwrap()).unwrap();
        assert_eq!(got.as_deref(), Some(want.as_bytes()), "{z}/{x}/{y}");
    }
    assert_eq!(store.get(TileId::new(2, 0, 0).unwrap()).unwrap(), None);
    assert!(store.metadata_json().unwrap().contains("description"));
}

#[test]
fn every_truncation_is_an_error_not_a_panic() {
    let opts = WriteOptions {
        gzip_internal: true,
        gzip_tiles: false,
        max_dir_entries: 8,
    };
    let bytes = write_pmtiles(&pyramid(), &opts);
    let dir = temp_dir("pm-cut");
    let path = dir.join("cut.pmtiles");
    let mut failures = 0;
    for cut in 0..bytes.len() {
        std::fs::write(&path, &bytes[..cut]).unwrap();
        let msg = match PmTiles::open(&path) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("a file cut at {cut} of {} bytes opened", bytes.len()),
        };
        assert!(msg.contains("cut.pmtiles"), "{msg}");
        if cut < HEADER_LEN {
            assert!(msg.contains("shorter than the 127-byte header"), "{msg}");
        } else {
            assert!(msg.contains("outside its"), "{msg}");
        }
        failures += 1;
    }
    assert_eq!(failures, bytes.len());
}

/// An archive whose header or directory bytes are patched.
fn patched(name: &str, patch: impl FnOnce(&mut Vec<u8>)) -> Result<PmTiles, String> {
    let opts = WriteOptions {
        gzip_internal: false,
        gzip_tiles: false,
        max_dir_entries: 10_000,
    };
    let mut bytes = write_pmtiles(&pyramid(), &opts);
    patch(&mut bytes);
    PmTiles::open(&save(name, &bytes)).map_err(|e| e.to_string())
}

#[test]
fn bad_headers_are_explained() {
    let err = patched("pm-magic", |b| b[0] = b'X').unwrap_err();
    assert!(err.contains("does not start with \"PMTiles\""), "{err}");
    let err = patched("pm-version", |b| b[7] = 2).unwrap_err();
    assert!(err.contains("spec version 2"), "{err}");
    patched("pm-ascii-version", |b| b[7] = b'3').unwrap();
    let err = patched("pm-v2", |b| b[2..4].copy_from_slice(&[2, 0])).unwrap_err();
    assert!(
        err.contains("spec version 2") && err.contains("pmtiles convert"),
        "{err}"
    );
    let err = patched("pm-brotli", |b| b[98] = 3).unwrap_err();
    assert!(err.contains("tiles use Brotli compression"), "{err}");
    let err = patched("pm-huge", |b| {
        b[16..24].copy_from_slice(&u64::MAX.to_le_bytes())
    })
    .unwrap_err();
    assert!(
        err.contains("root directory") && err.contains("outside its"),
        "{err}"
    );
    let err = patched("pm-far", |b| {
        b[56..64].copy_from_slice(&(1u64 << 40).to_le_bytes())
    })
    .unwrap_err();
    assert!(
        err.contains("tile data section") && err.contains("outside its"),
        "{err}"
    );
}

#[test]
fn hostile_directories_are_refused() {
    // A count of 2^60 entries must not allocate.
    let mut dir = Vec::new();
    varint(&mut dir, 1 << 60);
    let err = parse_directory(&dir, "root directory")
        .unwrap_err()
        .to_string();
    assert!(err.contains("cannot fit"), "{err}");
    let err = parse_directory(&[0xff; 11], "root directory")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("entry count is truncated or overflows"),
        "{err}"
    );
    let err = parse_directory(&[], "leaf").unwrap_err().to_string();
    assert!(err.contains("corrupt leaf"), "{err}");
    // One entry with offset code 0 ("after the previous") but no previous entry.
    let err = parse_directory(&[1, 0, 1, 5, 0, 0, 0, 0], "root directory")
        .unwrap_err()
        .to_string();
    assert!(err.contains("first entry has no offset"), "{err}");
    let err = parse_directory(&[1, 0, 1, 0, 1, 0, 0, 0], "root directory")
        .unwrap_err()
        .to_string();
    assert!(err.contains("length 0"), "{err}");

    // A tile entry pointing past the data section fails for that tile only.
    let tiles = vec![(TileId::new(0, 0, 0).unwrap(), b"abc".to_vec())];
    let opts = WriteOptions {
        gzip_internal: false,
        gzip_tiles: false,
        max_dir_entries: 10,
    };
    let mut bytes = write_pmtiles(&tiles, &opts);
    // Root directory: count 1, id 0, run 1, length 3, offset+1 = 1. Make the length 100.
    let root = HEADER_LEN + 3;
    assert_eq!(bytes[root], 3);
    bytes[root] = 100;
    let store = PmTiles::open(&save("pm-entry", &bytes)).unwrap();
    let err = store
        .get(TileId::new(0, 0, 0).unwrap())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("tile 0/0/0") && err.contains("tile data section"),
        "{err}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn flipped_bytes_never_panic(flips in proptest::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 1..8)) {
        let opts = WriteOptions { gzip_internal: true, gzip_tiles: true, max_dir_entries: 6 };
        let mut bytes = write_pmtiles(&pyramid(), &opts);
        for (at, mask) in &flips {
            let i = at.index(bytes.len());
            bytes[i] ^= mask;
        }
        let path = save("pm-flip", &bytes);
        if let Ok(store) = PmTiles::open(&path) {
            for (id, _) in pyramid() {
                let _ = store.get(id);
            }
            let _ = store.metadata_json();
        }
    }
}
