//! Photo layers of `steppe tlog export` (see [`crate::log::triggers`] for where the photos
//! come from):
//!
//! - **triggers**: one point per photo — CSV (one row per photo, photos without a position
//!   included with empty fields), KML/KMZ (one Placemark per photo, a Folder per vehicle,
//!   absolute altitude), GeoJSON Points, GPX 1.1 waypoints;
//! - **geotags**: the OpenDroneMap `geo.txt` list (`EPSG:4326`, then
//!   `image_name lon lat alt_amsl [yaw pitch roll]` per photo);
//! - **footprints**: GeoJSON Polygons of the ground each photo covers (see
//!   [`crate::log::footprint`]).
//!
//! Photos without a position cannot be placed on a map and are left out of every format but
//! CSV; photos whose footprint cannot be computed are left out of the footprints and counted.

use crate::formats::kml_write::escape;
use crate::log::footprint::footprint;
use crate::log::info::iso8601;
use crate::log::triggers::{Photo, TriggerLog};
use crate::plan::camera::{Camera, Orientation};
use crate::vehicle::CameraSource;
use std::fmt::Write as _;

/// Output formats of the photo layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoFormat {
    /// Comma-separated values with a header row.
    Csv,
    /// KML 2.2.
    Kml,
    /// KML zipped as `doc.kml`.
    Kmz,
    /// GeoJSON (RFC 7946).
    GeoJson,
    /// GPX 1.1.
    Gpx,
    /// OpenDroneMap geo.txt.
    GeoTxt,
}

/// Which photo layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoLayer {
    /// Photo positions.
    Triggers,
    /// OpenDroneMap image geolocation list.
    Geotags,
    /// Ground footprints.
    Footprints,
}

impl PhotoLayer {
    /// The formats this layer can be written as.
    pub fn formats(self) -> &'static [PhotoFormat] {
        use PhotoFormat::*;
        match self {
            PhotoLayer::Triggers => &[Csv, Kml, Kmz, GeoJson, Gpx],
            PhotoLayer::Geotags => &[GeoTxt],
            PhotoLayer::Footprints => &[GeoJson],
        }
    }
}

/// How to project footprints.
#[derive(Debug, Clone, PartialEq)]
pub struct FootprintOptions {
    /// The camera.
    pub camera: Camera,
    /// Image orientation relative to the vehicle.
    pub orientation: Orientation,
    /// The camera is held level by a gimbal: roll and pitch are ignored.
    pub gimbal: bool,
}

/// Why a photo layer could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PhotoExportError {
    /// No photo (for the vehicle and time range asked).
    #[error(
        "no photos (CAMERA_FEEDBACK, CAMERA_TRIGGER or CAMERA_IMAGE_CAPTURED) in the log for the vehicle and time range asked"
    )]
    Empty,
    /// Photos, but none with a position to place them.
    #[error("{0} photos, but none has a position (no GLOBAL_POSITION_INT near their times)")]
    NoPosition(usize),
    /// A format the layer cannot be written as.
    #[error("the {layer} layer cannot be written as {format}; it can be written as: {allowed}")]
    Format {
        /// Layer name.
        layer: &'static str,
        /// Format name.
        format: &'static str,
        /// The formats that work.
        allowed: String,
    },
    /// Footprints without a camera model.
    #[error(
        "footprints need a camera model: add --camera NAME (one of the names `steppe camera list` prints)"
    )]
    NoCamera,
    /// No photo had a footprint (the reason of the first one).
    #[error("no photo has a footprint; the first: {0}")]
    NoFootprint(String),
    /// The KMZ archive could not be built.
    #[error("cannot build the KMZ archive: {0}")]
    Zip(String),
}

/// Name of a layer, as on the command line.
pub fn layer_name(l: PhotoLayer) -> &'static str {
    match l {
        PhotoLayer::Triggers => "triggers",
        PhotoLayer::Geotags => "geotags",
        PhotoLayer::Footprints => "footprints",
    }
}

