//! Generates the synthetic offline tile set in `assets/tiles/demo/` used by the demo and the
//! tests: procedural farmland around the simulator's home, so the map has something to show
//! without internet and without redistributing anyone's imagery.
//!
//! Run with `cargo run --release --example gen_demo_tiles` (debug works, only slower). The
//! output is deterministic. Every pixel is a function of its geographic position (metres east
//! and north of home), never of its tile, so tiles join seamlessly and zoom levels agree:
//! paddocks with crop rows, fence lines, dirt tracks, a gravel road, windbreaks, paddock trees,
//! a farmstead with a dam, and the mown strip the simulated aircraft fly from. Zooms 13-18
//! cover about 2 km x 2 km around home; zooms 3-12 have the one tile holding home, the lower
//! ones drawn as plain country.

use std::f64::consts::PI;
use std::path::Path;

use image::ImageEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use steppe::sim::config::DEFAULT_HOME;
use steppe::tiles::{
    BBox, TileId, XyzDir, lat_of_fraction, pixel_size_m, tiles_covering, tiles_per_side,
};

/// Half the side of the detailed area, metres.
const DETAIL_HALF_M: f64 = 1000.0;
/// Paddock column width (before jitter), metres.
const COLUMN_M: f64 = 330.0;
/// The gravel road, metres north of home.
const ROAD_V_M: f64 = -235.0;
/// Mean position of the creek, metres east of home.
const CREEK_E_M: f64 = -640.0;
/// Farmstead centre, metres east and north of home.
const FARM_E_M: f64 = -330.0;
const FARM_N_M: f64 = 150.0;

type Rgb = [f64; 3];

fn main() -> anyhow::Result<()> {
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/tiles/demo");
    for z in 0..=22u8 {
        let dir = out.join(z.to_string());
        if dir.is_dir() {
            std::fs::remove_dir_all(&dir)?;
        }
    }
    let store = XyzDir::create(&out)?;
    let detail = BBox::around(DEFAULT_HOME, DETAIL_HALF_M, DETAIL_HALF_M)?;
    let mut ids: Vec<TileId> = (3..=12)
        .map(|z| TileId::containing(DEFAULT_HOME, z))
        .collect();
    ids.extend(tiles_covering(&detail, 13..=18));
    let mut per_zoom = [(0usize, 0usize); 19];
    for id in &ids {
        let png = encode(&render(*id))?;
        store.put(*id, &png)?;
        if let Some(slot) = per_zoom.get_mut(usize::from(id.z)) {
            slot.0 += 1;
            slot.1 += png.len();
        }
    }
    let mut total = 0;
    for (z, (count, bytes)) in per_zoom.iter().enumerate().filter(|(_, c)| c.0 > 0) {
        println!(
            "zoom {z:2}: {count:4} tiles, {:6.1} KiB",
            *bytes as f64 / 1024.0
        );
        total += bytes;
    }
    println!(
        "{} tiles, {:.2} MiB in {}",
        ids.len(),
        total as f64 / 1048576.0,
        out.display()
    );
    Ok(())
}

/// The smaller of an RGB PNG and, when the tile has at most 256 colours, an indexed one.
fn encode(pixels: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut rgb = Vec::new();
    PngEncoder::new_with_quality(&mut rgb, CompressionType::Best, FilterType::Adaptive)
        .write_image(pixels, 256, 256, image::ExtendedColorType::Rgb8)?;
    match indexed_png(pixels)? {
        Some(indexed) if indexed.len() < rgb.len() => Ok(indexed),
        _ => Ok(rgb),
    }
}

/// An 8-bit palette PNG of a 256 x 256 RGB tile, `None` with more than 256 colours. (The
/// `image` crate writes only true-colour PNGs; palette tiles are about half the size.)
fn indexed_png(pixels: &[u8]) -> anyhow::Result<Option<Vec<u8>>> {
    let mut palette: Vec<[u8; 3]> = Vec::new();
    let mut index = std::collections::HashMap::new();
    let mut rows = Vec::with_capacity(256 * 257);
    for (i, px) in pixels.chunks_exact(3).enumerate() {
        if i % 256 == 0 {
            rows.push(0); // filter type None, the usual best for palette images
        }
        let key = [px[0], px[1], px[2]];
        let next = palette.len();
        let slot = *index.entry(key).or_insert(next);
        if slot == next {
            if next == 256 {
                return Ok(None);
            }
            palette.push(key);
        }
        rows.push(slot as u8);
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&256u32.to_be_bytes());
    ihdr.extend_from_slice(&256u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 3, 0, 0, 0]); // 8 bits, palette, deflate, filter 0, no interlace
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(&mut png, b"PLTE", palette.concat().as_slice());
    chunk(&mut png, b"IDAT", &zlib(&rows)?);
    chunk(&mut png, b"IEND", &[]);
    Ok(Some(png))
}

