//! What the ardupilotmega dialect says about message ids: checksum seeds (CRC_EXTRA) and
//! names, in a table built once; and the MAVLink (X.25 / MCRF4XX) checksum.

use crate::protocol::dialect::MavMessage;
use mavlink::Message;
use std::sync::OnceLock;

/// Name of a message id in the dialect.
pub fn message_name(msgid: u32) -> Option<&'static str> {
    msg_info(msgid).map(|i| i.name)
}

/// True when the dialect defines `msgid`.
pub fn is_known(msgid: u32) -> bool {
    msg_info(msgid).is_some()
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct MsgInfo {
    pub(crate) crc_extra: u8,
    pub(crate) name: &'static str,
}

struct Dialect {
    /// Index into `infos` + 1 per message id below 65536; 0 = unknown.
    index: Vec<u16>,
    infos: Vec<MsgInfo>,
}

fn dialect() -> &'static Dialect {
    static DIALECT: OnceLock<Dialect> = OnceLock::new();
    DIALECT.get_or_init(|| {
        let mut index = vec![0u16; 65536];
        let mut infos = Vec::new();
        for id in 0..65536u32 {
            if let Some(m) = MavMessage::default_message_from_id(id) {
                infos.push(MsgInfo {
                    crc_extra: MavMessage::extra_crc(id),
                    name: m.message_name(),
                });
                index[id as usize] = infos.len() as u16;
            }
        }
        Dialect { index, infos }
    })
}

pub(crate) fn msg_info(msgid: u32) -> Option<MsgInfo> {
    let d = dialect();
    let i = *d.index.get(msgid as usize)?;
    if i == 0 {
        None
    } else {
        d.infos.get(usize::from(i) - 1).copied()
    }
}

/// Initial value of the MAVLink (X.25 / MCRF4XX) checksum.
pub const CRC_INIT: u16 = 0xFFFF;

const CRC_TABLE: [u16; 256] = {
    let mut t = [0u16; 256];
    let mut i = 0;
    while i < 256 {
        let mut crc: u16 = 0;
        // Table for the reflected polynomial 0x8408 (0x1021 bit-reversed).
        let mut c = i as u16;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                (c >> 1) ^ 0x8408
            } else {
                c >> 1
            };
            k += 1;
        }
        crc ^= c;
        t[i] = crc;
        i += 1;
    }
    t
};

/// Adds one byte to a MAVLink checksum.
#[inline]
pub fn crc_accumulate(crc: u16, byte: u8) -> u16 {
    (crc >> 8) ^ CRC_TABLE[usize::from((crc as u8) ^ byte)]
}

/// Tables for four bytes at a time ("slicing by 4"): `CRC_SLICES[k][i]` is the checksum
/// contribution of byte value `i` followed by `k` zero bytes. The CRC is linear, so four bytes
/// fold in with four independent lookups instead of a chain of four dependent ones.
const CRC_SLICES: [[u16; 256]; 4] = {
    let mut t = [[0u16; 256]; 4];
    t[0] = CRC_TABLE;
    let mut k = 1;
    while k < 4 {
        let mut i = 0;
        while i < 256 {
            let v = t[k - 1][i];
            t[k][i] = (v >> 8) ^ CRC_TABLE[(v & 0xFF) as usize];
            i += 1;
        }
        k += 1;
    }
    t
};

/// Adds bytes to a MAVLink checksum, four at a time (reading tlogs is mostly this).
pub fn crc_accumulate_slice(mut crc: u16, bytes: &[u8]) -> u16 {
    let [t0, t1, t2, t3] = &CRC_SLICES;
    let mut quads = bytes.chunks_exact(4);
    for q in &mut quads {
        if let [b0, b1, b2, b3] = q {
            let x = crc ^ u16::from_le_bytes([*b0, *b1]);
            crc = t3[usize::from(x & 0xFF)]
                ^ t2[usize::from(x >> 8)]
                ^ t1[usize::from(*b2)]
                ^ t0[usize::from(*b3)];
        }
    }
    for &b in quads.remainder() {
        crc = crc_accumulate(crc, b);
    }
    crc
}

#[cfg(test)]
mod crc_tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn four_at_a_time_equals_byte_by_byte(
            init in any::<u16>(),
            bytes in proptest::collection::vec(any::<u8>(), 0..300),
        ) {
            let slow = bytes.iter().fold(init, |c, b| crc_accumulate(c, *b));
            prop_assert_eq!(crc_accumulate_slice(init, &bytes), slow);
        }
    }

    #[test]
    fn known_check_value() {
        // CRC-16/MCRF4XX of "123456789" is 0x6F91.
        assert_eq!(crc_accumulate_slice(CRC_INIT, b"123456789"), 0x6F91);
    }
}
