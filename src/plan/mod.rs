//! Planning: the area to survey, camera model, survey generation, mission items and the mission
//! document every file format reads into and writes from. Pure: no I/O beyond what callers pass
//! in, no clocks.

pub mod area;
pub mod camera;
pub mod camera_capture;
pub mod camera_db;
pub mod camera_user;
pub mod document;
pub mod geometry;
pub mod mission_item;
pub mod mission_stats;
pub mod resume;
pub mod split;
pub mod split_order;
pub mod stored;
pub mod survey;
pub mod survey_doc;
pub mod terrain;
#[cfg(test)]
pub(crate) mod test_fields;
pub mod validate;

pub use area::Area;
pub use camera::{
    AltOrGsd, Camera, CameraError, Capture, CaptureGeometry, ImageGround, IntervalWarning,
    Orientation, all_cameras, builtin_cameras, find_camera, lookup_camera, parse_user_cameras,
};
pub use document::MissionDocument;
pub use mission_item::{MissionItem, MissionType};
