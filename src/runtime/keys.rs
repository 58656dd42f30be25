//! Signing key files, shared by the command line and the desktop app: reading one (refused
//! when other users can read it, as ssh refuses such private keys), writing one readable by
//! its owner only, and making a random key. The key format itself lives in
//! [`crate::protocol::signing`]; this is the file I/O around it.

use crate::protocol::signing::{SigningError, SigningKey};
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

/// Why a key file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    /// The file could not be opened or read.
    #[error("cannot read signing key file {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// Group or other users may read the file.
    #[error(
        "signing key file {} can be read by other users (mode {mode:o}): run `chmod 600 {}`",
        path.display(),
        path.display()
    )]
    OpenToOthers {
        /// The file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// The contents are not a key.
    #[error("signing key file {}: {source}", path.display())]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        source: SigningError,
    },
    /// The file exists and replacing it was not asked for.
    #[error("{} exists; it was not replaced", path.display())]
    Exists {
        /// The file.
        path: PathBuf,
    },
    /// The file could not be written.
    #[error("cannot write signing key file {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// The operating system's random generator failed.
    #[error("the system's random generator failed: {0}")]
    Random(String),
}

/// Reads a key file (64 hexadecimal digits, or 32 raw bytes), refusing one that other users
/// can read. The permissions are those of the file actually opened.
pub fn read_key_file(path: &Path) -> Result<SigningKey, KeyFileError> {
    let read = |source| KeyFileError::Read {
        path: path.to_owned(),
        source,
    };
    let f = std::fs::File::open(path).map_err(read)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = f.metadata().map_err(read)?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(KeyFileError::OpenToOthers {
                path: path.to_owned(),
                mode,
            });
        }
    }
    // A key file is 65 bytes; anything much longer is not one (and is not read whole).
    let mut data = Vec::new();
    (&f).take(4096).read_to_end(&mut data).map_err(read)?;
    SigningKey::parse(&data).map_err(|source| KeyFileError::Format {
        path: path.to_owned(),
        source,
    })
}

/// Writes `key` as 64 hexadecimal digits to a file readable by its owner only. An existing
/// file is refused unless `replace`; a replaced file is swapped in whole (written beside it,
/// then renamed), so a failure leaves the old key in place.
pub fn write_key_file(path: &Path, key: &SigningKey, replace: bool) -> Result<(), KeyFileError> {
    let write = |source| KeyFileError::Write {
        path: path.to_owned(),
        source,
    };
    let text = format!("{}\n", key.to_hex());
    if !replace {
        return match create_private(path, text.as_bytes()) {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(KeyFileError::Exists {
                path: path.to_owned(),
            }),
            other => other.map_err(write),
        };
    }
    let name = path
        .file_name()
        .map_or_else(|| "key".into(), |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let written = create_private(&tmp, text.as_bytes()).and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written.map_err(write)
}

/// Creates a new file with mode 0600 holding `bytes`, flushed to disk.
fn create_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    #[cfg(unix)]
    {
        // The umask can only take bits away, but say it anyway.
        use std::os::unix::fs::PermissionsExt as _;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    f.write_all(bytes)?;
    f.sync_all()
}

/// A new random key from the operating system's generator.
pub fn random_key() -> Result<SigningKey, KeyFileError> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).map_err(|e| KeyFileError::Random(e.to_string()))?;
    SigningKey::from_bytes(bytes).map_err(|e| KeyFileError::Random(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn mode(p: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::metadata(p).expect("meta").permissions().mode() & 0o777
    }

    #[test]
    fn written_owner_only_read_back_and_never_replaced_by_accident() {
        let dir = crate::test_support::temp_dir("keys-write");
        let path = dir.join("team.key");
        let a = SigningKey::from_passphrase("first").expect("key");
        write_key_file(&path, &a, false).expect("write");
        #[cfg(unix)]
        assert_eq!(mode(&path), 0o600);
        assert_eq!(read_key_file(&path).expect("read"), a);
        let b = SigningKey::from_passphrase("second").expect("key");
        let err = write_key_file(&path, &b, false).expect_err("exists");
        assert!(matches!(err, KeyFileError::Exists { .. }), "{err}");
        assert_eq!(read_key_file(&path).expect("read"), a, "old key kept");
        write_key_file(&path, &b, true).expect("replace");
        assert_eq!(read_key_file(&path).expect("read"), b);
        #[cfg(unix)]
        assert_eq!(mode(&path), 0o600);
        let left: Vec<_> = std::fs::read_dir(&dir)
            .expect("dir")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left.len(), 1, "no temporary file left: {left:?}");
    }

    #[cfg(unix)]
    #[test]
    fn a_file_others_can_read_is_refused_with_the_fix() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = crate::test_support::temp_dir("keys-open");
        let path = dir.join("open.key");
        let key = random_key().expect("random");
        write_key_file(&path, &key, false).expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).expect("chmod");
        let msg = read_key_file(&path).expect_err("refused").to_string();
        assert!(
            msg.contains("open.key") && msg.contains("mode 640") && msg.contains("chmod 600"),
            "{msg}"
        );
        // Replacing it makes it private again.
        write_key_file(&path, &key, true).expect("replace");
        assert_eq!(mode(&path), 0o600);
        assert_eq!(read_key_file(&path).expect("read"), key);
    }

    #[test]
    fn missing_and_malformed_files_say_which_and_why() {
        let dir = crate::test_support::temp_dir("keys-bad");
        let missing = dir.join("none.key");
        let msg = read_key_file(&missing).expect_err("missing").to_string();
        assert!(
            msg.contains("none.key") && msg.contains("cannot read"),
            "{msg}"
        );
        let short = dir.join("short.key");
        create_private(&short, b"abcd\n").expect("write");
        let msg = read_key_file(&short).expect_err("short").to_string();
        assert!(
            msg.contains("short.key") && msg.contains("64 hexadecimal digits"),
            "{msg}"
        );
    }

    #[test]
    fn random_keys_differ() {
        let a = random_key().expect("a");
        let b = random_key().expect("b");
        assert_ne!(a, b);
    }
}
