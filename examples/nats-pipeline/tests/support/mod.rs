//! A real `nats-server` with JetStream on loopback, started by the test and
//! killed when dropped, and a mixed stream of the agent platform's events.

#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use agent_platform_events::Event;
use agent_platform_events::registry::EVENTS;
use serde_json::{Value, json};

fn binary() -> PathBuf {
    for dir in std::env::var("PATH").unwrap_or_default().split(':').chain(["/usr/sbin", "/usr/bin"]) {
        let candidate = Path::new(dir).join("nats-server");
        if candidate.is_file() {
            return candidate;
        }
    }
    panic!("nats-server is not installed: install Debian's `nats-server` (`cargo xtask test` does)");
}

/// A JetStream server on a free loopback port, storing on disk in `dir`.
pub struct NatsServer {
    child: Child,
    pub port: u16,
    dir: PathBuf,
}

impl NatsServer {
    pub fn start(dir: &Path) -> Self {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        Self::start_on(dir, port)
    }

    pub fn start_on(dir: &Path, port: u16) -> Self {
        let child = Command::new(binary())
            .args(["-js", "-a", "127.0.0.1", "-p", &port.to_string(), "-sd"])
            .arg(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nats-server starts");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "nats-server did not listen on {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        NatsServer { child, port, dir: dir.to_path_buf() }
    }

    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Kills the server and starts it again on the same port and storage.
    pub fn restart(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        let restarted = Self::start_on(&self.dir.clone(), self.port);
        let old = std::mem::replace(self, restarted);
        std::mem::forget(old);
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Fields that carry a payload's id, in the config's order.
const ID_FIELDS: &[&str] = &["event_id", "step_id", "message_id", "alert_id", "document_id"];

fn subject_for(schema: &Value, payload: &Value) -> String {
    schema["x-subject"]
        .as_str()
        .unwrap()
        .split('.')
        .map(|token| match token.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            Some(field) => payload[field].as_str().unwrap().to_owned(),
            None => token.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// `count` distinct valid events, cycling through every example of every
/// event type, each with its own id.
pub fn mixed_events(count: usize) -> Vec<Event> {
    let mut templates = Vec::new();
    for info in EVENTS {
        let schema: Value = serde_json::from_str(info.schema).unwrap();
        for example in schema["examples"].as_array().unwrap() {
            templates.push((schema.clone(), example.clone()));
        }
    }
    (0..count)
        .map(|index| {
            let (schema, example) = &templates[index % templates.len()];
            let mut payload = example.clone();
            let field = ID_FIELDS.iter().find(|f| payload.get(**f).is_some()).expect("every event has an id field");
            payload[*field] = json!(format!("{:08x}-0000-4000-8000-{:012x}", index as u32, index));
            let subject = subject_for(schema, &payload);
            Event::from_subject_and_slice(&subject, &serde_json::to_vec(&payload).unwrap()).unwrap()
        })
        .collect()
}

/// An order-independent checksum of a set of keys.
pub fn checksum<'a>(keys: impl IntoIterator<Item = &'a String>) -> u64 {
    keys.into_iter()
        .map(|key| key.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, b| (hash ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)))
        .fold(0u64, u64::wrapping_add)
}
