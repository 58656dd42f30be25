//! The Plan view: the plan model (pure) and its side panel.

pub mod model;
pub mod panel;
pub mod waypoints;
pub mod waypoints_panel;

pub use model::PlanModel;
