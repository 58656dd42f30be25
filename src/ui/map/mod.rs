//! The map: walkers' slippy map with Steppe's tile layers (online with a disk cache, or an
//! offline XYZ folder, MBTiles or PMTiles file) and overlays. With no tiles at all it still
//! works: neutral background, graticule, scale bar and every overlay.

pub mod geom;
pub mod overlay;
pub mod plan_layer;
pub mod prefetch;
pub mod tiles;
pub mod waypoint_layer;

use crate::geo::LatLon;
use crate::ui::model::{UiModel, View};
use egui::{Response, Ui};
use walkers::{MapMemory, Plugin, Projector, Tiles, lat_lon};

/// Map state kept between frames.
pub struct MapView {
    /// Zoom and centre.
    pub memory: MapMemory,
    /// The tile layer, if any.
    pub tiles: Option<Box<dyn Tiles>>,
    /// Where the map looks when it follows nothing (the last known position).
    pub fallback: LatLon,
    /// Description of the tile layer, for the status bar.
    pub tiles_label: String,
}

impl Default for MapView {
    fn default() -> Self {
        let mut memory = MapMemory::default();
        let _ = memory.set_zoom(16.0);
        Self {
            memory,
            tiles: None,
            fallback: crate::sim::config::DEFAULT_HOME,
            tiles_label: String::new(),
        }
    }
}

impl std::fmt::Debug for MapView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MapView")
            .field("tiles", &self.tiles_label)
            .finish_non_exhaustive()
    }
}

struct Overlays<'m> {
    model: &'m mut UiModel,
    has_tiles: bool,
}

impl Plugin for Overlays<'_> {
    fn run(
        self: Box<Self>,
        ui: &mut Ui,
        response: &Response,
        projector: &Projector,
        _memory: &MapMemory,
    ) {
        let rect = response.rect;
        let painter = ui.painter_at(rect);
        overlay::background(
            &painter,
            projector,
            rect,
            self.model.settings.theme,
            self.has_tiles,
        );
        let m = self.model;
        if m.view == View::Plan && m.plan_waypoints {
            waypoint_layer::waypoint_map_ui(ui, &painter, projector, response, &mut m.waypoints);
        } else if m.view == View::Plan {
            plan_layer::plan_ui(ui, &painter, projector, response, &mut m.plan);
        } else {
            overlay::fleet(&painter, projector, m);
            if response.clicked()
                && let Some(pos) = response.interact_pointer_pos()
            {
                m.fly.goto = Some(overlay::to_geo(projector, pos));
            }
        }
        overlay::scale_bar(&painter, projector, rect, m.settings.units);
    }
}

/// Where the map centres when it follows: the selected vehicle, else the plan, else the
/// fallback.
fn follow_point(view: &MapView, m: &UiModel) -> LatLon {
    if m.view == View::Plan
        && m.plan_waypoints
        && let Some(p) = m.waypoints.first_position()
    {
        return p;
    }
    if m.view == View::Plan
        && let Some(p) = m.plan.boundary.first()
    {
        return *p;
    }
    m.selected_vehicle()
        .and_then(|v| v.position.lat_lon)
        .unwrap_or(view.fallback)
}

/// Draws the map with every overlay; clicks go to the model (fly-to point, plan vertices).
pub fn map_ui(ui: &mut Ui, view: &mut MapView, m: &mut UiModel) {
    let centre = follow_point(view, m);
    view.fallback = centre;
    let has_tiles = view.tiles.is_some();
    let tiles: Option<&mut dyn Tiles> = match view.tiles.as_mut() {
        Some(t) => Some(t.as_mut()),
        None => None,
    };
    let map = walkers::Map::new(
        tiles,
        &mut view.memory,
        lat_lon(centre.lat_deg, centre.lon_deg),
    )
    .double_click_to_zoom(true)
    .zoom_with_ctrl(false)
    .with_plugin(Overlays {
        model: m,
        has_tiles,
    });
    ui.add(map);
}
