//! `steppe sim`: the built-in simulated vehicles (ArduPilot-like copters or planes) on UDP,
//! with failure modes for testing ground stations.

use super::common::FaultArgs;
use super::record::install_ctrl_c;
use crate::geo::LatLon;
use crate::link::LinkSpec;
use crate::protocol::mission_server::MissionServerConfig;
use crate::sim::node::NodeConfig;
use crate::sim::server::{Endpoint, SimServerConfig, spawn};
use crate::sim::{Airframe, SimConfig, mode_name};
use anyhow::{Result, bail};
use clap::Args;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Arguments of `steppe sim`.
#[derive(Debug, Clone, Args)]
pub struct SimArgs {
    /// Number of vehicles, sysids 1..N on one socket.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=250))]
    pub vehicles: u8,
    /// Fixed-wing (ArduPlane) instead of copters.
    #[arg(long)]
    pub plane: bool,
    /// Send to a ground station (default udpout:127.0.0.1:14550, as SITL does).
    #[arg(long, value_name = "udpout:HOST:PORT", conflicts_with = "listen")]
    pub connect: Option<LinkSpec>,
    /// Listen for a ground station instead.
    #[arg(long, value_name = "udpin:ADDR:PORT")]
    pub listen: Option<LinkSpec>,
    /// Home of vehicle 1 as LAT,LON,ALT (AMSL m); others start 20 m east of each other.
    #[arg(long, value_name = "LAT,LON,ALT")]
    pub home: Option<String>,
    /// Run flight time this many times faster than real time.
    #[arg(long, default_value_t = 1.0, value_parser = |s: &str| super::common::ranged(s, 0.01, 1000.0, "a speed-up factor"))]
    pub speedup: f64,
    /// Faults on the link, both directions.
    #[command(flatten)]
    pub faults: FaultArgs,
    /// Mission requests the vehicle drops (percent).
    #[arg(long, default_value_t = 0.0, value_name = "PCT", value_parser = super::common::percent)]
    pub drop_mission_requests: f64,
    /// Send a NACK half way through each upload.
    #[arg(long)]
    pub nack_mid_upload: bool,
    /// Most items of each list (default: ArduCopter 4.7 SITL's 650 mission items, 70 fence
    /// items and 46 rally points).
    #[arg(long)]
    pub item_limit: Option<usize>,
    /// GPS takes 60 s to get a fix (arming is refused until then).
    #[arg(long)]
    pub slow_fix: bool,
    /// Wind as SPEED_MPS,FROM_DEG.
    #[arg(long, value_name = "SPEED,FROM")]
    pub wind: Option<String>,
    /// Seed for all randomness.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Stop after this many seconds (default: until Ctrl-C).
    #[arg(long, value_name = "S", value_parser = super::common::seconds)]
    pub duration: Option<f64>,
    /// The camera loses every photo taken within R metres of LAT,LON (no image, no
    /// CAMERA_FEEDBACK), as a full card or a loose cable would.
    #[arg(long, value_name = "LAT,LON,R")]
    pub drop_photos_within: Option<String>,
    /// The camera loses every photo taken between FROM and TO seconds after the start.
    #[arg(long, value_name = "FROM,TO")]
    pub drop_photos_between: Option<String>,
    /// The vehicles start with this MAVLink 2 signing key (as if set up earlier): they sign
    /// everything and ignore frames not signed with it. Without it they take a key from
    /// SETUP_SIGNING.
    #[command(flatten)]
    pub signing: super::signing::SigningArgs,
    /// Send ATTITUDE and GLOBAL_POSITION_INT at least this often (Hz, 1 to 50), whatever the
    /// ground station asks.
    #[arg(long, value_name = "HZ", value_parser = |s: &str| super::common::ranged(s, 1.0, 50.0, "a rate in Hz"))]
    pub rate_hz: Option<f64>,
    /// Run the vehicles' clocks (telemetry rates, heartbeats) on flight time: with --speedup
    /// the link carries all the telemetry of the faster flight (for soak tests).
    #[arg(long)]
    pub flight_clock: bool,
}

