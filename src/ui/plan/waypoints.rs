//! Plain waypoint, geofence and rally editing for the Plan view, without egui: a
//! [`MissionDocument`] edited item by item (add, insert, move, delete, reorder, change command
//! and parameters), fence shapes drawn vertex by vertex or as circles, and rally points. The
//! side panel and the map layer only call these operations, so everything the operator can do
//! is tested here without a window.
//!
//! Item numbers shown to the operator and DO_JUMP targets count from 1 (item 0 is
//! ArduPilot's home), as QGroundControl and Mission Planner number them; indices in this API
//! count from 0 into [`MissionDocument::mission`].

use crate::geo::LatLon;
use crate::plan::MissionItem;
use crate::plan::MissionType;
use crate::plan::document::{FencePolygon, MissionDocument, PlannedHome, RallyPoint};
use crate::plan::mission_item::{cmd, frame};
use crate::plan::validate::{Finding, Limits, validate};

#[path = "waypoints_commands.rs"]
mod commands;
#[path = "waypoints_fence.rs"]
mod fence;
#[path = "waypoints_files.rs"]
mod files;

pub use commands::{
    COMMON_COMMANDS, CommandSpec, command_name, command_spec, item_uses_alt, param_names,
};

/// What a click on empty map does.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum WpTool {
    /// Nothing: select, drag and right-click markers.
    #[default]
    Select,
    /// Add a waypoint after the selected item (at the end when nothing is selected).
    AddWaypoint,
    /// Add a vertex to the fence polygon being drawn.
    FencePolygon {
        /// Inclusion (stay inside) or exclusion (stay outside).
        inclusion: bool,
    },
    /// Add a fence circle centred on the click.
    FenceCircle {
        /// Inclusion (stay inside) or exclusion (stay outside).
        inclusion: bool,
        /// Radius of new circles, metres.
        radius_m: f64,
    },
    /// Add a rally point.
    Rally,
}

/// A fence shape of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FenceShape {
    /// `doc.fence.polygons[i]`.
    Polygon(usize),
    /// `doc.fence.circles[i]`.
    Circle(usize),
}

/// What [`WaypointEditor::load`] read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loaded {
    /// A mission file: it replaced the document.
    Document,
    /// A field boundary: its polygons were added to the fence.
    Boundary {
        /// Fence polygons added (outer rings as inclusion, holes as exclusion).
        polygons: usize,
    },
}

/// Why an editing or file operation failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WaypointError {
    /// Closing a fence polygon with fewer than three vertices.
    #[error("a fence polygon needs at least 3 vertices, found {found}")]
    TooFewVertices {
        /// Vertices drawn.
        found: usize,
    },
    /// Reading or writing a file (the message names the file and the problem).
    #[error("{0}")]
    File(String),
}

/// The mission, fence and rally points being edited.
#[derive(Debug, Clone)]
pub struct WaypointEditor {
    /// The document.
    pub doc: MissionDocument,
    /// Selected mission item (index into `doc.mission`).
    pub selected: Option<usize>,
    /// Click tool; change it with [`Self::set_tool`] so a polygon being drawn is closed.
    pub tool: WpTool,
    /// Altitude of new waypoints (and of the takeoff before the first), metres above home.
    pub default_alt_m: f32,
    /// Altitude of new rally points, metres above home.
    pub rally_alt_m: f32,
    /// The fence polygon being drawn, not yet in the document.
    pub drawing: Option<FencePolygon>,
    /// Changed since the last load or save.
    pub dirty: bool,
    /// A note about the last load, save or refused operation, for the panel.
    pub note: Option<String>,
}

impl Default for WaypointEditor {
    fn default() -> Self {
        Self {
            doc: MissionDocument::default(),
            selected: None,
            tool: WpTool::Select,
            default_alt_m: 50.0,
            rally_alt_m: 30.0,
            drawing: None,
            dirty: false,
            note: None,
        }
    }
}

impl WaypointEditor {
    /// An editor of `doc`.
    pub fn new(doc: MissionDocument) -> Self {
        Self {
            doc,
            ..Self::default()
        }
    }

    /// Applies the current tool at `p`; false when the tool does not add anything.
    pub fn click(&mut self, p: LatLon) -> bool {
        match self.tool {
            WpTool::Select => return false,
            WpTool::AddWaypoint => {
                self.insert_after_selection(p);
            }
            WpTool::FencePolygon { inclusion } => self.add_fence_vertex(p, inclusion),
            WpTool::FenceCircle {
                inclusion,
                radius_m,
            } => {
                self.add_circle(p, radius_m, inclusion);
            }
            WpTool::Rally => {
                self.add_rally(p);
            }
        }
        true
    }

