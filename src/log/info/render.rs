//! Text and JSON renderings of a [`TlogInfo`]: aligned text for an operator's terminal, JSON
//! (hand-written, no serde) for scripts.

use super::{ComponentInfo, MAV_AUTOPILOT_INVALID, TlogInfo, VehicleInfo};
use std::fmt::{self, Display, Write as _};

/// Human name of a `MAV_TYPE`.
pub fn mav_type_name(t: u8) -> String {
    const NAMES: [&str; 50] = [
        "generic",
        "fixed wing",
        "quadrotor",
        "coaxial",
        "helicopter",
        "antenna tracker",
        "GCS",
        "airship",
        "free balloon",
        "rocket",
        "ground rover",
        "surface boat",
        "submarine",
        "hexarotor",
        "octorotor",
        "tricopter",
        "flapping wing",
        "kite",
        "onboard controller",
        "VTOL tailsitter duorotor",
        "VTOL tailsitter quadrotor",
        "VTOL tiltrotor",
        "VTOL fixed rotor",
        "VTOL tailsitter",
        "VTOL tiltwing",
        "VTOL reserved 5",
        "gimbal",
        "ADS-B",
        "parafoil",
        "dodecarotor",
        "camera",
        "charging station",
        "FLARM",
        "servo",
        "Open Drone ID",
        "decarotor",
        "battery",
        "parachute",
        "log",
        "OSD",
        "IMU",
        "GPS",
        "winch",
        "generic multirotor",
        "illuminator",
        "spacecraft orbiter",
        "ground quadruped",
        "VTOL gyrodyne",
        "gripper",
        "radio",
    ];
    NAMES
        .get(usize::from(t))
        .map_or_else(|| format!("type {t}"), |s| (*s).to_owned())
}

/// Human name of a `MAV_AUTOPILOT`.
pub fn autopilot_name(a: u8) -> String {
    match a {
        3 => "ArduPilot".to_owned(),
        12 => "PX4".to_owned(),
        MAV_AUTOPILOT_INVALID => "none".to_owned(),
        other => format!("autopilot {other}"),
    }
}

/// ISO 8601 UTC with milliseconds, e.g. `2026-11-26T15:43:29.166Z`.
pub fn iso8601(t_us: u64) -> String {
    i64::try_from(t_us)
        .ok()
        .and_then(chrono::DateTime::from_timestamp_micros)
        .map_or_else(
            || format!("{t_us} us"),
            |d| d.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        )
}

/// A duration for people: `47.0 s`, `3 min 23.7 s`, `1 h 02 min 03 s`.
pub fn human_duration(us: u64) -> String {
    let s = us as f64 / 1e6;
    if s < 60.0 {
        format!("{s:.1} s")
    } else if s < 3600.0 {
        let m = (s / 60.0).floor();
        format!("{m:.0} min {:.1} s", s - m * 60.0)
    } else {
        let total = us / 1_000_000;
        format!(
            "{} h {:02} min {:02} s",
            total / 3600,
            total / 60 % 60,
            total % 60
        )
    }
}

fn opt_time(t: Option<u64>) -> String {
    t.map_or_else(|| "-".to_owned(), iso8601)
}

fn component_line(c: &ComponentInfo) -> String {
    let heard = match (c.first_heard_t_us, c.last_heard_t_us) {
        (Some(a), Some(b)) => format!(
            ", heard {} .. {} ({})",
            iso8601(a),
            iso8601(b),
            human_duration(b.saturating_sub(a))
        ),
        _ => String::new(),
    };
    format!("{} frames, {} heartbeats{heard}", c.frames, c.heartbeats)
}

