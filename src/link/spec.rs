//! Connection strings: `udpin:ADDR:PORT`, `udpout:HOST:PORT`, `tcpout:HOST:PORT` (alias
//! `tcp:`), `serial:PATH:BAUD` — the forms MAVProxy and SITL users already type.

use std::fmt;
use std::str::FromStr;

/// Where and how to talk to vehicles.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LinkSpec {
    /// Listen for UDP on `addr:port`; reply to every peer heard in the last 10 s.
    UdpIn {
        /// Local address to bind, e.g. `0.0.0.0` or `127.0.0.1`.
        addr: String,
        /// Local port (0 = any free port).
        port: u16,
    },
    /// Send UDP to `host:port` and listen for the replies.
    UdpOut {
        /// Remote host.
        host: String,
        /// Remote port.
        port: u16,
    },
    /// Connect over TCP to `host:port`, reconnecting when dropped.
    TcpOut {
        /// Remote host.
        host: String,
        /// Remote port.
        port: u16,
    },
    /// A serial port (telemetry radio). `path` may be a glob such as `/dev/ttyUSB*`: the first
    /// match is opened, and matched again after the port disappears.
    Serial {
        /// Device path or glob.
        path: String,
        /// Baud rate.
        baud: u32,
    },
}

/// A connection string that could not be understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "bad link '{input}': {reason}. Expected udpin:ADDR:PORT, udpout:HOST:PORT, tcpout:HOST:PORT (or tcp:HOST:PORT) or serial:PATH:BAUD, e.g. udpin:0.0.0.0:14550 or serial:/dev/ttyUSB0:57600"
)]
pub struct LinkSpecError {
    /// What was given.
    pub input: String,
    /// What is wrong with it.
    pub reason: String,
}

fn err(input: &str, reason: impl Into<String>) -> LinkSpecError {
    LinkSpecError {
        input: input.to_owned(),
        reason: reason.into(),
    }
}

/// Splits `HOST:PORT` at the last colon; IPv6 hosts go in brackets (`[::1]:14550`).
fn host_port(input: &str, rest: &str) -> Result<(String, u16), LinkSpecError> {
    let (host, port) = rest
        .rsplit_once(':')
        .ok_or_else(|| err(input, "missing ':PORT'"))?;
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if host.is_empty() {
        return Err(err(input, "missing host or address"));
    }
    if host.contains(['[', ']']) {
        return Err(err(
            input,
            format!(
                "host '{host}' has stray brackets; an IPv6 address goes in one pair: [::1]:14550"
            ),
        ));
    }
    let port = port.parse::<u16>().map_err(|_| {
        err(
            input,
            format!("port '{port}' is not a number from 0 to 65535"),
        )
    })?;
    Ok((host.to_owned(), port))
}

impl FromStr for LinkSpec {
    type Err = LinkSpecError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let s = input.trim();
        let (scheme, rest) = s
            .split_once(':')
            .ok_or_else(|| err(input, "missing the link type before ':'"))?;
        match scheme.to_ascii_lowercase().as_str() {
            "udpin" | "udp" => {
                let (addr, port) = host_port(input, rest)?;
                Ok(LinkSpec::UdpIn { addr, port })
            }
            "udpout" => {
                let (host, port) = host_port(input, rest)?;
                if port == 0 {
                    return Err(err(input, "udpout needs the remote port, 0 is not one"));
                }
                Ok(LinkSpec::UdpOut { host, port })
            }
            "tcpout" | "tcp" => {
                let (host, port) = host_port(input, rest)?;
                if port == 0 {
                    return Err(err(input, "tcp needs the remote port, 0 is not one"));
                }
                Ok(LinkSpec::TcpOut { host, port })
            }
            "serial" => {
                let (path, baud) = rest
                    .rsplit_once(':')
                    .ok_or_else(|| err(input, "missing ':BAUD'"))?;
                if path.is_empty() {
                    return Err(err(input, "missing the serial device path"));
                }
                let baud = baud
                    .parse::<u32>()
                    .ok()
                    .filter(|b| (300..=12_000_000).contains(b))
                    .ok_or_else(|| {
                        err(
                            input,
                            format!("baud rate '{baud}' is not a number from 300 to 12000000"),
                        )
                    })?;
                Ok(LinkSpec::Serial {
                    path: path.to_owned(),
                    baud,
                })
            }
            other => Err(err(input, format!("unknown link type '{other}'"))),
        }
    }
}