    /// Switches the tool. Leaving the polygon tool closes the polygon being drawn (or drops
    /// it, under 3 vertices); switching between inclusion and exclusion keeps drawing it.
    pub fn set_tool(&mut self, tool: WpTool) {
        if let (WpTool::FencePolygon { inclusion }, Some(d)) = (tool, self.drawing.as_mut()) {
            d.inclusion = inclusion;
        } else if tool != self.tool && self.drawing.is_some() && self.close_polygon().is_err() {
            self.drawing = None;
        }
        self.tool = tool;
    }

    // --- Mission items ---

    fn waypoint(&self, p: LatLon) -> MissionItem {
        MissionItem::nav(cmd::NAV_WAYPOINT, p, self.default_alt_m)
    }

    /// Appends a waypoint at `p` and selects it. The first one in an empty mission is
    /// preceded by a takeoff to the same altitude, and becomes the planned home when the
    /// document has none. Returns its index.
    pub fn add_waypoint(&mut self, p: LatLon) -> usize {
        if self.doc.mission.is_empty() {
            let mut takeoff = MissionItem::action(cmd::NAV_TAKEOFF, [0.0; 4]);
            takeoff.frame = frame::GLOBAL_RELATIVE_ALT;
            takeoff.z = self.default_alt_m;
            self.doc.mission.push(takeoff);
            if self.doc.planned_home.is_none() {
                self.doc.planned_home = Some(PlannedHome {
                    position: p,
                    alt_amsl_m: 0.0,
                });
            }
        }
        let wp = self.waypoint(p);
        self.doc.mission.push(wp);
        let i = self.doc.mission.len() - 1;
        self.selected = Some(i);
        self.dirty = true;
        i
    }

    /// Inserts a waypoint at `p` after the selected item (appends, as [`Self::add_waypoint`],
    /// when nothing or the last item is selected) and selects it; DO_JUMP targets behind it
    /// move up by one. Returns its index.
    pub fn insert_after_selection(&mut self, p: LatLon) -> usize {
        let at = match self.selected {
            Some(s) if s + 1 < self.doc.mission.len() => s + 1,
            _ => return self.add_waypoint(p),
        };
        let wp = self.waypoint(p);
        self.doc.mission.insert(at, wp);
        // Inside a survey (not just before its first item) it breaks the survey up.
        self.doc
            .complex
            .retain(|c| !(c.first_item < at && at < c.first_item + c.item_count));
        for c in &mut self.doc.complex {
            if c.first_item >= at {
                c.first_item += 1;
            }
        }
        // Targets are numbered from 1: the new item is number at + 1.
        self.remap_jumps(|t| if t > at { t + 1 } else { t });
        self.selected = Some(at);
        self.dirty = true;
        at
    }

    /// Moves item `i` to `p`; false when it has no place on the map (not a global frame).
    pub fn move_item(&mut self, i: usize, p: LatLon) -> bool {
        let Some(it) = self.doc.mission.get_mut(i) else {
            return false;
        };
        if !frame::is_global(it.frame) {
            return false;
        }
        it.set_position(p);
        self.release(i);
        self.dirty = true;
        true
    }

    /// Deletes item `i`. DO_JUMP targets after it move down by one; a jump to the deleted
    /// item now goes to the item that followed it. The selection moves to the item before.
    pub fn delete_item(&mut self, i: usize) -> bool {
        if i >= self.doc.mission.len() {
            return false;
        }
        self.release(i);
        self.doc.mission.remove(i);
        for c in &mut self.doc.complex {
            if c.first_item > i {
                c.first_item -= 1;
            }
        }
        let seq = i + 1;
        self.remap_jumps(|t| if t > seq { t - 1 } else { t });
        self.selected = match self.selected {
            _ if self.doc.mission.is_empty() => None,
            Some(s) if s > i => Some(s - 1),
            Some(s) if s == i => Some(i.saturating_sub(1)),
            other => other,
        };
        self.dirty = true;
        true
    }

    /// Moves item `i` one place earlier (swapping DO_JUMP targets to follow the items).
    pub fn move_up(&mut self, i: usize) -> bool {
        i > 0 && self.swap_with_next(i - 1)
    }

    /// Moves item `i` one place later (swapping DO_JUMP targets to follow the items).
    pub fn move_down(&mut self, i: usize) -> bool {
        self.swap_with_next(i)
    }

    fn swap_with_next(&mut self, a: usize) -> bool {
        let b = a + 1;
        if b >= self.doc.mission.len() {
            return false;
        }
        self.release(a);
        self.release(b);
        self.doc.mission.swap(a, b);
        let (sa, sb) = (a + 1, b + 1);
        self.remap_jumps(|t| match t {
            t if t == sa => sb,
            t if t == sb => sa,
            t => t,
        });
        self.selected = match self.selected {
            Some(s) if s == a => Some(b),
            Some(s) if s == b => Some(a),
            other => other,
        };
        self.dirty = true;
        true
    }

