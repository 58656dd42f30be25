//! Vehicle model: one [`VehicleState`] per (sysid, compid) of every autopilot heard, updated by a
//! pure `apply(&message, time)`. No I/O, no clocks: time is passed in.
