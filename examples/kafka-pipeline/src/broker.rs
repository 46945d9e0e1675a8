//! A real Kafka-protocol broker on loopback, for tests, benchmarks and the
//! demo: tansu, storing records in SQLite in a folder (so they survive a
//! restart), started on a free port, killed when dropped.
//!
//! tansu 0.6.0's SQLite schema has no index on record headers: it reads
//! each fetched record's headers with a query that scans every header
//! stored, so fetching slows down with everything ever produced (230
//! records/s after 20,000 records with headers, and at 50,000 a consumer
//! group's join times out inside the broker, which then panics on the
//! request). [`Tansu::start`] adds the index once the broker has made its
//! tables.
//!
//! `cargo xtask test` installs it (`cargo install tansu --locked --features
//! libsql`); [`Tansu::start`] refuses to run without it.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// The tansu release the project installs and runs.
pub const TANSU_VERSION: &str = "0.6.0";

fn binary() -> PathBuf {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")));
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(cargo_home.map(|home| home.join("bin")))
        .map(|dir| dir.join("tansu"))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| panic!("tansu is not installed: `cargo install tansu --version {TANSU_VERSION} --locked --features libsql` (`cargo xtask test` does)"))
}

/// Adds the index on `header (topition, offset_id)` that the broker's
/// header query needs, waiting until the broker has made its tables.
fn index_headers(database: &Path, deadline: Instant) {
    loop {
        let indexed = rusqlite::Connection::open(database).and_then(|connection| {
            connection.busy_timeout(Duration::from_secs(10))?;
            connection.execute(
                "create index if not exists header_by_record on header (topition, offset_id)",
                (),
            )
        });
        match indexed {
            Ok(_) => return,
            Err(error) if Instant::now() > deadline => panic!(
                "could not index tansu's headers in {}: {error}",
                database.display()
            ),
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

/// A loopback port that nothing listens on, below the kernel's range of
/// ephemeral ports: a port the kernel handed out and took back (binding
/// port 0) may next be given to another test's client as its local port,
/// or to another broker.
fn free_port(attempt: u32) -> u16 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    hasher.write_u32(attempt);
    loop {
        let port = 20_000 + (hasher.finish() % 12_000) as u16;
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
        hasher.write_u16(port);
    }
}

/// A tansu broker on a free loopback port, its records in `dir`.
pub struct Tansu {
    child: Child,
    /// The port it listens on.
    pub port: u16,
    dir: PathBuf,
}

impl Tansu {
    /// Starts a broker storing in `dir` and waits until it accepts
    /// connections.
    pub fn start(dir: &Path) -> Self {
        let mut last_failure = String::new();
        for attempt in 0..5 {
            match Self::try_start(dir, free_port(attempt)) {
                Ok(broker) => return broker,
                Err(failure) => last_failure = failure,
            }
        }
        panic!("tansu did not start in 5 attempts; the last: {last_failure}")
    }

    fn try_start(dir: &Path, port: u16) -> Result<Self, String> {
        let listener = format!("tcp://127.0.0.1:{port}");
        let log_path = dir.join("tansu.log");
        let log = std::fs::File::create(&log_path).expect("a log file in the broker's folder");
        let mut child = Command::new(binary())
            .arg("broker")
            .args([
                "--listener-url",
                &listener,
                "--advertised-listener-url",
                &listener,
                "--storage-engine",
                "sqlite://tansu.db",
            ])
            // The database is named relative to the working folder, where
            // tansu also reads a `.env`: the broker's own folder has none.
            .current_dir(dir)
            .env_remove("STORAGE_ENGINE")
            // tansu logs to standard output: keep both streams, so that a
            // broker that exits says why.
            .stdout(log.try_clone().expect("the log file opens twice"))
            .stderr(log)
            .spawn()
            .expect("tansu starts");
        let exited = |child: &mut Child| {
            child.try_wait().ok().flatten().map(|status| {
                let log = std::fs::read_to_string(&log_path).unwrap_or_default();
                format!("tansu on port {port} exited ({status}); its log:\n{log}")
            })
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(failure) = exited(&mut child) {
                return Err(failure);
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let log = std::fs::read_to_string(&log_path).unwrap_or_default();
                panic!("tansu did not listen on {port} within 30 s; its log:\n{log}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        index_headers(&dir.join("tansu.db"), deadline);
        // Whatever answered must be this broker, not one that held the port.
        if let Some(failure) = exited(&mut child) {
            return Err(failure);
        }
        Ok(Tansu {
            child,
            port,
            dir: dir.to_path_buf(),
        })
    }

    /// What clients bootstrap from.
    pub fn bootstrap(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Kills the broker and starts it again on the same port and storage.
    pub fn restart(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        let restarted = Self::try_start(&self.dir.clone(), self.port)
            .unwrap_or_else(|failure| panic!("tansu did not restart: {failure}"));
        let old = std::mem::replace(self, restarted);
        std::mem::forget(old);
    }
}

impl Drop for Tansu {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
