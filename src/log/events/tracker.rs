//! Per-vehicle takeoff/landing detection and flight segment figures (rules in the parent
//! module doc).

use super::{
    EventKind, FlightEvent, LANDED_ALT_M, LANDED_CLIMB_MPS, LANDED_HOLD_US, LANDED_SPEED_MPS,
    NEAR_GROUND_M, TAKEOFF_CLIMB_M,
};
use crate::geo::LatLon;
use crate::log::info::{MAX_STEP_SPEED_MPS, human_duration};
use crate::vehicle::{VehicleClass, VehicleId, VehicleState};

/// Longest interval over which a current reading is integrated, microseconds.
const CURRENT_INTERVAL_CAP_US: u64 = 5_000_000;
const MAV_LANDED_STATE_ON_GROUND: u8 = 1;

/// Battery use over a flight or a whole log.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct BatteryUse {
    /// Charge used, mAh: the change of BATTERY_STATUS `current_consumed` when the vehicle
    /// reports it, else the integral of the measured current (SYS_STATUS / BATTERY_STATUS).
    pub used_mah: Option<f64>,
    /// Pack voltage at the start, volts.
    pub voltage_start_v: Option<f64>,
    /// Pack voltage at the end, volts.
    pub voltage_end_v: Option<f64>,
    /// Remaining capacity at the start, percent.
    pub remaining_start_pct: Option<f64>,
    /// Remaining capacity at the end, percent.
    pub remaining_end_pct: Option<f64>,
}

/// One flight: takeoff to landing.
#[derive(Debug, Clone, PartialEq)]
pub struct FlightSegment {
    /// Vehicle.
    pub vehicle: VehicleId,
    /// Takeoff time, microseconds since the Unix epoch.
    pub takeoff_t_us: u64,
    /// Landing time; `None` when the log ends with the vehicle in the air.
    pub landing_t_us: Option<u64>,
    /// Landing time, or the vehicle's last record when it did not land.
    pub end_t_us: u64,
    /// True when the vehicle was already flying when the log starts.
    pub in_air_at_start: bool,
    /// Highest altitude above home (GLOBAL_POSITION_INT `relative_alt`), metres.
    pub max_alt_rel_m: Option<f64>,
    /// Highest horizontal speed (GLOBAL_POSITION_INT velocity), m/s.
    pub max_ground_speed_mps: Option<f64>,
    /// Farthest horizontal distance from home (HOME_POSITION, else the arming position, else
    /// the first fix of the flight), metres.
    pub max_home_distance_m: Option<f64>,
    /// Distance flown (sum of steps between fixes; steps faster than 100 m/s ignored), metres.
    pub distance_m: f64,
    /// Photos taken during the flight.
    pub photos: u64,
    /// Battery use during the flight.
    pub battery: BatteryUse,
}

impl FlightSegment {
    /// Takeoff to landing (or to the end of the log), microseconds.
    pub fn duration_us(&self) -> u64 {
        self.end_t_us.saturating_sub(self.takeoff_t_us)
    }
}

/// A vehicle's figures over the whole log.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FlightTotals {
    /// Number of flights.
    pub flights: usize,
    /// Time in the air, microseconds.
    pub flight_time_us: u64,
    /// Highest altitude above home over all flights, metres.
    pub max_alt_rel_m: Option<f64>,
    /// Highest ground speed over all flights, m/s.
    pub max_ground_speed_mps: Option<f64>,
    /// Farthest distance from home over all flights, metres.
    pub max_home_distance_m: Option<f64>,
    /// Distance flown over all flights, metres.
    pub distance_m: f64,
    /// Photos over the whole log (in the air or not).
    pub photos: u64,
    /// Battery use over the whole log (first to last battery report).
    pub battery: BatteryUse,
}

/// Flights of one vehicle.
#[derive(Debug, Clone, PartialEq)]
pub struct VehicleFlights {
    /// Vehicle.
    pub vehicle: VehicleId,
    /// Flights in time order.
    pub segments: Vec<FlightSegment>,
    /// Totals.
    pub totals: FlightTotals,
}

/// Battery readings at one instant, with the running current integral.
#[derive(Debug, Clone, Copy, Default)]
struct BatterySnapshot {
    consumed_mah: Option<f64>,
    integrated_mah: Option<f64>,
    voltage_v: Option<f64>,
    remaining_pct: Option<f64>,
}

