//! File formats exchanged with other ground stations: QGroundControl `.plan` (JSON), QGC WPL
//! 110 (`.waypoints`) and MAVProxy's legacy fence and rally files, and field boundaries as
//! KML/KMZ and GeoJSON. Pure bytes/text in, values out: no I/O here (the CLI reads files).

pub mod boundary;
pub mod convert;
pub mod document;
pub mod geojson;
pub mod kml;
mod kml_kmz;
pub(crate) mod kml_write;
pub mod plan;
mod plan_item;
mod plan_json;
mod plan_survey;
mod plan_write;
pub mod wpl;
mod wpl_legacy;

#[cfg(test)]
mod boundary_tests;
#[cfg(test)]
mod geojson_tests;
#[cfg(test)]
mod kml_tests;
#[cfg(test)]
mod plan_props;
#[cfg(test)]
mod plan_samples;
#[cfg(test)]
mod plan_tests;
#[cfg(test)]
mod wpl_samples;
#[cfg(test)]
mod wpl_tests;
