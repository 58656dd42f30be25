//! Unit and property tests of the WPL reader and writer.

use crate::formats::wpl::*;
use crate::plan::mission_item::{MissionItem, MissionType, cmd, frame};
use proptest::prelude::*;

fn row(text: &str) -> Result<WplFile, WplError> {
    parse(&format!("QGC WPL 110\n{text}\n"))
}

#[test]
fn reads_a_row_into_wire_form() {
    let f = row("0\t1\t0\t16\t0\t0\t0\t0\t-35.362938\t149.165085\t584.409973\t1").expect("parses");
    let it = f.items[0];
    assert_eq!((it.x, it.y), (-353_629_380, 1_491_650_850));
    assert_eq!(Some(it.z), "584.409973".parse().ok());
    assert!(it.current && it.autocontinue);
    assert_eq!(f.mission_type, MissionType::Mission);
}

#[test]
fn accepts_spaces_crlf_comments_bom_and_nan() {
    let f = parse("\u{feff}QGC WPL 110\r\n# home\r\n0 0 3 22 nan NaN 0 -nan 0 nan 30 1\r\n\r\n")
        .expect("parses");
    let it = f.items[0];
    assert!(it.params[0].is_nan() && it.params[1].is_nan() && it.params[3].is_nan());
    assert_eq!(it.y, i32::MAX);
    let back = parse(&write(&f.items)).expect("reads back");
    assert!(back.items[0].same_on_wire(&it));
    assert!(write(&f.items).contains("\tNaN\t"));
}

#[test]
fn errors_name_line_column_and_text() {
    let e = row("0 0 3 16 0 0 0 0 1,5 2 3 1").unwrap_err();
    assert_eq!(
        e.to_string(),
        "line 2, column P5/X/LAT: expected a number with a dot as decimal separator, found '1,5'"
    );
    let e = row("0 0 3 16 0 0 0 0 91 2 3 1").unwrap_err();
    assert!(
        matches!(
            e,
            WplError::OutOfRange {
                line: 2,
                column: "P5/X/LAT",
                ..
            }
        ),
        "{e}"
    );
    let e = row("0 0 3 16 0 0 0 0 1 2 3").unwrap_err();
    assert_eq!(e, WplError::ColumnCount { line: 2, found: 11 });
    let e = row("0 0 256 16 0 0 0 0 1 2 3 1").unwrap_err();
    assert!(
        e.to_string()
            .contains("column FRAME: 256 is out of range, expected 0-255")
    );
    let e = row("0 0 3 70000 0 0 0 0 1 2 3 1").unwrap_err();
    assert!(matches!(
        e,
        WplError::OutOfRange {
            column: "COMMAND",
            ..
        }
    ));
    let e = row("0 0 3 16 1e40 0 0 0 1 2 3 1").unwrap_err();
    assert!(matches!(e, WplError::OutOfRange { column: "P1", .. }));
    let e = row("0 2 3 16 0 0 0 0 1 2 3 1").unwrap_err();
    assert!(matches!(
        e,
        WplError::OutOfRange {
            column: "CURRENT",
            ..
        }
    ));
    let e = row("0 0 1 16 0 0 0 0 300000 2 3 1").unwrap_err();
    assert!(e.to_string().contains("local frame"), "{e}");
}

#[test]
fn index_gaps_and_duplicates_name_the_line() {
    let base = "0 0 3 16 0 0 0 0 1 2 3 1";
    let e = row(&format!("{base}\n2 0 3 16 0 0 0 0 1 2 3 1")).unwrap_err();
    assert_eq!(
        e,
        WplError::Index {
            line: 3,
            found: "2".into(),
            expected: 1
        }
    );
    let e = row(&format!("{base}\n0 0 3 16 0 0 0 0 1 2 3 1")).unwrap_err();
    assert!(matches!(
        e,
        WplError::Index {
            line: 3,
            expected: 1,
            ..
        }
    ));
}

#[test]
fn headers() {
    assert_eq!(parse(""), Err(WplError::Empty));
    assert_eq!(parse(" \n\r\n"), Err(WplError::Empty));
    assert!(matches!(
        parse("QGC WPL 100\n"),
        Err(WplError::UnsupportedVersion { line: 1, .. })
    ));
    let e = parse("<?xml version=\"1.0\"?>\n").unwrap_err();
    assert!(e.to_string().contains("found '<?xml"), "{e}");
    let empty = parse("QGC WPL 110\n").expect("header only is an empty mission");
    assert!(empty.items.is_empty());
    assert!(is_wpl("\n\nQGC WPL 110\n") && !is_wpl("-35.1 149.2\n"));
}

