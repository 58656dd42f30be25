//! Unit tests of the parameter editor's model: type checks, the file format, diffs, edits.

use super::*;

fn p(param_type: u8, value: f64) -> Param {
    Param {
        value,
        param_type,
        index: 0,
    }
}

fn table() -> ParamTable {
    [
        ("ARMING_CHECK", p(ptype::INT32, 1.0)),
        ("BATT_CAPACITY", p(ptype::INT32, 5200.0)),
        ("FRAME_TYPE", p(ptype::UINT8, 1.0)),
        ("RTL_ALT", p(ptype::INT16, 1500.0)),
        ("WPNAV_SPEED", p(ptype::REAL32, f64::from(0.1f32))),
    ]
    .into_iter()
    .map(|(n, p)| (n.to_owned(), p))
    .collect()
}

const V: VehicleId = VehicleId {
    sysid: 1,
    compid: 1,
};

#[test]
fn integer_types_take_whole_numbers_within_their_range() {
    let cases: [(u8, f64, f64); 6] = [
        (ptype::UINT8, 0.0, 255.0),
        (ptype::INT8, -128.0, 127.0),
        (ptype::UINT16, 0.0, 65_535.0),
        (ptype::INT16, -32_768.0, 32_767.0),
        (ptype::UINT32, 0.0, 4_294_967_295.0),
        (ptype::INT32, -2_147_483_648.0, 2_147_483_647.0),
    ];
    for (t, lo, hi) in cases {
        let param = p(t, 0.0);
        assert_eq!(check_value(&param, &lo.to_string()), Ok(lo), "{t}");
        assert_eq!(check_value(&param, &hi.to_string()), Ok(hi), "{t}");
        let e = check_value(&param, &(lo - 1.0).to_string()).unwrap_err();
        assert!(
            e.contains(&lo.to_string()) && e.contains(type_name(t)),
            "{e}"
        );
        assert!(
            e.contains(&(lo - 1.0).to_string()),
            "says what was found: {e}"
        );
        assert!(check_value(&param, &(hi + 1.0).to_string()).is_err(), "{t}");
        assert!(check_value(&param, "1.5").is_err(), "{t}");
        // The protocol's own check agrees at the edges.
        for v in [lo, hi, lo - 1.0, hi + 1.0] {
            use crate::protocol::params::{ParamEncoding, encode_value};
            assert_eq!(
                check_number(&param, v).is_ok(),
                encode_value("P", v, t, ParamEncoding::CCast).is_ok(),
                "{t} {v}"
            );
        }
    }
    let e = check_value(&p(ptype::UINT8, 0.0), "256").unwrap_err();
    assert_eq!(
        e,
        "expected a whole number from 0 to 255 (uint8), found 256"
    );
    assert_eq!(check_value(&p(ptype::INT8, 0.0), " -5 "), Ok(-5.0));
}

#[test]
fn floats_must_be_finite_and_fit_a_32_bit_float() {
    let f = p(ptype::REAL32, 0.0);
    assert_eq!(check_value(&f, "0.25"), Ok(0.25));
    assert_eq!(check_value(&f, "0,25"), Ok(0.25), "decimal comma");
    assert_eq!(check_value(&f, "-1e3"), Ok(-1000.0));
    assert_eq!(check_value(&f, "0"), Ok(0.0));
    assert!(check_value(&f, "3.4e38").is_ok());
    assert!(check_value(&f, "1e-45").is_ok(), "the smallest subnormal");
    for bad in ["NaN", "nan", "inf", "-infinity", "1e39", "-1e39", "1e-50"] {
        let e = check_value(&f, bad).unwrap_err();
        assert!(e.contains(bad), "{bad}: {e}");
    }
    assert_eq!(
        check_value(&f, "NaN").unwrap_err(),
        "expected a finite number (float), found NaN"
    );
    for bad in ["", "abc", "1,000.5", "1 2", "0x10"] {
        let e = check_value(&f, bad).unwrap_err();
        assert!(e.starts_with("expected a number"), "{bad}: {e}");
    }
    assert!(check_value(&p(ptype::INT32, 0.0), "NaN").is_err());
    assert!(check_number(&p(ptype::UINT8, 0.0), f64::NAN).is_err());
}