impl fmt::Display for LinkSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bracket = |h: &str| {
            if h.contains(':') {
                format!("[{h}]")
            } else {
                h.to_owned()
            }
        };
        match self {
            LinkSpec::UdpIn { addr, port } => write!(f, "udpin:{}:{port}", bracket(addr)),
            LinkSpec::UdpOut { host, port } => write!(f, "udpout:{}:{port}", bracket(host)),
            LinkSpec::TcpOut { host, port } => write!(f, "tcpout:{}:{port}", bracket(host)),
            LinkSpec::Serial { path, baud } => write!(f, "serial:{path}:{baud}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_every_form() {
        assert_eq!(
            "udpin:0.0.0.0:14550".parse(),
            Ok(LinkSpec::UdpIn {
                addr: "0.0.0.0".into(),
                port: 14550
            })
        );
        assert_eq!(
            "udpout:127.0.0.1:14550".parse(),
            Ok(LinkSpec::UdpOut {
                host: "127.0.0.1".into(),
                port: 14550
            })
        );
        assert_eq!(
            "tcp:localhost:5760".parse(),
            Ok(LinkSpec::TcpOut {
                host: "localhost".into(),
                port: 5760
            })
        );
        assert_eq!(
            "tcpout:[::1]:5760".parse(),
            Ok(LinkSpec::TcpOut {
                host: "::1".into(),
                port: 5760
            })
        );
        assert_eq!(
            "serial:/dev/ttyUSB*:57600".parse(),
            Ok(LinkSpec::Serial {
                path: "/dev/ttyUSB*".into(),
                baud: 57600
            })
        );
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let e = "udpin:0.0.0.0:99999".parse::<LinkSpec>().unwrap_err();
        assert!(
            e.to_string().contains("port '99999' is not a number"),
            "{e}"
        );
        let e = "serial:/dev/ttyUSB0".parse::<LinkSpec>().unwrap_err();
        assert!(e.to_string().contains("missing ':BAUD'"), "{e}");
        let e = "serial:/dev/ttyUSB0:fast".parse::<LinkSpec>().unwrap_err();
        assert!(e.to_string().contains("baud rate 'fast'"), "{e}");
        let e = "ftp:host:1".parse::<LinkSpec>().unwrap_err();
        assert!(e.to_string().contains("unknown link type 'ftp'"), "{e}");
        assert!("14550".parse::<LinkSpec>().is_err());
        // Found by the link_spec fuzz target: "[x]" printed back as "udpin:[x]:1" read as "x".
        let e = "udpin:[[x]]:1".parse::<LinkSpec>().unwrap_err();
        assert!(
            e.to_string().contains("host '[x]' has stray brackets"),
            "{e}"
        );
        assert!("tcp:[::1:5760".parse::<LinkSpec>().is_err());
        assert_eq!(
            "udpout:[localhost]:14550"
                .parse::<LinkSpec>()
                .map(|s| s.to_string()),
            Ok("udpout:localhost:14550".to_owned())
        );
        assert!("udpout:host:0".parse::<LinkSpec>().is_err());
    }

    proptest! {
        #[test]
        fn display_round_trips(port in 1u16.., baud in 300u32..4_000_000, host in "[a-z0-9.]{1,20}") {
            for s in [
                LinkSpec::UdpIn { addr: host.clone(), port },
                LinkSpec::UdpOut { host: host.clone(), port },
                LinkSpec::TcpOut { host: "fe80::1".into(), port },
                LinkSpec::Serial { path: format!("/dev/{host}"), baud },
            ] {
                prop_assert_eq!(s.to_string().parse::<LinkSpec>(), Ok(s));
            }
        }

        #[test]
        fn never_panics(s in ".*") {
            let _ = s.parse::<LinkSpec>();
        }
    }
}