fn battery_use(a: &BatterySnapshot, b: &BatterySnapshot) -> BatteryUse {
    let used_mah = match (a.consumed_mah, b.consumed_mah) {
        (Some(x), Some(y)) if y >= x => Some(y - x),
        _ => match (a.integrated_mah, b.integrated_mah) {
            (Some(x), Some(y)) => Some(y - x),
            (None, Some(y)) => Some(y),
            _ => None,
        },
    };
    BatteryUse {
        used_mah,
        voltage_start_v: a.voltage_v,
        voltage_end_v: b.voltage_v,
        remaining_start_pct: a.remaining_pct,
        remaining_end_pct: b.remaining_pct,
    }
}

fn max_opt(cur: Option<f64>, v: Option<f64>) -> Option<f64> {
    match (cur, v.filter(|x| x.is_finite())) {
        (Some(c), Some(x)) => Some(c.max(x)),
        (c, x) => c.or(x),
    }
}

#[derive(Debug, Clone, Copy)]
struct Fix {
    boot_ms: u32,
    t_us: u64,
    at: LatLon,
}

#[derive(Debug)]
struct Open {
    seg: FlightSegment,
    battery_start: BatterySnapshot,
    photos_start: u64,
    home_fallback: Option<LatLon>,
}

/// Detection state and figures of one vehicle.
#[derive(Debug)]
pub(super) struct Tracker {
    id: VehicleId,
    /// Altitude heuristics apply (aircraft, no landed state reported).
    aircraft: bool,
    landed_state_seen: bool,
    armed_when_heard: bool,
    first_heard_us: u64,
    last_heard_us: Option<u64>,
    ground_alt_m: Option<f64>,
    near_ground: Option<(u64, BatterySnapshot)>,
    still_since_us: Option<u64>,
    arm_position: Option<LatLon>,
    open: Option<Open>,
    segments: Vec<FlightSegment>,
    photos: u64,
    battery: BatterySnapshot,
    battery_first: Option<BatterySnapshot>,
    last_current: Option<(u64, f64)>,
    last_fix: Option<Fix>,
}

impl Tracker {
    pub(super) fn new(id: VehicleId) -> Self {
        Self {
            id,
            aircraft: true,
            landed_state_seen: false,
            armed_when_heard: false,
            first_heard_us: 0,
            last_heard_us: None,
            ground_alt_m: None,
            near_ground: None,
            still_since_us: None,
            arm_position: None,
            open: None,
            segments: Vec::new(),
            photos: 0,
            battery: BatterySnapshot::default(),
            battery_first: None,
            last_current: None,
            last_fix: None,
        }
    }

    pub(super) fn appeared(&mut self, class: VehicleClass, armed: bool, t_us: u64) {
        self.aircraft = !matches!(
            class,
            VehicleClass::Rover | VehicleClass::Boat | VehicleClass::Sub
        );
        self.armed_when_heard = armed;
        self.first_heard_us = t_us;
        self.last_heard_us = Some(t_us);
    }

    /// A record from the vehicle; returns a link-gap event after a long silence.
    pub(super) fn heard(&mut self, t_us: u64, gap_us: u64) -> Option<FlightEvent> {
        let prev = self
            .last_heard_us
            .replace(t_us.max(self.last_heard_us.unwrap_or(0)))?;
        let silence = t_us.checked_sub(prev)?;
        (silence > gap_us).then(|| FlightEvent {
            t_us: prev,
            vehicle: self.id,
            kind: EventKind::LinkGap,
            text: format!("no telemetry for {}", human_duration(silence)),
        })
    }

    pub(super) fn armed(&mut self, v: &VehicleState, t_us: u64) {
        self.ground_alt_m = v.position.alt_rel_m;
        self.near_ground = Some((t_us, self.battery));
        self.still_since_us = None;
        self.arm_position = v.position.lat_lon;
    }

    pub(super) fn disarmed(&mut self, t_us: u64, out: &mut Vec<FlightEvent>) {
        if !self.landed_state_seen && self.open.is_some() {
            self.landing(t_us, "landing (disarmed)", out);
        }
        self.ground_alt_m = None;
        self.near_ground = None;
        self.armed_when_heard = false;
    }

