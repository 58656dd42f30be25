//! The simulated vehicle's telemetry: [`SimState`] turned into the MAVLink messages ArduPilot
//! sends, with ArduPilot's units and sentinels (cm, mm, centidegrees, -1 for unknown).

use super::config::Airframe;
use super::state::SimState;
use crate::geo::{deg_to_e7, wrap_360};
use crate::protocol::dialect::{self as d, MavMessage};

fn clamp_i16(v: f64) -> i16 {
    if v.is_finite() {
        v.round().clamp(f64::from(i16::MIN), f64::from(i16::MAX)) as i16
    } else {
        0
    }
}

fn clamp_u16(v: f64) -> u16 {
    if v.is_finite() {
        v.round().clamp(0.0, f64::from(u16::MAX)) as u16
    } else {
        0
    }
}

fn clamp_i32(v: f64) -> i32 {
    if v.is_finite() {
        v.round().clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i32
    } else {
        0
    }
}

/// HEARTBEAT of the vehicle.
pub fn heartbeat(s: &SimState, airframe: Airframe) -> MavMessage {
    let mut base = d::MavModeFlag::MAV_MODE_FLAG_CUSTOM_MODE_ENABLED
        | d::MavModeFlag::MAV_MODE_FLAG_STABILIZE_ENABLED;
    if s.armed {
        base |= d::MavModeFlag::MAV_MODE_FLAG_SAFETY_ARMED;
    }
    let status = if s.battery_failsafe {
        d::MavState::MAV_STATE_CRITICAL
    } else if s.armed {
        d::MavState::MAV_STATE_ACTIVE
    } else {
        d::MavState::MAV_STATE_STANDBY
    };
    MavMessage::HEARTBEAT(d::HEARTBEAT_DATA {
        custom_mode: s.custom_mode,
        mavtype: match airframe {
            Airframe::Copter => d::MavType::MAV_TYPE_QUADROTOR,
            Airframe::Plane => d::MavType::MAV_TYPE_FIXED_WING,
        },
        autopilot: d::MavAutopilot::MAV_AUTOPILOT_ARDUPILOTMEGA,
        base_mode: base,
        system_status: status,
        mavlink_version: 3,
    })
}

/// SYS_STATUS: sensor health, battery.
pub fn sys_status(s: &SimState) -> MavMessage {
    use d::MavSysStatusSensor as S;
    let sensors = S::MAV_SYS_STATUS_SENSOR_3D_GYRO
        | S::MAV_SYS_STATUS_SENSOR_3D_ACCEL
        | S::MAV_SYS_STATUS_SENSOR_3D_MAG
        | S::MAV_SYS_STATUS_SENSOR_ABSOLUTE_PRESSURE
        | S::MAV_SYS_STATUS_SENSOR_GPS
        | S::MAV_SYS_STATUS_SENSOR_ANGULAR_RATE_CONTROL
        | S::MAV_SYS_STATUS_SENSOR_ATTITUDE_STABILIZATION
        | S::MAV_SYS_STATUS_SENSOR_YAW_POSITION
        | S::MAV_SYS_STATUS_SENSOR_Z_ALTITUDE_CONTROL
        | S::MAV_SYS_STATUS_SENSOR_XY_POSITION_CONTROL
        | S::MAV_SYS_STATUS_SENSOR_MOTOR_OUTPUTS
        | S::MAV_SYS_STATUS_AHRS
        | S::MAV_SYS_STATUS_SENSOR_BATTERY
        | S::MAV_SYS_STATUS_PREARM_CHECK;
    let mut health = sensors;
    if s.gps_fix_type < 3 {
        health.remove(S::MAV_SYS_STATUS_SENSOR_GPS);
    }
    if !s.prearm_ok {
        health.remove(S::MAV_SYS_STATUS_PREARM_CHECK);
    }
    if s.battery_failsafe {
        health.remove(S::MAV_SYS_STATUS_SENSOR_BATTERY);
    }
    MavMessage::SYS_STATUS(d::SYS_STATUS_DATA {
        onboard_control_sensors_present: sensors,
        onboard_control_sensors_enabled: sensors,
        onboard_control_sensors_health: health,
        load: 250,
        voltage_battery: clamp_u16(s.battery_voltage_v * 1000.0),
        current_battery: clamp_i16(s.battery_current_a * 100.0),
        battery_remaining: s.battery_remaining_pct.round().clamp(0.0, 100.0) as i8,
        ..Default::default()
    })
}