/// Name of a format, as on the command line.
pub fn format_name(f: PhotoFormat) -> &'static str {
    match f {
        PhotoFormat::Csv => "csv",
        PhotoFormat::Kml => "kml",
        PhotoFormat::Kmz => "kmz",
        PhotoFormat::GeoJson => "geojson",
        PhotoFormat::Gpx => "gpx",
        PhotoFormat::GeoTxt => "txt (OpenDroneMap geo.txt)",
    }
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PhotoExport {
    /// The file.
    pub bytes: Vec<u8>,
    /// Photos written.
    pub written: usize,
    /// Photos left out, with the reason (`IMG_0003.JPG: no position`).
    pub skipped: Vec<String>,
}

/// Writes `layer` of `log` as `format`; `fp` is needed for footprints.
pub fn export_photos(
    log: &TriggerLog,
    layer: PhotoLayer,
    format: PhotoFormat,
    fp: Option<&FootprintOptions>,
) -> Result<PhotoExport, PhotoExportError> {
    if !layer.formats().contains(&format) {
        return Err(PhotoExportError::Format {
            layer: layer_name(layer),
            format: format_name(format),
            allowed: layer
                .formats()
                .iter()
                .map(|f| format_name(*f))
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    let fp = match (layer, fp) {
        (PhotoLayer::Footprints, None) => return Err(PhotoExportError::NoCamera),
        (_, fp) => fp,
    };
    if log.is_empty() {
        return Err(PhotoExportError::Empty);
    }
    let mut skipped = Vec::new();
    if format != PhotoFormat::Csv {
        for p in log.photos().filter(|p| p.lat_lon.is_none()) {
            skipped.push(format!("{}: no position", p.name));
        }
        if skipped.len() == log.len() {
            return Err(PhotoExportError::NoPosition(log.len()));
        }
    }
    let placed = log.len() - skipped.len();
    let (bytes, written) = match (layer, format, fp) {
        (PhotoLayer::Footprints, _, Some(fp)) => footprints(log, fp, &mut skipped)?,
        (PhotoLayer::Geotags, _, _) => (geo_txt(log.photos()).into_bytes(), placed),
        (_, PhotoFormat::Csv, _) => (csv(log).into_bytes(), log.len()),
        (_, PhotoFormat::Kml, _) => (kml(log).into_bytes(), placed),
        (_, PhotoFormat::Kmz, _) => (
            crate::log::export::kmz(&kml(log)).map_err(|e| PhotoExportError::Zip(e.to_string()))?,
            placed,
        ),
        (_, PhotoFormat::Gpx, _) => (gpx(log).into_bytes(), placed),
        _ => (points_geojson(log).into_bytes(), placed),
    };
    Ok(PhotoExport {
        bytes,
        written,
        skipped,
    })
}

/// Message name of a source.
pub fn source_name(s: CameraSource) -> &'static str {
    match s {
        CameraSource::Feedback => "CAMERA_FEEDBACK",
        CameraSource::Trigger => "CAMERA_TRIGGER",
        CameraSource::ImageCaptured => "CAMERA_IMAGE_CAPTURED",
    }
}

fn position_kind(p: &Photo) -> &'static str {
    match (p.lat_lon, p.position_interpolated) {
        (None, _) => "none",
        (Some(_), true) => "interpolated",
        (Some(_), false) => "reported",
    }
}

fn opt(v: Option<f64>, digits: usize) -> String {
    v.map_or(String::new(), |x| format!("{x:.digits$}"))
}

/// The OpenDroneMap geo.txt list of `photos` (those with a position), under their names.
pub fn geo_txt<'a>(photos: impl Iterator<Item = &'a Photo>) -> String {
    let mut s = String::from("EPSG:4326\n");
    for p in photos {
        let (Some(ll), Some(alt)) = (p.lat_lon, p.alt_amsl_m) else {
            continue;
        };
        let _ = write!(
            s,
            "{} {:.8} {:.8} {:.3}",
            p.name, ll.lon_deg, ll.lat_deg, alt
        );
        if let Some([roll, pitch, yaw]) = p.attitude_deg {
            let _ = write!(s, " {yaw:.2} {pitch:.2} {roll:.2}");
        }
        s.push('\n');
    }
    s
}