    pub(super) fn landed_state(
        &mut self,
        v: &VehicleState,
        state: u8,
        t_us: u64,
        out: &mut Vec<FlightEvent>,
    ) {
        if state == 0 {
            return;
        }
        self.landed_state_seen = true;
        if state == MAV_LANDED_STATE_ON_GROUND {
            if self.open.is_some() {
                self.landing(t_us, "landing (landed state ON_GROUND)", out);
            }
        } else if self.open.is_none() {
            // A vehicle already flying reports its landed state within seconds of its first
            // heartbeat.
            let at_start =
                self.segments.is_empty() && t_us.saturating_sub(self.first_heard_us) < 2_000_000;
            let text = if at_start {
                "takeoff (in the air when the log starts)"
            } else {
                "takeoff (landed state IN_AIR)"
            };
            self.takeoff(v, t_us, self.battery, text, out);
            if let Some(open) = &mut self.open {
                open.seg.in_air_at_start = at_start;
            }
        }
    }

    pub(super) fn photo(&mut self) {
        self.photos += 1;
    }

    pub(super) fn battery(&mut self, v: &VehicleState, t_us: u64) {
        let b = &v.battery;
        if let Some(a) = b.current_a.filter(|a| a.is_finite()) {
            let integrated = self.battery.integrated_mah.unwrap_or(0.0);
            let step = self.last_current.map_or(0.0, |(t0, a0)| {
                let dt_us = t_us.saturating_sub(t0).min(CURRENT_INTERVAL_CAP_US);
                // A * h = Ah; * 1000 = mAh.
                a0 * dt_us as f64 / 3.6e6
            });
            self.battery.integrated_mah = Some(integrated + step);
            self.last_current = Some((t_us, a));
        }
        // 0 V: no battery monitor (ArduPilot SITL before its battery model starts).
        let voltage_v = b.voltage_v.filter(|v| *v > 0.0);
        self.battery.consumed_mah = b.consumed_mah.or(self.battery.consumed_mah);
        self.battery.voltage_v = voltage_v.or(self.battery.voltage_v);
        self.battery.remaining_pct = b.remaining_pct.or(self.battery.remaining_pct);
        // Each figure's first value, as it becomes known.
        let now = self.battery;
        let first = self.battery_first.get_or_insert(now);
        first.consumed_mah = first.consumed_mah.or(now.consumed_mah);
        first.integrated_mah = first.integrated_mah.or(now.integrated_mah);
        first.voltage_v = first.voltage_v.or(now.voltage_v);
        first.remaining_pct = first.remaining_pct.or(now.remaining_pct);
    }

    pub(super) fn position(
        &mut self,
        v: &VehicleState,
        boot_ms: u32,
        t_us: u64,
        out: &mut Vec<FlightEvent>,
    ) {
        let fix = v.position.lat_lon.map(|at| Fix { boot_ms, t_us, at });
        let step_m = match (self.last_fix, fix) {
            (Some(a), Some(b)) => step_m(a, b),
            _ => 0.0,
        };
        if fix.is_some() {
            self.last_fix = fix;
        }
        if let Some(open) = &mut self.open {
            let seg = &mut open.seg;
            seg.max_alt_rel_m = max_opt(seg.max_alt_rel_m, v.position.alt_rel_m);
            seg.max_ground_speed_mps =
                max_opt(seg.max_ground_speed_mps, v.position.ground_speed_mps());
            seg.distance_m += step_m;
            if open.home_fallback.is_none() {
                open.home_fallback = fix.map(|f| f.at);
            }
            let home = v.home.map(|h| h.lat_lon).or(open.home_fallback);
            if let (Some(h), Some(f)) = (home, fix) {
                seg.max_home_distance_m =
                    max_opt(seg.max_home_distance_m, Some(h.distance_m(f.at)));
            }
        }
        if self.landed_state_seen || !self.aircraft || !v.armed {
            return;
        }
        let Some(alt_m) = v.position.alt_rel_m else {
            return;
        };
        if self.armed_when_heard && self.ground_alt_m.is_none() {
            self.armed_when_heard = false;
            if alt_m > TAKEOFF_CLIMB_M {
                self.ground_alt_m = Some(0.0);
                let text = "takeoff (in the air when the log starts)";
                self.takeoff(v, t_us, self.battery, text, out);
                if let Some(open) = &mut self.open {
                    open.seg.in_air_at_start = true;
                }
                return;
            }
        }
        let ground_m = *self.ground_alt_m.get_or_insert(alt_m);
        let height_m = alt_m - ground_m;
        if self.open.is_none() {
            if height_m <= NEAR_GROUND_M {
                self.near_ground = Some((t_us, self.battery));
            } else if height_m > TAKEOFF_CLIMB_M {
                let (at, battery) = self.near_ground.unwrap_or((t_us, self.battery));
                let text = format!("takeoff (climbed {TAKEOFF_CLIMB_M:.0} m)");
                self.takeoff(v, at, battery, &text, out);
            }
            return;
        }
        let speed = v.position.ground_speed_mps().unwrap_or(0.0);
        let climb = v.position.vel_down_mps.map_or(0.0, f64::abs);
        if height_m <= LANDED_ALT_M && speed < LANDED_SPEED_MPS && climb < LANDED_CLIMB_MPS {
            let since = *self.still_since_us.get_or_insert(t_us);
            if t_us.saturating_sub(since) >= LANDED_HOLD_US {
                self.landing(since, "landing (on the ground, still armed)", out);
                self.near_ground = Some((t_us, self.battery));
            }
        } else {
            self.still_since_us = None;
        }
    }