impl Default for SimArgs {
    fn default() -> Self {
        Self {
            vehicles: 1,
            plane: false,
            connect: None,
            listen: None,
            home: None,
            speedup: 1.0,
            faults: FaultArgs::default(),
            drop_mission_requests: 0.0,
            nack_mid_upload: false,
            item_limit: None,
            slow_fix: false,
            wind: None,
            seed: 1,
            duration: None,
            drop_photos_within: None,
            drop_photos_between: None,
            signing: super::signing::SigningArgs::default(),
            rate_hz: None,
            flight_clock: false,
        }
    }
}

fn numbers(s: &str, n: usize, what: &str) -> Result<Vec<f64>> {
    let v: Vec<f64> = s
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| anyhow::anyhow!("{what} '{s}': expected {n} comma-separated numbers"))?;
    if v.len() != n || v.iter().any(|x| !x.is_finite()) {
        bail!("{what} '{s}': expected {n} comma-separated numbers");
    }
    Ok(v)
}

/// The simulator configuration for these arguments.
pub fn server_config(a: &SimArgs) -> Result<SimServerConfig> {
    let endpoint = match (&a.listen, &a.connect) {
        (Some(LinkSpec::UdpIn { addr, port }), _) => Endpoint::Listen(addr.clone(), *port),
        (Some(other), _) => bail!("--listen takes udpin:ADDR:PORT, not {other}"),
        (None, Some(LinkSpec::UdpOut { host, port })) => Endpoint::Connect(host.clone(), *port),
        (None, Some(other)) => bail!("--connect takes udpout:HOST:PORT, not {other}"),
        (None, None) => Endpoint::Connect("127.0.0.1".into(), 14_550),
    };
    let mut base = if a.plane {
        SimConfig::plane()
    } else {
        SimConfig::copter()
    };
    if let Some(h) = &a.home {
        let v = numbers(h, 3, "--home")?;
        let home = LatLon::new(v[0], v[1]);
        if !home.is_valid() {
            bail!("--home '{h}': latitude must be within ±90 and longitude within ±180");
        }
        base.home = home;
        base.home_alt_amsl_m = v[2];
    }
    if let Some(w) = &a.wind {
        let v = numbers(w, 2, "--wind")?;
        base.wind_speed_mps = v[0].max(0.0);
        base.wind_from_deg = v[1];
    }
    if a.slow_fix {
        base.gps_fix_delay_s = 60.0;
    }
    if let Some(d) = &a.drop_photos_within {
        let v = numbers(d, 3, "--drop-photos-within")?;
        let centre = LatLon::new(v[0], v[1]);
        if !centre.is_valid() || v[2] <= 0.0 {
            bail!(
                "--drop-photos-within '{d}': expected LAT,LON,R with a valid position and a positive radius in metres"
            );
        }
        base.photo_drop.within = Some((centre, v[2]));
    }
    if let Some(d) = &a.drop_photos_between {
        let v = numbers(d, 2, "--drop-photos-between")?;
        if v[0] < 0.0 || v[1] < v[0] {
            bail!("--drop-photos-between '{d}': expected FROM,TO seconds with 0 <= FROM <= TO");
        }
        base.photo_drop.between_s = Some((v[0], v[1]));
    }
    base.stream_hz = a.rate_hz;
    let mission = MissionServerConfig {
        capacity: a
            .item_limit
            .map_or(crate::protocol::mission_server::ARDUPILOT_CAPACITY, |n| {
                [n; 3]
            }),
        // ArduPilot refuses uploads for a moment after a wiped boot.
        storage_ready_ms: 1_500,
        // And keeps items the way ArduPilot 4.7 does (and refuses what it refuses).
        stores_as: Some((
            crate::plan::document::Firmware::ArduPilot,
            if a.plane {
                crate::plan::document::VehicleKind::Plane
            } else {
                crate::plan::document::VehicleKind::Copter
            },
        )),
        drop_requests_pct: a.drop_mission_requests,
        nack_mid_upload: a.nack_mid_upload,
        seed: a.seed,
        ..MissionServerConfig::default()
    };
    let vehicles = (1..=a.vehicles)
        .map(|sysid| {
            let mut f = base.clone();
            f.home = base.home.destination(90.0, 20.0 * f64::from(sysid - 1));
            f.seed = a.seed.wrapping_mul(1_000).wrapping_add(u64::from(sysid));
            NodeConfig {
                sysid,
                flight: f,
                mission,
            }
        })
        .collect();
    let faults = a.faults.faults();
    Ok(SimServerConfig {
        vehicles,
        endpoint,
        speedup: a.speedup,
        to_gcs: faults,
        from_gcs: faults,
        seed: a.seed,
        signing: a.signing.key()?,
        flight_clock: a.flight_clock,
    })
}

