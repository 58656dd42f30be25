//! Planning: the area to survey, camera model, survey generation, mission items and the mission
//! document every file format reads into and writes from. Pure: no I/O beyond what callers pass
//! in, no clocks.

pub mod area;
pub mod document;
pub mod mission_item;
pub mod terrain;

pub use area::Area;
pub use document::MissionDocument;
pub use mission_item::{MissionItem, MissionType};
