//! MAVProxy's legacy fence (`lat lon` per line) and rally (`RALLY ...`) files, converted to
//! mission-protocol items the way pymavlink's loaders do. Old field laptops still have these
//! files; see the [`wpl`](super::wpl) module doc for the conversion rules.

use crate::formats::wpl::{WplError, WplFile, WplFormat, lines};
use crate::plan::mission_item::{MissionItem, MissionType, cmd, frame};

const FENCE: &str = "fence (lat lon per line)";
const RALLY: &str = "rally (RALLY lines)";

/// True when `first_line` (the first non-comment line) is a legacy rally line.
pub(crate) fn is_legacy_rally(first_line: &str) -> bool {
    first_line
        .split_whitespace()
        .next()
        .is_some_and(|w| w.eq_ignore_ascii_case("RALLY"))
}

/// True when `first_line` is two numbers: a legacy fence point.
pub(crate) fn is_legacy_fence(first_line: &str) -> bool {
    let cols: Vec<&str> = first_line.split_whitespace().collect();
    cols.len() == 2
        && cols
            .iter()
            .all(|c| c.parse::<f64>().is_ok_and(f64::is_finite))
}

fn err(line: usize, kind: &'static str, reason: String) -> WplError {
    WplError::Legacy { line, kind, reason }
}

fn number(line: usize, kind: &'static str, what: &str, text: &str) -> Result<f64, WplError> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(err(
            line,
            kind,
            format!("expected {what} as a number, found '{text}'"),
        )),
    }
}

fn position(line: usize, kind: &'static str, lat: &str, lon: &str) -> Result<(f64, f64), WplError> {
    let lat_deg = number(line, kind, "a latitude", lat)?;
    let lon_deg = number(line, kind, "a longitude", lon)?;
    if !(-90.0..=90.0).contains(&lat_deg) || !(-180.0..=180.0).contains(&lon_deg) {
        return Err(err(
            line,
            kind,
            format!("position {lat} {lon} is outside -90..90 / -180..180 degrees"),
        ));
    }
    Ok((lat_deg, lon_deg))
}

fn global_item(command: u16, item_frame: u8, (lat_deg, lon_deg): (f64, f64)) -> MissionItem {
    let mut it = MissionItem {
        frame: item_frame,
        command,
        autocontinue: false,
        ..MissionItem::default()
    };
    it.set_param5_6(lat_deg, lon_deg);
    it
}

fn short_fence(line: usize, n: usize) -> WplError {
    err(
        line,
        FENCE,
        format!("{n} points, expected at least 5 (return point, 3 vertices, closing point)"),
    )
}

/// Reads a legacy fence file: return point, polygon vertices, closing point (= first vertex).
pub(crate) fn parse_fence(text: &str) -> Result<WplFile, WplError> {
    let mut points = Vec::new();
    let mut last_line = 0;
    for (line, l) in lines(text).filter(|(_, l)| !l.starts_with('#')) {
        let cols: Vec<&str> = l.split_whitespace().collect();
        let [lat, lon] = cols.as_slice() else {
            return Err(err(
                line,
                FENCE,
                format!("expected 2 columns (lat lon), found {}", cols.len()),
            ));
        };
        points.push((line, position(line, FENCE, lat, lon)?));
        last_line = line;
    }
    let [
        (_, ret),
        (first_vertex_line, first_vertex),
        ..,
        (closing_line, closing),
    ] = points.as_slice()
    else {
        return Err(short_fence(last_line, points.len()));
    };
    if points.len() < 5 {
        return Err(short_fence(last_line, points.len()));
    }
    if closing != first_vertex {
        return Err(err(
            *closing_line,
            FENCE,
            format!(
                "the last point does not repeat the first vertex (line {first_vertex_line}), so \
                 it is unclear whether it closes the polygon or is a vertex"
            ),
        ));
    }
    let vertices = points.get(1..points.len() - 1).unwrap_or(&[]);
    let mut items = vec![global_item(
        cmd::NAV_FENCE_RETURN_POINT,
        frame::GLOBAL,
        *ret,
    )];
    for &(_, p) in vertices {
        let mut it = global_item(cmd::NAV_FENCE_POLYGON_VERTEX_INCLUSION, frame::GLOBAL, p);
        it.params[0] = vertices.len() as f32;
        items.push(it);
    }
    Ok(WplFile {
        items,
        mission_type: MissionType::Fence,
        version: 0,
        format: WplFormat::MavproxyFence,
    })
}

