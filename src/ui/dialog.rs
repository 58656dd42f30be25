//! Native file dialogs (the desktop's own, through the XDG portal on Linux) run on a thread
//! of their own so the window keeps drawing; the answer is picked up on a later frame.
//! Where no portal answers, the path fields beside the buttons still work.

use std::path::PathBuf;
use std::sync::mpsc;

/// What a dialog's answer is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A boundary to import into the survey.
    ImportBoundary,
    /// Where to save survey part N.
    SavePart(usize),
    /// A mission file to open in the waypoint editor.
    OpenMission,
    /// Where to save the waypoint editor's document.
    SaveMission,
    /// A parameter file to load.
    OpenParams,
    /// Where to save the parameters.
    SaveParams,
    /// A telemetry log to replay.
    OpenLog,
    /// Where to write a mapping export of the replayed log.
    SaveExport,
    /// The folder onboard logs are downloaded to.
    LogFolder,
    /// A MAVLink signing key file.
    SigningKey,
}

/// A dialog in progress.
#[derive(Debug)]
pub struct Pending {
    purpose: Purpose,
    rx: mpsc::Receiver<Option<PathBuf>>,
    answer: Option<Option<PathBuf>>,
}

/// Files the dialogs offer.
const MISSION_EXT: &[&str] = &["plan", "waypoints", "txt"];
const PARAM_EXT: &[&str] = &["param", "params", "parm", "txt"];
const BOUNDARY_EXT: &[&str] = &["kml", "kmz", "geojson", "json", "plan", "waypoints", "txt"];

impl Pending {
    /// Opens a dialog for `purpose`, starting in the folder of `near` if given.
    pub fn open(purpose: Purpose, near: &str) -> Pending {
        let (tx, rx) = mpsc::channel();
        let start = PathBuf::from(near.trim());
        let _ = std::thread::Builder::new()
            .name("steppe-dialog".into())
            .spawn(move || {
                let mut d = rfd::FileDialog::new();
                let folder = purpose == Purpose::LogFolder && start.is_dir();
                if folder {
                    d = d.set_directory(&start);
                } else if let Some(dir) = start.parent().filter(|p| p.is_dir()) {
                    d = d.set_directory(dir);
                }
                let answer = match purpose {
                    Purpose::ImportBoundary => d.add_filter("Boundary", BOUNDARY_EXT).pick_file(),
                    Purpose::OpenMission => d.add_filter("Mission", MISSION_EXT).pick_file(),
                    Purpose::OpenParams => d.add_filter("Parameters", PARAM_EXT).pick_file(),
                    Purpose::OpenLog => d.add_filter("Telemetry log", &["tlog"]).pick_file(),
                    Purpose::SaveExport => d.save_file(),
                    Purpose::LogFolder => d.pick_folder(),
                    Purpose::SigningKey => d.pick_file(),
                    Purpose::SaveParams => d.add_filter("Parameters", PARAM_EXT).save_file(),
                    Purpose::SavePart(_) | Purpose::SaveMission => d
                        .add_filter("QGroundControl plan", &["plan"])
                        .add_filter("Waypoints", &["waypoints", "txt"])
                        .save_file(),
                };
                let _ = tx.send(answer);
            });
        Pending {
            purpose,
            rx,
            answer: None,
        }
    }

    /// Whether the dialog has closed (its answer is kept until the panel that asked takes
    /// it, whichever view is shown meanwhile).
    pub fn answered(&mut self) -> bool {
        if self.answer.is_none() {
            self.answer = match self.rx.try_recv() {
                Ok(p) => Some(p),
                Err(mpsc::TryRecvError::Empty) => None,
                Err(mpsc::TryRecvError::Disconnected) => Some(None),
            };
        }
        self.answer.is_some()
    }

    /// The purpose the dialog was opened for.
    pub fn purpose(&self) -> Purpose {
        self.purpose
    }
}

/// Takes the answer of a closed dialog opened for one of the purposes `owns` accepts:
/// `Some((purpose, None))` when it was cancelled. Other panels' dialogs are left alone.
pub fn take_answer(
    dialog: &mut Option<Pending>,
    owns: impl Fn(Purpose) -> bool,
) -> Option<(Purpose, Option<PathBuf>)> {
    let d = dialog.as_mut()?;
    if !owns(d.purpose) || !d.answered() {
        return None;
    }
    dialog.take().and_then(|d| d.answer.map(|a| (d.purpose, a)))
}

/// Which of a panel's two dialogs answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileAction {
    /// The open dialog.
    Open,
    /// The save dialog.
    Save,
}

/// The path chosen in this panel's open or save dialog, written into `file_path`, and which
/// dialog it was (a cancelled dialog gives nothing).
pub fn chosen(
    dialog: &mut Option<Pending>,
    file_path: &mut String,
    open: Purpose,
    save: Purpose,
) -> Option<FileAction> {
    let (purpose, path) = take_answer(dialog, |p| p == open || p == save)?;
    *file_path = path?.display().to_string();
    Some(if purpose == open {
        FileAction::Open
    } else {
        FileAction::Save
    })
}

/// A button that opens the dialog for `purpose` near `file_path`; disabled while another
/// dialog is open or when `enabled` is false.
pub fn dialog_button(
    ui: &mut egui::Ui,
    dialog: &mut Option<Pending>,
    label: &str,
    purpose: Purpose,
    file_path: &str,
    enabled: bool,
) {
    if ui
        .add_enabled(enabled && dialog.is_none(), egui::Button::new(label))
        .clicked()
    {
        *dialog = Some(Pending::open(purpose, file_path));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn closed(purpose: Purpose, answer: Option<PathBuf>) -> Option<Pending> {
        let (tx, rx) = mpsc::channel();
        let _ = tx.send(answer);
        Some(Pending {
            purpose,
            rx,
            answer: None,
        })
    }

    #[test]
    fn an_answer_waits_for_the_panel_that_asked() {
        let mut d = closed(Purpose::OpenParams, Some(PathBuf::from("/tmp/x.param")));
        let plan = |p: Purpose| matches!(p, Purpose::ImportBoundary | Purpose::SavePart(_));
        let params = |p: Purpose| matches!(p, Purpose::OpenParams | Purpose::SaveParams);
        assert_eq!(take_answer(&mut d, plan), None, "another panel leaves it");
        assert!(d.is_some());
        assert_eq!(
            take_answer(&mut d, params),
            Some((Purpose::OpenParams, Some(PathBuf::from("/tmp/x.param"))))
        );
        assert!(d.is_none());
        let mut cancelled = closed(Purpose::SaveMission, None);
        assert_eq!(
            take_answer(&mut cancelled, |p| p == Purpose::SaveMission),
            Some((Purpose::SaveMission, None))
        );
    }

    #[test]
    fn the_chosen_path_goes_into_the_field() {
        let mut path = String::from("old.plan");
        let mut d = closed(Purpose::SaveMission, Some(PathBuf::from("/tmp/new.plan")));
        let got = chosen(
            &mut d,
            &mut path,
            Purpose::OpenMission,
            Purpose::SaveMission,
        );
        assert_eq!(got, Some(FileAction::Save));
        assert_eq!(path, "/tmp/new.plan");
        let mut d = closed(Purpose::OpenMission, None);
        assert_eq!(
            chosen(
                &mut d,
                &mut path,
                Purpose::OpenMission,
                Purpose::SaveMission
            ),
            None
        );
        assert!(d.is_none(), "a cancelled dialog is done with");
        assert_eq!(path, "/tmp/new.plan");
    }
}
