//! The built-in camera list and camera lookup by name.
//!
//! Field teams pick their camera by name ("Sony A6000 16mm") instead of typing sensor sizes, so
//! the planner ships the common survey cameras. Every entry cites where its numbers come from:
//! the camera lists of Mission Planner (`camerasBuiltin.xml`), Tower (`CameraInfo/*.xml`) and
//! QGroundControl (`src/Camera/CameraMetaData.json`), or the manufacturer's specifications.
//! Their copies under `../shared/samples/cameras` are cross-checked by the tests. A minimum
//! trigger interval is given only where a public figure exists (QGroundControl's `0`, "not
//! set", becomes unknown).
//!
//! Integrated cameras on a gimbal that cannot roll 90° (DJI, Yuneec) are marked
//! `fixed_orientation`: they take landscape photos only.
//!
//! Lookup ignores case, spaces and punctuation: "sony a6000 16mm", "SONY-A6000-16MM" and
//! "Sony A6000 16mm" are the same name. User cameras ([`crate::plan::camera_user`]) with the
//! name of a built-in one replace it.

use crate::plan::camera::{Camera, CameraError};

/// One row of the built-in table.
struct Entry {
    name: &'static str,
    sensor_mm: (f64, f64),
    image_px: (u32, u32),
    focal_mm: f64,
    interval_s: Option<f64>,
    fixed_orientation: bool,
    source: &'static str,
}

const fn cam(
    name: &'static str,
    sensor_mm: (f64, f64),
    image_px: (u32, u32),
    focal_mm: f64,
    interval_s: Option<f64>,
    fixed_orientation: bool,
    source: &'static str,
) -> Entry {
    Entry {
        name,
        sensor_mm,
        image_px,
        focal_mm,
        interval_s,
        fixed_orientation,
        source,
    }
}

const FIXED: bool = true;
const FREE: bool = false;

