//! Mission items as the autopilot stores them: the shared currency of planning, file formats,
//! the mission protocol and the simulator.
//!
//! Items are kept in their MAVLink `MISSION_ITEM_INT` wire form (command and frame as raw
//! numbers, x/y as scaled integers), so that an upload followed by a download compares exactly
//! and commands unknown to our dialect survive untouched.

use crate::geo::{LatLon, deg_to_e7};

/// Which of the three mission lists an item belongs to (`MAV_MISSION_TYPE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MissionType {
    /// Navigation and action items (`MAV_MISSION_TYPE_MISSION`, 0).
    Mission,
    /// Geofence items (`MAV_MISSION_TYPE_FENCE`, 1).
    Fence,
    /// Rally points (`MAV_MISSION_TYPE_RALLY`, 2).
    Rally,
}

impl MissionType {
    /// All three types, in protocol order.
    pub const ALL: [MissionType; 3] =
        [MissionType::Mission, MissionType::Fence, MissionType::Rally];

    /// The `MAV_MISSION_TYPE` number.
    pub fn to_u8(self) -> u8 {
        match self {
            MissionType::Mission => 0,
            MissionType::Fence => 1,
            MissionType::Rally => 2,
        }
    }

    /// From the `MAV_MISSION_TYPE` number (255 = "all" is not a list and gives `None`).
    pub fn from_u8(v: u8) -> Option<Self> {
        match v {
            0 => Some(MissionType::Mission),
            1 => Some(MissionType::Fence),
            2 => Some(MissionType::Rally),
            _ => None,
        }
    }

    /// Lower-case name as used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            MissionType::Mission => "mission",
            MissionType::Fence => "fence",
            MissionType::Rally => "rally",
        }
    }
}

impl std::str::FromStr for MissionType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "mission" => Ok(MissionType::Mission),
            "fence" | "geofence" => Ok(MissionType::Fence),
            "rally" => Ok(MissionType::Rally),
            other => Err(format!(
                "unknown mission type '{other}': expected mission, fence or rally"
            )),
        }
    }
}

impl std::fmt::Display for MissionType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// `MAV_FRAME` numbers used by mission items.
pub mod frame {
    /// Global, altitude AMSL.
    pub const GLOBAL: u8 = 0;
    /// Local NED.
    pub const LOCAL_NED: u8 = 1;
    /// No coordinates: parameters 5-7 are plain numbers.
    pub const MISSION: u8 = 2;
    /// Global, altitude relative to home.
    pub const GLOBAL_RELATIVE_ALT: u8 = 3;
    /// Local ENU.
    pub const LOCAL_ENU: u8 = 4;
    /// Global, integer coordinates, AMSL (deprecated alias).
    pub const GLOBAL_INT: u8 = 5;
    /// Global, integer coordinates, relative altitude (deprecated alias).
    pub const GLOBAL_RELATIVE_ALT_INT: u8 = 6;
    /// Local offset NED.
    pub const LOCAL_OFFSET_NED: u8 = 7;
    /// Body NED.
    pub const BODY_NED: u8 = 8;
    /// Body offset NED.
    pub const BODY_OFFSET_NED: u8 = 9;
    /// Global, altitude above terrain.
    pub const GLOBAL_TERRAIN_ALT: u8 = 10;
    /// Global, integer coordinates, altitude above terrain (deprecated alias).
    pub const GLOBAL_TERRAIN_ALT_INT: u8 = 11;

    /// True for frames whose x/y are latitude/longitude.
    pub fn is_global(f: u8) -> bool {
        matches!(
            f,
            GLOBAL
                | GLOBAL_RELATIVE_ALT
                | GLOBAL_INT
                | GLOBAL_RELATIVE_ALT_INT
                | GLOBAL_TERRAIN_ALT
                | GLOBAL_TERRAIN_ALT_INT
        )
    }

    /// True for frames whose x/y are local metres (sent as metres * 1e4).
    pub fn is_local(f: u8) -> bool {
        matches!(
            f,
            LOCAL_NED | LOCAL_ENU | LOCAL_OFFSET_NED | BODY_NED | BODY_OFFSET_NED
        )
    }
}