#[test]
fn mission_type_inference() {
    let fence = MissionItem {
        command: cmd::NAV_FENCE_POLYGON_VERTEX_INCLUSION,
        ..MissionItem::default()
    };
    let rally = MissionItem {
        command: cmd::NAV_RALLY_POINT,
        ..MissionItem::default()
    };
    assert_eq!(infer_mission_type(&[fence, fence]), MissionType::Fence);
    assert_eq!(infer_mission_type(&[rally]), MissionType::Rally);
    assert_eq!(
        infer_mission_type(&[MissionItem::default(), fence]),
        MissionType::Mission
    );
}

#[test]
fn write_format_is_qgc_compatible() {
    let mut a = MissionItem::nav(
        cmd::NAV_WAYPOINT,
        crate::geo::LatLon::new(42.5, -72.25),
        100.0,
    );
    a.params = [0.1, 1e-7, 3e9, -0.0];
    let text = write(&[a, a]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "QGC WPL 110");
    assert_eq!(
        lines[1],
        "0\t1\t3\t16\t0.1\t0.0000001\t3000000000\t-0\t42.50000000\t-72.25000000\t100\t1"
    );
    assert!(lines[2].starts_with("1\t0\t"));
    assert!(!text.contains('e') && !text.contains(','));
}

fn arb_item() -> impl Strategy<Value = MissionItem> {
    let param = prop_oneof![
        any::<f32>(),
        Just(f32::NAN),
        Just(-0.0f32),
        (-1e6f32..1e6f32),
        Just(f32::MIN_POSITIVE),
        Just(f32::MAX)
    ];
    (
        any::<u8>(),
        any::<u16>(),
        any::<bool>(),
        proptest::array::uniform4(param.clone()),
        any::<i32>(),
        any::<i32>(),
        param,
    )
        .prop_map(|(fr, command, autocontinue, params, x, y, z)| {
            let (x, y) = if frame::is_global(fr) {
                // Valid positions only: latitude +-90, longitude +-180 (or the NaN marker).
                let lat = if x == i32::MAX { x } else { x % 900_000_001 };
                let lon = if y == i32::MAX { y } else { y % 1_800_000_001 };
                (lat, lon)
            } else {
                (x, y)
            };
            MissionItem {
                frame: fr,
                command,
                current: false,
                autocontinue,
                params,
                x,
                y,
                z,
            }
        })
}

proptest! {
    #[test]
    fn write_parse_round_trip(items in proptest::collection::vec(arb_item(), 0..20)) {
        let text = write(&items);
        let back = parse(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(back.items.len(), items.len());
        for (a, b) in items.iter().zip(&back.items) {
            prop_assert!(a.same_on_wire(b), "{:?} vs {:?}\n{}", a, b, text);
        }
        prop_assert!(!text.contains(['e', 'E']), "exponent in {}", text);
    }
}

#[test]
fn comma_separated_rows() {
    let f = parse(
        "QGC WPL 110\r\n0,1,0,16,0,0,0,0,-35.362938,149.165085,584.409973,1\r\n\
         1, 0, 3, 22, 15, 0, 0, nan, -35.36, 149.16, 20, 1\r\n\
         2\t0\t3\t16\t0\t0\t0\t0\t-35.35\t149.17\t30\t1\r\n\
         3,0,3,16,0,0,0,0,-35.34,149.18,40,1,\n",
    )
    .expect("parses");
    assert_eq!(f.items.len(), 4);
    assert_eq!((f.items[0].x, f.items[0].y), (-353_629_380, 1_491_650_850));
    assert!(f.items[0].current);
    assert_eq!((f.items[1].command, f.items[1].params[0]), (22, 15.0));
    assert!(f.items[1].params[3].is_nan());
    assert_eq!((f.items[3].z, f.items[3].autocontinue), (40.0, true));
    // A decimal comma in a comma-separated row gives 13 columns, and says so.
    let e = row("0,0,3,16,0,0,0,0,1,5,2,3,1").unwrap_err();
    assert_eq!(e, WplError::ColumnCount { line: 2, found: 13 });
    // In a whitespace row, a decimal comma is still reported as such.
    let e = row("0 0 3 16 0 0 0 0 1,5 2 3 1").unwrap_err();
    assert!(e.to_string().contains("found '1,5'"), "{e}");
    let e = row("0,0,3,16,0,0,0,0,x,2,3,1").unwrap_err();
    assert!(e.to_string().contains("column P5/X/LAT"), "{e}");
}

proptest! {
    #[test]
    fn comma_rows_read_like_tab_rows(items in proptest::collection::vec(arb_item(), 0..10)) {
        let tabs = write(&items);
        let commas = tabs.replace('\t', ",");
        let a = parse(&tabs).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let b = parse(&commas).map_err(|e| TestCaseError::fail(format!("{e}\n{commas}")))?;
        prop_assert_eq!(a.items.len(), b.items.len());
        for (x, y) in a.items.iter().zip(&b.items) {
            prop_assert!(x.same_on_wire(y));
        }
    }
}