/// GPS_RAW_INT: the receiver's (noisy) fix.
pub fn gps_raw_int(s: &SimState, time_us: u64) -> MavMessage {
    let fix = match s.gps_fix_type {
        0 => d::GpsFixType::GPS_FIX_TYPE_NO_GPS,
        1 => d::GpsFixType::GPS_FIX_TYPE_NO_FIX,
        2 => d::GpsFixType::GPS_FIX_TYPE_2D_FIX,
        _ => d::GpsFixType::GPS_FIX_TYPE_3D_FIX,
    };
    let has_fix = s.gps_fix_type >= 2;
    MavMessage::GPS_RAW_INT(d::GPS_RAW_INT_DATA {
        time_usec: time_us,
        lat: if has_fix {
            deg_to_e7(s.gps_position.lat_deg)
        } else {
            0
        },
        lon: if has_fix {
            deg_to_e7(s.gps_position.lon_deg)
        } else {
            0
        },
        alt: if has_fix {
            clamp_i32(s.gps_alt_amsl_m * 1000.0)
        } else {
            0
        },
        eph: if has_fix {
            clamp_u16(s.gps_hdop * 100.0)
        } else {
            u16::MAX
        },
        epv: if has_fix {
            clamp_u16(s.gps_hdop * 150.0)
        } else {
            u16::MAX
        },
        vel: clamp_u16(s.groundspeed_mps * 100.0),
        cog: clamp_u16(wrap_360(s.heading_deg) * 100.0) % 36_000,
        fix_type: fix,
        satellites_visible: s.gps_satellites,
        ..Default::default()
    })
}

/// GLOBAL_POSITION_INT: the fused position.
pub fn global_position_int(s: &SimState, boot_ms: u32) -> MavMessage {
    MavMessage::GLOBAL_POSITION_INT(d::GLOBAL_POSITION_INT_DATA {
        time_boot_ms: boot_ms,
        lat: deg_to_e7(s.position.lat_deg),
        lon: deg_to_e7(s.position.lon_deg),
        alt: clamp_i32(s.alt_amsl_m * 1000.0),
        relative_alt: clamp_i32(s.alt_rel_m * 1000.0),
        vx: clamp_i16(s.vel_north_mps * 100.0),
        vy: clamp_i16(s.vel_east_mps * 100.0),
        vz: clamp_i16(s.vel_down_mps * 100.0),
        hdg: clamp_u16(wrap_360(s.heading_deg) * 100.0) % 36_000,
    })
}

/// ATTITUDE.
pub fn attitude(s: &SimState, boot_ms: u32) -> MavMessage {
    MavMessage::ATTITUDE(d::ATTITUDE_DATA {
        time_boot_ms: boot_ms,
        roll: s.roll_rad as f32,
        pitch: s.pitch_rad as f32,
        yaw: s.yaw_rad as f32,
        rollspeed: s.rollspeed_rps as f32,
        pitchspeed: s.pitchspeed_rps as f32,
        yawspeed: s.yawspeed_rps as f32,
    })
}

/// VFR_HUD.
pub fn vfr_hud(s: &SimState) -> MavMessage {
    MavMessage::VFR_HUD(d::VFR_HUD_DATA {
        airspeed: s.airspeed_mps as f32,
        groundspeed: s.groundspeed_mps as f32,
        alt: s.alt_amsl_m as f32,
        climb: s.climb_mps as f32,
        heading: clamp_i16(wrap_360(s.heading_deg)),
        throttle: clamp_u16(s.throttle_pct),
    })
}

/// BATTERY_STATUS (battery 0), with per-cell voltages.
pub fn battery_status(s: &SimState) -> MavMessage {
    let mut voltages = [u16::MAX; 10];
    let cells = usize::from(s.battery_cells.clamp(1, 10));
    let per_cell = s.battery_voltage_v / cells as f64;
    for v in voltages.iter_mut().take(cells) {
        *v = clamp_u16(per_cell * 1000.0);
    }
    MavMessage::BATTERY_STATUS(d::BATTERY_STATUS_DATA {
        current_consumed: clamp_i32(s.battery_consumed_mah),
        energy_consumed: -1,
        temperature: i16::MAX,
        voltages,
        current_battery: clamp_i16(s.battery_current_a * 100.0),
        id: 0,
        battery_function: d::MavBatteryFunction::MAV_BATTERY_FUNCTION_ALL,
        mavtype: d::MavBatteryType::MAV_BATTERY_TYPE_LIPO,
        battery_remaining: s.battery_remaining_pct.round().clamp(0.0, 100.0) as i8,
        ..Default::default()
    })
}

