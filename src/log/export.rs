//! Track exports for mapping tools: KML/KMZ (one path per vehicle and flight mode, absolute
//! altitude, opens in Google Earth), GPX 1.1 (one track per vehicle; valid against the
//! official schema), GeoJSON (a LineString feature per vehicle and mode) and CSV (one row per
//! point with time, position, altitudes, speed, heading, attitude and mode).

use crate::formats::kml_write::escape;
use crate::log::info::iso8601;
use crate::log::track::{TrackPoint, VehicleTrack};
use std::fmt::Write as _;

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackFormat {
    /// KML 2.2.
    Kml,
    /// KML zipped as `doc.kml`.
    Kmz,
    /// GPX 1.1.
    Gpx,
    /// GeoJSON (RFC 7946).
    GeoJson,
    /// Comma-separated values with a header row.
    Csv,
}

/// Why an export could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The log holds no positions (for the vehicle and time range asked).
    #[error("no GLOBAL_POSITION_INT positions in the log for the vehicle and time range asked")]
    Empty,
    /// The KMZ archive could not be built.
    #[error("cannot build the KMZ archive: {0}")]
    Zip(String),
}

fn vehicle_name(t: &VehicleTrack) -> String {
    format!("Vehicle {}", t.id.sysid)
}

/// Runs of consecutive points flown in the same mode (each run shares its first point with
/// the previous run's last, so the path has no gaps).
fn mode_runs(points: &[TrackPoint]) -> Vec<(&str, &[TrackPoint])> {
    let mut runs = Vec::new();
    let mut start = 0;
    for i in 1..=points.len() {
        let ended = match (points.get(i), points.get(start)) {
            (Some(p), Some(s)) => p.mode != s.mode,
            _ => true,
        };
        if ended {
            let from = start.saturating_sub(usize::from(start > 0));
            if let (Some(run), Some(first)) = (points.get(from..i), points.get(start)) {
                runs.push((first.mode.as_str(), run));
            }
            start = i;
        }
    }
    runs
}

/// The tracks as a file in `format`.
pub fn export(tracks: &[VehicleTrack], format: TrackFormat) -> Result<Vec<u8>, ExportError> {
    if tracks.iter().all(|t| t.points.is_empty()) {
        return Err(ExportError::Empty);
    }
    Ok(match format {
        TrackFormat::Kml => kml(tracks).into_bytes(),
        TrackFormat::Kmz => kmz(&kml(tracks))?,
        TrackFormat::Gpx => gpx(tracks).into_bytes(),
        TrackFormat::GeoJson => geojson(tracks).into_bytes(),
        TrackFormat::Csv => csv(tracks).into_bytes(),
    })
}

const KML_COLOURS: [&str; 5] = ["ffdc5a00", "ff006ee6", "ffa000c8", "ff8c9600", "ff14508c"];

fn kml(tracks: &[VehicleTrack]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\">\n<Document>\n  <name>Steppe flight tracks</name>\n",
    );
    for (k, t) in tracks.iter().enumerate() {
        let colour = KML_COLOURS[k % KML_COLOURS.len()];
        let _ = write!(
            s,
            "  <Style id=\"v{}\"><LineStyle><color>{colour}</color><width>3</width></LineStyle></Style>\n  <Folder>\n    <name>{}</name>\n",
            t.id.sysid,
            escape(&vehicle_name(t))
        );
        for (mode, run) in mode_runs(&t.points) {
            let mode = if mode.is_empty() {
                "unknown mode"
            } else {
                mode
            };
            let (Some(a), Some(b)) = (run.first(), run.last()) else {
                continue;
            };
            let _ = write!(
                s,
                "    <Placemark>\n      <name>{}</name>\n      <TimeSpan><begin>{}</begin><end>{}</end></TimeSpan>\n      <styleUrl>#v{}</styleUrl>\n      <LineString>\n        <altitudeMode>absolute</altitudeMode>\n        <coordinates>",
                escape(mode),
                iso8601(a.t_us),
                iso8601(b.t_us),
                t.id.sysid
            );
            for p in run {
                let _ = write!(
                    s,
                    "{:.7},{:.7},{:.2} ",
                    p.lat_lon.lon_deg, p.lat_lon.lat_deg, p.alt_amsl_m
                );
            }
            s.push_str("</coordinates>\n      </LineString>\n    </Placemark>\n");
        }
        s.push_str("  </Folder>\n");
    }
    s.push_str("</Document>\n</kml>\n");
    s
}

/// `kml` zipped as `doc.kml` (a KMZ file).
pub(crate) fn kmz(kml: &str) -> Result<Vec<u8>, ExportError> {
    use std::io::Write as _;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    w.start_file("doc.kml", opts)
        .map_err(|e| ExportError::Zip(e.to_string()))?;
    w.write_all(kml.as_bytes())
        .map_err(|e| ExportError::Zip(e.to_string()))?;
    let cursor = w.finish().map_err(|e| ExportError::Zip(e.to_string()))?;
    Ok(cursor.into_inner())
}

