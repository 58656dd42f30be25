//! The simulated vehicle's onboard logs: deterministic DataFlash-like `.bin` files (real record
//! framing `A3 95 type`, FMT records describing every message, then PARM, MSG, ATT and POS
//! records of a short hover), so downloads can be compared byte for byte and the files open in
//! DataFlash readers.

use crate::protocol::log_server::ServedLog;

/// Sizes of the logs every simulated vehicle holds (bytes, approximate: whole records).
pub const LOG_SIZES_BYTES: [usize; 3] = [40_000, 120_000, 320_000];

/// Start of the first log (2026-01-01 00:00 UTC); each later log starts an hour after.
const FIRST_LOG_UTC_S: u32 = 1_767_225_600;

const HEAD: [u8; 2] = [0xA3, 0x95];
const FMT: u8 = 128;
const PARM: u8 = 64;
const MSG: u8 = 91;
const ATT: u8 = 35;
const POS: u8 = 3;

/// (type, name, format, columns): the record types written.
const FORMATS: [(u8, &str, &str, &str); 5] = [
    (FMT, "FMT", "BBnNZ", "Type,Length,Name,Format,Columns"),
    (PARM, "PARM", "QNf", "TimeUS,Name,Value"),
    (MSG, "MSG", "QZ", "TimeUS,Message"),
    (ATT, "ATT", "Qfff", "TimeUS,Roll,Pitch,Yaw"),
    (POS, "POS", "QLLf", "TimeUS,Lat,Lng,Alt"),
];

/// Payload length of a DataFlash format string.
fn format_len(format: &str) -> usize {
    format
        .chars()
        .map(|c| match c {
            'b' | 'B' | 'M' => 1,
            'h' | 'H' | 'c' | 'C' => 2,
            'i' | 'I' | 'f' | 'L' | 'e' | 'E' => 4,
            'n' => 4,
            'q' | 'Q' | 'd' => 8,
            'N' => 16,
            'Z' => 64,
            _ => 0,
        })
        .sum()
}

/// `text` as a fixed-size, zero-padded field.
fn fixed(text: &str, len: usize) -> Vec<u8> {
    let mut v: Vec<u8> = text.bytes().take(len).collect();
    v.resize(len, 0);
    v
}

fn record(out: &mut Vec<u8>, msg_type: u8, payload: &[u8]) {
    out.extend_from_slice(&HEAD);
    out.push(msg_type);
    out.extend_from_slice(payload);
}

fn header(out: &mut Vec<u8>) {
    for (t, name, format, columns) in FORMATS {
        let mut p = vec![t, (3 + format_len(format)) as u8];
        p.extend(fixed(name, 4));
        p.extend(fixed(format, 16));
        p.extend(fixed(columns, 64));
        record(out, FMT, &p);
    }
}

/// One log: `size_bytes` or a little less (whole records), different for each `(sysid, n)`.
pub fn generate(sysid: u8, n: usize, size_bytes: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(size_bytes);
    header(&mut out);
    let mut time_us: u64 = 1_000_000 * (n as u64 + 1);
    let push = |out: &mut Vec<u8>, t: u8, p: Vec<u8>| {
        if out.len() + 3 + p.len() <= size_bytes {
            record(out, t, &p);
            true
        } else {
            false
        }
    };
    let banner = format!(
        "ArduCopter V4.5.7 (steppe sim, vehicle {sysid}, log {})",
        n + 1
    );
    let mut p = time_us.to_le_bytes().to_vec();
    p.extend(fixed(&banner, 64));
    push(&mut out, MSG, p);
    for (i, name) in ["SYSID_THISMAV", "WPNAV_SPEED", "RTL_ALT", "LOG_BITMASK"]
        .iter()
        .enumerate()
    {
        let value = if i == 0 {
            f32::from(sysid)
        } else {
            500.0 * i as f32
        };
        let mut p = time_us.to_le_bytes().to_vec();
        p.extend(fixed(name, 16));
        p.extend(value.to_le_bytes());
        push(&mut out, PARM, p);
    }
    let (lat0, lon0) = (42.0 + f64::from(sysid) * 1e-3, 74.6);
    for k in 0u64.. {
        time_us += 20_000;
        let t = time_us as f64 * 1e-6;
        let mut p = time_us.to_le_bytes().to_vec();
        for v in [
            (t * 0.7 + n as f64).sin() * 5.0,
            (t * 0.5).cos() * 3.0,
            (t * 3.0).rem_euclid(360.0),
        ] {
            p.extend((v as f32).to_le_bytes());
        }
        if !push(&mut out, ATT, p) {
            break;
        }
        if k % 10 == 0 {
            let mut p = time_us.to_le_bytes().to_vec();
            let lat = lat0 + (t * 0.1).sin() * 1e-4;
            let lon = lon0 + (t * 0.1).cos() * 1e-4;
            p.extend(crate::geo::deg_to_e7(lat).to_le_bytes());
            p.extend(crate::geo::deg_to_e7(lon).to_le_bytes());
            p.extend((800.0f32 + (t as f32).sin()).to_le_bytes());
            if !push(&mut out, POS, p) {
                break;
            }
        }
    }
    out
}

/// The logs of vehicle `sysid` (ids 1..=3 in this order).
pub fn vehicle_logs(sysid: u8) -> Vec<ServedLog> {
    LOG_SIZES_BYTES
        .iter()
        .enumerate()
        .map(|(n, size)| ServedLog {
            time_utc_s: FIRST_LOG_UTC_S + 3_600 * n as u32,
            bytes: generate(sysid, n, *size),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Walks the records the way a DataFlash reader does: every record starts with the head
    /// bytes and has the length its FMT declared.
    #[test]
    fn records_parse_with_their_fmt_lengths() {
        let log = generate(1, 0, 40_000);
        assert!(log.len() <= 40_000 && log.len() > 39_900, "{}", log.len());
        let mut lens = std::collections::BTreeMap::new();
        let mut at = 0;
        let mut counts = std::collections::BTreeMap::new();
        while at < log.len() {
            assert_eq!(&log[at..at + 2], &HEAD, "record head at {at}");
            let t = log[at + 2];
            if t == FMT {
                lens.insert(log[at + 3], usize::from(log[at + 4]));
            }
            let len = *lens.get(&t).expect("type described by an earlier FMT");
            *counts.entry(t).or_insert(0) += 1;
            at += len;
        }
        assert_eq!(at, log.len());
        assert_eq!(lens.get(&FMT), Some(&89));
        assert!(counts[&ATT] > 1_000 && counts[&POS] > 100);
        assert_ne!(generate(1, 0, 1_000), generate(2, 0, 1_000));
        assert_eq!(vehicle_logs(3), vehicle_logs(3), "deterministic");
    }
}
