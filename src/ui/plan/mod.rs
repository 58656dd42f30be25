//! The Plan view: the plan model (pure) and its side panel.

pub mod model;
pub mod panel;
pub mod waypoints;
mod waypoints_lists;
pub mod waypoints_panel;

pub use model::PlanModel;
