//! What a generated crate costs the compiler: `cargo check` of it in a
//! workspace of its own, timed, with the peak memory of the processes it
//! ran (rustc, mostly).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// `cargo check` of a generated crate: the first run also builds whatever
/// dependencies the target folder lacks; the second is the crate alone.
pub struct Check {
    pub first: Duration,
    pub crate_alone: Duration,
    /// The largest resident memory of any process of the second run, in
    /// bytes (where the system reports it).
    pub crate_alone_peak: Option<u64>,
}

/// `cargo check` of the generated crate under `root` (`root/generated`),
/// in its own workspace (its config points the runtime dependency at this
/// repository), built in `target`.
pub fn cargo_check(root: &Path, target: &Path) -> Result<Check, String> {
    let manifest = standalone_manifest(root)?;
    let check = || check_measured(&manifest, target);
    let (first, _) = check()?;
    // Touching the crate root makes cargo check the crate again, and only it.
    let lib = root.join("generated/src/lib.rs");
    let text = std::fs::read(&lib).map_err(|e| e.to_string())?;
    std::fs::write(&lib, text).map_err(|e| e.to_string())?;
    let (crate_alone, crate_alone_peak) = check()?;
    Ok(Check { first, crate_alone, crate_alone_peak })
}

/// `cargo check` of the generated crate under `root` once, where the
/// target folder already holds its dependencies (built by a
/// [`cargo_check`] of a crate with the same ones): the crate alone.
pub fn cargo_check_once(root: &Path, target: &Path) -> Result<Check, String> {
    let (took, peak) = check_measured(&standalone_manifest(root)?, target)?;
    Ok(Check { first: took, crate_alone: took, crate_alone_peak: peak })
}

/// Makes the generated crate under `root` its own workspace; returns its
/// manifest.
pub fn standalone_manifest(root: &Path) -> Result<PathBuf, String> {
    let manifest = root.join("generated/Cargo.toml");
    let text = std::fs::read_to_string(&manifest).map_err(|e| e.to_string())?;
    if !text.contains("\n[workspace]") {
        std::fs::write(&manifest, format!("{text}\n[workspace]\n")).map_err(|e| e.to_string())?;
    }
    Ok(manifest)
}

/// `cargo check` of `manifest` into `target`: how long it took and its
/// peak memory.
fn check_measured(manifest: &Path, target: &Path) -> Result<(Duration, Option<u64>), String> {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
    command.args(["check", "--quiet", "--manifest-path"]).arg(manifest).env("CARGO_TARGET_DIR", target);
    run_measured(&mut command).map_err(|e| format!("cargo check of {}: {e}", manifest.display()))
}

/// Runs `command` to its end: how long it took and the largest resident
/// memory of it and of every process it waited for.
fn run_measured(command: &mut Command) -> Result<(Duration, Option<u64>), String> {
    let started = Instant::now();
    let child = command.spawn().map_err(|e| e.to_string())?;
    let (succeeded, peak) = wait_with_peak(child)?;
    if !succeeded {
        return Err("it failed".to_owned());
    }
    Ok((started.elapsed(), peak))
}

#[cfg(target_os = "linux")]
fn wait_with_peak(child: std::process::Child) -> Result<(bool, Option<u64>), String> {
    // std's `wait` drops the child's resource usage; `wait4` returns it,
    // with the largest resident size over the child and every descendant
    // it waited for (cargo waits for each rustc).
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: `rusage` is plain data, valid when zeroed.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: `pid` is our child, not yet waited for; both pointers
        // are to live locals.
        let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if waited == pid {
            break;
        }
        let error = std::io::Error::last_os_error();
        if error.kind() != std::io::ErrorKind::Interrupted {
            return Err(format!("waiting for process {pid}: {error}"));
        }
    }
    // Linux reports `ru_maxrss` in kilobytes.
    let peak = u64::try_from(usage.ru_maxrss).ok().map(|kilobytes| kilobytes * 1024);
    Ok((libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, peak))
}

#[cfg(not(target_os = "linux"))]
fn wait_with_peak(mut child: std::process::Child) -> Result<(bool, Option<u64>), String> {
    child.wait().map(|status| (status.success(), None)).map_err(|e| e.to_string())
}
