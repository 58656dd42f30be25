//! Demo mode's pilot: once each simulated copter reports a position it uploads a small
//! survey, fence and rally points, arms and starts the mission — through the same panel
//! commands an operator would use, so the messages panel and progress bars show it all.
//! Decisions follow the vehicles' state, not a timer: arming is retried while the
//! simulated GPS settles.

use crate::cli::{demo_fence, demo_mission, demo_rally};
use crate::plan::MissionType;
use crate::protocol::actions::VehicleAction;
use crate::runtime::MissionOp;
use crate::ui::model::{UiCommand, UiModel};
use crate::vehicle::VehicleId;
use std::collections::BTreeMap;

/// Time between arming attempts, microseconds.
const ARM_RETRY_US: u64 = 2_000_000;
/// Time before a failed upload is tried again, microseconds.
const UPLOAD_RETRY_US: u64 = 5_000_000;
/// Attempts before giving up.
const ARM_TRIES: u32 = 20;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Stage {
    Uploading { tries: u32, since_us: u64 },
    Arming { tries: u32, last_us: u64 },
    Flying,
    GaveUp,
}

/// Flies the demo.
#[derive(Debug, Default)]
pub struct DemoPilot {
    stages: BTreeMap<VehicleId, Stage>,
}

impl DemoPilot {
    /// Looks at the vehicles and queues the next step for each.
    pub fn step(&mut self, m: &mut UiModel) {
        let now = m.now_us;
        let vehicles: Vec<_> = m
            .snapshot
            .vehicles
            .iter()
            .map(|v| (v.id, v.position.lat_lon, v.armed, v.mode_name.clone()))
            .collect();
        for (index, (id, pos, armed, mode)) in vehicles.into_iter().enumerate() {
            let Some(home) = pos else { continue };
            match self.stages.get(&id).copied() {
                None => {
                    upload(m, id, home, index);
                    self.stages.insert(
                        id,
                        Stage::Uploading {
                            tries: 1,
                            since_us: now,
                        },
                    );
                }
                Some(Stage::Uploading { tries, since_us }) => {
                    let all = [MissionType::Mission, MissionType::Fence, MissionType::Rally];
                    let running = m.transfer_running(id);
                    if !all.iter().all(|t| m.onboard(id, *t).is_some()) {
                        // A failed transfer (its reason is in the messages) is tried again.
                        if !running && now.saturating_sub(since_us) >= UPLOAD_RETRY_US {
                            if tries >= ARM_TRIES {
                                self.stages.insert(id, Stage::GaveUp);
                            } else {
                                upload(m, id, home, index);
                                self.stages.insert(
                                    id,
                                    Stage::Uploading {
                                        tries: tries + 1,
                                        since_us: now,
                                    },
                                );
                            }
                        }
                    } else {
                        m.send(UiCommand::Action {
                            target: id,
                            action: VehicleAction::SetMode("GUIDED".into()),
                        });
                        self.stages.insert(
                            id,
                            Stage::Arming {
                                tries: 0,
                                last_us: 0,
                            },
                        );
                    }
                }
                Some(Stage::Arming { tries, last_us }) => {
                    if armed {
                        m.send(UiCommand::Action {
                            target: id,
                            action: VehicleAction::StartMission,
                        });
                        self.stages.insert(id, Stage::Flying);
                    } else if tries >= ARM_TRIES {
                        self.stages.insert(id, Stage::GaveUp);
                    } else if now.saturating_sub(last_us) >= ARM_RETRY_US {
                        // Into GUIDED first (again, if the mode change was refused), then arm.
                        let action = if mode == "GUIDED" {
                            VehicleAction::Arm
                        } else {
                            VehicleAction::SetMode("GUIDED".into())
                        };
                        m.send(UiCommand::Action { target: id, action });
                        self.stages.insert(
                            id,
                            Stage::Arming {
                                tries: tries + 1,
                                last_us: now,
                            },
                        );
                    }
                }
                Some(Stage::Flying | Stage::GaveUp) => {}
            }
        }
    }
}

/// Queues the demo's mission (offset east per vehicle), fence and rally points.
fn upload(m: &mut UiModel, id: VehicleId, home: crate::geo::LatLon, index: usize) {
    let offset = 150.0 * index as f64;
    for (t, items) in [
        (MissionType::Mission, demo_mission(home, offset)),
        (MissionType::Fence, demo_fence(home)),
        (MissionType::Rally, demo_rally(home)),
    ] {
        m.send(UiCommand::Transfer {
            target: id,
            op: MissionOp::Upload(t, items),
        });
    }
}