// Kept one camera per row (plus its citation) so the table reads like a table.
#[rustfmt::skip]
static BUILTIN: &[Entry] = &[
    //   name                              sensor mm         image px       focal  min interval
    cam("Canon EOS M 22mm",                (22.3, 14.9),     (5184, 3456),  22.0,  None, FREE,
        "QGroundControl src/Camera/CameraMetaData.json, \"Canon EOS-M 22mm\""),
    cam("Canon PowerShot A2300/A2400",     (6.17, 4.55),     (4608, 3456),  5.0,   None, FREE,
        "Mission Planner camerasBuiltin.xml, \"Canon A2300-A2400\" (also Tower CameraInfo \"Canon A2300 A2400.xml\")"),
    cam("Canon PowerShot ELPH 520 HS",     (6.17, 4.55),     (3648, 2736),  4.0,   None, FREE,
        "Mission Planner camerasBuiltin.xml, \"Canon ELPH 520HS\" (also Tower CameraInfo \"Canon ELPH 520 HS.xml\")"),
    cam("Canon PowerShot G9 X",            (13.2, 8.8),      (5488, 3680),  10.2,  None, FREE,
        "QGroundControl src/Camera/CameraMetaData.json, \"Canon G9 X PowerShot\""),
    cam("Canon PowerShot S100",            (7.6, 5.7),       (4000, 3000),  5.2,   None, FREE,
        "Tower CameraInfo \"Canon S100.xml\" (sensor, focal length, 12.1 MP); image size from QGroundControl src/Camera/CameraMetaData.json, \"Canon S100 PowerShot\""),
    cam("Canon PowerShot S110/S120",       (7.6, 5.7),       (4000, 3000),  5.2,   None, FREE,
        "Mission Planner camerasBuiltin.xml, \"Canon S110-S120\" (also Tower CameraInfo \"Canon S110 S120.xml\")"),
    cam("Canon PowerShot SX260 HS",        (6.17, 4.55),     (4000, 3000),  4.5,   None, FREE,
        "Mission Planner camerasBuiltin.xml, \"Canon SX260-SX280\" (QGroundControl's \"Canon SX260 HS PowerShot\" agrees)"),
    cam("DJI Mavic 3 Enterprise",          (17.3, 13.0),     (5280, 3956),  12.29, Some(0.7), FIXED,
        "DJI Mavic 3 Enterprise specifications (enterprise.dji.com/mavic-3-enterprise/specs): wide camera 4/3 CMOS (17.3 x 13.0 mm), 5280 x 3956 px, 24 mm equivalent (12.29 mm actual, photo EXIF), minimum photo interval 0.7 s"),
    cam("DJI Mavic 3 Multispectral RGB",   (17.3, 13.0),     (5280, 3956),  12.29, None, FIXED,
        "DJI Mavic 3M specifications (ag.dji.com/mavic-3-m/specs): RGB camera 4/3 CMOS (17.3 x 13.0 mm), 5280 x 3956 px, 24 mm equivalent (12.29 mm actual, photo EXIF); minimum interval not confirmed"),
    cam("DJI Phantom 4 Pro",               (13.2, 8.8),      (5472, 3648),  8.8,   Some(2.0), FIXED,
        "DJI Phantom 4 Pro V2.0 specifications (dji.com/phantom-4-pro-v2/specs): 1\" CMOS (13.2 x 8.8 mm), 3:2 image 5472 x 3648 px, 8.8 mm (24 mm equivalent), interval shooting from 2 s"),
    cam("DJI Phantom 4 RTK",               (13.2, 8.8),      (5472, 3648),  8.8,   None, FIXED,
        "DJI Phantom 4 RTK specifications (dji.com/phantom-4-rtk/specs): 1\" CMOS (13.2 x 8.8 mm), 3:2 image 5472 x 3648 px (the 4:3 mode, 4864 x 3648 px on about 11.7 x 8.8 mm, needs a user entry), 8.8 mm (24 mm equivalent); minimum interval not confirmed"),
    cam("DJI Zenmuse P1 35mm",             (35.9, 24.0),     (8192, 5460),  35.0,  Some(0.7), FIXED,
        "DJI Zenmuse P1 specifications (enterprise.dji.com/zenmuse-p1/specs): full frame 35.9 x 24 mm, 8192 x 5460 px, DL 35 mm F2.8 LS ASPH lens, minimum photo interval 0.7 s"),
    cam("FLIR Vue 336 9mm",                (5.712, 4.352),   (336, 256),    9.0,   None, FREE,
        "Mission Planner camerasBuiltin.xml, \"FLIR Vue 336 9mm\" (thermal, 17 um pixels)"),
    cam("FLIR Vue 640 13mm",               (10.88, 8.704),   (640, 512),    13.0,  None, FREE,
        "Mission Planner camerasBuiltin.xml, \"FLIR Vue 640 13mm\" (thermal, 17 um pixels)"),
    cam("GoPro Hero 3+ Black Wide",        (6.17, 4.55),     (4000, 3000),  2.8,   None, FREE,
        "Tower CameraInfo \"GoPro Hero 3+ Black.xml\" (sensor, focal length, 12.0 MP); 4000 x 3000 px is the 12 MP 4:3 photo; fisheye lens: the GSD holds near the image centre only"),
    cam("GoPro Hero 4 Black Wide",         (6.17, 4.56),     (4000, 3000),  2.46,  None, FREE,
        "Mission Planner camerasBuiltin.xml, \"GoPro Hero 4 Black Wide\" (12 MP photo; Tower lists 2.8 mm, QGroundControl 2.98 mm); fisheye lens: the GSD holds near the image centre only"),
    cam("MicaSense Altum",                 (7.12, 5.33),     (2064, 1544),  8.0,   Some(1.0), FREE,
        "MicaSense Altum datasheet: multispectral bands 2064 x 1544 px (as the micasense/imageprocessing tests), 3.45 um pixels (7.12 x 5.33 mm), 8 mm lens, 5.2 cm/px at 120 m, 1 capture per second; the thermal band is coarser"),
    cam("MicaSense RedEdge",               (4.8, 3.6),       (1280, 960),   5.5,   Some(1.0), FREE,
        "Mission Planner camerasBuiltin.xml, \"RedEdge\" (RedEdge 3/M; QGroundControl's \"RedEdge\" agrees); 1 capture per second: MicaSense RedEdge datasheet"),
    cam("MicaSense RedEdge-MX",            (4.8, 3.6),       (1280, 960),   5.4,   Some(1.0), FREE,
        "MicaSense RedEdge-MX datasheet: 1280 x 960 px per band, 3.75 um pixels (4.8 x 3.6 mm; EXIF 266.67 px/mm in the micasense/imageprocessing tests), 5.4 mm lens, 8 cm/px at 120 m, 1 capture per second"),
    cam("Parrot Sequoia Mono",             (4.8, 3.6),       (1280, 960),   3.98,  Some(0.8), FREE,
        "Mission Planner camerasBuiltin.xml, \"Parrot Sequoia Monochrome\" (the four spectral bands); minimum interval 0.8 s from QGroundControl src/Camera/CameraMetaData.json, \"Parrot Sequioa Monochrome\""),
    cam("Parrot Sequoia RGB",              (6.17, 4.63),     (4608, 3456),  4.88,  Some(1.0), FREE,
        "Mission Planner camerasBuiltin.xml, \"Parrot Sequoia RGB\"; minimum interval 1 s from QGroundControl src/Camera/CameraMetaData.json, \"Parrot Sequioa RGB\""),
    cam("Ricoh GR II",                     (23.7, 15.7),     (4928, 3264),  18.3,  None, FREE,
        "QGroundControl src/Camera/CameraMetaData.json, \"Ricoh GR II\""),
    cam("Samsung NX1000 20mm",             (23.5, 15.7),     (5472, 3648),  20.0,  None, FREE,
        "Mission Planner camerasBuiltin.xml, \"NX1000\""),
    cam("Sentera 6X",                      (6.57, 4.93),     (1904, 1428),  8.0,   Some(0.2), FREE,
        "QGroundControl src/Camera/CameraMetaData.json, \"Sentera 6X Sensor\" (multispectral bands)"),
    cam("Sentera Double 4K",               (6.2, 4.65),      (4000, 3000),  5.4,   Some(0.8), FREE,
        "QGroundControl src/Camera/CameraMetaData.json, \"Sentera Double 4K Sensor\""),
    cam("Sony A6000 16mm",                 (23.5, 15.6),     (6000, 4000),  16.0,  Some(1.0), FREE,
        "QGroundControl src/Camera/CameraMetaData.json, \"Sony a6000 16mm\""),
    cam("Sony A6000 20mm",                 (23.5, 15.6),     (6000, 4000),  20.0,  Some(1.0), FREE,
        "Mission Planner camerasBuiltin.xml, \"Sony A6000\" (20 mm lens); minimum interval 1 s as QGroundControl src/Camera/CameraMetaData.json gives for the a6000"),
    cam("Sony A6000 35mm",                 (23.5, 15.6),     (6000, 4000),  35.0,  Some(1.0), FREE,
        "QGroundControl src/Camera/CameraMetaData.json, \"Sony a6000 35mm\""),
    cam("Sony A6300 21mm",                 (23.5, 15.6),     (6000, 4000),  21.0,  Some(1.0), FREE,
        "QGroundControl src/Camera/CameraMetaData.json, \"Sony a6300 Zeiss 21mm f/2.8\""),
    cam("Sony A7R 28mm",                   (35.9, 24.0),     (7360, 4912),  28.0,  None, FREE,
        "Mission Planner camerasBuiltin.xml, \"Sony A7R\""),
    cam("Sony A7R II 21mm",                (35.814, 23.876), (7952, 5304),  21.0,  Some(1.0), FIXED,
        "QGroundControl src/Camera/CameraMetaData.json, \"Sony a7R II Zeiss 21mm f/2.8\" (fixedOrientation)"),
    cam("Sony A7R IV 35mm",                (35.7, 23.8),     (9504, 6336),  35.0,  Some(1.0), FREE,
        "QGroundControl src/Camera/CameraMetaData.json, \"Sony a7r IV 35mm\""),
    cam("Sony NEX-5 16mm",                 (23.4, 15.6),     (4592, 3056),  16.0,  None, FREE,
        "Mission Planner camerasBuiltin.xml, \"Nex5 16mm\" (also Tower CameraInfo \"Sony NEX5 16mm.xml\")"),
    cam("Sony NEX-5 25mm",                 (23.4, 15.6),     (4592, 3056),  25.0,  None, FREE,
        "Mission Planner camerasBuiltin.xml, \"Nex5 25mm\" (also Tower CameraInfo \"Sony NEX5 25mm.xml\")"),
    cam("Sony NEX-7 16mm",                 (23.5, 15.6),     (6000, 4000),  16.0,  None, FREE,
        "Mission Planner camerasBuiltin.xml, \"Nex7 16mm\""),
    cam("Sony QX1 16mm",                   (23.2, 15.4),     (5456, 3632),  16.0,  None, FREE,
        "QGroundControl src/Camera/CameraMetaData.json, \"Sony ILCE-QX1\" (minTriggerInterval not set)"),
    cam("Sony RX0",                        (13.2, 8.8),      (4800, 3200),  7.7,   None, FREE,
        "QGroundControl src/Camera/CameraMetaData.json, \"Sony DSC-RX0\""),
    cam("Sony RX100 II",                   (13.2, 8.8),      (5472, 3648),  10.4,  None, FREE,
        "QGroundControl src/Camera/CameraMetaData.json, \"Sony RX100 II 28mm\" (zoom at its 28 mm-equivalent wide end)"),
    cam("Sony RX100 III/IV",               (13.2, 8.8),      (5472, 3648),  8.8,   None, FREE,
        "Tower CameraInfo \"Sony RX100 M3 24mm.xml\" (sensor, 8.8 mm = the 24 mm-equivalent wide end, 20.2 MP); 5472 x 3648 px is the 20 MP 3:2 photo of the RX100 series (as QGroundControl's RX100 II); the RX100 IV has the same sensor and lens"),
    cam("Sony RX1R II",                    (35.9, 24.0),     (7952, 5304),  35.0,  Some(1.0), FREE,
        "QGroundControl src/Camera/CameraMetaData.json, \"Sony DSC-RX1R II 35mm\""),
    cam("Yuneec E90",                      (13.3056, 8.656), (5472, 3648),  8.29,  Some(1.3), FIXED,
        "QGroundControl src/Camera/CameraMetaData.json, \"Yuneec E90\" (fixedOrientation)"),
];

