//! "Export for mapping" in replay: the same layers and formats as `steppe tlog export` (the
//! flight track, photo positions, OpenDroneMap geotags, photo footprints with the Plan view's
//! camera), written from the log being replayed.

use super::i18n::tr;
use super::model::{UiCommand, UiModel};
use super::replay::ReplayCmd;
use egui::{RichText, Ui};

/// What to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExportLayer {
    /// One point per GLOBAL_POSITION_INT of each vehicle.
    #[default]
    Track,
    /// Photo positions.
    Photos,
    /// OpenDroneMap geo.txt.
    Geotags,
    /// Photo ground footprints.
    Footprints,
}

/// File format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExportFormat {
    /// KML 2.2.
    #[default]
    Kml,
    /// Zipped KML.
    Kmz,
    /// GPX 1.1.
    Gpx,
    /// GeoJSON.
    GeoJson,
    /// CSV.
    Csv,
    /// OpenDroneMap geo.txt.
    GeoTxt,
}

impl ExportLayer {
    /// Every layer, in menu order.
    pub const ALL: [ExportLayer; 4] = [Self::Track, Self::Photos, Self::Geotags, Self::Footprints];

    /// The formats the layer can be written as.
    pub fn formats(self) -> &'static [ExportFormat] {
        use ExportFormat::*;
        match self {
            Self::Track => &[Kml, Kmz, Gpx, GeoJson, Csv],
            Self::Photos => &[Kml, Kmz, Gpx, GeoJson, Csv],
            Self::Geotags => &[GeoTxt],
            Self::Footprints => &[GeoJson],
        }
    }

    /// Its name in the UI language.
    pub fn label(self) -> &'static str {
        match self {
            Self::Track => tr("Flight track"),
            Self::Photos => tr("Photo positions"),
            Self::Geotags => tr("Geotags (OpenDroneMap geo.txt)"),
            Self::Footprints => tr("Photo footprints"),
        }
    }
}

impl ExportFormat {
    /// File name extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Kml => "kml",
            Self::Kmz => "kmz",
            Self::Gpx => "gpx",
            Self::GeoJson => "geojson",
            Self::Csv => "csv",
            Self::GeoTxt => "txt",
        }
    }
}

/// The export form's state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExportForm {
    /// Layer.
    pub layer: ExportLayer,
    /// Format.
    pub format: ExportFormat,
    /// Output file.
    pub path: String,
}

/// The form: layer, format, file, Export.
pub fn export_ui(ui: &mut Ui, m: &mut UiModel, dialog: &mut Option<super::dialog::Pending>) {
    let Some(mut form) = m.replay.as_ref().map(|r| r.export.clone()) else {
        return;
    };
    ui.label(RichText::new(tr("Export for mapping")).strong());
    ui.horizontal_wrapped(|ui| {
        egui::ComboBox::new("export-layer", tr("Layer"))
            .selected_text(form.layer.label())
            .show_ui(ui, |ui| {
                for l in ExportLayer::ALL {
                    ui.selectable_value(&mut form.layer, l, l.label());
                }
            });
        if !form.layer.formats().contains(&form.format) {
            form.format = form.layer.formats().first().copied().unwrap_or_default();
        }
        egui::ComboBox::new("export-format", tr("Format"))
            .selected_text(form.format.extension())
            .show_ui(ui, |ui| {
                for f in form.layer.formats() {
                    ui.selectable_value(&mut form.format, *f, f.extension());
                }
            });
    });
    if form.layer == ExportLayer::Footprints {
        ui.label(format!(
            "{} {}",
            tr("Camera (from the Plan view):"),
            m.plan.settings.camera
        ));
    }
    ui.horizontal(|ui| {
        super::widgets::labelled_text(ui, tr("File"), &mut form.path);
        super::dialog::dialog_button(
            ui,
            dialog,
            tr("Choose…"),
            super::dialog::Purpose::SaveExport,
            &form.path,
            true,
        );
    });
    if let Some((_, Some(p))) =
        super::dialog::take_answer(dialog, |p| p == super::dialog::Purpose::SaveExport)
    {
        form.path = p.display().to_string();
    }
    let ready = !form.path.trim().is_empty();
    if ui
        .add_enabled(ready, egui::Button::new(tr("Export")))
        .clicked()
    {
        let mut path = std::path::PathBuf::from(form.path.trim());
        if path.extension().is_none() {
            path.set_extension(form.format.extension());
        }
        m.outbox.push(UiCommand::Replay(ReplayCmd::Export {
            layer: form.layer,
            format: form.format,
            path,
        }));
    }
    if let Some(r) = m.replay.as_mut() {
        r.export = form;
    }
}
