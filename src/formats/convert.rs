//! Conversions between a [`MissionDocument`] and the three kinds of QGC WPL file, so that a
//! plan read from a `.plan` can be saved for Mission Planner or MAVProxy and back.
//!
//! - Mission: row 0 is the home position ([`MissionDocument::mission_upload_list`] /
//!   [`MissionDocument::from_mission_list`]).
//! - Fence: [`Fence::to_items`] / [`Fence::from_items`] (no home row).
//! - Rally: [`RallyPoint::to_items`] / [`RallyPoint::from_items`] (no home row).
//!
//! The WPL text itself is read and written by [`wpl`](super::wpl).

use crate::formats::wpl::{self, WplFile};
use crate::plan::document::{DocumentError, Fence, MissionDocument, RallyPoint};
use crate::plan::mission_item::MissionType;

/// A document from a parsed WPL file: a mission, a fence or rally points depending on the
/// file's [`MissionType`].
pub fn document_from_wpl(file: &WplFile) -> Result<MissionDocument, DocumentError> {
    match file.mission_type {
        MissionType::Mission => Ok(MissionDocument::from_mission_list(&file.items)),
        MissionType::Fence => Ok(MissionDocument {
            fence: Fence::from_items(&file.items)?,
            ..MissionDocument::default()
        }),
        MissionType::Rally => Ok(MissionDocument {
            rally: RallyPoint::from_items(&file.items)?,
            ..MissionDocument::default()
        }),
    }
}

/// The document's mission as QGC WPL 110 text, home as row 0.
pub fn mission_to_wpl(doc: &MissionDocument) -> String {
    wpl::write(&doc.mission_upload_list())
}

/// The document's geofence as QGC WPL 110 text.
pub fn fence_to_wpl(doc: &MissionDocument) -> String {
    wpl::write(&doc.fence.to_items())
}

/// The document's rally points as QGC WPL 110 text.
pub fn rally_to_wpl(doc: &MissionDocument) -> String {
    wpl::write(&RallyPoint::to_items(&doc.rally))
}