/// HOME_POSITION, if home is set.
pub fn home_position(s: &SimState, time_us: u64) -> Option<MavMessage> {
    s.home_valid.then(|| {
        MavMessage::HOME_POSITION(d::HOME_POSITION_DATA {
            latitude: deg_to_e7(s.home.lat_deg),
            longitude: deg_to_e7(s.home.lon_deg),
            altitude: clamp_i32(s.home_alt_amsl_m * 1000.0),
            q: [1.0, 0.0, 0.0, 0.0],
            time_usec: time_us,
            ..Default::default()
        })
    })
}

/// MISSION_CURRENT with the mission's length (without home, as ArduPilot reports it).
pub fn mission_current(s: &SimState, seq: u16) -> MavMessage {
    let state = match s.mission_state {
        1 => d::MissionState::MISSION_STATE_NO_MISSION,
        2 => d::MissionState::MISSION_STATE_NOT_STARTED,
        3 => d::MissionState::MISSION_STATE_ACTIVE,
        4 => d::MissionState::MISSION_STATE_PAUSED,
        5 => d::MissionState::MISSION_STATE_COMPLETE,
        _ => d::MissionState::MISSION_STATE_UNKNOWN,
    };
    MavMessage::MISSION_CURRENT(d::MISSION_CURRENT_DATA {
        seq,
        total: s.mission_len.saturating_sub(1),
        mission_state: state,
        mission_mode: u8::from(s.mission_state == 3 || s.mission_state == 4),
        ..Default::default()
    })
}

/// EXTENDED_SYS_STATE: landed state.
pub fn extended_sys_state(s: &SimState) -> MavMessage {
    let landed = match s.landed_state {
        1 => d::MavLandedState::MAV_LANDED_STATE_ON_GROUND,
        2 => d::MavLandedState::MAV_LANDED_STATE_IN_AIR,
        3 => d::MavLandedState::MAV_LANDED_STATE_TAKEOFF,
        4 => d::MavLandedState::MAV_LANDED_STATE_LANDING,
        _ => d::MavLandedState::MAV_LANDED_STATE_UNDEFINED,
    };
    MavMessage::EXTENDED_SYS_STATE(d::EXTENDED_SYS_STATE_DATA {
        vtol_state: d::MavVtolState::MAV_VTOL_STATE_UNDEFINED,
        landed_state: landed,
    })
}

/// EKF_STATUS_REPORT: all good once the GPS has a fix.
pub fn ekf_status(s: &SimState) -> MavMessage {
    use d::EkfStatusFlags as E;
    let mut flags = E::EKF_ATTITUDE | E::EKF_VELOCITY_VERT | E::EKF_POS_VERT_ABS;
    if s.gps_fix_type >= 3 {
        flags |= E::EKF_VELOCITY_HORIZ
            | E::EKF_POS_HORIZ_REL
            | E::EKF_POS_HORIZ_ABS
            | E::EKF_PRED_POS_HORIZ_REL
            | E::EKF_PRED_POS_HORIZ_ABS;
    } else {
        flags |= E::EKF_CONST_POS_MODE;
    }
    MavMessage::EKF_STATUS_REPORT(d::EKF_STATUS_REPORT_DATA {
        velocity_variance: 0.05,
        pos_horiz_variance: 0.04,
        pos_vert_variance: 0.03,
        compass_variance: 0.02,
        terrain_alt_variance: 0.0,
        flags,
        airspeed_variance: 0.0,
    })
}

/// WIND estimate (ArduPilot: direction the wind comes from).
pub fn wind(s: &SimState) -> MavMessage {
    MavMessage::WIND(d::WIND_DATA {
        direction: wrap_360(s.wind_from_deg) as f32,
        speed: s.wind_speed_mps as f32,
        speed_z: 0.0,
    })
}

/// NAV_CONTROLLER_OUTPUT: distance and bearing to the target.
pub fn nav_controller_output(s: &SimState) -> MavMessage {
    MavMessage::NAV_CONTROLLER_OUTPUT(d::NAV_CONTROLLER_OUTPUT_DATA {
        nav_roll: s.roll_rad.to_degrees() as f32,
        nav_pitch: s.pitch_rad.to_degrees() as f32,
        target_bearing: clamp_i16(s.target_bearing_deg),
        nav_bearing: clamp_i16(s.target_bearing_deg),
        wp_dist: clamp_u16(s.wp_distance_m),
        ..Default::default()
    })
}