    /// Changes item `i` to one of [`COMMON_COMMANDS`]: its parameters become the command's
    /// defaults; a command without a position loses the position; a waypoint-like command
    /// gets the position of the nearest item before (or after) it when it had none.
    pub fn set_command(&mut self, i: usize, command: u16) -> bool {
        let Some(spec) = command_spec(command) else {
            return false;
        };
        let near = self.neighbour_position(i);
        let default_alt = self.default_alt_m;
        let Some(it) = self.doc.mission.get_mut(i) else {
            return false;
        };
        if it.command == command {
            return true;
        }
        let had_alt = frame::is_global(it.frame) && it.z != 0.0;
        it.command = command;
        it.params = spec.defaults;
        if spec.global {
            if !frame::is_global(it.frame) {
                it.frame = frame::GLOBAL_RELATIVE_ALT;
                it.x = 0;
                it.y = 0;
            }
            if spec.needs_position
                && it.position().is_none()
                && let Some(p) = near
            {
                it.set_position(p);
            }
            if !spec.uses_alt {
                it.z = 0.0;
            } else if !had_alt {
                it.z = default_alt;
            }
        } else {
            it.frame = frame::MISSION;
            it.x = 0;
            it.y = 0;
            it.z = 0.0;
        }
        self.release(i);
        self.dirty = true;
        true
    }

    fn neighbour_position(&self, i: usize) -> Option<LatLon> {
        let m = &self.doc.mission;
        m.iter()
            .take(i)
            .rev()
            .chain(m.iter().skip(i + 1))
            .find_map(MissionItem::position)
            .or(self.doc.planned_home.map(|h| h.position))
    }

    /// Sets item `i`'s altitude (metres, in the item's frame).
    pub fn set_altitude(&mut self, i: usize, alt_m: f32) -> bool {
        let Some(it) = self.doc.mission.get_mut(i) else {
            return false;
        };
        it.z = alt_m;
        self.release(i);
        self.dirty = true;
        true
    }

    /// Sets parameter `k` (0 = param1 … 3 = param4) of item `i`.
    pub fn set_param(&mut self, i: usize, k: usize, value: f32) -> bool {
        let Some(slot) = self
            .doc
            .mission
            .get_mut(i)
            .and_then(|it| it.params.get_mut(k))
        else {
            return false;
        };
        *slot = value;
        self.release(i);
        self.dirty = true;
        true
    }

    /// Moves the planned home.
    pub fn move_home(&mut self, p: LatLon) {
        let alt_amsl_m = self.doc.planned_home.map_or(0.0, |h| h.alt_amsl_m);
        self.doc.planned_home = Some(PlannedHome {
            position: p,
            alt_amsl_m,
        });
        self.dirty = true;
    }

    /// Applies `f` to every DO_JUMP target (item numbers from 1).
    fn remap_jumps(&mut self, f: impl Fn(usize) -> usize) {
        for it in self.doc.mission.iter_mut() {
            if it.command != cmd::DO_JUMP {
                continue;
            }
            let t = it.params[0];
            if t.is_finite() && t >= 1.0 {
                it.params[0] = f(t as usize) as f32;
            }
        }
    }

    /// Forgets the survey (complex item) containing item `i`: edited by hand, its items are
    /// plain items from now on (the .plan writer would otherwise file them under a survey
    /// whose settings no longer produce them).
    fn release(&mut self, i: usize) {
        self.doc
            .complex
            .retain(|c| !(c.first_item <= i && i < c.first_item + c.item_count));
    }

    // --- Upload, checks (files: waypoints_files.rs) ---

    /// The lists to upload, empty ones left out: the mission with home as item 0, the fence,
    /// the rally points.
    pub fn upload_lists(&self) -> Vec<(MissionType, Vec<MissionItem>)> {
        let mission = if self.doc.mission.is_empty() {
            Vec::new()
        } else {
            self.doc.mission_upload_list()
        };
        [
            (MissionType::Mission, mission),
            (MissionType::Fence, self.doc.fence.to_items()),
            (MissionType::Rally, RallyPoint::to_items(&self.doc.rally)),
        ]
        .into_iter()
        .filter(|(_, items)| !items.is_empty())
        .collect()
    }

    /// Validation findings of the document (default limits, no elevation model).
    pub fn findings(&self) -> Vec<Finding> {
        validate(&self.doc, &Limits::default(), None)
    }

    /// A point to centre the map on: home, else the first item, fence vertex or rally point.
    pub fn first_position(&self) -> Option<LatLon> {
        let d = &self.doc;
        d.planned_home
            .map(|h| h.position)
            .or_else(|| d.mission.iter().find_map(MissionItem::position))
            .or_else(|| {
                d.fence
                    .polygons
                    .iter()
                    .find_map(|p| p.points.first().copied())
            })
            .or_else(|| d.fence.circles.first().map(|c| c.center))
            .or_else(|| d.rally.first().map(|r| r.position))
            .or_else(|| {
                self.drawing
                    .as_ref()
                    .and_then(|p| p.points.first().copied())
            })
    }
}

#[cfg(test)]
#[path = "waypoints_tests.rs"]
mod tests;
