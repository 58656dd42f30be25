//! Resuming a survey after a battery swap: a new mission that skips what was flown and
//! re-arms the camera.
//!
//! Two ways in:
//! - [`resume_survey`] rebuilds a generated survey from a transect (1-based, as the operator
//!   counts them) or from a mission item (its ArduPilot sequence number, home = 0). An item
//!   inside a transect resumes that whole transect: transects are never cut, so the photos of a
//!   line interrupted halfway are taken again rather than leaving a gap.
//! - [`resume_items`] works on any mission list, as Mission Planner's "resume" does: it keeps
//!   the takeoff, the last speed and camera settings in force at the resume item, then the
//!   remaining items; if the camera was triggering there, the leg leading to the resume item
//!   is flown again from its start with the camera on.

use crate::plan::Area;
use crate::plan::mission_item::{MissionItem, cmd, frame};
use crate::plan::survey::{Survey, build_path, mission_items_with_transects};

/// Where to resume.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResumeFrom {
    /// Transect number, 1-based in flight order.
    Transect(usize),
    /// Mission item sequence number as the autopilot shows it (ArduPilot: home = 0, the first
    /// item = 1).
    Item(u16),
}

impl std::str::FromStr for ResumeFrom {
    type Err = ResumeError;

    /// `N` or `transect:N` for a transect, `item:N` for a mission item.
    fn from_str(s: &str) -> Result<Self, ResumeError> {
        let s = s.trim();
        let (kind, num) = match s.split_once(':') {
            Some((k, n)) => (k.trim().to_ascii_lowercase(), n.trim()),
            None => ("transect".to_string(), s),
        };
        let bad = || ResumeError::Syntax(s.to_string());
        match kind.as_str() {
            "transect" | "t" => num.parse().map(ResumeFrom::Transect).map_err(|_| bad()),
            "item" | "i" | "seq" => num.parse().map(ResumeFrom::Item).map_err(|_| bad()),
            _ => Err(bad()),
        }
    }
}

/// Why a mission cannot be resumed where asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResumeError {
    /// Unparseable resume point.
    #[error(
        "resume point '{0}' is not understood: give a transect number (3 or transect:3) or a mission item (item:12)"
    )]
    Syntax(String),
    /// Transect number out of range.
    #[error("transect {asked} does not exist: the survey has {count} transect(s), numbered from 1")]
    NoSuchTransect {
        /// Asked for.
        asked: usize,
        /// Transects in the survey.
        count: usize,
    },
    /// Item number out of range.
    #[error("mission item {asked} does not exist: the mission has items 1 to {last}")]
    NoSuchItem {
        /// Asked for.
        asked: u16,
        /// Last item number.
        last: usize,
    },
    /// Nothing is left to survey after the item.
    #[error("nothing is left to survey after item {0}: every transect ends before it")]
    NothingLeft(u16),
    /// A DO_JUMP of the remaining mission goes back before the resume point.
    #[error(
        "item {jump} jumps back to item {target}, before the resume point {from}; resume from an earlier item"
    )]
    JumpBeforeStart {
        /// The jump's sequence number (old numbering).
        jump: usize,
        /// Its target (old numbering).
        target: usize,
        /// Resume point.
        from: u16,
    },
}

/// The transect index (0-based) a resume point means in `s`.
pub fn resume_transect(s: &Survey, from: ResumeFrom) -> Result<usize, ResumeError> {
    let count = s.transects.len();
    match from {
        ResumeFrom::Transect(n) => {
            if n == 0 || n > count {
                Err(ResumeError::NoSuchTransect { asked: n, count })
            } else {
                Ok(n - 1)
            }
        }
        ResumeFrom::Item(seq) => {
            let tagged = mission_items_with_transects(s);
            let idx = usize::from(seq);
            if idx == 0 || idx > tagged.len() {
                return Err(ResumeError::NoSuchItem {
                    asked: seq,
                    last: tagged.len(),
                });
            }
            // Items are numbered from 1 after ArduPilot's home.
            tagged
                .iter()
                .skip(idx - 1)
                .find_map(|(_, t)| *t)
                .ok_or(ResumeError::NothingLeft(seq))
        }
    }
}

