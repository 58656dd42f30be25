//! Fence and rally editing of the [`WaypointEditor`]: polygons drawn vertex by vertex and
//! closed, circles, vertex and shape edits, inclusion toggling, rally points.

use super::{FenceShape, WaypointEditor, WaypointError};
use crate::geo::LatLon;
use crate::plan::document::{FenceCircle, FencePolygon, RallyPoint};

impl WaypointEditor {
    /// Adds a vertex to the polygon being drawn (starting one when none is).
    pub fn add_fence_vertex(&mut self, p: LatLon, inclusion: bool) {
        let poly = self.drawing.get_or_insert_with(|| FencePolygon {
            points: Vec::new(),
            inclusion,
        });
        poly.inclusion = inclusion;
        poly.points.push(p);
        self.dirty = true;
    }

    /// Puts the polygon being drawn into the fence; returns its index. Under 3 vertices it
    /// stays in the drawing and the error says so.
    pub fn close_polygon(&mut self) -> Result<usize, WaypointError> {
        let found = self.drawing.as_ref().map_or(0, |d| d.points.len());
        match self.drawing.take() {
            Some(poly) if found >= 3 => {
                self.doc.fence.polygons.push(poly);
                self.dirty = true;
                Ok(self.doc.fence.polygons.len() - 1)
            }
            other => {
                self.drawing = other;
                Err(WaypointError::TooFewVertices { found })
            }
        }
    }

    /// Adds a fence circle; returns its index.
    pub fn add_circle(&mut self, center: LatLon, radius_m: f64, inclusion: bool) -> usize {
        self.doc.fence.circles.push(FenceCircle {
            center,
            radius_m,
            inclusion,
        });
        self.dirty = true;
        self.doc.fence.circles.len() - 1
    }

    /// Moves a fence circle's centre.
    pub fn move_circle(&mut self, i: usize, center: LatLon) -> bool {
        self.edit_circle(i, |c| c.center = center)
    }

    /// Sets a fence circle's radius (metres, above zero).
    pub fn set_circle_radius(&mut self, i: usize, radius_m: f64) -> bool {
        radius_m.is_finite() && radius_m > 0.0 && self.edit_circle(i, |c| c.radius_m = radius_m)
    }

    fn edit_circle(&mut self, i: usize, f: impl FnOnce(&mut FenceCircle)) -> bool {
        let Some(c) = self.doc.fence.circles.get_mut(i) else {
            return false;
        };
        f(c);
        self.dirty = true;
        true
    }

    /// Moves vertex `v` of fence polygon `poly`.
    pub fn move_fence_vertex(&mut self, poly: usize, v: usize, p: LatLon) -> bool {
        let Some(slot) = self
            .doc
            .fence
            .polygons
            .get_mut(poly)
            .and_then(|q| q.points.get_mut(v))
        else {
            return false;
        };
        *slot = p;
        self.dirty = true;
        true
    }

    /// Deletes vertex `v` of fence polygon `poly`; refused when 3 would not remain (delete the
    /// polygon instead).
    pub fn delete_fence_vertex(&mut self, poly: usize, v: usize) -> bool {
        match self.doc.fence.polygons.get_mut(poly) {
            Some(q) if q.points.len() > 3 && v < q.points.len() => {
                q.points.remove(v);
                self.dirty = true;
                true
            }
            _ => false,
        }
    }

    /// Deletes a fence polygon or circle.
    pub fn delete_fence_shape(&mut self, shape: FenceShape) -> bool {
        let f = &mut self.doc.fence;
        let done = match shape {
            FenceShape::Polygon(i) if i < f.polygons.len() => {
                f.polygons.remove(i);
                true
            }
            FenceShape::Circle(i) if i < f.circles.len() => {
                f.circles.remove(i);
                true
            }
            _ => false,
        };
        self.dirty |= done;
        done
    }

    /// Turns an inclusion shape into an exclusion one and back.
    pub fn toggle_inclusion(&mut self, shape: FenceShape) -> bool {
        let f = &mut self.doc.fence;
        let flag = match shape {
            FenceShape::Polygon(i) => f.polygons.get_mut(i).map(|p| &mut p.inclusion),
            FenceShape::Circle(i) => f.circles.get_mut(i).map(|c| &mut c.inclusion),
        };
        let Some(flag) = flag else {
            return false;
        };
        *flag = !*flag;
        self.dirty = true;
        true
    }

    /// Adds a rally point at the rally altitude; returns its index.
    pub fn add_rally(&mut self, p: LatLon) -> usize {
        self.doc.rally.push(RallyPoint {
            position: p,
            alt_m: f64::from(self.rally_alt_m),
        });
        self.dirty = true;
        self.doc.rally.len() - 1
    }

    /// Moves rally point `i`.
    pub fn move_rally(&mut self, i: usize, p: LatLon) -> bool {
        self.edit_rally(i, |r| r.position = p)
    }

    /// Sets rally point `i`'s altitude (metres above home).
    pub fn set_rally_alt(&mut self, i: usize, alt_m: f64) -> bool {
        self.edit_rally(i, |r| r.alt_m = alt_m)
    }

    fn edit_rally(&mut self, i: usize, f: impl FnOnce(&mut RallyPoint)) -> bool {
        let Some(r) = self.doc.rally.get_mut(i) else {
            return false;
        };
        f(r);
        self.dirty = true;
        true
    }

    /// Deletes rally point `i`.
    pub fn delete_rally(&mut self, i: usize) -> bool {
        if i >= self.doc.rally.len() {
            return false;
        }
        self.doc.rally.remove(i);
        self.dirty = true;
        true
    }
}
