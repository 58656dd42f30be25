//! Conversions between a [`MissionDocument`] and the three kinds of QGC WPL file, so that a
//! plan read from a `.plan` can be saved for Mission Planner or MAVProxy and back.
//!
//! - Mission: row 0 is the home position ([`MissionDocument::mission_upload_list`] /
//!   [`MissionDocument::from_mission_list`]).
//! - Fence: [`Fence::to_items`] / [`Fence::from_items`] (no home row).
//! - Rally: [`RallyPoint::to_items`] / [`RallyPoint::from_items`] (no home row).
//!
//! The WPL text itself is read and written by [`wpl`] (`parse`, `write`).

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::wpl::parse;
    use crate::test_support::sample;

    fn wpl(name: &str) -> WplFile {
        let p = sample(&format!("missions/wpl/{name}"));
        let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    fn same(a: &[crate::plan::MissionItem], b: &[crate::plan::MissionItem]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same_on_wire(y))
    }

    #[test]
    fn mission_wpl_round_trips_through_a_document() {
        for name in [
            "ardupilot_CMAC-grid.txt",
            "cuav_Dalby-mission-Porter-north-takeoff.txt",
        ] {
            let f = wpl(name);
            let doc = document_from_wpl(&f).expect("mission");
            assert_eq!(doc.mission.len() + 1, f.items.len(), "{name}");
            assert!(doc.planned_home.is_some(), "{name}: row 0 is home");
            let back = parse(&mission_to_wpl(&doc)).expect("reads back");
            // Row 0 comes back from the planned home: position and altitude, frame GLOBAL.
            assert!(same(&back.items[1..], &f.items[1..]), "{name}");
            assert_eq!(
                (back.items[0].x, back.items[0].y),
                (f.items[0].x, f.items[0].y)
            );
        }
    }

    #[test]
    fn fence_and_rally_wpl_round_trip() {
        for name in [
            "pymavlink_fence-110.txt",
            "ardupilot_Dalby-OBC2016-fence_latlon.txt",
        ] {
            let f = wpl(name);
            let doc = document_from_wpl(&f).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!doc.fence.polygons.is_empty(), "{name}");
            let back =
                document_from_wpl(&parse(&fence_to_wpl(&doc)).expect("reads")).expect("fence");
            assert_eq!(back.fence, doc.fence, "{name}");
        }
        let f = wpl("pymavlink_rally-110.txt");
        let doc = document_from_wpl(&f).expect("rally");
        assert_eq!(doc.rally.len(), 2);
        let back = document_from_wpl(&parse(&rally_to_wpl(&doc)).expect("reads")).expect("rally");
        assert_eq!(back.rally, doc.rally);
    }
}
