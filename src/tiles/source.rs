//! Online tile servers: where tiles come from, who to credit, and whether the server's usage
//! policy lets Steppe download an area in bulk for offline use.
//!
//! Viewing tiles while panning is what every tile server expects; prefetching thousands of
//! them is not. OpenStreetMap's volunteer-run servers forbid it outright, so the built-in OSM
//! source is marked [`BulkPolicy::Forbidden`] (and so is any source pointing at their hosts,
//! whatever a settings file says). Sources the user adds are allowed: the user chose the
//! server and takes responsibility for its terms.

use serde::{Deserialize, Serialize};

use super::{MAX_ZOOM, TileId};

/// Domains whose policy forbids bulk download, matched exactly or as a parent domain
/// (`tile.openstreetmap.org`, `{s}.tile.openstreetmap.org`, ...).
const FORBIDDEN_HOSTS: [&str; 1] = ["openstreetmap.org"];
/// Why OpenStreetMap's servers may not be prefetched from.
const OSM_REASON: &str = "the OpenStreetMap tile usage policy \
    (https://operations.osmfoundation.org/policies/tiles/) forbids bulk downloading of tiles: \
    the servers are run by volunteers on donated resources. For offline maps, add a tile source \
    whose terms allow it, or open a prepared MBTiles or PMTiles file";
/// Subdomains used for `{s}` when a source lists none.
const DEFAULT_SUBDOMAINS: [&str; 3] = ["a", "b", "c"];

/// Whether a source may be downloaded in bulk (prefetched for offline use).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BulkPolicy {
    /// Allowed; for user-configured sources the user takes responsibility for the terms.
    Allowed,
    /// Forbidden by the server's usage policy.
    Forbidden {
        /// Why, in words for the user (with a link to the policy).
        reason: String,
    },
}

/// Errors in a tile source's settings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    /// No name given.
    #[error("a tile source needs a name")]
    EmptyName,
    /// Not an http(s) URL.
    #[error("tile URL {template:?} must start with http:// or https://")]
    Scheme {
        /// The template.
        template: String,
    },
    /// No host after the scheme.
    #[error("tile URL {template:?} has no host name after the scheme")]
    NoHost {
        /// The template.
        template: String,
    },
    /// Spaces or control characters in the URL.
    #[error("tile URL {template:?} contains spaces or control characters")]
    Whitespace {
        /// The template.
        template: String,
    },
    /// A required placeholder is missing.
    #[error(
        "tile URL {template:?} lacks {placeholder} (it needs {{z}}, {{x}} and {{y}} or {{-y}})"
    )]
    MissingPlaceholder {
        /// The template.
        template: String,
        /// The missing placeholder.
        placeholder: &'static str,
    },
    /// A placeholder Steppe does not know.
    #[error(
        "tile URL {template:?} has an unknown placeholder {placeholder} (known: {{z}} {{x}} {{y}} {{-y}} {{s}})"
    )]
    UnknownPlaceholder {
        /// The template.
        template: String,
        /// The placeholder, with braces.
        placeholder: String,
    },
    /// A `{` without its `}`.
    #[error("tile URL {template:?} has a '{{' without a closing '}}'")]
    Unclosed {
        /// The template.
        template: String,
    },
    /// A maximum zoom beyond what Steppe handles.
    #[error("maximum zoom {max_zoom} is above {MAX_ZOOM}")]
    MaxZoom {
        /// The value given.
        max_zoom: u8,
    },
}

/// An online XYZ tile server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TileSource {
    /// Name shown to the user.
    pub name: String,
    /// URL with `{z}`, `{x}`, `{y}` (or `{-y}` for TMS rows) and optionally `{s}`.
    pub url_template: String,
    /// Values for `{s}`, picked per tile (a, b, c when empty).
    #[serde(default)]
    pub subdomains: Vec<String>,
    /// Deepest zoom the server has.
    pub max_zoom: u8,
    /// Credit line to show on the map.
    #[serde(default)]
    pub attribution: String,
    /// Whether prefetching from this server is allowed.
    pub bulk_download: BulkPolicy,
}

impl TileSource {
    /// OpenStreetMap's standard tiles: fine for viewing, never for bulk download.
    pub fn openstreetmap() -> TileSource {
        TileSource {
            name: "OpenStreetMap".into(),
            url_template: "https://tile.openstreetmap.org/{z}/{x}/{y}.png".into(),
            subdomains: Vec::new(),
            max_zoom: 19,
            attribution: "© OpenStreetMap contributors".into(),
            bulk_download: BulkPolicy::Forbidden {
                reason: OSM_REASON.into(),
            },
        }
    }

