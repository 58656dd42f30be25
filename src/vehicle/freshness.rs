//! How old each part of a vehicle's state is, so a display can grey out what stopped updating
//! instead of showing a frozen number as if it were live.
//!
//! Each [`FieldGroup`] has a staleness threshold of about three times the slowest stream rate
//! ArduPilot and PX4 send it at by default (ArduPilot SRx_ defaults: attitude 4-10 Hz,
//! position/HUD 2-4 Hz, SYS_STATUS/GPS/battery/EKF 1-2 Hz). Never received is always stale.

/// A group of fields updated together by one or a few messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FieldGroup {
    /// HEARTBEAT: mode, armed, system status. Stale after 3 s.
    Heartbeat,
    /// GLOBAL_POSITION_INT (or GPS_RAW_INT fallback): position and altitudes. Stale after 3 s.
    Position,
    /// ATTITUDE: roll, pitch, yaw and rates. Stale after 1.5 s.
    Attitude,
    /// VFR_HUD / velocities: speeds, heading, climb, throttle. Stale after 3 s.
    Hud,
    /// SYS_STATUS / BATTERY_STATUS battery fields. Stale after 5 s.
    Battery,
    /// GPS_RAW_INT: fix, satellites, DOP. Stale after 5 s.
    Gps,
    /// SYS_STATUS sensor bits, load, link errors. Stale after 5 s.
    SysStatus,
    /// HOME_POSITION. Sent on change and on request only: never stale once received.
    Home,
    /// MISSION_CURRENT / MISSION_ITEM_REACHED. Stale after 5 s.
    Mission,
    /// EKF_STATUS_REPORT (ArduPilot). Stale after 5 s.
    Ekf,
}

impl FieldGroup {
    /// Every group, in declaration order.
    pub const ALL: [FieldGroup; 10] = [
        FieldGroup::Heartbeat,
        FieldGroup::Position,
        FieldGroup::Attitude,
        FieldGroup::Hud,
        FieldGroup::Battery,
        FieldGroup::Gps,
        FieldGroup::SysStatus,
        FieldGroup::Home,
        FieldGroup::Mission,
        FieldGroup::Ekf,
    ];

    /// Age after which the group counts as stale, microseconds; `None` for groups that are
    /// only sent on change (they never go stale once received).
    pub const fn stale_after_us(self) -> Option<u64> {
        match self {
            FieldGroup::Attitude => Some(1_500_000),
            FieldGroup::Heartbeat | FieldGroup::Position | FieldGroup::Hud => Some(3_000_000),
            FieldGroup::Battery
            | FieldGroup::Gps
            | FieldGroup::SysStatus
            | FieldGroup::Mission
            | FieldGroup::Ekf => Some(5_000_000),
            FieldGroup::Home => None,
        }
    }

    const fn index(self) -> usize {
        self as usize
    }
}

/// Last update time of every [`FieldGroup`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Freshness {
    updated_us: [Option<u64>; 10],
}

impl Freshness {
    /// Records that `group` was updated at `t_us`.
    pub fn touch(&mut self, group: FieldGroup, t_us: u64) {
        if let Some(slot) = self.updated_us.get_mut(group.index()) {
            *slot = Some(t_us);
        }
    }

    /// When `group` was last updated.
    pub fn updated_us(&self, group: FieldGroup) -> Option<u64> {
        self.updated_us.get(group.index()).copied().flatten()
    }

    /// Age of `group` at `now_us`; `None` if never received. A `now_us` earlier than the update
    /// (replay jumped back) gives 0.
    pub fn age_us(&self, group: FieldGroup, now_us: u64) -> Option<u64> {
        self.updated_us(group).map(|t| now_us.saturating_sub(t))
    }

    /// True when `group` was never received or is older than its threshold.
    pub fn is_stale(&self, group: FieldGroup, now_us: u64) -> bool {
        match (self.age_us(group, now_us), group.stale_after_us()) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(age), Some(limit)) => age > limit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn never_received_is_stale() {
        let f = Freshness::default();
        for g in FieldGroup::ALL {
            assert!(f.is_stale(g, 0));
            assert_eq!(f.age_us(g, 10), None);
        }
    }

    #[test]
    fn thresholds() {
        let mut f = Freshness::default();
        for g in FieldGroup::ALL {
            f.touch(g, 1_000_000);
        }
        assert!(!f.is_stale(FieldGroup::Attitude, 2_500_000));
        assert!(f.is_stale(FieldGroup::Attitude, 2_500_001));
        assert!(!f.is_stale(FieldGroup::Heartbeat, 4_000_000));
        assert!(f.is_stale(FieldGroup::Heartbeat, 4_000_001));
        assert!(!f.is_stale(FieldGroup::Battery, 6_000_000));
        assert!(f.is_stale(FieldGroup::Battery, 6_000_001));
        assert!(!f.is_stale(FieldGroup::Home, u64::MAX));
        assert_eq!(f.age_us(FieldGroup::Gps, 1_500_000), Some(500_000));
        assert_eq!(f.age_us(FieldGroup::Gps, 0), Some(0), "time went back");
    }

    proptest! {
        #[test]
        fn stale_iff_older_than_threshold(t in 0u64..1u64 << 50, dt in 0u64..20_000_000) {
            let mut f = Freshness::default();
            f.touch(FieldGroup::Position, t);
            prop_assert_eq!(f.is_stale(FieldGroup::Position, t + dt), dt > 3_000_000);
            prop_assert_eq!(f.age_us(FieldGroup::Position, t + dt), Some(dt));
        }
    }
}
