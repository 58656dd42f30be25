//! Planning: mission items, and (later) camera model and survey generation.

pub mod mission_item;

pub use mission_item::{MissionItem, MissionType};
