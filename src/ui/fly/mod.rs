//! The Fly view's panels.

pub mod actions;
pub mod hud;
pub mod messages;
pub mod preflight;
pub mod status_card;
pub mod transfers;