    /// The sources Steppe ships with.
    pub fn builtins() -> Vec<TileSource> {
        vec![TileSource::openstreetmap()]
    }

    /// A source the user configured, checked. Bulk download is allowed (the user takes
    /// responsibility for the server's terms) unless the host is one whose policy forbids it.
    pub fn user(
        name: &str,
        url_template: &str,
        max_zoom: u8,
        attribution: &str,
    ) -> Result<TileSource, SourceError> {
        let mut source = TileSource {
            name: name.trim().to_owned(),
            url_template: url_template.trim().to_owned(),
            subdomains: Vec::new(),
            max_zoom,
            attribution: attribution.trim().to_owned(),
            bulk_download: BulkPolicy::Allowed,
        };
        source.validate()?;
        source.bulk_download = source.bulk_policy();
        Ok(source)
    }

    /// Checks the name, the URL template and the maximum zoom.
    pub fn validate(&self) -> Result<(), SourceError> {
        if self.name.trim().is_empty() {
            return Err(SourceError::EmptyName);
        }
        if self.max_zoom > MAX_ZOOM {
            return Err(SourceError::MaxZoom {
                max_zoom: self.max_zoom,
            });
        }
        validate_template(&self.url_template)
    }

    /// The policy that applies: the stored one, except that hosts known to forbid bulk
    /// download are always forbidden (a hand-edited settings file cannot lift that).
    pub fn bulk_policy(&self) -> BulkPolicy {
        let forbidden_host = host(&self.url_template).is_some_and(|h| {
            let h = h.to_ascii_lowercase();
            FORBIDDEN_HOSTS
                .iter()
                .any(|f| h == *f || h.ends_with(&format!(".{f}")))
        });
        if forbidden_host {
            BulkPolicy::Forbidden {
                reason: OSM_REASON.into(),
            }
        } else {
            self.bulk_download.clone()
        }
    }

    /// The URL of a tile.
    pub fn url_for(&self, id: TileId) -> String {
        let sub = if self.subdomains.is_empty() {
            let i = (id.x as usize + id.y as usize) % DEFAULT_SUBDOMAINS.len();
            DEFAULT_SUBDOMAINS.get(i).copied().unwrap_or("a")
        } else {
            let i = (id.x as usize + id.y as usize) % self.subdomains.len();
            self.subdomains.get(i).map_or("a", String::as_str)
        };
        self.url_template
            .replace("{z}", &id.z.to_string())
            .replace("{x}", &id.x.to_string())
            .replace("{-y}", &id.tms_y().to_string())
            .replace("{y}", &id.y.to_string())
            .replace("{s}", sub)
    }
}

/// The host part of an http(s) URL template (may contain `{s}`).
fn host(template: &str) -> Option<&str> {
    let lower = template.get(..8).unwrap_or(template).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        template.get(8..)?
    } else if lower.starts_with("http://") {
        template.get(7..)?
    } else {
        return None;
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest.get(..end)?;
    // Drop user info and port.
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    let host = host_port.split(':').next().unwrap_or(host_port);
    (!host.is_empty()).then_some(host)
}

