//! Sequencing tests for the mission executor: item order, do-items, jumps, set-current.

use super::mission_cmd::{DoCmd, NavCmd};
use super::mission_exec::{MissionExec, MissionHost};
use super::state::mission_state;
use crate::geo::LatLon;
use crate::plan::mission_item::MissionItem;
use crate::plan::mission_item::cmd;

/// Completes every navigation item on the second verify; logs everything.
#[derive(Default)]
struct Log {
    events: Vec<String>,
    verifies: u32,
}

impl MissionHost for Log {
    fn start_nav(&mut self, seq: u16, _: &NavCmd, _: Option<&NavCmd>) -> bool {
        self.events.push(format!("nav {seq}"));
        true
    }
    fn verify_nav(&mut self, _: u16, _: &NavCmd) -> bool {
        self.verifies += 1;
        self.verifies.is_multiple_of(2)
    }
    fn start_do(&mut self, seq: u16, _: &DoCmd) {
        self.events.push(format!("do {seq}"));
    }
    fn verify_do(&mut self, _: u16, _: &DoCmd) -> bool {
        true
    }
    fn mission_complete(&mut self) {
        self.events.push("complete".into());
    }
    fn mission_text(&mut self, _: u8, text: String) {
        if text.contains("Jump") || text.contains("Skipping") {
            self.events.push(text);
        }
    }
    fn item_reached(&mut self, seq: u16) {
        self.events.push(format!("reached {seq}"));
    }
    fn current_changed(&mut self, _: u16) {}
}

fn wp(n: f64) -> MissionItem {
    MissionItem::nav(cmd::NAV_WAYPOINT, LatLon::new(1.0, n), 10.0)
}

fn run(items: Vec<MissionItem>) -> Vec<String> {
    let mut m = MissionExec::default();
    m.set_items(items);
    m.start();
    let mut h = Log::default();
    for _ in 0..200 {
        m.update(&mut h);
    }
    h.events
}

#[test]
fn do_items_run_while_flying_to_the_next_waypoint_and_jumps_repeat() {
    let home = wp(0.0);
    let items = vec![
        home,
        wp(1.0),
        MissionItem::action(cmd::DO_SET_CAM_TRIGG_DIST, [20.0, 0.0, 0.0, 0.0]),
        MissionItem::action(cmd::DO_CHANGE_SPEED, [1.0, 5.0, 0.0, 0.0]),
        wp(2.0),
        MissionItem::action(cmd::DO_JUMP, [1.0, 1.0, 0.0, 0.0]),
        MissionItem::action(999, [0.0; 4]),
        wp(3.0),
    ];
    let ev = run(items);
    let expected = [
        "nav 1",
        "reached 1",
        "do 2",
        "nav 4",
        "do 3",
        "reached 4",
        "Mission: 5 Jump 1/1",
        "nav 1",
        "reached 1",
        "do 2",
        "nav 4",
        "do 3",
        "reached 4",
        "Skipping invalid cmd #999",
        "nav 7",
        "reached 7",
        "complete",
    ];
    assert_eq!(ev, expected);
}

#[test]
fn bad_jump_target_ends_the_mission_and_set_current_moves() {
    let items = vec![
        wp(0.0),
        wp(1.0),
        MissionItem::action(cmd::DO_JUMP, [9.0, 2.0, 0.0, 0.0]),
        wp(3.0),
    ];
    let ev = run(items.clone());
    assert_eq!(ev, ["nav 1", "reached 1", "complete"]);

    let mut m = MissionExec::default();
    m.set_items(items);
    let mut h = Log::default();
    assert!(m.set_current(3, &mut h));
    assert_eq!(m.current(), 3);
    assert_eq!(m.mission_state(), mission_state::PAUSED);
    m.resume();
    m.update(&mut h);
    assert_eq!(h.events, ["nav 3"]);
    assert!(!m.set_current(4, &mut h));
    m.reset();
    assert_eq!(m.current(), 0);
    assert_eq!(m.mission_state(), mission_state::NOT_STARTED);
}

#[test]
fn forever_jump_between_jumps_terminates() {
    let items = vec![
        wp(0.0),
        MissionItem::action(cmd::DO_JUMP, [2.0, -1.0, 0.0, 0.0]),
        MissionItem::action(cmd::DO_JUMP, [1.0, -1.0, 0.0, 0.0]),
    ];
    assert_eq!(run(items), ["complete"]);
}