fn chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    png.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = png.len();
    png.extend_from_slice(kind);
    png.extend_from_slice(data);
    let crc = crc32(&png[start..]);
    png.extend_from_slice(&crc.to_be_bytes());
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for b in data {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A zlib stream (RFC 1950), deflating with the `zip` crate's codec.
fn zlib(data: &[u8]) -> anyhow::Result<Vec<u8>> {
    use std::io::{Read, Write};
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9));
    zip.start_file("idat", options)?;
    zip.write_all(data)?;
    let mut archive = zip::ZipArchive::new(zip.finish()?)?;
    let mut out = vec![0x78, 0xda];
    archive.by_index_raw(0)?.read_to_end(&mut out)?;
    let (mut a, mut b) = (1u32, 0u32);
    for x in data {
        a = (a + u32::from(*x)) % 65_521;
        b = (b + a) % 65_521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    Ok(out)
}

/// The 256 x 256 RGB pixels of a tile.
fn render(id: TileId) -> Vec<u8> {
    let world_px = tiles_per_side(id.z) as f64 * 256.0;
    let px_m = pixel_size_m(DEFAULT_HOME.lat_deg, id.z);
    let lon0 = DEFAULT_HOME.lon_deg;
    let lat0 = DEFAULT_HOME.lat_deg;
    let m_per_deg_n = 111_132.9 - 559.8 * (2.0 * lat0.to_radians()).cos();
    let m_per_deg_e = 111_412.8 * lat0.to_radians().cos();
    let east: Vec<f64> = (0..256)
        .map(|px| {
            let lon = (f64::from(id.x) * 256.0 + f64::from(px) + 0.5) / world_px * 360.0 - 180.0;
            (lon - lon0) * m_per_deg_e
        })
        .collect();
    let mut out = Vec::with_capacity(256 * 256 * 3);
    for py in 0..256 {
        let lat = lat_of_fraction((f64::from(id.y) * 256.0 + f64::from(py) + 0.5) / world_px);
        let north = (lat - lat0) * m_per_deg_n;
        for e in &east {
            let c = if id.z <= 10 {
                country(*e, north, px_m)
            } else {
                farm(*e, north, px_m)
            };
            // Steps of 4 keep the PNGs small (and mostly within a 256-colour palette)
            // without visible banding.
            out.extend(c.map(|v| ((v / 4.0).round() * 4.0).clamp(0.0, 255.0) as u8));
        }
    }
    out
}

// ----- noise -----------------------------------------------------------------------------

