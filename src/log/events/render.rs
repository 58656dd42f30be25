//! Text and JSON renderings of a [`FlightLog`] (`steppe tlog events`) and of flight segments
//! (also used by `steppe tlog info`).

use super::{BatteryUse, FlightLog, FlightSegment, VehicleFlights};
use crate::log::info::{human_duration, iso8601, jnum, js};
use std::fmt::{self, Display, Write as _};

/// Time since the start of the log as `m:ss.s` (`3:07.2`) or `h:mm:ss.s` (`1:02:03.0`).
pub fn relative_time(t_us: u64, first_t_us: u64) -> String {
    let us = t_us.saturating_sub(first_t_us);
    let tenths = us / 100_000;
    let (h, m, s, d) = (
        tenths / 36_000,
        tenths / 600 % 60,
        tenths / 10 % 60,
        tenths % 10,
    );
    if h > 0 {
        format!("{h}:{m:02}:{s:02}.{d}")
    } else {
        format!("{m}:{s:02}.{d}")
    }
}

fn opt(v: Option<f64>, unit: &str, decimals: usize) -> String {
    v.map_or_else(|| "-".to_owned(), |x| format!("{x:.decimals$} {unit}"))
}

fn battery_text(b: &BatteryUse) -> String {
    let mut parts = Vec::new();
    if let Some(mah) = b.used_mah {
        parts.push(format!("{mah:.0} mAh"));
    }
    if let (Some(a), Some(z)) = (b.voltage_start_v, b.voltage_end_v) {
        parts.push(format!("{a:.2} V -> {z:.2} V"));
    }
    if let (Some(a), Some(z)) = (b.remaining_start_pct, b.remaining_end_pct) {
        parts.push(format!("{a:.0} % -> {z:.0} %"));
    }
    if parts.is_empty() {
        "-".to_owned()
    } else {
        parts.join(", ")
    }
}

fn segment_line(s: &FlightSegment, first_t_us: u64) -> String {
    let end = match s.landing_t_us {
        Some(t) => relative_time(t, first_t_us),
        None => "(still flying at the end)".to_owned(),
    };
    let start = if s.in_air_at_start {
        "(in the air at the start)".to_owned()
    } else {
        relative_time(s.takeoff_t_us, first_t_us)
    };
    format!(
        "{start} -> {end}  {}, max alt {}, max speed {}, max from home {}, flown {:.2} km, \
         {} photos, battery {}",
        human_duration(s.duration_us()),
        opt(s.max_alt_rel_m, "m", 1),
        opt(s.max_ground_speed_mps, "m/s", 1),
        opt(s.max_home_distance_m, "m", 0),
        s.distance_m / 1000.0,
        s.photos,
        battery_text(&s.battery)
    )
}

/// Writes the flights and totals of each vehicle (times relative to `first_t_us`).
pub fn write_flights(
    f: &mut impl fmt::Write,
    vehicles: &[VehicleFlights],
    first_t_us: u64,
) -> fmt::Result {
    for v in vehicles {
        let t = &v.totals;
        writeln!(
            f,
            "  {:<9} {} flight{}, {} in the air, max alt {}, max speed {}, max from home {}, \
             flown {:.2} km, {} photos, battery {}",
            v.vehicle.to_string(),
            t.flights,
            if t.flights == 1 { "" } else { "s" },
            human_duration(t.flight_time_us),
            opt(t.max_alt_rel_m, "m", 1),
            opt(t.max_ground_speed_mps, "m/s", 1),
            opt(t.max_home_distance_m, "m", 0),
            t.distance_m / 1000.0,
            t.photos,
            battery_text(&t.battery)
        )?;
        for (i, s) in v.segments.iter().enumerate() {
            writeln!(f, "    #{:<3} {}", i + 1, segment_line(s, first_t_us))?;
        }
    }
    Ok(())
}

impl Display for FlightLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let first = self.first_t_us.unwrap_or(0);
        if let Some(t) = self.first_t_us {
            writeln!(f, "Log start {} (times below are relative)", iso8601(t))?;
        }
        writeln!(f, "\nEvents ({})", self.events.len())?;
        for e in &self.events {
            writeln!(
                f,
                "  {:>10}  {:<7} {:<20} {}",
                relative_time(e.t_us, first),
                e.vehicle.to_string(),
                e.kind.name(),
                e.text
            )?;
        }
        if !self.vehicles.is_empty() {
            writeln!(f, "\nFlights")?;
            write_flights(f, &self.vehicles, first)?;
        }
        Ok(())
    }
}

