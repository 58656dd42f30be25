//! Numbers as the operator reads them, in the chosen units.

use super::settings::Units;

/// Metres per foot.
const M_PER_FT: f64 = 0.3048;
/// Metres per second per knot.
const MPS_PER_KN: f64 = 0.514_444;

/// An altitude or short distance: "123 m" / "404 ft".
pub fn alt(units: Units, m: f64) -> String {
    match units {
        Units::Metric => format!("{m:.1} m"),
        Units::Imperial => format!("{:.0} ft", m / M_PER_FT),
    }
}

/// A distance: "850 m", "2.35 km" / "2789 ft", "1.46 mi".
pub fn dist(units: Units, m: f64) -> String {
    match units {
        Units::Metric if m.abs() < 1000.0 => format!("{m:.0} m"),
        Units::Metric => format!("{:.2} km", m / 1000.0),
        Units::Imperial if m.abs() < 1609.344 => format!("{:.0} ft", m / M_PER_FT),
        Units::Imperial => format!("{:.2} mi", m / 1609.344),
    }
}

/// A speed: "8.0 m/s" / "15.6 kn".
pub fn speed(units: Units, mps: f64) -> String {
    match units {
        Units::Metric => format!("{mps:.1} m/s"),
        Units::Imperial => format!("{:.1} kn", mps / MPS_PER_KN),
    }
}

/// A duration: "7:05" or "1:02:03".
pub fn duration(us: u64) -> String {
    let s = us / 1_000_000;
    let (h, m, s) = (s / 3600, (s / 60) % 60, s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// Local wall-clock time of day: "14:03:27".
pub fn clock(t_us: u64) -> String {
    use chrono::TimeZone as _;
    let secs = i64::try_from(t_us / 1_000_000).unwrap_or(0);
    match chrono::Local.timestamp_opt(secs, 0).single() {
        Some(t) => t.format("%H:%M:%S").to_string(),
        None => "--:--:--".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units() {
        assert_eq!(alt(Units::Metric, 40.04), "40.0 m");
        assert_eq!(alt(Units::Imperial, 30.48), "100 ft");
        assert_eq!(dist(Units::Metric, 999.0), "999 m");
        assert_eq!(dist(Units::Metric, 2350.0), "2.35 km");
        assert_eq!(speed(Units::Imperial, 5.14444), "10.0 kn");
        assert_eq!(duration(425_000_000), "7:05");
        assert_eq!(duration(3_723_000_000), "1:02:03");
    }
}