/// STATUSTEXT, split into 50-byte chunks with a common id when longer (MAVLink 2 chunking).
pub fn statustext(severity: u8, text: &str, id: u16) -> Vec<MavMessage> {
    let sev = match severity {
        0 => d::MavSeverity::MAV_SEVERITY_EMERGENCY,
        1 => d::MavSeverity::MAV_SEVERITY_ALERT,
        2 => d::MavSeverity::MAV_SEVERITY_CRITICAL,
        3 => d::MavSeverity::MAV_SEVERITY_ERROR,
        4 => d::MavSeverity::MAV_SEVERITY_WARNING,
        5 => d::MavSeverity::MAV_SEVERITY_NOTICE,
        6 => d::MavSeverity::MAV_SEVERITY_INFO,
        _ => d::MavSeverity::MAV_SEVERITY_DEBUG,
    };
    let bytes = text.as_bytes();
    let chunks: Vec<&[u8]> = if bytes.is_empty() {
        vec![&[][..]]
    } else {
        bytes.chunks(50).collect()
    };
    let chunked = chunks.len() > 1 || bytes.len() == 50;
    chunks
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut raw = [0u8; 50];
            raw[..c.len()].copy_from_slice(c);
            MavMessage::STATUSTEXT(d::STATUSTEXT_DATA {
                severity: sev,
                text: raw.into(),
                id: if chunked { id } else { 0 },
                chunk_seq: if chunked { i.min(255) as u8 } else { 0 },
            })
        })
        .collect()
}

/// AUTOPILOT_VERSION with the capabilities this simulator has.
pub fn autopilot_version(sysid: u8) -> MavMessage {
    use d::MavProtocolCapability as C;
    MavMessage::AUTOPILOT_VERSION(d::AUTOPILOT_VERSION_DATA {
        capabilities: C::MAV_PROTOCOL_CAPABILITY_MISSION_FLOAT
            | C::MAV_PROTOCOL_CAPABILITY_PARAM_ENCODE_C_CAST
            | C::MAV_PROTOCOL_CAPABILITY_MISSION_INT
            | C::MAV_PROTOCOL_CAPABILITY_COMMAND_INT
            | C::MAV_PROTOCOL_CAPABILITY_SET_POSITION_TARGET_GLOBAL_INT
            | C::MAV_PROTOCOL_CAPABILITY_MAVLINK2
            | C::MAV_PROTOCOL_CAPABILITY_MISSION_FENCE
            | C::MAV_PROTOCOL_CAPABILITY_MISSION_RALLY,
        uid: 0x5354_4550_5045_0000 | u64::from(sysid),
        flight_sw_version: (4 << 24) | (6 << 16) | 255,
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::frame::{Sender, Version};

    #[test]
    fn long_statustext_is_chunked_and_reassembled_by_the_fleet() {
        let text = "PreArm: this message is deliberately longer than fifty bytes, so it is chunked";
        let msgs = statustext(4, text, 7);
        assert_eq!(msgs.len(), 2);
        let mut fleet = crate::vehicle::Fleet::new();
        let mut tx = Sender::new(1, 1);
        let hb = heartbeat(
            &SimState {
                custom_mode: 4,
                ..Default::default()
            },
            Airframe::Copter,
        );
        let f = tx.encode(&hb, Version::V2);
        fleet.apply_raw(f.header(), f.payload(), 1);
        let mut texts = Vec::new();
        for m in &msgs {
            let f = tx.encode(m, Version::V2);
            for e in fleet.apply_raw(f.header(), f.payload(), 2) {
                if let crate::vehicle::FleetEvent::StatusText { text, .. } = e {
                    texts.push(text);
                }
            }
        }
        assert_eq!(texts, vec![text.to_owned()]);
    }

    #[test]
    fn every_message_encodes_and_decodes() {
        let s = SimState {
            gps_fix_type: 3,
            home_valid: true,
            battery_cells: 4,
            battery_voltage_v: 16.0,
            ..Default::default()
        };
        let mut tx = Sender::new(1, 1);
        let msgs = vec![
            heartbeat(&s, Airframe::Plane),
            sys_status(&s),
            gps_raw_int(&s, 1),
            global_position_int(&s, 1),
            attitude(&s, 1),
            vfr_hud(&s),
            battery_status(&s),
            mission_current(&s, 0),
            extended_sys_state(&s),
            ekf_status(&s),
            wind(&s),
            nav_controller_output(&s),
            autopilot_version(1),
        ];
        for m in msgs.into_iter().chain(home_position(&s, 1)) {
            let f = tx.encode(&m, Version::V2);
            assert_eq!(f.decode().as_ref(), Ok(&m));
        }
    }
}