/// The built-in cameras, sorted by name.
pub fn builtin_cameras() -> Vec<Camera> {
    let mut out: Vec<Camera> = BUILTIN
        .iter()
        .map(|e| Camera {
            name: e.name.to_owned(),
            sensor_width_mm: e.sensor_mm.0,
            sensor_height_mm: e.sensor_mm.1,
            image_width_px: e.image_px.0,
            image_height_px: e.image_px.1,
            focal_length_mm: e.focal_mm,
            min_trigger_interval_s: e.interval_s,
            fixed_orientation: e.fixed_orientation,
            source: e.source.to_owned(),
        })
        .collect();
    sort_by_name(&mut out);
    out
}

/// The built-in cameras plus the user's, sorted by name (case-insensitively). A user camera
/// whose name matches a built-in one (see [`normalize_name`]) replaces it; among user cameras
/// with the same name the last wins. User cameras are expected to be validated already
/// ([`crate::plan::camera_user::parse_user_cameras`] does).
pub fn all_cameras(user: &[Camera]) -> Vec<Camera> {
    let mut out = builtin_cameras();
    for u in user {
        let key = normalize_name(&u.name);
        out.retain(|c| normalize_name(&c.name) != key);
        out.push(u.clone());
    }
    sort_by_name(&mut out);
    out
}