#[test]
fn files_of_mission_planner_mavproxy_and_qgc_parse() {
    let text = "\u{feff}# saved by Mission Planner\r\nRTL_ALT,1500\r\n\nWPNAV_SPEED,0.1 # cm/s\n\
                FRAME_TYPE\t\t1\nBATT_CAPACITY    5200.000000\n\
                1\t1\tARMING_CHECK\t0\t6\nRTL_ALT,1500\n";
    let v = parse_param_file(text).expect("parses");
    let names: Vec<&str> = v.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "ARMING_CHECK",
            "BATT_CAPACITY",
            "FRAME_TYPE",
            "RTL_ALT",
            "WPNAV_SPEED"
        ]
    );
    assert_eq!(v[0].1, 0.0);
    assert_eq!(v[4].1, 0.1);
    assert_eq!(parse_param_file("# only a comment\n\n"), Ok(vec![]));
}

#[test]
fn file_errors_name_the_line() {
    let cases = [
        ("A,1\nB,1,2\n", "line 2: expected NAME,VALUE"),
        (
            "A,1\n\n# c\nB,x\n",
            "line 4: B: expected a number, found 'x'",
        ),
        (
            "THIS_NAME_IS_TOO_LONG,1\n",
            "line 1: expected a parameter name",
        ),
        ("A-B,1\n", "line 1: expected a parameter name"),
        (
            "A,1\nB,2\nA,3\n",
            "line 3: A is given again, as 3; line 1 said 1",
        ),
        ("1\t1\tA\t1\n", "line 1: expected NAME,VALUE"),
        ("x\t1\tA\t1\t9\n", "line 1: expected NAME,VALUE"),
    ];
    for (text, want) in cases {
        let e = parse_param_file(text).unwrap_err();
        assert!(e.starts_with(want), "{text:?}: {e}");
    }
}

#[test]
fn the_shared_sample_files_load() {
    for (f, at_least) in [
        ("params/amc_TarotFY680Hexacopter_00_default.param", 1300),
        ("params/ardupilot_sitl_default_copter.parm", 60),
        ("params/cuav_CMAC-param_sitl_mavproxy.parm", 1100),
    ] {
        let path = crate::test_support::sample(f);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let v = parse_param_file(&text).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert!(v.len() >= at_least, "{f}: {}", v.len());
    }
}

#[test]
fn write_then_parse_gives_back_every_value_of_every_type() {
    let mut t = ParamTable::new();
    let values: [(u8, &[f64]); 7] = [
        (ptype::UINT8, &[0.0, 1.0, 255.0]),
        (ptype::INT8, &[-128.0, -1.0, 127.0]),
        (ptype::UINT16, &[0.0, 65_535.0]),
        (ptype::INT16, &[-32_768.0, 32_767.0]),
        (ptype::UINT32, &[0.0, 4_294_967_295.0]),
        (ptype::INT32, &[-2_147_483_648.0, 2_147_483_647.0]),
        (
            ptype::REAL32,
            &[
                0.1,
                -0.3,
                1.0 / 3.0,
                1e-45,
                1.175_494_4e-38,
                3.402_823_4e38,
                -0.0,
                16_777_217.0,
                123_456.79,
            ],
        ),
    ];
    for (t_i, (ty, vs)) in values.iter().enumerate() {
        for (i, v) in vs.iter().enumerate() {
            // Floats as the vehicle reports them: 32-bit values.
            let v = if *ty == ptype::REAL32 {
                f64::from(*v as f32)
            } else {
                *v
            };
            t.insert(format!("P{t_i}_{i}"), p(*ty, v));
        }
    }
    let text = write_param_file(&t);
    assert!(
        text.contains("P0_2,255\n") && text.contains("P6_0,0.1\n"),
        "{text}"
    );
    let back = parse_param_file(&text).expect("reads back");
    assert_eq!(back.len(), t.len());
    for (name, v) in &back {
        let orig = t.get(name).expect("same names");
        // Exact at the precision the value travels in: integers as written, floats as the
        // same 32-bit float ("0.1" is the vehicle's 0.1f32, not the f64 nearest to it).
        if orig.param_type == ptype::REAL32 {
            assert_eq!(
                (*v as f32).to_bits(),
                (orig.value as f32).to_bits(),
                "{name}: {v} vs {}",
                orig.value
            );
        } else {
            assert_eq!(v.to_bits(), orig.value.to_bits(), "{name}");
        }
    }
    assert!(diff(&t, &back).is_empty());
    // A value that is no 32-bit float still reads back exactly.
    let odd: ParamTable = [("X".to_owned(), p(ptype::REAL32, 0.1))].into();
    assert_eq!(
        parse_param_file(&write_param_file(&odd)),
        Ok(vec![("X".into(), 0.1)])
    );
}

