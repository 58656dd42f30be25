use super::*;
use crate::geo::LatLon;
use crate::vehicle::CameraSource;

/// 2026-11-26 15:40:00 UTC.
const T0_US: u64 = 1_795_707_600_000_000;

fn photo(n: u32, at_s: f64) -> Photo {
    Photo {
        t_us: T0_US + (at_s * 1e6) as u64,
        sysid: 1,
        compid: 1,
        number: n,
        name: format!("IMG_{n:04}.JPG"),
        image_index: Some(n),
        source: CameraSource::Feedback,
        lat_lon: Some(LatLon::new(42.0, 72.0)),
        alt_amsl_m: Some(1000.0),
        alt_rel_m: Some(100.0),
        attitude_deg: None,
        position_interpolated: false,
        attitude_interpolated: false,
        ok: true,
    }
}

fn file(name: &str, camera_s: Option<f64>) -> PhotoFile {
    // The camera clock runs 6 h ahead of UTC (local time) in these tests.
    let base = chrono::DateTime::from_timestamp_micros(T0_US as i64 + 6 * 3_600_000_000)
        .expect("time")
        .naive_utc();
    PhotoFile {
        name: name.to_owned(),
        taken: camera_s.map(|s| base + chrono::Duration::microseconds((s * 1e6) as i64)),
    }
}

const SIX_HOURS: f64 = -6.0 * 3600.0;

#[test]
fn files_are_ordered_by_exif_time_or_else_by_name() {
    let mut f = vec![
        file("DSC_0003.JPG", Some(1.0)),
        file("DSC_0001.JPG", Some(5.0)),
        file("DSC_0002.JPG", Some(1.0)),
    ];
    assert_eq!(order_files(&mut f), FileOrder::ExifTime);
    let names: Vec<_> = f.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(names, ["DSC_0002.JPG", "DSC_0003.JPG", "DSC_0001.JPG"]);
    f.push(file("DSC_0000.JPG", None));
    assert_eq!(order_files(&mut f), FileOrder::Name);
    assert_eq!(f[0].name, "DSC_0000.JPG");
    assert_eq!(f[3].name, "DSC_0003.JPG");
}

#[test]
fn order_matching_pairs_one_to_one_and_refuses_a_count_mismatch() {
    let photos: Vec<_> = (1..=3).map(|n| photo(n, f64::from(n) * 2.0)).collect();
    let files: Vec<_> = (1..=3).map(|n| file(&format!("A{n}.JPG"), None)).collect();
    let m = match_files(&files, &photos, MatchMode::Order).expect("equal counts");
    assert_eq!(m.pairs, [(0, 0), (1, 1), (2, 2)]);
    let named = renamed(&files, &photos, &m);
    assert_eq!(named[2].name, "A3.JPG");
    assert_eq!(named[2].number, 3);

    let mut more = files.clone();
    more.push(file("A4.JPG", None));
    let e = match_files(&more, &photos, MatchMode::Order).expect_err("4 vs 3");
    assert_eq!(
        e.to_string(),
        "4 photos in the folder but 3 trigger events in the log; matching by order needs equal counts. By order, 1 would be left over: A4.JPG. Remove test shots or find the missing photos, or match by time (--match time --offset S)"
    );
    let e = match_files(&files[..1], &photos, MatchMode::Order).expect_err("1 vs 3");
    let GeotagError::CountMismatch { left_over, .. } = &e else {
        panic!("{e:?}");
    };
    assert_eq!(left_over.len(), 2);
    assert!(
        left_over[0].starts_with("trigger 2 (2026-11-26T15:40:04"),
        "{left_over:?}"
    );
    assert_eq!(
        match_files(&[], &photos, MatchMode::Order),
        Err(GeotagError::NoFiles)
    );
    assert_eq!(
        match_files(&files, &[], MatchMode::Order),
        Err(GeotagError::NoPhotos)
    );
    let spaced = [file("my photo.jpg", None)];
    assert!(matches!(
        match_files(&spaced, &photos[..1], MatchMode::Order),
        Err(GeotagError::NameWithSpace(_))
    ));
}

