//! Lane skipping inside a part. A fixed-wing survey whose turns are wider than the line spacing
//! flies every k-th line and comes back for the others; cutting that flight order into
//! consecutive ranges would interleave the parts' lines over the whole field, with two aircraft
//! flying neighbouring lines at the same altitude. So a split cuts the survey in its spatial
//! (boustrophedon) order, and each part skips lanes within its own lines.

use crate::geo::LocalFrame;
use crate::plan::area::Area;
use crate::plan::geometry::TransectFrame;
use crate::plan::survey::{Survey, SurveyError, SurveyParams, Transect, generate, lane_order};

/// The survey flown without lane skipping (same angle, home and lines), whose consecutive
/// transects are neighbours on the ground. `whole` itself when it skips no lanes.
pub fn spatial_order(area: &Area, whole: &Survey) -> Result<Survey, SurveyError> {
    if whole.params.lane_skip() <= 1 {
        return Ok(whole.clone());
    }
    let params = SurveyParams {
        turn_radius_m: Some(whole.params.line_spacing_m / 4.0),
        ..whole.params.clone()
    };
    let mut s = generate(area, &params)?;
    s.params.turn_radius_m = whole.params.turn_radius_m;
    Ok(s)
}

/// `transects` (consecutive in spatial order) reordered to skip `skip - 1` lanes within each
/// run of neighbouring lines, directions alternating as the aircraft turns.
pub fn skip_lanes(
    area: &Area,
    angle_deg: f64,
    spacing_m: f64,
    transects: Vec<Transect>,
    skip: usize,
) -> Vec<Transect> {
    if skip <= 1 || transects.len() <= skip {
        return transects;
    }
    let frame: LocalFrame = area.local_frame();
    let cross = |t: &Transect| {
        let tf = TransectFrame::new(if t.crosshatch {
            angle_deg + 90.0
        } else {
            angle_deg
        });
        tf.to_frame(frame.to_enu(t.start)).y
    };
    // Runs of neighbours: same pass, no coverage patches, one spacing apart.
    let mut runs: Vec<Vec<Transect>> = Vec::new();
    for t in transects {
        let joins = runs.last().and_then(|r| r.last()).is_some_and(|prev| {
            prev.crosshatch == t.crosshatch
                && !prev.patch
                && !t.patch
                && ((cross(prev) - cross(&t)).abs() - spacing_m).abs() < 0.25 * spacing_m
        });
        match runs.last_mut() {
            Some(r) if joins => r.push(t),
            _ => runs.push(vec![t]),
        }
    }
    let mut out = Vec::new();
    for run in runs {
        for (i, lane) in lane_order(run.len(), skip).into_iter().enumerate() {
            if let Some(t) = run.get(lane) {
                let mut t = *t;
                if i % 2 != lane % 2 {
                    std::mem::swap(&mut t.start, &mut t.end);
                }
                out.push(t);
            }
        }
    }
    out
}
