//! The recording's own alert. A recording that stopped (a full disk, a pulled USB stick) is
//! raised like a vehicle alert — a bar across the window and a tone until acknowledged —
//! because the operator keeps flying and must know the flight is no longer being logged.
//! Pure: built from the engine's [`RecorderStatus`], drawn by the alert bar.

use crate::log::recorder::RecorderStatus;
use crate::ui::i18n::{tr, trf};
use std::path::PathBuf;

/// A recording that stopped on a write error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordingAlert {
    /// The file that was being written.
    pub path: PathBuf,
    /// The disk (or quota) was full.
    pub disk_full: bool,
    /// The recorder's own words (for other write errors).
    pub error: String,
    /// The operator acknowledged it (the tone stops; the bar stays, smaller).
    pub acknowledged: bool,
}

impl RecordingAlert {
    /// The alert for a recorder status, if the recording stopped on an error.
    pub fn from_status(st: &RecorderStatus) -> Option<Self> {
        st.error.as_ref().map(|e| Self {
            path: st.path.clone(),
            disk_full: st.disk_full,
            error: e.clone(),
            acknowledged: false,
        })
    }

    /// The bar's title in the UI language.
    pub fn title(&self) -> &'static str {
        tr("Recording stopped")
    }

    /// What happened, in the UI language: "disk full (PATH)", or the error itself.
    pub fn detail(&self) -> String {
        if self.disk_full {
            trf(
                "disk full ({path})",
                &[("path", self.path.display().to_string())],
            )
        } else {
            self.error.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_failed_recording_raises_it_and_a_full_disk_is_named() {
        let ok = RecorderStatus {
            path: "/media/stick/a.tlog".into(),
            ..RecorderStatus::default()
        };
        assert_eq!(RecordingAlert::from_status(&ok), None);
        let full = RecorderStatus {
            error: Some("recording stopped: disk full (/media/stick/a.tlog)".into()),
            disk_full: true,
            ..ok.clone()
        };
        let a = RecordingAlert::from_status(&full).expect("raised");
        assert_eq!(a.title(), "Recording stopped");
        assert_eq!(a.detail(), "disk full (/media/stick/a.tlog)");
        let gone = RecorderStatus {
            error: Some("recording stopped: cannot write /media/stick/a.tlog: EIO".into()),
            ..ok
        };
        let a = RecordingAlert::from_status(&gone).expect("raised");
        assert_eq!(
            a.detail(),
            "recording stopped: cannot write /media/stick/a.tlog: EIO"
        );
    }
}