/// `MAV_CMD` numbers Steppe itself generates or interprets.
pub mod cmd {
    /// Fly to a position.
    pub const NAV_WAYPOINT: u16 = 16;
    /// Loiter indefinitely.
    pub const NAV_LOITER_UNLIM: u16 = 17;
    /// Loiter for a number of turns.
    pub const NAV_LOITER_TURNS: u16 = 18;
    /// Loiter for a time (s).
    pub const NAV_LOITER_TIME: u16 = 19;
    /// Return to launch.
    pub const NAV_RETURN_TO_LAUNCH: u16 = 20;
    /// Land.
    pub const NAV_LAND: u16 = 21;
    /// Take off.
    pub const NAV_TAKEOFF: u16 = 22;
    /// Spline waypoint.
    pub const NAV_SPLINE_WAYPOINT: u16 = 82;
    /// Wait (s) before the next command.
    pub const CONDITION_DELAY: u16 = 112;
    /// Set mode.
    pub const DO_SET_MODE: u16 = 176;
    /// Jump to an item a number of times.
    pub const DO_JUMP: u16 = 177;
    /// Change speed.
    pub const DO_CHANGE_SPEED: u16 = 178;
    /// Set home.
    pub const DO_SET_HOME: u16 = 179;
    /// Land start marker.
    pub const DO_LAND_START: u16 = 189;
    /// Pause or continue.
    pub const DO_PAUSE_CONTINUE: u16 = 193;
    /// Reposition (guided goto).
    pub const DO_REPOSITION: u16 = 192;
    /// Take one photo (legacy camera control).
    pub const DO_DIGICAM_CONTROL: u16 = 203;
    /// Trigger the camera every N metres (0 stops).
    pub const DO_SET_CAM_TRIGG_DIST: u16 = 206;
    /// Set the current mission item.
    pub const DO_SET_MISSION_CURRENT: u16 = 224;
    /// Arm or disarm.
    pub const COMPONENT_ARM_DISARM: u16 = 400;
    /// Start the mission.
    pub const MISSION_START: u16 = 300;
    /// Set a message interval.
    pub const SET_MESSAGE_INTERVAL: u16 = 511;
    /// Request a message once.
    pub const REQUEST_MESSAGE: u16 = 512;
    /// Start image capture (camera protocol).
    pub const IMAGE_START_CAPTURE: u16 = 2000;
    /// Fence return point.
    pub const NAV_FENCE_RETURN_POINT: u16 = 5000;
    /// Fence inclusion polygon vertex.
    pub const NAV_FENCE_POLYGON_VERTEX_INCLUSION: u16 = 5001;
    /// Fence exclusion polygon vertex.
    pub const NAV_FENCE_POLYGON_VERTEX_EXCLUSION: u16 = 5002;
    /// Fence inclusion circle.
    pub const NAV_FENCE_CIRCLE_INCLUSION: u16 = 5003;
    /// Fence exclusion circle.
    pub const NAV_FENCE_CIRCLE_EXCLUSION: u16 = 5004;
    /// Rally point.
    pub const NAV_RALLY_POINT: u16 = 5100;
}

/// One mission item in `MISSION_ITEM_INT` wire form.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MissionItem {
    /// `MAV_FRAME` number.
    pub frame: u8,
    /// `MAV_CMD` number.
    pub command: u16,
    /// Marked as the current item (only meaningful for ArduPilot's home at seq 0).
    pub current: bool,
    /// Continue to the next item automatically.
    pub autocontinue: bool,
    /// Parameters 1-4.
    pub params: [f32; 4],
    /// Parameter 5: latitude * 1e7 (global), metres * 1e4 (local) or the value (other frames).
    pub x: i32,
    /// Parameter 6: longitude * 1e7 (global), metres * 1e4 (local) or the value (other frames).
    pub y: i32,
    /// Parameter 7: altitude (m) in global frames.
    pub z: f32,
}

impl Default for MissionItem {
    fn default() -> Self {
        Self {
            frame: frame::GLOBAL_RELATIVE_ALT,
            command: cmd::NAV_WAYPOINT,
            current: false,
            autocontinue: true,
            params: [0.0; 4],
            x: 0,
            y: 0,
            z: 0.0,
        }
    }
}

impl MissionItem {
    /// A navigation item at a position, altitude relative to home.
    pub fn nav(command: u16, at: LatLon, alt_rel_m: f32) -> Self {
        let (x, y) = at.to_e7();
        Self {
            command,
            x,
            y,
            z: alt_rel_m,
            ..Self::default()
        }
    }

    /// A command item without a position (frame `MISSION`).
    pub fn action(command: u16, params: [f32; 4]) -> Self {
        Self {
            frame: frame::MISSION,
            command,
            params,
            ..Self::default()
        }
    }

    /// Scale between the wire integer and the parameter value for this item's frame.
    fn xy_scale(&self) -> f64 {
        if frame::is_global(self.frame) {
            1e7
        } else if frame::is_local(self.frame) {
            1e4
        } else {
            1.0
        }
    }