fn battery_json(b: &BatteryUse) -> String {
    format!(
        "{{\"used_mah\":{},\"voltage_start_v\":{},\"voltage_end_v\":{},\
         \"remaining_start_pct\":{},\"remaining_end_pct\":{}}}",
        jnum(b.used_mah),
        jnum(b.voltage_start_v),
        jnum(b.voltage_end_v),
        jnum(b.remaining_start_pct),
        jnum(b.remaining_end_pct)
    )
}

fn secs(us: u64) -> f64 {
    us as f64 / 1e6
}

/// The flights of each vehicle as a JSON array (times as ISO 8601 and seconds from
/// `first_t_us`).
pub fn flights_json(vehicles: &[VehicleFlights], first_t_us: u64) -> String {
    let mut out = String::from("[");
    for (i, v) in vehicles.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let t = &v.totals;
        let _ = write!(
            out,
            "{{\"sysid\":{},\"compid\":{},\"totals\":{{\"flights\":{},\"flight_s\":{},\
             \"max_alt_rel_m\":{},\"max_ground_speed_mps\":{},\"max_home_distance_m\":{},\
             \"distance_m\":{},\"photos\":{},\"battery\":{}}},\"segments\":[",
            v.vehicle.sysid,
            v.vehicle.compid,
            t.flights,
            secs(t.flight_time_us),
            jnum(t.max_alt_rel_m),
            jnum(t.max_ground_speed_mps),
            jnum(t.max_home_distance_m),
            jnum(Some(t.distance_m)),
            t.photos,
            battery_json(&t.battery)
        );
        for (j, s) in v.segments.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            let (landing, landing_s) = match s.landing_t_us {
                Some(l) => (
                    js(&iso8601(l)),
                    secs(l.saturating_sub(first_t_us)).to_string(),
                ),
                None => ("null".to_owned(), "null".to_owned()),
            };
            let _ = write!(
                out,
                "{{\"takeoff\":{},\"takeoff_s\":{},\"landing\":{landing},\"landing_s\":{landing_s},\"duration_s\":{},\
                 \"in_air_at_start\":{},\"max_alt_rel_m\":{},\"max_ground_speed_mps\":{},\
                 \"max_home_distance_m\":{},\"distance_m\":{},\"photos\":{},\"battery\":{}}}",
                js(&iso8601(s.takeoff_t_us)),
                secs(s.takeoff_t_us.saturating_sub(first_t_us)),
                secs(s.duration_us()),
                s.in_air_at_start,
                jnum(s.max_alt_rel_m),
                jnum(s.max_ground_speed_mps),
                jnum(s.max_home_distance_m),
                jnum(Some(s.distance_m)),
                s.photos,
                battery_json(&s.battery)
            );
        }
        out.push_str("]}");
    }
    out.push(']');
    out
}

/// The whole log as one JSON object: `first_time`, `events` (time, seconds from the start,
/// vehicle, kind, text) and `flights` (see [`flights_json`]).
pub fn flight_log_json(log: &FlightLog) -> String {
    let first = log.first_t_us.unwrap_or(0);
    let mut events = String::from("[");
    for (i, e) in log.events.iter().enumerate() {
        if i > 0 {
            events.push(',');
        }
        let _ = write!(
            events,
            "{{\"time\":{},\"t_s\":{},\"sysid\":{},\"compid\":{},\"kind\":{},\"text\":{}}}",
            js(&iso8601(e.t_us)),
            secs(e.t_us.saturating_sub(first)),
            e.vehicle.sysid,
            e.vehicle.compid,
            js(e.kind.name()),
            js(&e.text)
        );
    }
    events.push(']');
    let first_time = log
        .first_t_us
        .map_or_else(|| "null".to_owned(), |t| js(&iso8601(t)));
    format!(
        "{{\"first_time\":{first_time},\"events\":{events},\"flights\":{}}}",
        flights_json(&log.vehicles, first)
    )
}
