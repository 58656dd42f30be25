//! Mission sequencing as ArduPilot's `AP_Mission` does it, so a ground station sees the same
//! item order, MISSION_CURRENT and MISSION_ITEM_REACHED sequence as from a real autopilot.
//!
//! ```text
//!   Stopped --start/resume--> Running --last nav item done--> Complete
//!      ^                         |  \--stop (left AUTO)--> Stopped (resume restarts the nav item)
//!      +-------reset (disarm)----+                          Complete --resume--> Running from 1
//! ```
//! Rules kept from ArduPilot: one navigation item is active at a time; the "do" items between
//! the previous and the current navigation item run one per update while flying to it (a
//! CONDITION_DELAY holds back the ones after it); DO_JUMP is resolved while looking for the next
//! item, counting its repeats; an invalid jump target ends the mission.

use super::events::severity;
use super::mission_cmd::{Cmd, DoCmd, NavCmd, decode, type_name};
use super::state::mission_state;
use crate::plan::mission_item::MissionItem;

/// What the vehicle does with the items the sequencer hands it.
pub(crate) trait MissionHost {
    /// Starts navigation item `seq`; `next` is the following navigation item, if any. Returns
    /// false when the item cannot be flown (it is then skipped).
    fn start_nav(&mut self, seq: u16, cmd: &NavCmd, next: Option<&NavCmd>) -> bool;
    /// True once navigation item `seq` is complete.
    fn verify_nav(&mut self, seq: u16, cmd: &NavCmd) -> bool;
    /// Starts do-item `seq`.
    fn start_do(&mut self, seq: u16, cmd: &DoCmd);
    /// True once do-item `seq` is complete (only CONDITION_DELAY takes time).
    fn verify_do(&mut self, seq: u16, cmd: &DoCmd) -> bool;
    /// The last navigation item completed.
    fn mission_complete(&mut self);
    /// A mission STATUSTEXT.
    fn mission_text(&mut self, severity: u8, text: String);
    /// Navigation item `seq` completed.
    fn item_reached(&mut self, seq: u16);
    /// The current navigation item is now `seq`.
    fn current_changed(&mut self, seq: u16);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum ExecState {
    #[default]
    Stopped,
    Running,
    Complete,
}

/// Result of looking for the next non-jump item.
struct Walk {
    found: Option<(u16, Cmd)>,
    jumps: Vec<(u16, i32)>,
    texts: Vec<String>,
}

/// The mission sequencer.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct MissionExec {
    items: Vec<MissionItem>,
    state: ExecState,
    nav: Option<(u16, NavCmd)>,
    nav_loaded: bool,
    do_cmd: Option<(u16, DoCmd)>,
    do_loaded: bool,
    do_all_done: bool,
    jumps: Vec<(u16, i32)>,
    /// Where the next `update` starts looking for a navigation item.
    pending_start: Option<u16>,
}

impl MissionExec {
    /// Replaces the items (items[0] is home). A running mission restarts its current item.
    pub fn set_items(&mut self, items: Vec<MissionItem>) {
        self.items = items;
        self.jumps.clear();
        self.do_cmd = None;
        self.do_loaded = false;
        self.do_all_done = false;
        let cur = self.nav.map(|(i, _)| i);
        if cur.is_some_and(|i| usize::from(i) >= self.items.len()) {
            self.nav = None;
        }
        if self.state == ExecState::Running {
            self.nav_loaded = false;
            self.pending_start = Some(cur.unwrap_or(1));
        }
    }

    /// The items as stored.
    pub fn items(&self) -> &[MissionItem] {
        &self.items
    }

    /// Number of items including home (saturating).
    pub fn len(&self) -> u16 {
        u16::try_from(self.items.len()).unwrap_or(u16::MAX)
    }

    /// Current navigation item, 0 when none.
    pub fn current(&self) -> u16 {
        self.nav.map_or(0, |(i, _)| i)
    }

    /// True while the mission runs.
    pub fn is_running(&self) -> bool {
        self.state == ExecState::Running
    }

    /// `MAV_MISSION_STATE` number.
    pub fn mission_state(&self) -> u8 {
        match self.state {
            _ if self.items.len() <= 1 => mission_state::NO_MISSION,
            ExecState::Running => mission_state::ACTIVE,
            ExecState::Complete => mission_state::COMPLETE,
            ExecState::Stopped if self.nav.is_some() => mission_state::PAUSED,
            ExecState::Stopped => mission_state::NOT_STARTED,
        }
    }

    /// Starts from item 1 with fresh jump counters.
    pub fn start(&mut self) {
        self.reset();
        self.state = ExecState::Running;
        self.pending_start = Some(1);
    }