fn gpx(tracks: &[VehicleTrack]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gpx version=\"1.1\" creator=\"Steppe\" xmlns=\"http://www.topografix.com/GPX/1/1\">\n",
    );
    for t in tracks {
        let _ = write!(
            s,
            "  <trk>\n    <name>{}</name>\n    <trkseg>\n",
            escape(&vehicle_name(t))
        );
        for p in &t.points {
            let _ = writeln!(
                s,
                "      <trkpt lat=\"{:.7}\" lon=\"{:.7}\"><ele>{:.2}</ele><time>{}</time></trkpt>",
                p.lat_lon.lat_deg,
                p.lat_lon.lon_deg,
                p.alt_amsl_m,
                iso8601(p.t_us)
            );
        }
        s.push_str("    </trkseg>\n  </trk>\n");
    }
    s.push_str("</gpx>\n");
    s
}

fn geojson(tracks: &[VehicleTrack]) -> String {
    let mut features = Vec::new();
    for t in tracks {
        for (mode, run) in mode_runs(&t.points) {
            let coords: Vec<serde_json::Value> = run
                .iter()
                .map(|p| serde_json::json!([p.lat_lon.lon_deg, p.lat_lon.lat_deg, p.alt_amsl_m]))
                .collect();
            if coords.len() < 2 {
                continue;
            }
            let (Some(a), Some(b)) = (run.first(), run.last()) else {
                continue;
            };
            features.push(serde_json::json!({
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": coords},
                "properties": {
                    "sysid": t.id.sysid,
                    "compid": t.id.compid,
                    "mode": mode,
                    "begin": iso8601(a.t_us),
                    "end": iso8601(b.t_us),
                    "points": run.len(),
                },
            }));
        }
    }
    let fc = serde_json::json!({"type": "FeatureCollection", "features": features});
    format!("{fc}\n")
}

fn opt(v: Option<f64>, digits: usize) -> String {
    v.map_or(String::new(), |x| format!("{x:.digits$}"))
}

fn csv(tracks: &[VehicleTrack]) -> String {
    let mut s = String::from(
        "time_utc,time_unix_s,sysid,compid,lat_deg,lon_deg,alt_amsl_m,alt_rel_m,speed_mps,heading_deg,roll_deg,pitch_deg,yaw_deg,mode\n",
    );
    for t in tracks {
        for p in &t.points {
            let att = p.attitude_deg;
            let mode = if p.mode.contains([',', '"']) {
                format!("\"{}\"", p.mode.replace('"', "\"\""))
            } else {
                p.mode.clone()
            };
            let _ = writeln!(
                s,
                "{},{:.6},{},{},{:.7},{:.7},{:.2},{:.2},{:.2},{},{},{},{},{}",
                iso8601(p.t_us),
                p.t_us as f64 / 1e6,
                t.id.sysid,
                t.id.compid,
                p.lat_lon.lat_deg,
                p.lat_lon.lon_deg,
                p.alt_amsl_m,
                p.alt_rel_m,
                p.speed_mps,
                opt(p.heading_deg, 2),
                opt(att.map(|a| a[0]), 2),
                opt(att.map(|a| a[1]), 2),
                opt(att.map(|a| a[2]), 2),
                mode
            );
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::LatLon;
    use crate::vehicle::VehicleId;

    fn pt(i: u64, mode: &str) -> TrackPoint {
        TrackPoint {
            t_us: 1_700_000_000_000_000 + i * 100_000,
            lat_lon: LatLon::new(-35.0 + i as f64 * 1e-5, 149.0),
            alt_amsl_m: 600.0 + i as f64,
            alt_rel_m: i as f64,
            speed_mps: 5.0,
            heading_deg: Some(0.0),
            attitude_deg: Some([1.0, 2.0, 3.0]),
            mode: mode.to_owned(),
        }
    }

    #[test]
    fn mode_runs_join_up_and_cover_every_point() {
        let pts: Vec<_> = ["A", "A", "B", "B", "B", "A"]
            .iter()
            .enumerate()
            .map(|(i, m)| pt(i as u64, m))
            .collect();
        let runs = mode_runs(&pts);
        let names: Vec<&str> = runs.iter().map(|(m, _)| *m).collect();
        assert_eq!(names, ["A", "B", "A"]);
        assert_eq!(runs[0].1.len(), 2);
        assert_eq!(
            runs[1].1.len(),
            4,
            "starts at the previous run's last point"
        );
        assert_eq!(runs[2].1.len(), 2);
    }

    #[test]
    fn every_format_carries_every_point() {
        let t = VehicleTrack {
            id: VehicleId {
                sysid: 3,
                compid: 1,
            },
            points: (0..10)
                .map(|i| pt(i, if i < 5 { "AUTO" } else { "RTL" }))
                .collect(),
        };
        let ts = [t];
        let csv = String::from_utf8(export(&ts, TrackFormat::Csv).expect("csv")).expect("utf8");
        assert_eq!(csv.lines().count(), 11);
        let gpx = String::from_utf8(export(&ts, TrackFormat::Gpx).expect("gpx")).expect("utf8");
        assert_eq!(gpx.matches("<trkpt").count(), 10);
        let gj: serde_json::Value =
            serde_json::from_slice(&export(&ts, TrackFormat::GeoJson).expect("geojson"))
                .expect("json");
        assert_eq!(gj["features"].as_array().map(Vec::len), Some(2));
        let kmz = export(&ts, TrackFormat::Kmz).expect("kmz");
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(kmz)).expect("zip");
        assert!(z.by_name("doc.kml").is_ok());
        assert!(matches!(
            export(&[], TrackFormat::Kml),
            Err(ExportError::Empty)
        ));
    }
}