    fn takeoff(
        &mut self,
        v: &VehicleState,
        t_us: u64,
        battery_start: BatterySnapshot,
        text: &str,
        out: &mut Vec<FlightEvent>,
    ) {
        out.push(FlightEvent {
            t_us,
            vehicle: self.id,
            kind: EventKind::Takeoff,
            text: text.to_owned(),
        });
        let here = v.position.lat_lon;
        self.still_since_us = None;
        self.open = Some(Open {
            seg: FlightSegment {
                vehicle: self.id,
                takeoff_t_us: t_us,
                landing_t_us: None,
                end_t_us: t_us,
                in_air_at_start: false,
                max_alt_rel_m: v.position.alt_rel_m,
                max_ground_speed_mps: v.position.ground_speed_mps(),
                max_home_distance_m: None,
                distance_m: 0.0,
                photos: 0,
                battery: BatteryUse::default(),
            },
            battery_start,
            photos_start: self.photos,
            home_fallback: self.arm_position.or(here),
        });
    }

    fn close(&mut self, landing_t_us: Option<u64>, end_t_us: u64) -> Option<&FlightSegment> {
        let open = self.open.take()?;
        let mut seg = open.seg;
        seg.landing_t_us = landing_t_us;
        seg.end_t_us = end_t_us.max(seg.takeoff_t_us);
        seg.photos = self.photos - open.photos_start;
        seg.battery = battery_use(&open.battery_start, &self.battery);
        self.segments.push(seg);
        self.segments.last()
    }

    fn landing(&mut self, t_us: u64, text: &str, out: &mut Vec<FlightEvent>) {
        self.still_since_us = None;
        let Some(seg) = self.close(Some(t_us), t_us) else {
            return;
        };
        let text = format!("{text} after {}", human_duration(seg.duration_us()));
        out.push(FlightEvent {
            t_us,
            vehicle: self.id,
            kind: EventKind::Landing,
            text,
        });
    }

    /// Closes a flight still in the air and adds up the totals.
    pub(super) fn finish(mut self) -> VehicleFlights {
        let end = self.last_heard_us.unwrap_or(0);
        self.close(None, end);
        let mut t = FlightTotals {
            flights: self.segments.len(),
            photos: self.photos,
            ..FlightTotals::default()
        };
        for s in &self.segments {
            t.flight_time_us += s.duration_us();
            t.max_alt_rel_m = max_opt(t.max_alt_rel_m, s.max_alt_rel_m);
            t.max_ground_speed_mps = max_opt(t.max_ground_speed_mps, s.max_ground_speed_mps);
            t.max_home_distance_m = max_opt(t.max_home_distance_m, s.max_home_distance_m);
            t.distance_m += s.distance_m;
        }
        if let Some(first) = &self.battery_first {
            t.battery = battery_use(first, &self.battery);
        }
        VehicleFlights {
            vehicle: self.id,
            segments: self.segments,
            totals: t,
        }
    }
}

/// Great-circle step between two fixes, 0 when it implies more than 100 m/s. Timed by the
/// vehicle's boot clock when both have one (right under SITL speed-up), else record times.
fn step_m(a: Fix, b: Fix) -> f64 {
    let d = a.at.distance_m(b.at);
    if d == 0.0 {
        return 0.0;
    }
    let dt_s = if a.boot_ms != 0 && b.boot_ms != 0 {
        (f64::from(b.boot_ms) - f64::from(a.boot_ms)) / 1000.0
    } else {
        (b.t_us as f64 - a.t_us as f64) / 1e6
    };
    if dt_s > 0.0 && d / dt_s <= MAX_STEP_SPEED_MPS {
        d
    } else {
        0.0
    }
}