fn write_vehicle(f: &mut fmt::Formatter<'_>, v: &VehicleInfo) -> fmt::Result {
    let c = &v.component;
    let id = format!("{}/{}", c.sysid, c.compid);
    writeln!(
        f,
        "  {id:<9} {} {} (type {}, autopilot {})",
        autopilot_name(c.autopilot),
        mav_type_name(c.mav_type),
        c.mav_type,
        c.autopilot
    )?;
    writeln!(f, "    {:<12} {}", "traffic", component_line(c))?;
    writeln!(f, "    {:<12} {}", "armed", human_duration(v.armed_us))?;
    let km = v.distance_m / 1000.0;
    writeln!(f, "    {:<12} {km:.2} km while armed", "distance")?;
    let alt = v
        .max_alt_rel_m
        .map_or("-".to_owned(), |a| format!("{a:.1} m above home"));
    writeln!(f, "    {:<12} {alt}", "max alt")?;
    let gs = v
        .max_ground_speed_mps
        .map_or("-".to_owned(), |s| format!("{s:.1} m/s ground"));
    writeln!(f, "    {:<12} {gs}", "max speed")?;
    let (ap, class) = (
        crate::vehicle::Autopilot::from_mav_autopilot(v.component.autopilot),
        crate::vehicle::VehicleClass::from_mav_type(v.component.mav_type),
    );
    let modes: Vec<String> = v
        .custom_modes
        .iter()
        .map(|m| {
            crate::vehicle::mode_name(ap, class, *m, crate::vehicle::MODE_FLAG_CUSTOM_MODE_ENABLED)
        })
        .collect();
    writeln!(f, "    {:<12} {}", "modes seen", modes.join(", "))
}

fn write_components(
    f: &mut fmt::Formatter<'_>,
    title: &str,
    list: &[ComponentInfo],
) -> fmt::Result {
    if list.is_empty() {
        return Ok(());
    }
    writeln!(f, "\n{title} ({})", list.len())?;
    for c in list {
        let id = format!("{}/{}", c.sysid, c.compid);
        writeln!(
            f,
            "  {id:<9} {}: {}",
            mav_type_name(c.mav_type),
            component_line(c)
        )?;
    }
    Ok(())
}

impl Display for TlogInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.stats;
        writeln!(
            f,
            "{:<14} {} ({} bytes)",
            "Records", s.records, self.file_bytes
        )?;
        writeln!(f, "{:<14} {}", "Start", opt_time(self.first_t_us))?;
        writeln!(f, "{:<14} {}", "End", opt_time(self.last_t_us))?;
        let dur = self.duration_us().map_or("-".to_owned(), human_duration);
        writeln!(f, "{:<14} {dur}", "Duration")?;
        if let Some(g) = self.longest_gap {
            writeln!(
                f,
                "{:<14} {} after {}",
                "Longest gap",
                human_duration(g.gap_us),
                iso8601(g.after_t_us)
            )?;
        }
        if self.backward_steps > 0 {
            writeln!(
                f,
                "{:<14} {} steps back in time",
                "Clock", self.backward_steps
            )?;
        }
        writeln!(f, "Reader")?;
        let rows = [
            ("bad bytes skipped", s.bad_bytes),
            ("CRC errors", s.crc_errors),
            ("unknown message ids", s.unknown_frames),
            ("MAVLink 1 frames", s.v1_frames),
            ("signed frames", s.signed_frames),
            ("little-endian times", s.little_endian_timestamps),
            ("implausible times", s.implausible_timestamps),
            ("truncated tail bytes", s.truncated_tail_bytes),
        ];
        for (name, n) in rows {
            writeln!(f, "  {name:<22} {n:>9}")?;
        }
        if !self.vehicles.is_empty() {
            writeln!(f, "\nVehicles ({})", self.vehicles.len())?;
            for v in &self.vehicles {
                write_vehicle(f, v)?;
            }
        }
        if !self.flights.is_empty() {
            writeln!(f, "\nFlights (times from the start of the log)")?;
            crate::log::events::write_flights(f, &self.flights, self.first_t_us.unwrap_or(0))?;
        }
        write_components(f, "Ground stations", &self.ground_stations)?;
        write_components(f, "Other components", &self.other_components)?;
        writeln!(f, "\nMessages ({} types)", self.message_counts.len())?;
        let width = self
            .message_counts
            .first()
            .map_or(1, |m| m.count.to_string().len());
        for m in &self.message_counts {
            writeln!(f, "  {:>width$}  {}", m.count, m.name)?;
        }
        Ok(())
    }
}

