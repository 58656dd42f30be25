//! Reading and writing the Plan view's document: mission files replace it, field boundaries
//! join its fence.

use super::{Loaded, WaypointEditor, WaypointError};
use crate::formats::document::Input;
use crate::plan::document::FencePolygon;
use std::path::{Path, PathBuf};

impl WaypointEditor {
    /// Reads a .plan, .waypoints/.txt (or any file [`crate::cli::plan::read_input`] knows).
    /// A mission file replaces the document; a field boundary (KML, KMZ, GeoJSON) is added to
    /// the fence: outer rings as inclusion polygons, holes as exclusion polygons.
    pub fn load(&mut self, path: &Path) -> Result<Loaded, WaypointError> {
        let input = crate::cli::plan::read_input(path)
            .map_err(|e| WaypointError::File(format!("{e:#}")))?;
        self.drawing = None;
        match input {
            Input::Doc(doc) => {
                self.doc = *doc;
                self.selected = None;
                self.dirty = false;
                Ok(Loaded::Document)
            }
            Input::Boundary(areas) => {
                let before = self.doc.fence.polygons.len();
                for a in areas {
                    let holes = a.holes.into_iter().map(|points| FencePolygon {
                        points,
                        inclusion: false,
                    });
                    let outer = FencePolygon {
                        points: a.outer,
                        inclusion: true,
                    };
                    self.doc
                        .fence
                        .polygons
                        .extend(std::iter::once(outer).chain(holes));
                }
                self.dirty = true;
                Ok(Loaded::Boundary {
                    polygons: self.doc.fence.polygons.len() - before,
                })
            }
        }
    }

    /// Writes the document by the file's extension ([`crate::cli::plan::write_doc`]: a .plan
    /// holds everything; .waypoints puts the fence and rally points in sibling files).
    /// Returns the files written.
    pub fn save(&mut self, path: &Path) -> Result<Vec<PathBuf>, WaypointError> {
        let written = crate::cli::plan::write_doc(path, &self.doc)
            .map_err(|e| WaypointError::File(format!("{e:#}")))?;
        self.dirty = false;
        Ok(written)
    }
}
