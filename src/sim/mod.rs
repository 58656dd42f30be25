//! Simulated ArduPilot-like vehicles for demo mode and tests.
