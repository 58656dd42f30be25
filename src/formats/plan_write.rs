//! Writing a [`MissionDocument`] as a QGroundControl `.plan`. See the
//! [`plan`](super::plan) module doc for the format decisions.

use crate::formats::plan::{FENCE_RALLY_VERSION, MISSION_VERSION, PLAN_VERSION};
use crate::formats::plan_item::simple_value;
use crate::formats::plan_json::{self as pj};
use crate::formats::plan_survey::survey_value;
use crate::plan::document::{ComplexKind, Firmware, MissionDocument, SurveyRecord, VehicleKind};
use serde_json::{Value, json};

/// Writes the document as a `.plan` that QGroundControl loads.
///
/// Never fails. Losses, by design: NaN and infinite parameters are both written `null` (JSON
/// has neither); `current` flags are not stored (QGroundControl has none); a complex item
/// that is not a survey, has no items, overlaps an earlier one or reaches past the end of the
/// mission is not written as a complex item — its mission items are written as simple items;
/// a survey camera without complete specs is written as a manual camera; the fence return
/// point is written with altitude 0.
pub fn write_plan(doc: &MissionDocument) -> String {
    let mut items = Vec::with_capacity(doc.mission.len());
    let mut surveys = writable_surveys(doc).into_iter().peekable();
    let mut i = 0;
    while let Some(item) = doc.mission.get(i) {
        if let Some((first, count, record)) = surveys.peek().copied()
            && first == i
        {
            let inner: Vec<Value> = doc
                .mission
                .iter()
                .enumerate()
                .skip(first)
                .take(count)
                .map(|(k, it)| simple_value(it, k + 1, false))
                .collect();
            items.push(survey_value(record, inner));
            surveys.next();
            i += count;
            continue;
        }
        items.push(simple_value(item, i + 1, true));
        i += 1;
    }

    let home = doc.planned_home.map_or_else(
        || json!([0, 0, 0]),
        |h| {
            json!([
                pj::f64_value(h.position.lat_deg),
                pj::f64_value(h.position.lon_deg),
                pj::f64_value(h.alt_amsl_m)
            ])
        },
    );
    let mut mission = json!({
        "firmwareType": match doc.firmware {
            Firmware::ArduPilot => 3,
            Firmware::Px4 => 12,
            Firmware::Generic => 0,
        },
        "items": items,
        "plannedHomePosition": home,
        "vehicleType": match doc.vehicle {
            VehicleKind::Copter => 2,
            VehicleKind::Plane => 1,
            VehicleKind::Other(n) => n,
        },
        "version": MISSION_VERSION,
    });
    if let Some(obj) = mission.as_object_mut() {
        if let Some(s) = doc.cruise_speed_mps {
            obj.insert("cruiseSpeed".to_owned(), pj::f64_value(s));
        }
        if let Some(s) = doc.hover_speed_mps {
            obj.insert("hoverSpeed".to_owned(), pj::f64_value(s));
        }
    }

    let polygons: Vec<Value> = doc
        .fence
        .polygons
        .iter()
        .map(|p| {
            json!({
                "inclusion": p.inclusion,
                "polygon": p.points.iter().map(|q| pj::coordinate_value(*q)).collect::<Vec<_>>(),
                "version": 1,
            })
        })
        .collect();
    let circles: Vec<Value> = doc
        .fence
        .circles
        .iter()
        .map(|c| {
            json!({
                "circle": {
                    "center": pj::coordinate_value(c.center),
                    "radius": pj::f64_value(c.radius_m),
                },
                "inclusion": c.inclusion,
                "version": 1,
            })
        })
        .collect();
    let mut fence = json!({
        "circles": circles,
        "polygons": polygons,
        "version": FENCE_RALLY_VERSION,
    });
    if let (Some(p), Some(obj)) = (doc.fence.return_point, fence.as_object_mut()) {
        obj.insert(
            "breachReturn".to_owned(),
            json!([pj::f64_value(p.lat_deg), pj::f64_value(p.lon_deg), 0]),
        );
    }
    let rally: Vec<Value> = doc
        .rally
        .iter()
        .map(|r| {
            json!([
                pj::f64_value(r.position.lat_deg),
                pj::f64_value(r.position.lon_deg),
                pj::f64_value(r.alt_m)
            ])
        })
        .collect();

    pj::to_pretty(&json!({
        "fileType": "Plan",
        "geoFence": fence,
        "groundStation": "Steppe",
        "mission": mission,
        "rallyPoints": { "points": rally, "version": FENCE_RALLY_VERSION },
        "version": PLAN_VERSION,
    }))
}

/// Surveys that can be written as complex items: `(first_item, item_count, record)` in
/// mission order, non-empty, inside the mission and not overlapping.
fn writable_surveys(doc: &MissionDocument) -> Vec<(usize, usize, &SurveyRecord)> {
    let mut v: Vec<(usize, usize, &SurveyRecord)> = doc
        .complex
        .iter()
        .filter_map(|c| match &c.kind {
            ComplexKind::Survey(r) => Some((c.first_item, c.item_count, r)),
            ComplexKind::Other(_) => None,
        })
        .filter(|(first, count, _)| {
            *count > 0
                && first
                    .checked_add(*count)
                    .is_some_and(|end| end <= doc.mission.len())
        })
        .collect();
    v.sort_by_key(|(first, ..)| *first);
    let mut end = 0;
    v.retain(|(first, count, _)| {
        let keep = *first >= end;
        if keep {
            end = first + count;
        }
        keep
    });
    v
}
