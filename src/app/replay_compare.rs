//! Planned against flown in the replay: each vehicle's mission (from the log, or a mission
//! file the user opens) drawn on the map, with the cross-track error of its flight.

use super::core::AppCore;
use crate::ui::i18n::{tr, trf};
use crate::ui::model::severity;
use crate::vehicle::VehicleId;
use std::path::Path;

/// A vehicle's mission and the cross-track error of its flight.
pub(super) struct Planned {
    sysid: u8,
    items: Vec<crate::plan::MissionItem>,
    summary: String,
}

/// The mission of each vehicle (from the log, or `file` for every vehicle) against its track.
pub(super) fn compare(
    data: &[u8],
    file: Option<(&[crate::plan::MissionItem], &str)>,
) -> Vec<Planned> {
    use crate::log::planned::{cross_track, missions_in_log, planned_path};
    let flown = crate::log::track::tracks(data, &crate::log::track::TrackFilter::default());
    let logged = missions_in_log(data);
    let mut out = Vec::new();
    for t in &flown {
        let sysid = t.id.sysid;
        let (items, source) = match file {
            Some((items, name)) => (items.to_vec(), name.to_owned()),
            None => match logged.iter().find(|m| m.sysid == sysid) {
                Some(m) => (m.items.clone(), tr("mission in the log").to_owned()),
                None => continue,
            },
        };
        let home = t.points.first().map(|p| p.lat_lon);
        let summary = match cross_track(&planned_path(&items, home), &t.points) {
            Some(x) => trf(
                "Vehicle {id} against {source}: cross-track mean {mean} m, 95 % {p95} m, max {max} m",
                &[
                    ("id", sysid.to_string()),
                    ("source", source),
                    ("mean", format!("{:.1}", x.mean_m)),
                    ("p95", format!("{:.1}", x.p95_m)),
                    ("max", format!("{:.1}", x.max_m)),
                ],
            ),
            None => trf(
                "Vehicle {id} against {source}: no leg to compare",
                &[("id", sysid.to_string()), ("source", source)],
            ),
        };
        out.push(Planned {
            sysid,
            items,
            summary,
        });
    }
    out
}

impl AppCore {
    /// Draws each vehicle's planned mission on the map and shows the comparison.
    pub(super) fn show_planned(&mut self, planned: Vec<Planned>) {
        let key = crate::ui::model::MissionTypeKey::Mission;
        let m = &mut self.model;
        let mut lines = Vec::new();
        for p in planned {
            let id = m
                .snapshot
                .vehicles
                .iter()
                .find(|v| v.id.sysid == p.sysid)
                .map_or(VehicleId::new(p.sysid, 1), |v| v.id);
            m.onboard.insert((id, key), p.items);
            lines.push(p.summary);
        }
        if let Some(v) = m.replay.as_mut() {
            v.compare = lines;
        }
    }

    /// Compares the flight with a mission file (every vehicle against it).
    pub(super) fn compare_with_file(&mut self, path: &Path) {
        let Some(s) = self.replay.as_ref() else {
            return;
        };
        let doc = std::fs::read(path)
            .map_err(|e| e.to_string())
            .and_then(|b| crate::formats::document::read_document(&b).map_err(|e| e.to_string()));
        match doc {
            Ok(doc) => {
                let name = path.file_name().map_or_else(
                    || path.display().to_string(),
                    |n| n.to_string_lossy().into(),
                );
                let items = crate::log::planned::items_with_home(&doc);
                let planned = compare(s.data(), Some((&items, &name)));
                if let Some(s) = self.replay.as_mut() {
                    s.compared_with_file = true;
                }
                self.show_planned(planned);
            }
            Err(e) => {
                self.model
                    .push_log(None, severity::ERROR, format!("{}: {e}", path.display()))
            }
        }
    }
}