fn csv(log: &TriggerLog) -> String {
    let mut s = String::from(
        "time_utc,time_unix_s,sysid,compid,number,image_name,image_index,lat_deg,lon_deg,alt_amsl_m,alt_rel_m,roll_deg,pitch_deg,yaw_deg,source,position\n",
    );
    for p in log.photos() {
        let att = p.attitude_deg;
        let _ = writeln!(
            s,
            "{},{:.6},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            iso8601(p.t_us),
            p.t_us as f64 / 1e6,
            p.sysid,
            p.compid,
            p.number,
            p.name,
            p.image_index.map_or(String::new(), |i| i.to_string()),
            opt(p.lat_lon.map(|l| l.lat_deg), 7),
            opt(p.lat_lon.map(|l| l.lon_deg), 7),
            opt(p.alt_amsl_m, 2),
            opt(p.alt_rel_m, 2),
            opt(att.map(|a| a[0]), 2),
            opt(att.map(|a| a[1]), 2),
            opt(att.map(|a| a[2]), 2),
            source_name(p.source),
            position_kind(p)
        );
    }
    s
}

fn kml(log: &TriggerLog) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\">\n<Document>\n  <name>Steppe photos</name>\n  <Style id=\"photo\"><IconStyle><Icon><href>http://maps.google.com/mapfiles/kml/shapes/camera.png</href></Icon></IconStyle></Style>\n",
    );
    for v in &log.vehicles {
        let _ = write!(
            s,
            "  <Folder>\n    <name>Vehicle {} photos</name>\n",
            v.sysid
        );
        for p in &v.photos {
            let (Some(ll), Some(alt)) = (p.lat_lon, p.alt_amsl_m) else {
                continue;
            };
            let _ = write!(
                s,
                "    <Placemark>\n      <name>{}</name>\n      <TimeStamp><when>{}</when></TimeStamp>\n      <styleUrl>#photo</styleUrl>\n      <ExtendedData>\n",
                escape(&p.name),
                iso8601(p.t_us)
            );
            let mut data = vec![
                ("number", p.number.to_string()),
                ("source", source_name(p.source).to_owned()),
                ("position", position_kind(p).to_owned()),
                ("alt_rel_m", opt(p.alt_rel_m, 2)),
            ];
            if let Some([r, pi, y]) = p.attitude_deg {
                data.extend([
                    ("roll_deg", format!("{r:.2}")),
                    ("pitch_deg", format!("{pi:.2}")),
                    ("yaw_deg", format!("{y:.2}")),
                ]);
            }
            for (k, val) in data {
                let _ = writeln!(
                    s,
                    "        <Data name=\"{k}\"><value>{}</value></Data>",
                    escape(&val)
                );
            }
            let _ = write!(
                s,
                "      </ExtendedData>\n      <Point>\n        <altitudeMode>absolute</altitudeMode>\n        <coordinates>{:.7},{:.7},{:.2}</coordinates>\n      </Point>\n    </Placemark>\n",
                ll.lon_deg, ll.lat_deg, alt
            );
        }
        s.push_str("  </Folder>\n");
    }
    s.push_str("</Document>\n</kml>\n");
    s
}

