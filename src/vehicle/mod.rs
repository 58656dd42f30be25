//! Vehicle model: one [`VehicleState`] per (sysid, compid) of every autopilot heard, updated by a
//! pure `apply(&message, time)`. No I/O, no clocks: time is passed in.
//!
//! Why it exists: the map, status cards, HUD, alerts, replay timeline and tlog summaries all
//! need the same answers ("where is vehicle 2, what mode, how much battery, did it just
//! disarm?"). They read them here instead of each decoding MAVLink.
//!
//! Entry point: [`Fleet::apply_raw`] (or [`Fleet::apply_frame`] with an already decoded
//! message) for every inbound frame, and [`Fleet::check_timeouts`] with the current time.
//! Both return [`FleetEvent`]s for discrete changes.

mod ardupilot_modes;
mod battery;
mod camera;
mod events;
mod fleet;
mod freshness;
mod heartbeat;
mod ids;
mod modes;
mod px4_modes;
mod sensors;
mod state;
mod statustext;
mod telemetry;

pub use battery::{BATTERY_STATUS_PRIORITY_US, Battery, BatterySource};
pub use camera::{CAMERA_LOG_CAPACITY, CameraEvent, CameraLog, CameraSource};
pub use events::{FleetEvent, system_status_name};
pub use fleet::{Fleet, HEARTBEAT_TIMEOUT_US};
pub use freshness::{FieldGroup, Freshness};
pub use heartbeat::{HEARTBEAT_LEN, HEARTBEAT_MSGID, Heartbeat};
pub use ids::{
    Autopilot, MAV_AUTOPILOT_ARDUPILOT, MAV_AUTOPILOT_INVALID, MAV_AUTOPILOT_PX4, VehicleClass,
    VehicleId, is_vehicle_heartbeat,
};
pub use modes::{
    MODE_FLAG_CUSTOM_MODE_ENABLED, MODE_FLAG_SAFETY_ARMED, ModeNumber, mode_name, mode_names,
    mode_number,
};
pub use px4_modes::custom_mode as px4_custom_mode;
pub use sensors::{SensorStatus, sensor_name};
pub use state::{HOME_MOVED_M, VehicleState};
pub use statustext::{
    CHUNK_TIMEOUT_US, STATUS_LOG_CAPACITY, StatusEntry, StatusLog, severity_name,
};
pub use telemetry::{
    Attitude, EKF_ATTITUDE, EKF_CONST_POS_MODE, EKF_GPS_GLITCHING, EKF_POS_HORIZ_ABS,
    EKF_POS_HORIZ_REL, EKF_POS_VERT_ABS, EKF_POS_VERT_AGL, EKF_UNINITIALIZED, EKF_VELOCITY_HORIZ,
    EKF_VELOCITY_VERT, Ekf, Gps, Home, MissionProgress, Motion, Position, PositionSource,
    gps_fix_name,
};