fn sort_by_name(list: &mut [Camera]) {
    list.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then_with(|| a.name.cmp(&b.name))
    });
}

/// The lookup key of a name: its letters and digits, lowercased ("Sony A6000 16mm" and
/// "sony-a6000-16MM" both give "sonya600016mm").
pub fn normalize_name(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The camera of that name in `list`, ignoring case, spaces and punctuation.
pub fn find_camera<'a>(list: &'a [Camera], name: &str) -> Option<&'a Camera> {
    let key = normalize_name(name);
    if key.is_empty() {
        return None;
    }
    list.iter().find(|c| normalize_name(&c.name) == key)
}

/// Like [`find_camera`], but a miss is a [`CameraError::UnknownCamera`] listing up to three
/// closest names ("did you mean …?").
pub fn lookup_camera<'a>(list: &'a [Camera], name: &str) -> Result<&'a Camera, CameraError> {
    find_camera(list, name).ok_or_else(|| CameraError::UnknownCamera {
        name: name.to_owned(),
        suggestions: closest_names(list, name, 3),
    })
}

/// Up to `max` names of `list` closest to `name`, best first: names containing more of the
/// words typed (two characters or longer) come first, then smaller edit distance between the
/// lookup keys; a name qualifies when it contains a typed word or is within an edit distance of
/// a third of the key's length (at least 2).
pub fn closest_names(list: &[Camera], name: &str, max: usize) -> Vec<String> {
    let key = normalize_name(name);
    if key.is_empty() {
        return Vec::new();
    }
    let words: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2)
        .map(normalize_name)
        .collect();
    let limit = (key.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, usize, &str)> = list
        .iter()
        .filter_map(|c| {
            let candidate = normalize_name(&c.name);
            let hits = words
                .iter()
                .filter(|w| candidate.contains(w.as_str()))
                .count();
            let distance = edit_distance(&key, &candidate);
            (hits > 0 || distance <= limit).then_some((hits, distance, c.name.as_str()))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(b.2)));
    scored
        .into_iter()
        .take(max)
        .map(|(_, _, n)| n.to_owned())
        .collect()
}

/// Levenshtein distance (insertions, deletions, substitutions) between two strings, by chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = Vec::with_capacity(b.len() + 1);
        let mut left = i + 1;
        cur.push(left);
        for (cb, pair) in b.iter().zip(prev.windows(2)) {
            if let [diag, up] = *pair {
                left = (diag + usize::from(ca != *cb)).min(up + 1).min(left + 1);
                cur.push(left);
            }
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

#[cfg(test)]
#[path = "camera_db_tests.rs"]
mod tests;