    /// Continues: restarts the current navigation item, or starts over when complete or never
    /// started.
    pub fn resume(&mut self) {
        match (self.state, self.nav) {
            (ExecState::Complete, _) | (_, None) => self.start(),
            (_, Some((i, _))) => {
                self.state = ExecState::Running;
                self.nav_loaded = false;
                self.do_cmd = None;
                self.do_loaded = false;
                self.pending_start = Some(i);
            }
        }
    }

    /// Stops a running mission, keeping its place.
    pub fn stop(&mut self) {
        if self.state == ExecState::Running {
            self.state = ExecState::Stopped;
            self.nav_loaded = false;
        }
    }

    /// Back to the beginning (ArduPilot does this on disarm).
    pub fn reset(&mut self) {
        self.state = ExecState::Stopped;
        self.nav = None;
        self.nav_loaded = false;
        self.do_cmd = None;
        self.do_loaded = false;
        self.do_all_done = false;
        self.jumps.clear();
        self.pending_start = None;
    }

    /// True when the first navigation item is a takeoff (ArduCopter requires it to enter AUTO
    /// on the ground).
    pub fn starts_with_takeoff(&self) -> bool {
        matches!(self.peek_next_nav(1), Some((_, n)) if n.command == crate::plan::mission_item::cmd::NAV_TAKEOFF)
    }

    /// The first navigation item at or after `start`, following jumps without counting them.
    pub fn peek_next_nav(&self, start: u16) -> Option<(u16, NavCmd)> {
        let mut idx = start;
        for _ in 0..self.items.len() {
            let (i, c) = self.walk(idx, false).found?;
            if let Cmd::Nav(n) = c {
                return Some((i, n));
            }
            idx = i.checked_add(1)?;
        }
        None
    }

    /// Makes `seq` the current item (MISSION_SET_CURRENT). 0 means 1. False when out of range.
    pub fn set_current<H: MissionHost>(&mut self, seq: u16, host: &mut H) -> bool {
        if self.items.len() <= 1 || usize::from(seq) >= self.items.len() {
            return false;
        }
        self.do_cmd = None;
        self.do_loaded = false;
        self.do_all_done = false;
        self.nav_loaded = false;
        if seq == 0 || self.state == ExecState::Complete {
            self.jumps.clear();
        }
        let seq = seq.max(1);
        if self.state != ExecState::Running {
            let mut idx = seq;
            for _ in 0..self.items.len() {
                let w = self.walk(idx, true);
                self.apply_walk(&w, host);
                match w.found {
                    Some((i, Cmd::Nav(n))) => {
                        self.set_nav(i, n, host);
                        self.state = ExecState::Stopped;
                        self.pending_start = None;
                        return true;
                    }
                    Some((i, _)) => idx = i.saturating_add(1),
                    None => break,
                }
            }
            self.nav = None;
            return false;
        }
        if self.advance_nav(seq, host) {
            true
        } else {
            self.complete(host);
            false
        }
    }

    /// Runs one sequencing step (call at the physics rate while in AUTO and armed).
    pub fn update<H: MissionHost>(&mut self, host: &mut H) {
        if self.state != ExecState::Running {
            return;
        }
        if !self.nav_loaded {
            let start = self
                .pending_start
                .take()
                .unwrap_or_else(|| self.after_current());
            if !self.advance_nav(start, host) {
                self.complete(host);
                return;
            }
        } else if let Some((i, n)) = self.nav
            && host.verify_nav(i, &n)
        {
            host.item_reached(i);
            self.nav_loaded = false;
            if !self.advance_nav(self.after_current(), host) {
                self.complete(host);
                return;
            }
        }
        if !self.do_loaded {
            self.advance_do(host);
        } else if let Some((i, d)) = self.do_cmd
            && host.verify_do(i, &d)
        {
            self.do_loaded = false;
        }
    }

    fn after_current(&self) -> u16 {
        self.nav.map_or(1, |(i, _)| i.saturating_add(1))
    }

    fn complete<H: MissionHost>(&mut self, host: &mut H) {
        self.state = ExecState::Complete;
        self.nav_loaded = false;
        host.mission_complete();
    }

    fn set_nav<H: MissionHost>(&mut self, i: u16, n: NavCmd, host: &mut H) {
        let changed = self.nav.is_none_or(|(old, _)| old != i);
        self.nav = Some((i, n));
        if changed {
            host.current_changed(i);
        }
    }

    fn jump_count(jumps: &[(u16, i32)], idx: u16) -> i32 {
        jumps.iter().find(|(i, _)| *i == idx).map_or(0, |(_, n)| *n)
    }