/// Checks a tile URL template: http(s), a host, `{z}`, `{x}`, `{y}` or `{-y}`, and no unknown
/// placeholders.
pub fn validate_template(template: &str) -> Result<(), SourceError> {
    let t = || template.to_owned();
    if template
        .chars()
        .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(SourceError::Whitespace { template: t() });
    }
    let lower = template.to_ascii_lowercase();
    if !lower.starts_with("http://") && !lower.starts_with("https://") {
        return Err(SourceError::Scheme { template: t() });
    }
    if host(template).is_none() {
        return Err(SourceError::NoHost { template: t() });
    }
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = rest.get(open..).unwrap_or_default();
        let close = after
            .find('}')
            .ok_or_else(|| SourceError::Unclosed { template: t() })?;
        let placeholder = after.get(..=close).unwrap_or_default();
        if !["{z}", "{x}", "{y}", "{-y}", "{s}"].contains(&placeholder) {
            return Err(SourceError::UnknownPlaceholder {
                template: t(),
                placeholder: placeholder.to_owned(),
            });
        }
        rest = after.get(close + 1..).unwrap_or_default();
    }
    for placeholder in ["{z}", "{x}"] {
        if !template.contains(placeholder) {
            return Err(SourceError::MissingPlaceholder {
                template: t(),
                placeholder,
            });
        }
    }
    if !template.contains("{y}") && !template.contains("{-y}") {
        return Err(SourceError::MissingPlaceholder {
            template: t(),
            placeholder: "{y}",
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osm_is_viewable_but_not_for_bulk_download() {
        let osm = TileSource::openstreetmap();
        osm.validate().unwrap();
        let id = TileId::new(15, 29_961, 19_829).unwrap();
        assert_eq!(
            osm.url_for(id),
            "https://tile.openstreetmap.org/15/29961/19829.png"
        );
        let BulkPolicy::Forbidden { reason } = osm.bulk_policy() else {
            panic!("OSM must forbid bulk download");
        };
        assert!(reason.contains("https://operations.osmfoundation.org/policies/tiles/"));
        assert!(reason.contains("forbids bulk download"));
        // Relabelling it in a settings file does not help, nor does a user source on its hosts.
        let mut edited = osm.clone();
        edited.bulk_download = BulkPolicy::Allowed;
        assert!(matches!(edited.bulk_policy(), BulkPolicy::Forbidden { .. }));
        let user = TileSource::user(
            "mine",
            "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png",
            19,
            "",
        )
        .unwrap();
        assert!(matches!(user.bulk_download, BulkPolicy::Forbidden { .. }));
        assert_eq!(TileSource::builtins(), vec![osm]);
    }

    #[test]
    fn user_sources_allow_bulk_and_fill_placeholders() {
        let s = TileSource::user(
            " Farm imagery ",
            "https://{s}.tiles.example.com/v1/{z}/{x}/{-y}.jpg?key=k",
            20,
            "© Example",
        )
        .unwrap();
        assert_eq!(s.name, "Farm imagery");
        assert_eq!(s.bulk_policy(), BulkPolicy::Allowed);
        let id = TileId::new(3, 1, 2).unwrap();
        assert_eq!(
            s.url_for(id),
            "https://a.tiles.example.com/v1/3/1/5.jpg?key=k"
        );
        let s2 = TileSource {
            subdomains: vec!["t0".into(), "t1".into()],
            ..s
        };
        assert_eq!(
            s2.url_for(TileId::new(3, 2, 1).unwrap()),
            "https://t1.tiles.example.com/v1/3/2/6.jpg?key=k"
        );
    }

    #[test]
    fn bad_templates_are_explained() {
        let err = |t: &str| validate_template(t).unwrap_err().to_string();
        assert!(err("ftp://x.org/{z}/{x}/{y}").contains("must start with http"));
        assert!(err("https:///{z}/{x}/{y}").contains("no host"));
        assert!(err("https://x.org/{z}/{x}.png").contains("lacks {y}"));
        assert!(err("https://x.org/{x}/{y}.png").contains("lacks {z}"));
        assert!(err("https://x.org/{zoom}/{x}/{y}").contains("unknown placeholder {zoom}"));
        assert!(err("https://x.org/{z}/{x}/{y").contains("without a closing"));
        assert!(err("https://x.org/{z}/{x}/{y} .png").contains("spaces"));
        assert!(validate_template("HTTP://localhost:8080/{z}/{x}/{y}.png").is_ok());
        assert_eq!(
            TileSource::user("", "https://x.org/{z}/{x}/{y}", 5, "").unwrap_err(),
            SourceError::EmptyName
        );
        assert!(matches!(
            TileSource::user("a", "https://x.org/{z}/{x}/{y}", 30, ""),
            Err(SourceError::MaxZoom { max_zoom: 30 })
        ));
    }

    #[test]
    fn settings_round_trip() {
        let sources = vec![
            TileSource::openstreetmap(),
            TileSource::user("mine", "http://127.0.0.1:8080/{z}/{x}/{y}.png", 18, "").unwrap(),
        ];
        let json = serde_json::to_string_pretty(&sources).unwrap();
        assert!(
            json.contains("\"allowed\"") && json.contains("\"forbidden\""),
            "{json}"
        );
        let back: Vec<TileSource> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, sources);
        // Optional fields may be left out.
        let minimal: TileSource = serde_json::from_str(
            r#"{"name":"m","url_template":"https://m.org/{z}/{x}/{y}.png","max_zoom":17,"bulk_download":"allowed"}"#,
        )
        .unwrap();
        assert!(minimal.subdomains.is_empty() && minimal.attribution.is_empty());
    }
}