fn hash(a: i64, b: i64, salt: u64) -> u64 {
    let mut x = (a as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (b as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F)
        ^ salt.wrapping_mul(0x1656_67B1_9E37_79F9);
    x ^= x >> 30;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Uniform in [0, 1).
fn rand01(a: i64, b: i64, salt: u64) -> f64 {
    (hash(a, b, salt) >> 11) as f64 / (1u64 << 53) as f64
}

/// Smooth value noise in [0, 1] with features about `scale_m` across.
fn noise(e: f64, n: f64, scale_m: f64, salt: u64) -> f64 {
    let (x, y) = (e / scale_m, n / scale_m);
    let (x0, y0) = (x.floor(), y.floor());
    let (fx, fy) = (x - x0, y - y0);
    let s = |t: f64| t * t * (3.0 - 2.0 * t);
    let (i, j) = (x0 as i64, y0 as i64);
    let v = |di, dj| rand01(i + di, j + dj, salt);
    let top = v(0, 0) + (v(1, 0) - v(0, 0)) * s(fx);
    let bottom = v(0, 1) + (v(1, 1) - v(0, 1)) * s(fx);
    top + (bottom - top) * s(fy)
}

fn mix(a: Rgb, b: Rgb, t: f64) -> Rgb {
    let t = t.clamp(0.0, 1.0);
    [0, 1, 2].map(|i| a[i] + (b[i] - a[i]) * t)
}

fn scale(c: Rgb, k: f64) -> Rgb {
    c.map(|v| v * k)
}

/// Fraction of a pixel covered by a band of half width `half_m` at distance `d_m` from its
/// centre line (anti-aliasing for thin features at any zoom).
fn coverage(d_m: f64, half_m: f64, px_m: f64) -> f64 {
    ((half_m + px_m / 2.0 - d_m.abs()) / px_m).clamp(0.0, 1.0)
}

// ----- low zooms -------------------------------------------------------------------------

/// Plain country for the overview zooms: dry grass, greener valleys, darker forest. Feature
/// sizes grow with the pixel size so that a whole continent in one tile stays smooth.
fn country(e: f64, n: f64, px_m: f64) -> Rgb {
    let broad = noise(e, n, (40.0 * px_m).max(60_000.0), 1);
    let local = noise(e, n, (16.0 * px_m).max(9_000.0), 2);
    let base = mix(
        [160.0, 146.0, 104.0],
        [112.0, 124.0, 76.0],
        broad * 1.2 - 0.1,
    );
    let forest = ((local - 0.62) * 6.0).clamp(0.0, 1.0);
    mix(base, [70.0, 88.0, 60.0], forest * 0.8)
}

// ----- farmland --------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq)]
enum Crop {
    Wheat,
    Ripe,
    Ploughed,
    Pasture,
    Stubble,
    Canola,
}

/// A paddock: column `k`, row `j`, half `h` (0 unless split), and its edges (`u` metres east
/// and `v` metres north of home).
struct Paddock {
    k: i64,
    j: i64,
    h: i64,
    u0: f64,
    u1: f64,
    v0: f64,
    v1: f64,
}

fn column_edge(k: i64) -> f64 {
    k as f64 * COLUMN_M + (rand01(k, 0, 10) - 0.5) * 120.0
}

fn row_height(k: i64) -> f64 {
    210.0 + rand01(k, 0, 11) * 110.0
}

fn row_edge(k: i64, j: i64) -> f64 {
    let h = row_height(k);
    j as f64 * h + (rand01(k, j, 12) - 0.5) * 0.35 * h
}

fn paddock_at(u: f64, v: f64) -> Paddock {
    let mut k = (u / COLUMN_M).floor() as i64;
    while column_edge(k) > u {
        k -= 1;
    }
    while column_edge(k + 1) <= u {
        k += 1;
    }
    let mut j = (v / row_height(k)).floor() as i64;
    while row_edge(k, j) > v {
        j -= 1;
    }
    while row_edge(k, j + 1) <= v {
        j += 1;
    }
    let (mut u0, mut u1) = (column_edge(k), column_edge(k + 1));
    let mut h = 0;
    if hash(k, j, 13).is_multiple_of(3) {
        let mid = u0 + (u1 - u0) * (0.35 + 0.3 * rand01(k, j, 14));
        if u < mid {
            u1 = mid;
        } else {
            u0 = mid;
            h = 1;
        }
    }
    Paddock {
        k,
        j,
        h,
        u0,
        u1,
        v0: row_edge(k, j),
        v1: row_edge(k, j + 1),
    }
}

fn crop_of(p: &Paddock) -> Crop {
    match hash(p.k * 2 + p.h, p.j, 15) % 11 {
        0..=2 => Crop::Wheat,
        3 | 4 => Crop::Pasture,
        5 | 6 => Crop::Ploughed,
        7 | 8 => Crop::Stubble,
        9 => Crop::Ripe,
        _ => Crop::Canola,
    }
}

/// The farmland at a point `e` metres east and `n` metres north of home. The paddock grid
/// runs north-south (`u` east, `v` north): tilted grids look nicer but triple the PNG sizes.
fn farm(e: f64, n: f64, px_m: f64) -> Rgb {
    let (u, v) = (e, n);
    let p = paddock_at(u, v);
    let crop = crop_of(&p);
    let mut c = paddock_surface(&p, crop, u, v, px_m);

    // Fence lines with a grassy verge around every paddock.
    let edge_m = (u - p.u0).min(p.u1 - u).min(v - p.v0).min(p.v1 - v);
    c = mix(c, [104.0, 112.0, 72.0], coverage(edge_m, 1.2, px_m) * 0.8);
    // Dirt tracks along some column edges.
    for (edge_k, d) in [
        (p.k, u - column_edge(p.k)),
        (p.k + 1, column_edge(p.k + 1) - u),
    ] {
        if hash(edge_k, 0, 16).is_multiple_of(2) {
            c = track(c, d - 3.0, px_m);
        }
    }
    c = creek(c, u, v, px_m);
    // The gravel road and the farm's drive.
    let road = coverage(v - ROAD_V_M, 4.0, px_m);
    c = mix(
        c,
        [120.0, 112.0, 96.0],
        coverage(v - ROAD_V_M, 5.0, px_m) * 0.5,
    );
    c = mix(c, [172.0, 162.0, 144.0], road);
    let (fu, fv) = (FARM_E_M, FARM_N_M);
    if v > ROAD_V_M && v < fv {
        c = track(c, u - (fu + 12.0), px_m);
    }
    c = trees(c, &p, crop, u, v, px_m);
    c = farmstead(c, u - fu, v - fv, px_m);
    airstrip(c, u, v, px_m)
}

/// The crop itself: a tone per paddock, rows, a headland band, soil patches.
fn paddock_surface(p: &Paddock, crop: Crop, u: f64, v: f64, px_m: f64) -> Rgb {
    let id = (p.k * 2 + p.h, p.j);
    let tone = 0.93 + 0.14 * rand01(id.0, id.1, 20);
    let (base, row_depth, patchiness): (Rgb, f64, f64) = match crop {
        Crop::Wheat => ([92.0, 132.0, 56.0], 0.16, 0.08),
        Crop::Ripe => ([200.0, 176.0, 100.0], 0.10, 0.05),
        Crop::Ploughed => ([126.0, 96.0, 68.0], 0.22, 0.10),
        Crop::Pasture => ([122.0, 136.0, 74.0], 0.0, 0.16),
        Crop::Stubble => ([184.0, 164.0, 118.0], 0.07, 0.06),
        Crop::Canola => ([206.0, 192.0, 66.0], 0.08, 0.05),
    };
    let mut c = scale(base, tone);
    // Soil and moisture patches a couple of hundred metres across, in three flat steps
    // (smooth noise would triple the size of the PNGs).
    let patch = ((noise(u, v, 180.0, 21) - 0.5) * 2.0).round() / 2.0;
    c = scale(c, 1.0 + patch * patchiness);
    // Rows: along or across the paddock, a few metres apart, faded out once they would alias.
    if row_depth > 0.0 {
        let period_m = 3.0 + 3.0 * rand01(id.0, id.1, 22);
        let along = if hash(id.0, id.1, 23).is_multiple_of(2) {
            v
        } else {
            u
        };
        let fade = (1.0 - px_m / (period_m * 0.5)).clamp(0.0, 1.0);
        let wave = (2.0 * PI * along / period_m).cos();
        c = scale(c, 1.0 - row_depth * fade * (0.5 + 0.5 * wave));
        // The headland, where the tractor turns, runs the other way and looks smoother.
        let inner = (u - p.u0).min(p.u1 - u).min(v - p.v0).min(p.v1 - v);
        let headland = coverage(inner - 6.0, 6.0, px_m);
        c = mix(c, scale(base, tone * 0.94), headland * 0.7);
    }
    c
}

/// A meandering creek with a grassy verge and gums along its banks.
fn creek(mut c: Rgb, u: f64, v: f64, px_m: f64) -> Rgb {
    let centre = |v: f64| CREEK_E_M + 70.0 * (v / 260.0).sin() + 25.0 * (v / 97.0 + 1.3).sin();
    let slope = 70.0 / 260.0 * (v / 260.0).cos() + 25.0 / 97.0 * (v / 97.0 + 1.3).cos();
    let d = (u - centre(v)) / (1.0 + slope * slope).sqrt();
    if d.abs() > 30.0 {
        return c;
    }
    c = mix(c, [100.0, 118.0, 66.0], coverage(d, 14.0, px_m));
    c = mix(c, [120.0, 106.0, 80.0], coverage(d, 3.8, px_m));
    c = mix(c, [66.0, 88.0, 88.0], coverage(d, 2.4, px_m));
    let spacing_m = 11.0;
    let i = (v / spacing_m).round() as i64;
    for t in i - 2..=i + 2 {
        let tv = t as f64 * spacing_m + (rand01(t, 0, 40) - 0.5) * 6.0;
        if (tv - ROAD_V_M).abs() < 12.0 || rand01(t, 0, 41) < 0.25 {
            continue;
        }
        let side = if hash(t, 0, 42).is_multiple_of(2) {
            1.0
        } else {
            -1.0
        };
        let tu = centre(tv) + side * (5.0 + 5.0 * rand01(t, 0, 43));
        c = tree(c, u - tu, v - tv, 3.5 + 2.5 * rand01(t, 0, 44), px_m);
    }
    c
}

/// A dirt track centred `d_m` away: tan with two darker wheel ruts.
fn track(c: Rgb, d_m: f64, px_m: f64) -> Rgb {
    let c = mix(c, [176.0, 152.0, 114.0], coverage(d_m, 2.2, px_m));
    let rut = coverage(d_m.abs() - 0.8, 0.25, px_m) * 0.6;
    mix(c, [140.0, 118.0, 88.0], rut)
}

/// A tree crown (lit from the north, as at noon in the southern hemisphere) and its shadow
/// falling south. `(du, dv)` is the offset from the trunk, metres.
fn tree(c: Rgb, du: f64, dv: f64, r_m: f64, px_m: f64) -> Rgb {
    let shadow = coverage((du - 1.0).hypot(dv + 2.2 * r_m / 3.0), r_m * 0.95, px_m);
    let c = scale(c, 1.0 - 0.42 * shadow);
    let crown = coverage(du.hypot(dv), r_m, px_m);
    let lit = (dv / r_m).clamp(-1.0, 1.0);
    let leaf = scale([52.0, 76.0, 42.0], 1.0 + 0.25 * lit);
    mix(c, leaf, crown)
}

/// Windbreaks along some paddock rows' southern edges, and scattered gums in pasture.
fn trees(mut c: Rgb, p: &Paddock, crop: Crop, u: f64, v: f64, px_m: f64) -> Rgb {
    for (edge_j, edge_v) in [(p.j, p.v0), (p.j + 1, p.v1)] {
        if !hash(p.k, edge_j, 30).is_multiple_of(4) || (v - edge_v).abs() > 8.0 {
            continue;
        }
        let spacing_m = 8.0;
        let i = (u / spacing_m).round() as i64;
        for t in i - 1..=i + 1 {
            let tu = t as f64 * spacing_m + (rand01(t, edge_j, 31) - 0.5) * 3.0;
            let r = 2.6 + 1.4 * rand01(t, edge_j, 32);
            c = tree(c, u - tu, v - edge_v, r, px_m);
        }
    }
    if crop == Crop::Pasture {
        let cell_m = 55.0;
        let (ci, cj) = ((u / cell_m).floor() as i64, (v / cell_m).floor() as i64);
        for (a, b) in [
            (0, 0),
            (1, 0),
            (0, 1),
            (1, 1),
            (-1, 0),
            (0, -1),
            (-1, -1),
            (1, -1),
            (-1, 1),
        ] {
            let (ti, tj) = (ci + a, cj + b);
            if rand01(ti, tj, 33) > 0.3 {
                continue;
            }
            let tu = (ti as f64 + 0.2 + 0.6 * rand01(ti, tj, 34)) * cell_m;
            let tv = (tj as f64 + 0.2 + 0.6 * rand01(ti, tj, 35)) * cell_m;
            let inside = tu > p.u0 + 8.0 && tu < p.u1 - 8.0 && tv > p.v0 + 8.0 && tv < p.v1 - 8.0;
            if inside {
                c = tree(c, u - tu, v - tv, 4.0 + 3.0 * rand01(ti, tj, 36), px_m);
            }
        }
    }
    c
}

/// Inside an axis-aligned rectangle centred at `(cu, cv)` with half sizes `(hu, hv)`: the
/// coverage of the pixel.
fn rect(u: f64, v: f64, cu: f64, cv: f64, hu: f64, hv: f64, px_m: f64) -> f64 {
    let du = (u - cu).abs() - hu;
    let dv = (v - cv).abs() - hv;
    coverage(
        du.max(dv).max(0.0) + du.max(dv).min(0.0) + hu.min(hv),
        hu.min(hv),
        px_m,
    )
}

/// The farmstead, in metres from its centre along the grid: yard, house, sheds, silos,
/// garden trees and a dam.
fn farmstead(mut c: Rgb, u: f64, v: f64, px_m: f64) -> Rgb {
    if u.abs() > 200.0 || v.abs() > 200.0 {
        return c;
    }
    let yard = rect(u, v, 0.0, 0.0, 70.0, 48.0, px_m);
    c = mix(c, [166.0, 148.0, 118.0], yard * 0.9);
    // (centre u, centre v, half u, half v, lit roof, shaded roof, ridge along u)
    let buildings: [(f64, f64, f64, f64, Rgb, Rgb, bool); 4] = [
        (
            -32.0,
            18.0,
            10.0,
            6.0,
            [156.0, 76.0, 54.0],
            [118.0, 56.0, 42.0],
            true,
        ),
        (
            22.0,
            12.0,
            18.0,
            9.0,
            [194.0, 196.0, 198.0],
            [160.0, 163.0, 168.0],
            true,
        ),
        (
            18.0,
            -24.0,
            12.0,
            7.0,
            [176.0, 180.0, 182.0],
            [148.0, 152.0, 156.0],
            false,
        ),
        (
            -8.0,
            -26.0,
            6.0,
            4.0,
            [128.0, 132.0, 136.0],
            [110.0, 112.0, 116.0],
            true,
        ),
    ];
    for (cu, cv, hu, hv, ..) in buildings {
        c = scale(c, 1.0 - 0.45 * rect(u - 1.5, v + 3.0, cu, cv, hu, hv, px_m));
    }
    for (cu, cv, hu, hv, lit, shaded, along_u) in buildings {
        let cover = rect(u, v, cu, cv, hu, hv, px_m);
        let north_face = if along_u { v > cv } else { u < cu };
        c = mix(c, if north_face { lit } else { shaded }, cover);
    }
    for su in [44.0, 52.0] {
        let d = (u - su).hypot(v + 30.0);
        c = scale(
            c,
            1.0 - 0.4 * coverage((u - su - 1.0).hypot(v + 33.0), 3.4, px_m),
        );
        let shade = 1.0 + 0.2 * ((v + 30.0) / 3.5).clamp(-1.0, 1.0);
        c = mix(
            c,
            scale([204.0, 204.0, 198.0], shade),
            coverage(d, 3.5, px_m),
        );
    }
    for (tu, tv, r) in [
        (-52.0, 30.0, 5.0),
        (-45.0, 36.0, 4.0),
        (-12.0, 34.0, 4.5),
        (-60.0, 4.0, 5.5),
    ] {
        c = tree(c, u - tu, v - tv, r, px_m);
    }
    // The dam: muddy bank and brown-green water.
    let (du, dv) = ((u - 110.0) / 30.0, (v - 95.0) / 22.0);
    let r = du.hypot(dv) * 26.0;
    c = mix(c, [140.0, 124.0, 94.0], coverage(r, 30.0, px_m));
    mix(c, [64.0, 86.0, 86.0], coverage(r, 24.0, px_m))
}

/// The mown strip at home that the simulated aircraft use, with its pit area.
fn airstrip(mut c: Rgb, u: f64, v: f64, px_m: f64) -> Rgb {
    let strip = rect(u, v, 0.0, 0.0, 75.0, 11.0, px_m);
    let band = if (u / 6.0).floor() as i64 % 2 == 0 {
        1.04
    } else {
        0.96
    };
    let fade = (1.0 - px_m / 3.0).clamp(0.0, 1.0);
    c = mix(
        c,
        scale([146.0, 170.0, 98.0], 1.0 + (band - 1.0) * fade),
        strip,
    );
    let pits = rect(u, v, 10.0, 22.0, 14.0, 6.0, px_m);
    mix(c, [158.0, 154.0, 140.0], pits)
}