/// Reads a legacy rally file: `RALLY lat lon alt break_alt land_dir flags` per line.
pub(crate) fn parse_rally(text: &str) -> Result<WplFile, WplError> {
    let mut items = Vec::new();
    for (line, l) in lines(text).filter(|(_, l)| !l.starts_with('#')) {
        let cols: Vec<&str> = l.split_whitespace().collect();
        let [word, lat, lon, alt, break_alt, land_dir, flags] = cols.as_slice() else {
            return Err(err(
                line,
                RALLY,
                format!(
                    "expected 7 columns (RALLY lat lon alt break_alt land_dir flags), found {}",
                    cols.len()
                ),
            ));
        };
        if !word.eq_ignore_ascii_case("RALLY") {
            return Err(err(
                line,
                RALLY,
                format!("expected a line starting with RALLY, found '{word}'"),
            ));
        }
        let mut it = global_item(
            cmd::NAV_RALLY_POINT,
            frame::GLOBAL_RELATIVE_ALT,
            position(line, RALLY, lat, lon)?,
        );
        it.z = number(line, RALLY, "an altitude (m)", alt)? as f32;
        // Checked so that a damaged line is an error, but not kept: see the module doc.
        number(line, RALLY, "a break altitude (m)", break_alt)?;
        number(line, RALLY, "a landing direction (deg)", land_dir)?;
        if flags.parse::<u8>().is_err() {
            return Err(err(
                line,
                RALLY,
                format!("expected flags as an integer 0-255, found '{flags}'"),
            ));
        }
        items.push(it);
    }
    Ok(WplFile {
        items,
        mission_type: MissionType::Rally,
        version: 0,
        format: WplFormat::MavproxyRally,
    })
}

#[cfg(test)]
mod tests {
    use crate::formats::wpl::{WplError, WplFormat, parse};
    use crate::plan::mission_item::{MissionType, cmd};

    #[test]
    fn fence_file_becomes_return_point_and_vertices() {
        let f = parse("-35.0\t149.0\n-35.1 149.1\n-35.2 149.1\n-35.2 149.2\n-35.1 149.1\n")
            .expect("parses");
        assert_eq!(f.format, WplFormat::MavproxyFence);
        assert_eq!(f.mission_type, MissionType::Fence);
        let cmds: Vec<u16> = f.items.iter().map(|i| i.command).collect();
        assert_eq!(cmds, [5000, 5001, 5001, 5001]);
        assert_eq!(f.items[1].params[0], 3.0);
        assert_eq!((f.items[3].x, f.items[3].y), (-352_000_000, 1_492_000_000));
    }

    #[test]
    fn unclosed_or_short_fence_is_an_error_naming_the_format() {
        let e =
            parse("-35.0 149.0\n-35.1 149.1\n-35.2 149.1\n-35.2 149.2\n-35.3 149.1\n").unwrap_err();
        assert!(matches!(e, WplError::Legacy { line: 5, .. }), "{e}");
        assert!(
            e.to_string()
                .contains("MAVProxy legacy fence (lat lon per line) file, not QGC WPL 110")
        );
        let e = parse("-35.0 149.0\n-35.1 149.1\n").unwrap_err();
        assert!(
            e.to_string().contains("2 points, expected at least 5"),
            "{e}"
        );
        let e = parse("-35.0 149.0\n-35.1 149.1 3\n").unwrap_err();
        assert!(matches!(e, WplError::Legacy { line: 2, .. }), "{e}");
    }

    #[test]
    fn rally_lines_become_rally_points() {
        let f =
            parse("RALLY 40.071553\t-105.229401\t25.5\t40.000000\t0.000000\t0\n").expect("parses");
        assert_eq!(f.format, WplFormat::MavproxyRally);
        assert_eq!(f.items[0].command, cmd::NAV_RALLY_POINT);
        assert_eq!((f.items[0].x, f.items[0].z), (400_715_530, 25.5));
        let e = parse("RALLY 40.0 -105.0 25 40 0\n").unwrap_err();
        assert!(e.to_string().contains("rally (RALLY lines)"), "{e}");
        let e = parse("RALLY 40.0 -105.0 25 40 0 x\n").unwrap_err();
        assert!(e.to_string().contains("found 'x'"), "{e}");
    }
}