#[test]
fn time_matching_pairs_within_tolerance_and_lists_the_rest() {
    // Triggers at 2, 4, 6, 8 s; files: a test shot at -60 s, then 2.3, 4.1, 8.2 (the photo at
    // 6 s is missing on the card).
    let photos: Vec<_> = (1..=4).map(|n| photo(n, f64::from(n) * 2.0)).collect();
    let files = vec![
        file("P0.JPG", Some(-60.0)),
        file("P1.JPG", Some(2.3)),
        file("P2.JPG", Some(4.1)),
        file("P3.JPG", Some(8.2)),
    ];
    let mode = MatchMode::Time {
        offset_s: SIX_HOURS,
        tolerance_s: 1.0,
    };
    let m = match_files(&files, &photos, mode).expect("time");
    assert_eq!(m.pairs, [(1, 0), (2, 1), (3, 3)]);
    assert_eq!(m.unmatched_files, [0]);
    assert_eq!(m.unmatched_photos, [2]);
    // Without the clock offset nothing matches, and the error says by how much.
    let e = match_files(
        &files,
        &photos,
        MatchMode::Time {
            offset_s: 0.0,
            tolerance_s: 1.0,
        },
    )
    .expect_err("6 h apart");
    assert!(
        e.to_string()
            .contains("first photo was taken at 2026-11-26T21:39:00")
            && e.to_string()
                .contains("first trigger at 2026-11-26T15:40:02"),
        "{e}"
    );
    let mut no_time = files.clone();
    no_time[2].taken = None;
    assert_eq!(
        match_files(&no_time, &photos, mode),
        Err(GeotagError::NoTime(vec!["P2.JPG".into()]))
    );
    let bad = MatchMode::Time {
        offset_s: f64::NAN,
        tolerance_s: 1.0,
    };
    assert!(matches!(
        match_files(&files, &photos, bad),
        Err(GeotagError::BadSetting(_))
    ));
}

#[test]
fn the_median_interval_is_the_typical_gap() {
    let p: Vec<_> = [0.0, 2.0, 4.0, 4.5, 6.5]
        .iter()
        .enumerate()
        .map(|(n, s)| photo(n as u32 + 1, *s))
        .collect();
    assert_eq!(median_interval_s(&p), Some(2.0));
    assert_eq!(median_interval_s(&p[..1]), None);
}

#[test]
fn closest_pairs_win() {
    // Two files near one trigger: the closer one gets it, the other stays unmatched.
    let photos = vec![photo(1, 10.0)];
    let files = vec![file("A.JPG", Some(9.4)), file("B.JPG", Some(10.1))];
    let m = match_files(
        &files,
        &photos,
        MatchMode::Time {
            offset_s: SIX_HOURS,
            tolerance_s: 1.0,
        },
    )
    .expect("time");
    assert_eq!(m.pairs, [(1, 0)]);
    assert_eq!(m.unmatched_files, [0]);
}

#[test]
fn an_order_match_shifted_by_a_missing_and_an_extra_photo_is_doubted() {
    let photos: Vec<_> = (1..=5).map(|n| photo(n, f64::from(n) * 3.0)).collect();
    let good: Vec<_> = (1..=5)
        .map(|n| file(&format!("F{n}.JPG"), Some(f64::from(n) * 3.0 + 0.4)))
        .collect();
    let m = match_files(&good, &photos, MatchMode::Order).expect("order");
    assert_eq!(order_doubt(&good, &photos, &m, 1.0), None);
    // Photo 3 missing, a test shot first: same count, every pair before 3 is off by one.
    let mut shifted = vec![file("TEST.JPG", Some(-100.0))];
    shifted.extend(good.iter().filter(|f| f.name != "F3.JPG").cloned());
    let m = match_files(&shifted, &photos, MatchMode::Order).expect("same count");
    let d = order_doubt(&shifted, &photos, &m, 1.0).expect("doubt");
    assert_eq!(shifted[d.file].name, "TEST.JPG");
    assert!(d.deviation_s > 90.0, "{d:?}");
    // The typical difference is the median pair's: the clock offset plus one photo interval
    // (2 of the 5 pairs are shifted by the missing photo, 1 is the test shot).
    assert!(
        (d.typical_offset_s - (SIX_HOURS + 2.6)).abs() < 1e-6,
        "{d:?}"
    );
    // Without EXIF times there is nothing to check.
    let names: Vec<_> = good.iter().map(|f| file(&f.name, None)).collect();
    assert_eq!(order_doubt(&names, &photos, &m, 1.0), None);
}