#[test]
fn diff_lists_changed_and_unknown_names_only() {
    let t = table();
    let file = vec![
        ("WPNAV_SPEED".to_owned(), 0.1), // same value at float precision
        ("RTL_ALT".to_owned(), 2000.0),
        ("ARMING_CHECK".to_owned(), 1.0),
        ("NEW_PARAM".to_owned(), 3.0),
        ("FRAME_TYPE".to_owned(), 300.0),
    ];
    let d = diff(&t, &file);
    let want = vec![
        ParamDiff {
            name: "FRAME_TYPE".into(),
            current: Some(1.0),
            new: 300.0,
        },
        ParamDiff {
            name: "NEW_PARAM".into(),
            current: None,
            new: 3.0,
        },
        ParamDiff {
            name: "RTL_ALT".into(),
            current: Some(1500.0),
            new: 2000.0,
        },
    ];
    assert_eq!(d, want);
    // Only known, valid values are written.
    let mut ed = ParamEditor::default();
    ed.set_table(V, t);
    ed.vehicles.entry(V).or_default().file = Some(FilePreview {
        path: "f.param".into(),
        values: file,
        diff: d,
    });
    assert_eq!(
        ed.write_file_values(V),
        vec![("RTL_ALT".to_owned(), 2000.0)]
    );
    assert!(ed.vehicle(V).is_some_and(|vp| vp.file.is_none()));
}

#[test]
fn filter_edits_and_set_results() {
    let mut ed = ParamEditor::default();
    ed.set_table(V, table());
    ed.filter = "rtl".into();
    let names: Vec<&String> = ed.filtered(V).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["RTL_ALT"]);
    ed.filter = " A".into();
    assert_eq!(ed.filtered(V).len(), 5);
    ed.filter.clear();
    assert!(
        ed.filtered(VehicleId {
            sysid: 2,
            compid: 1
        })
        .is_empty()
    );

    ed.set_edit(V, "RTL_ALT", "2000".into());
    ed.set_edit(V, "FRAME_TYPE", "999".into());
    ed.set_edit(V, "ARMING_CHECK", " ".into());
    assert_eq!(ed.write_edits(V), vec![("RTL_ALT".to_owned(), 2000.0)]);
    assert_eq!(ed.edit(V, "FRAME_TYPE"), Some("999"), "the bad edit stays");
    assert_eq!(ed.edit(V, "RTL_ALT"), None);
    let status = |ed: &ParamEditor, n: &str| ed.vehicle(V).and_then(|vp| vp.status.get(n)).cloned();
    assert_eq!(status(&ed, "RTL_ALT"), Some(SetStatus::Sent(2000.0)));

    let mut back = p(ptype::INT16, 2000.0);
    back.index = u16::MAX;
    ed.on_set_result(V, "RTL_ALT", Ok(back));
    assert_eq!(status(&ed, "RTL_ALT"), Some(SetStatus::Confirmed(2000.0)));
    let rtl = ed
        .vehicle(V)
        .and_then(|vp| vp.table.get("RTL_ALT"))
        .copied();
    assert_eq!(rtl.map(|p| (p.value, p.index)), Some((2000.0, 0)));

    ed.discard_edits(V);
    ed.set_edit(V, "BATT_CAPACITY", "6000".into());
    assert_eq!(ed.write_edits(V).len(), 1);
    ed.on_set_result(V, "BATT_CAPACITY", Err("timed out".into()));
    assert_eq!(
        status(&ed, "BATT_CAPACITY"),
        Some(SetStatus::Failed("timed out".into()))
    );
    assert_eq!(
        ed.edit(V, "BATT_CAPACITY"),
        Some("6000"),
        "back for a retry"
    );
}

#[test]
fn save_and_load_files() {
    let dir = crate::test_support::temp_dir("ui-params");
    let path = dir.join("v.param");
    let mut ed = ParamEditor::default();
    assert!(ed.save_file(V, &path).is_err(), "nothing downloaded");
    ed.set_table(V, table());
    assert_eq!(ed.save_file(V, &path), Ok(5));
    assert_eq!(ed.load_file(V, &path), Ok(0));
    std::fs::write(&path, "RTL_ALT,1\nBAD LINE HERE\n").expect("write");
    let e = ed.load_file(V, &path).unwrap_err();
    assert!(e.contains("v.param") && e.contains("line 2"), "{e}");
    assert!(ed.load_file(V, &dir.join("missing.param")).is_err());
    // A new table re-compares the loaded file.
    std::fs::write(&path, "RTL_ALT,1\n").expect("write");
    assert_eq!(ed.load_file(V, &path), Ok(1));
    let mut t = table();
    t.insert("RTL_ALT".into(), p(ptype::INT16, 1.0));
    ed.set_table(V, t);
    assert!(
        ed.vehicle(V)
            .and_then(|vp| vp.file.as_ref())
            .is_some_and(|f| f.diff.is_empty())
    );
}