/// A JSON string literal.
pub(crate) fn js(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON number, `null` when absent or not finite.
pub(crate) fn jnum(v: Option<f64>) -> String {
    match v {
        Some(x) if x.is_finite() => format!("{x}"),
        _ => "null".to_owned(),
    }
}

fn jtime(t: Option<u64>) -> String {
    t.map_or_else(|| "null".to_owned(), |t| js(&iso8601(t)))
}

fn jcomponent(c: &ComponentInfo) -> String {
    format!(
        "\"sysid\":{},\"compid\":{},\"type\":{},\"type_name\":{},\"autopilot\":{},\
         \"autopilot_name\":{},\"heartbeats\":{},\"frames\":{},\"first_heard\":{},\"last_heard\":{}",
        c.sysid,
        c.compid,
        c.mav_type,
        js(&mav_type_name(c.mav_type)),
        c.autopilot,
        js(&autopilot_name(c.autopilot)),
        c.heartbeats,
        c.frames,
        jtime(c.first_heard_t_us),
        jtime(c.last_heard_t_us)
    )
}

fn jlist<T>(items: &[T], f: impl Fn(&T) -> String) -> String {
    let parts: Vec<String> = items.iter().map(f).collect();
    format!("[{}]", parts.join(","))
}

impl TlogInfo {
    /// The summary as one JSON object (times as ISO 8601 strings, durations in seconds).
    pub fn to_json(&self) -> String {
        let s = &self.stats;
        let secs = |us: u64| us as f64 / 1e6;
        let gap = self.longest_gap.map_or("null".to_owned(), |g| {
            format!(
                "{{\"after\":{},\"seconds\":{}}}",
                js(&iso8601(g.after_t_us)),
                secs(g.gap_us)
            )
        });
        let vehicles = jlist(&self.vehicles, |v| {
            let modes: Vec<String> = v.custom_modes.iter().map(u32::to_string).collect();
            format!(
                "{{{},\"armed_s\":{},\"distance_m\":{},\"max_alt_rel_m\":{},\
                 \"max_ground_speed_mps\":{},\"custom_modes\":[{}]}}",
                jcomponent(&v.component),
                secs(v.armed_us),
                jnum(Some(v.distance_m)),
                jnum(v.max_alt_rel_m),
                jnum(v.max_ground_speed_mps),
                modes.join(",")
            )
        });
        let comp = |c: &ComponentInfo| format!("{{{}}}", jcomponent(c));
        let messages = jlist(&self.message_counts, |m| {
            format!(
                "{{\"id\":{},\"name\":{},\"count\":{}}}",
                m.msgid,
                js(&m.name),
                m.count
            )
        });
        format!(
            "{{\"file_bytes\":{},\"records\":{},\"first_time\":{},\"last_time\":{},\
             \"duration_s\":{},\"longest_gap\":{gap},\"backward_steps\":{},\
             \"reader\":{{\"bad_bytes\":{},\"crc_errors\":{},\"unknown_frames\":{},\
             \"v1_frames\":{},\"signed_frames\":{},\"little_endian_timestamps\":{},\
             \"implausible_timestamps\":{},\"truncated_tail_bytes\":{}}},\
             \"vehicles\":{vehicles},\"flights\":{},\"ground_stations\":{},\
             \"other_components\":{},\"messages\":{messages}}}",
            self.file_bytes,
            s.records,
            jtime(self.first_t_us),
            jtime(self.last_t_us),
            jnum(self.duration_us().map(secs)),
            self.backward_steps,
            s.bad_bytes,
            s.crc_errors,
            s.unknown_frames,
            s.v1_frames,
            s.signed_frames,
            s.little_endian_timestamps,
            s.implausible_timestamps,
            s.truncated_tail_bytes,
            crate::log::events::flights_json(&self.flights, self.first_t_us.unwrap_or(0)),
            jlist(&self.ground_stations, comp),
            jlist(&self.other_components, comp),
        )
    }
}