/// Runs `steppe sim`.
pub fn run(a: SimArgs) -> Result<ExitCode> {
    let cfg = server_config(&a)?;
    let stop = Arc::new(AtomicBool::new(false));
    install_ctrl_c(Arc::clone(&stop));
    let airframe = if a.plane {
        Airframe::Plane
    } else {
        Airframe::Copter
    };
    let where_ = match &cfg.endpoint {
        Endpoint::Connect(h, p) => format!("sending to {h}:{p}"),
        Endpoint::Listen(..) => "listening".to_owned(),
    };
    let h = spawn(cfg)?;
    println!(
        "steppe sim: {} {} on {} ({where_}); Ctrl-C to stop",
        a.vehicles,
        if a.plane { "plane(s)" } else { "copter(s)" },
        h.local_addr()
    );
    let end = a
        .duration
        .map(|d| Instant::now() + Duration::from_secs_f64(d.max(0.0)));
    let mut next = Instant::now();
    while !stop.load(Ordering::Relaxed) && end.is_none_or(|e| Instant::now() < e) && h.is_running()
    {
        if Instant::now() >= next {
            next += Duration::from_secs(5);
            let st = h.status();
            let parts: Vec<String> = st
                .vehicles
                .iter()
                .map(|(id, s)| {
                    format!(
                        "{id}: {} {} {:.1} m {:.0}%",
                        mode_name(airframe, s.custom_mode).unwrap_or("?"),
                        if s.armed { "armed" } else { "disarmed" },
                        s.alt_rel_m,
                        s.battery_remaining_pct
                    )
                })
                .collect();
            println!("{} | in {} datagrams", parts.join(" | "), st.datagrams_in);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    h.stop();
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photo_drop_flags_reach_every_vehicle_and_bad_values_are_named() {
        let a = SimArgs {
            vehicles: 2,
            drop_photos_within: Some("-35.36,149.16,40".into()),
            drop_photos_between: Some("100,160.5".into()),
            ..SimArgs::default()
        };
        let cfg = server_config(&a).expect("config");
        for v in &cfg.vehicles {
            let d = v.flight.photo_drop;
            assert_eq!(d.within, Some((LatLon::new(-35.36, 149.16), 40.0)));
            assert_eq!(d.between_s, Some((100.0, 160.5)));
        }
        for (within, between, want) in [
            (Some("1,2"), None, "--drop-photos-within '1,2'"),
            (Some("95,2,10"), None, "valid position"),
            (Some("1,2,-5"), None, "positive radius"),
            (None, Some("50,10"), "FROM <= TO"),
        ] {
            let a = SimArgs {
                drop_photos_within: within.map(str::to_owned),
                drop_photos_between: between.map(str::to_owned),
                ..SimArgs::default()
            };
            let e = server_config(&a).expect_err("bad value").to_string();
            assert!(e.contains(want), "{e}");
        }
    }
}