    /// Parameter 5 as a number (latitude in degrees for global frames).
    pub fn param5(&self) -> f64 {
        f64::from(self.x) / self.xy_scale()
    }

    /// Parameter 6 as a number (longitude in degrees for global frames).
    pub fn param6(&self) -> f64 {
        f64::from(self.y) / self.xy_scale()
    }

    /// Parameters 5 and 6 as `lat, lon` for messages, 7 decimals; an unset coordinate
    /// (`i32::MAX`, what a `nan` in a .waypoints file becomes) shows as `NaN`, not 214.7°.
    pub fn coordinates_text(&self) -> String {
        let text = |wire: i32, deg: f64| {
            if wire == i32::MAX {
                "NaN".to_owned()
            } else {
                format!("{deg:.7}")
            }
        };
        format!(
            "{}, {}",
            text(self.x, self.param5()),
            text(self.y, self.param6())
        )
    }

    /// Sets parameters 5 and 6 from numbers, scaling them for the item's frame.
    pub fn set_param5_6(&mut self, p5: f64, p6: f64) {
        let s = self.xy_scale();
        self.x = to_wire(p5 * s);
        self.y = to_wire(p6 * s);
    }

    /// The position of a global-frame item that has one: `None` for 0, 0 ("no position"), for
    /// unset coordinates (`i32::MAX`, `NaN` in files) and for anything else off the globe.
    pub fn position(&self) -> Option<LatLon> {
        if frame::is_global(self.frame) && (self.x != 0 || self.y != 0) {
            Some(LatLon::from_e7(self.x, self.y)).filter(|p| p.is_valid())
        } else {
            None
        }
    }

    /// Sets latitude and longitude (degrees) of a global-frame item.
    pub fn set_position(&mut self, p: LatLon) {
        self.x = deg_to_e7(p.lat_deg);
        self.y = deg_to_e7(p.lon_deg);
    }

    /// Equality as the autopilot would see it: NaN parameters compare equal to NaN.
    pub fn same_on_wire(&self, other: &MissionItem) -> bool {
        let feq =
            |a: f32, b: f32| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()) || a == b;
        self.frame == other.frame
            && self.command == other.command
            && self.autocontinue == other.autocontinue
            && self.x == other.x
            && self.y == other.y
            && feq(self.z, other.z)
            && self
                .params
                .iter()
                .zip(other.params.iter())
                .all(|(a, b)| feq(*a, *b))
    }
}

fn to_wire(v: f64) -> i32 {
    let r = v.round();
    if r.is_nan() {
        0
    } else {
        r.clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn param_scaling_depends_on_frame() {
        let mut g = MissionItem::default();
        g.set_param5_6(42.123_456_7, 74.5);
        assert_eq!((g.x, g.y), (421_234_567, 745_000_000));
        let mut m = MissionItem::action(cmd::DO_JUMP, [1.0, 3.0, 0.0, 0.0]);
        m.set_param5_6(5.0, -2.0);
        assert_eq!((m.x, m.y), (5, -2));
        assert_eq!(m.param5(), 5.0);
        let mut l = MissionItem {
            frame: frame::LOCAL_NED,
            ..MissionItem::default()
        };
        l.set_param5_6(1.5, -0.25);
        assert_eq!((l.x, l.y), (15_000, -2_500));
    }

    #[test]
    fn mission_type_round_trip() {
        for t in MissionType::ALL {
            assert_eq!(MissionType::from_u8(t.to_u8()), Some(t));
            assert_eq!(t.name().parse::<MissionType>(), Ok(t));
        }
        assert!("waypoints".parse::<MissionType>().is_err());
    }

    #[test]
    fn unset_or_off_the_globe_coordinates_are_no_position() {
        let at = |x: i32, y: i32| MissionItem {
            frame: frame::GLOBAL_RELATIVE_ALT,
            x,
            y,
            ..MissionItem::default()
        };
        assert_eq!(
            at(425_000_000, 723_000_000).position(),
            Some(LatLon::new(42.5, 72.3))
        );
        // NaN in a .waypoints file becomes i32::MAX, which would read as 214.7°.
        assert_eq!(at(i32::MAX, i32::MAX).position(), None);
        assert_eq!(at(i32::MAX, 723_000_000).position(), None);
        assert_eq!(at(950_000_000, 0).position(), None);
        assert_eq!(at(0, 0).position(), None);
    }

    #[test]
    fn nan_params_compare_equal_on_wire() {
        let a = MissionItem {
            params: [f32::NAN, 0.0, 0.0, 0.0],
            ..MissionItem::default()
        };
        assert!(a.same_on_wire(&a.clone()));
        assert_ne!(a, a.clone());
    }
}