    /// Finds the first non-jump item at or after `start`, resolving jumps like
    /// `AP_Mission::get_next_cmd` (counting them only when `increment`).
    fn walk(&self, start: u16, increment: bool) -> Walk {
        let mut jumps = self.jumps.clone();
        let mut texts = Vec::new();
        let mut idx = start;
        let mut first_jump: Option<u16> = None;
        let mut loops = 64;
        let none = |jumps, texts| Walk {
            found: None,
            jumps,
            texts,
        };
        while let Some(item) = self.items.get(usize::from(idx)) {
            match decode(item) {
                Cmd::Jump { target, repeat } => {
                    if loops == 0 || target == 0 || usize::from(target) >= self.items.len() {
                        return none(jumps, texts);
                    }
                    loops -= 1;
                    if !increment && first_jump == Some(idx) {
                        return none(jumps, texts);
                    }
                    first_jump.get_or_insert(idx);
                    if repeat < 0 {
                        idx = target;
                    } else {
                        let run = Self::jump_count(&jumps, idx);
                        if run < repeat {
                            if increment {
                                match jumps.iter_mut().find(|(i, _)| *i == idx) {
                                    Some(j) => j.1 += 1,
                                    None => jumps.push((idx, 1)),
                                }
                                texts.push(format!("Mission: {idx} Jump {}/{repeat}", run + 1));
                            }
                            idx = target;
                        } else {
                            let Some(next) = idx.checked_add(1) else {
                                return none(jumps, texts);
                            };
                            idx = next;
                        }
                    }
                }
                c => {
                    return Walk {
                        found: Some((idx, c)),
                        jumps,
                        texts,
                    };
                }
            }
        }
        none(jumps, texts)
    }

    fn apply_walk<H: MissionHost>(&mut self, w: &Walk, host: &mut H) {
        self.jumps.clone_from(&w.jumps);
        for t in &w.texts {
            host.mission_text(severity::INFO, t.clone());
        }
    }

    fn announce<H: MissionHost>(&self, i: u16, host: &mut H) {
        let command = self.items.get(usize::from(i)).map_or(0, |it| it.command);
        host.mission_text(
            severity::INFO,
            format!("Mission: {i} {}", type_name(command)),
        );
    }

    fn skip<H: MissionHost>(&self, i: u16, host: &mut H) {
        let command = self.items.get(usize::from(i)).map_or(0, |it| it.command);
        host.mission_text(
            severity::WARNING,
            format!("Skipping invalid cmd #{command}"),
        );
    }

    /// Loads the next navigation item at or after `start`, starting the first do-item met on
    /// the way. False when there is none (the mission is complete).
    fn advance_nav<H: MissionHost>(&mut self, start: u16, host: &mut H) -> bool {
        if self.state != ExecState::Running {
            return false;
        }
        self.do_cmd = None;
        self.do_loaded = false;
        self.do_all_done = false;
        let mut idx = start;
        let mut loops = 255;
        while !self.nav_loaded {
            if loops == 0 {
                return false;
            }
            loops -= 1;
            let w = self.walk(idx, true);
            self.apply_walk(&w, host);
            let Some((i, c)) = w.found else {
                return false;
            };
            match c {
                Cmd::Nav(n) => {
                    self.announce(i, host);
                    self.set_nav(i, n, host);
                    let next = i
                        .checked_add(1)
                        .and_then(|s| self.peek_next_nav(s))
                        .map(|(_, n)| n);
                    if host.start_nav(i, &n, next.as_ref()) {
                        self.nav_loaded = true;
                    } else {
                        self.skip(i, host);
                    }
                }
                Cmd::Do(d) => {
                    if !self.do_loaded {
                        self.announce(i, host);
                        self.do_cmd = Some((i, d));
                        self.do_loaded = true;
                        host.start_do(i, &d);
                    }
                }
                Cmd::Unsupported | Cmd::Jump { .. } => {
                    self.announce(i, host);
                    self.skip(i, host);
                }
            }
            let Some(next) = i.checked_add(1) else {
                return self.nav_loaded;
            };
            idx = next;
        }
        if !self.do_loaded {
            self.do_all_done = true;
        }
        true
    }

    /// Starts the next do-item before the current navigation item, if any.
    fn advance_do<H: MissionHost>(&mut self, host: &mut H) {
        if self.state != ExecState::Running || self.do_all_done {
            return;
        }
        let Some(start) = self.do_cmd.and_then(|(i, _)| i.checked_add(1)) else {
            self.do_all_done = true;
            return;
        };
        let w = self.walk(start, false);
        match w.found {
            Some((i, Cmd::Do(d))) => {
                self.announce(i, host);
                self.do_cmd = Some((i, d));
                self.do_loaded = true;
                host.start_do(i, &d);
            }
            Some((i, Cmd::Unsupported)) if self.nav.is_none_or(|(n, _)| i < n) => {
                self.announce(i, host);
                self.skip(i, host);
                self.do_cmd = Some((i, DoCmd::NoOp));
            }
            _ => self.do_all_done = true,
        }
    }
}