/// A survey that flies `s`'s transects from the resume point on, from the same home, with the
/// same parameters (the camera is switched on at the first remaining transect as at every
/// other).
pub fn resume_survey(area: &Area, s: &Survey, from: ResumeFrom) -> Result<Survey, ResumeError> {
    let first = resume_transect(s, from)?;
    let rest: Vec<_> = s.transects.iter().skip(first).copied().collect();
    Ok(build_path(area, &s.params, s.angle_deg, s.home, rest))
}

fn is_nav(it: &MissionItem) -> bool {
    it.command < 80 || it.command == cmd::NAV_SPLINE_WAYPOINT
}

/// Resumes any mission list (without ArduPilot's home item) at sequence number `from_seq`
/// (home = 0, so the first item of `items` is 1). Keeps the first takeoff, re-issues the speed
/// and camera trigger distance in force at that item and, when the camera was on, flies the
/// leg to it again from its start. DO_JUMP targets are renumbered.
pub fn resume_items(items: &[MissionItem], from_seq: u16) -> Result<Vec<MissionItem>, ResumeError> {
    let idx = usize::from(from_seq);
    if idx == 0 || idx > items.len() {
        return Err(ResumeError::NoSuchItem {
            asked: from_seq,
            last: items.len(),
        });
    }
    let start = idx - 1;
    let before = items.get(..start).unwrap_or_default();
    let rest = items.get(start..).unwrap_or_default();
    let mut out = Vec::with_capacity(rest.len() + 4);
    if let Some(t) = before.iter().find(|it| it.command == cmd::NAV_TAKEOFF) {
        out.push(*t);
    }
    if let Some(speed) = before
        .iter()
        .rev()
        .find(|it| it.command == cmd::DO_CHANGE_SPEED)
    {
        out.push(*speed);
    }
    let camera = before
        .iter()
        .rev()
        .find(|it| it.command == cmd::DO_SET_CAM_TRIGG_DIST)
        .filter(|it| it.params[0] > 0.0);
    if let Some(cam) = camera {
        // Fly the interrupted leg again: its start, then the camera on.
        if let Some(prev) = before
            .iter()
            .rev()
            .find(|it| is_nav(it) && it.position().is_some() && it.command != cmd::NAV_TAKEOFF)
        {
            let mut w = *prev;
            w.command = cmd::NAV_WAYPOINT;
            w.params = [0.0; 4];
            out.push(w);
        }
        let mut c = *cam;
        c.params[2] = 1.0; // a photo at once
        out.push(c);
    }
    let added = out.len();
    for (k, it) in rest.iter().enumerate() {
        let mut it = *it;
        if it.command == cmd::DO_JUMP {
            let target = it.params[0].max(0.0) as usize;
            if target < idx {
                return Err(ResumeError::JumpBeforeStart {
                    jump: idx + k,
                    target,
                    from: from_seq,
                });
            }
            it.params[0] = (target - idx + 1 + added) as f32;
        }
        out.push(it);
    }
    if out.first().map(|it| it.command) != Some(cmd::NAV_TAKEOFF) {
        // A copter must take off again after the swap; climb to the first altitude above home
        // (30 m when the mission gives none relative to home).
        // The first altitude above home, if the mission gives one; else 30 m.
        let alt = rest
            .iter()
            .find(|it| is_nav(it) && frame::is_global(it.frame))
            .filter(|it| {
                matches!(
                    it.frame,
                    frame::GLOBAL_RELATIVE_ALT | frame::GLOBAL_RELATIVE_ALT_INT
                )
            })
            .map_or(30.0, |it| it.z);
        let mut t = MissionItem::action(cmd::NAV_TAKEOFF, [0.0; 4]);
        t.frame = frame::GLOBAL_RELATIVE_ALT;
        t.z = alt;
        out.insert(0, t);
        for it in out.iter_mut().filter(|it| it.command == cmd::DO_JUMP) {
            it.params[0] += 1.0;
        }
    }
    Ok(out)
}

#[cfg(test)]
#[path = "resume_tests.rs"]
mod tests;