fn gpx(log: &TriggerLog) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gpx version=\"1.1\" creator=\"Steppe\" xmlns=\"http://www.topografix.com/GPX/1/1\">\n",
    );
    for p in log.photos() {
        let Some(ll) = p.lat_lon else { continue };
        let _ = write!(
            s,
            "  <wpt lat=\"{:.7}\" lon=\"{:.7}\">",
            ll.lat_deg, ll.lon_deg
        );
        if let Some(alt) = p.alt_amsl_m {
            let _ = write!(s, "<ele>{alt:.2}</ele>");
        }
        let _ = writeln!(
            s,
            "<time>{}</time><name>{}</name><desc>vehicle {}, photo {}, {}</desc><type>photo</type></wpt>",
            iso8601(p.t_us),
            escape(&p.name),
            p.sysid,
            p.number,
            source_name(p.source)
        );
    }
    s.push_str("</gpx>\n");
    s
}

/// `v` rounded to centimetres / centidegrees (f32 message fields print long tails otherwise).
fn r2(v: Option<f64>) -> Option<f64> {
    v.map(|x| (x * 100.0).round() / 100.0)
}

fn properties(p: &Photo) -> serde_json::Value {
    serde_json::json!({
        "name": p.name,
        "sysid": p.sysid,
        "compid": p.compid,
        "number": p.number,
        "image_index": p.image_index,
        "time": iso8601(p.t_us),
        "alt_amsl_m": r2(p.alt_amsl_m),
        "alt_rel_m": r2(p.alt_rel_m),
        "roll_deg": r2(p.attitude_deg.map(|a| a[0])),
        "pitch_deg": r2(p.attitude_deg.map(|a| a[1])),
        "yaw_deg": r2(p.attitude_deg.map(|a| a[2])),
        "source": source_name(p.source),
        "position": position_kind(p),
    })
}

fn collection(features: Vec<serde_json::Value>) -> String {
    let fc = serde_json::json!({"type": "FeatureCollection", "features": features});
    format!("{fc}\n")
}

fn points_geojson(log: &TriggerLog) -> String {
    let features = log
        .photos()
        .filter_map(|p| {
            let ll = p.lat_lon?;
            let mut coords = vec![ll.lon_deg, ll.lat_deg];
            coords.extend(p.alt_amsl_m);
            Some(serde_json::json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": coords},
                "properties": properties(p),
            }))
        })
        .collect();
    collection(features)
}

fn footprints(
    log: &TriggerLog,
    fp: &FootprintOptions,
    skipped: &mut Vec<String>,
) -> Result<(Vec<u8>, usize), PhotoExportError> {
    let mut features = Vec::new();
    let before = skipped.len();
    for p in log.photos() {
        let Some(ll) = p.lat_lon else { continue };
        let Some(height_m) = p.alt_rel_m else {
            skipped.push(format!("{}: no altitude above home", p.name));
            continue;
        };
        let Some([roll, pitch, yaw]) = p.attitude_deg else {
            skipped.push(format!("{}: no attitude", p.name));
            continue;
        };
        let att = if fp.gimbal {
            [0.0, 0.0, yaw]
        } else {
            [roll, pitch, yaw]
        };
        match footprint(&fp.camera, fp.orientation, ll, height_m, att) {
            Ok(f) => {
                let mut ring: Vec<[f64; 2]> =
                    f.corners.iter().map(|c| [c.lon_deg, c.lat_deg]).collect();
                // RFC 7946: exterior rings counter-clockwise, first point repeated at the end.
                ring.reverse();
                if let Some(&first) = ring.first() {
                    ring.push(first);
                }
                let mut props = properties(p);
                props["camera"] = serde_json::json!(fp.camera.name);
                props["center"] = serde_json::json!([f.center.lon_deg, f.center.lat_deg]);
                features.push(serde_json::json!({
                    "type": "Feature",
                    "geometry": {"type": "Polygon", "coordinates": [ring]},
                    "properties": props,
                }));
            }
            Err(e) => skipped.push(format!("{}: {e}", p.name)),
        }
    }
    if features.is_empty() {
        let why = skipped.get(before).cloned().unwrap_or_default();
        return Err(PhotoExportError::NoFootprint(why));
    }
    let n = features.len();
    Ok((collection(features).into_bytes(), n))
}

#[cfg(test)]
#[path = "export_triggers_tests.rs"]
mod tests;
