//! What the tests need beyond Rust, installed when missing: Debian packages
//! (through apt-get) and the Kafka-protocol broker (through `cargo install`,
//! kept in Cargo's bin folder, so a machine that keeps it builds it once).

use std::path::Path;
use std::process::Command;

/// Debian packages, each with what shows it is installed: a program on the
/// `PATH` or an absolute path.
const PACKAGES: &[(&str, &[&str])] = &[
    // A headless browser for the HTML catalog's test.
    ("chromium", &["chromium", "chromium-browser"]),
    // NATS with JetStream for `examples/nats-pipeline`.
    ("nats-server", &["nats-server", "/usr/sbin/nats-server"]),
    // librdkafka's build for `examples/kafka-pipeline` (rdkafka's `cmake-build`).
    ("cmake", &["cmake"]),
    // librdkafka 2.12 includes curl's header even when built without curl
    // (confluentinc/librdkafka#5135).
    (
        "libcurl4-openssl-dev",
        &[
            "/usr/include/x86_64-linux-gnu/curl/curl.h",
            "/usr/include/curl/curl.h",
        ],
    ),
];

/// The broker `examples/kafka-pipeline` runs: tansu with its SQLite storage,
/// which keeps records across a restart. Keep in step with
/// `examples/kafka-pipeline/src/broker.rs`.
const TANSU: (&str, &str, &str) = ("tansu", "0.6.0", "libsql");

fn present(probe: &str) -> bool {
    if probe.starts_with('/') {
        Path::new(probe).exists()
    } else {
        which::which(probe).is_ok()
    }
}

/// Installs whatever is missing; the error names what could not be installed.
pub fn run() -> Result<(), String> {
    let missing: Vec<&str> = PACKAGES
        .iter()
        .filter(|(_, probes)| !probes.iter().any(|probe| present(probe)))
        .map(|(package, _)| *package)
        .collect();
    if !missing.is_empty() {
        eprintln!("installing {} (needed by the tests)", missing.join(", "));
        let apt_get = |args: &[&str]| {
            Command::new("apt-get")
                .env("DEBIAN_FRONTEND", "noninteractive")
                .args(args)
                .status()
                .is_ok_and(|s| s.success())
        };
        if !(apt_get(&["update", "-qq"])
            && apt_get(&[&["install", "-y", "-qq"][..], &missing].concat()))
        {
            return Err(format!(
                "could not install {} with apt-get",
                missing.join(", ")
            ));
        }
    }
    let (name, version, features) = TANSU;
    let installed = Command::new(name)
        .arg("--version")
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned());
    if installed.as_deref() != Some(format!("{name} {version}").as_str()) {
        eprintln!(
            "installing {name} {version} (the Kafka-protocol broker of the Kafka tests; a few minutes, once)"
        );
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let built = Command::new(cargo)
            .args([
                "install",
                name,
                "--version",
                version,
                "--locked",
                "--features",
                features,
                "--force",
            ])
            .status()
            .is_ok_and(|s| s.success());
        if !built {
            return Err(format!(
                "could not `cargo install {name} --version {version} --locked --features {features}`"
            ));
        }
    }
    Ok(())
}
