//! `cargo xtask bench`: decoding and encoding (the `decode-bench` crate in
//! `benches/decode/`, built in release, its variants run side by side in
//! each of several processes),
//! then generation measured in-process on synthetic contract sets (time,
//! scaling, no-op rerun, size of the output, and the `cargo check` time of
//! the generated crate). Prints tables and, last, one line of `key=value`
//! figures from both.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use event_contracts_codegen::Generator;

use crate::crate_check::{Check, cargo_check, cargo_check_once, standalone_manifest};
use crate::synthetic::Shape;

struct Row {
    events: usize,
    /// Seconds of a first generation, one per round.
    generate: Vec<f64>,
    /// Seconds of a second generation that finds nothing to change.
    noop: Vec<f64>,
    rust_lines: usize,
}

/// A figure measured several times: its median, lowest and highest.
struct Spread {
    median: f64,
    lowest: f64,
    highest: f64,
}

impl Spread {
    fn of(values: &[f64]) -> Spread {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        // The upper of the two middle values when there is an even number.
        Spread { median: sorted[sorted.len() / 2], lowest: sorted[0], highest: sorted[sorted.len() - 1] }
    }
}

/// Rounds of generation per set size; the figures are their medians.
const GENERATION_ROUNDS: usize = 3;

/// Runs the decode benchmark, then the generation benchmark; `quick` keeps
/// both under a minute or two.
pub fn run(root: &Path, quick: bool, large: bool) -> Result<(), String> {
    let decode_figures = decode(root, quick)?;
    let sizes: &[usize] = if quick { &[100, 300] } else { &[100, 300, 1000] };
    let mut rows: Vec<Row> = sizes.iter().map(|&events| Row { events, generate: Vec::new(), noop: Vec::new(), rust_lines: 0 }).collect();
    // Rounds go over every size in turn, so that a slow spell of this
    // shared machine falls on all sizes alike rather than on one.
    let mut set_300 = None;
    for _ in 0..GENERATION_ROUNDS {
        for row in &mut rows {
            let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
            let (generate, noop) = generate_twice(dir.path(), row.events, &root.join("runtime"))?;
            row.generate.push(generate.as_secs_f64());
            row.noop.push(noop.as_secs_f64());
            // The same every round: generation is deterministic.
            if row.rust_lines == 0 {
                row.rust_lines = count_rust_lines(&dir.path().join("generated/src"));
            }
            if row.events == 300 {
                set_300 = Some(dir);
            }
        }
    }
    // After all generation, so that no build runs between its rounds.
    let check_300 = match (&set_300, quick) {
        (Some(dir), false) => Some(cargo_check(dir.path(), &root.join("target/bench-check"))?),
        _ => None,
    };
    let large = if large { Some(large_set(root)?) } else { None };

    println!("Generation, median of {GENERATION_ROUNDS} rounds (lowest-highest):\n");
    println!("| events | generate (s) | s per 100 events | no-op rerun (ms) | generated Rust lines |");
    println!("|---:|---:|---:|---:|---:|");
    for row in &rows {
        let (generate, noop) = (Spread::of(&row.generate), Spread::of(&row.noop));
        println!(
            "| {} | {:.2} ({:.2}-{:.2}) | {:.3} | {:.1} ({:.1}-{:.1}) | {} |",
            row.events,
            generate.median,
            generate.lowest,
            generate.highest,
            generate.median * 100.0 / row.events as f64,
            noop.median * 1000.0,
            noop.lowest * 1000.0,
            noop.highest * 1000.0,
            row.rust_lines
        );
    }
    if let Some(check) = &check_300 {
        println!(
            "cargo check of the generated 300-event crate: {:.1} s (the crate alone; {:.1} s the first time, with the dependencies `target/bench-check` lacked), peak memory {}",
            check.crate_alone.as_secs_f64(),
            check.first.as_secs_f64(),
            megabytes(check)
        );
    }
    if let Some(large) = &large {
        println!(
            "Large set, 300 events of 40 fields (objects nested four deep, unions, arrays of objects, maps, open objects): generated in {:.2} s, {} lines of Rust; cargo check {:.1} s (the crate alone), peak memory {}",
            large.generate.as_secs_f64(),
            large.rust_lines,
            large.check.crate_alone.as_secs_f64(),
            megabytes(&large.check)
        );
    }
    let mut figures = vec![decode_figures];
    for row in &rows {
        figures.push(format!("gen_{}_s={:.3}", row.events, Spread::of(&row.generate).median));
        figures.push(format!("noop_{}_s={:.4}", row.events, Spread::of(&row.noop).median));
        figures.push(format!("lines_{}={}", row.events, row.rust_lines));
    }
    if let Some(check) = check_300 {
        figures.push(format!("check_300_s={:.1}", check.crate_alone.as_secs_f64()));
        figures.push(format!("check_300_first_s={:.1}", check.first.as_secs_f64()));
        figures.extend(check.crate_alone_peak.map(|peak| format!("check_300_peak_mb={}", peak / 1_000_000)));
    }
    if let Some(large) = large {
        figures.push(format!("large_gen_300_s={:.3}", large.generate.as_secs_f64()));
        figures.push(format!("large_lines_300={}", large.rust_lines));
        figures.push(format!("large_check_300_s={:.1}", large.check.crate_alone.as_secs_f64()));
        figures.extend(large.check.crate_alone_peak.map(|peak| format!("large_check_300_peak_mb={}", peak / 1_000_000)));
    }
    println!("{}", figures.join(" "));
    Ok(())
}

/// Writes a synthetic set of `events` events under `dir` and generates it
/// twice, in-process: the first run writes the crate, the second finds
/// nothing to change. Returns both times.
fn generate_twice(dir: &Path, events: usize, runtime: &Path) -> Result<(Duration, Duration), String> {
    crate::synthetic::write_set(dir, events, Shape::Realistic, runtime).map_err(|e| e.to_string())?;
    let config = Path::new("schemas/events.toml");

    let started = Instant::now();
    let report = Generator::from_config(config).root(dir).run().map_err(|e| format!("{e}: {:?}", e.diagnostics().first()))?;
    let generate = started.elapsed();
    if report.is_up_to_date() {
        return Err(format!("the first generation of {} wrote nothing", dir.display()));
    }

    let started = Instant::now();
    let again = Generator::from_config(config).root(dir).run().map_err(|e| e.to_string())?;
    let noop = started.elapsed();
    if !again.is_up_to_date() {
        return Err(format!("the second generation of {} changed files", dir.display()));
    }
    Ok((generate, noop))
}

/// The large synthetic set of 300 events, generated and checked.
struct LargeSet {
    generate: Duration,
    rust_lines: usize,
    check: Check,
}

fn large_set(root: &Path) -> Result<LargeSet, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    crate::synthetic::write_set(dir.path(), 300, Shape::Large, &root.join("runtime")).map_err(|e| e.to_string())?;
    let started = Instant::now();
    Generator::from_config("schemas/events.toml")
        .root(dir.path())
        .run()
        .map_err(|e| format!("the large synthetic set: {e}: {:?}", e.diagnostics().first()))?;
    let generate = started.elapsed();
    let rust_lines = count_rust_lines(&dir.path().join("generated/src"));
    let check = cargo_check_once(dir.path(), &root.join("target/bench-check"))?;
    Ok(LargeSet { generate, rust_lines, check })
}

/// A check's peak memory as text.
fn megabytes(check: &Check) -> String {
    check.crate_alone_peak.map_or_else(|| "not reported here".to_owned(), |peak| format!("{} MB", peak / 1_000_000))
}

/// Writes and generates the synthetic sets of every size under
/// `dir/<events>/`, with their generated crates ready for `cargo check`
/// (depending on the runtime crate of the repository at `repo`).
pub fn write_sets(repo: &Path, dir: &Path) -> Result<(), String> {
    for events in [100, 300, 1000] {
        let root = dir.join(events.to_string());
        let _ = std::fs::remove_dir_all(&root);
        crate::synthetic::write_set(&root, events, Shape::Realistic, &std::path::absolute(repo.join("runtime")).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
        let started = Instant::now();
        Generator::from_config("schemas/events.toml").root(&root).run().map_err(|e| e.to_string())?;
        let took = started.elapsed();
        standalone_manifest(&root)?;
        eprintln!("wrote {} (generated in {:.2} s)", root.display(), took.as_secs_f64());
    }
    Ok(())
}

/// Processes of the decode benchmark a run measures in (`--quick`: fewer).
const DECODE_PROCESSES: usize = 5;
const DECODE_PROCESSES_QUICK: usize = 3;

/// Builds and runs the decode benchmark in several processes, one after
/// the other; prints the first one's tables and the spread of every figure
/// over the processes, and returns the line of figures, each the median
/// over the processes.
///
/// Several processes, because in some processes one variant's code runs
/// at up to twice its usual time for the whole process (a different
/// variant in different processes; see BENCHMARKS.md), which the
/// interleaving within one process cannot cancel. Within each process the
/// variants are still measured side by side.
///
/// It is built for this machine's CPU, as sonic-rs and simd-json ask of
/// their users (without it sonic-rs parses without SIMD; simd-json picks
/// its SIMD code at run time either way), in a target directory of its
/// own so the flags do not rebuild the workspace's.
///
/// And with every function and loop starting on a 64-byte line
/// ([`ALIGNED_CODE`]), so that identical code runs alike wherever the
/// linker puts it: unaligned, two copies of serde_json's string escaper
/// (the same instructions, for the generated encode and for B) ran 37%
/// apart because one copy's seven-instruction loop crossed a line, which
/// alone moved the encode ratio from 1.00 to 1.22 (BENCHMARKS.md,
/// fourteenth run). Both sides of every ratio are built alike.
fn decode(root: &Path, quick: bool) -> Result<String, String> {
    generate_decode_set(root)?;
    let processes = if quick { DECODE_PROCESSES_QUICK } else { DECODE_PROCESSES };
    let mut runs: Vec<Vec<(String, f64)>> = Vec::new();
    for process in 1..=processes {
        let (tables, figures) = decode_process(root, quick)?;
        if process == 1 {
            println!("Decode benchmark, process 1 of {processes} (the figures after the tables are medians over all {processes}):\n");
            println!("{tables}\n");
        }
        runs.push(parse_figures(&figures)?);
    }
    let keys: Vec<&str> = runs[0].iter().map(|(key, _)| key.as_str()).collect();
    let mut medians = Vec::new();
    println!("| figure | median of {processes} processes | lowest | highest |");
    println!("|---|---:|---:|---:|");
    for key in keys {
        let values: Vec<f64> = runs
            .iter()
            .map(|run| run.iter().find(|(k, _)| k == key).map(|(_, value)| *value).ok_or_else(|| format!("a decode process did not report `{key}`")))
            .collect::<Result<_, _>>()?;
        let Spread { median, lowest, highest } = Spread::of(&values);
        println!("| {key} | {median:.3} | {lowest:.3} | {highest:.3} |");
        medians.push(format!("{key}={median:.3}"));
    }
    println!();
    Ok(medians.join(" "))
}

/// The decode benchmark's contract set (`benches/decode/schemas/`), whose
/// crate is generated into `target/bench/events` rather than checked in.
pub const DECODE_SET: &str = "benches/decode/schemas/events.toml";

/// Generates the decode benchmark's set, where it is not up to date.
pub fn generate_decode_set(root: &Path) -> Result<(), String> {
    Generator::from_config(DECODE_SET).root(root).run().map(drop).map_err(|error| {
        let diagnostics: Vec<String> = error.diagnostics().iter().map(ToString::to_string).collect();
        format!("{DECODE_SET}: {error}\n{}", diagnostics.join("\n"))
    })
}

/// LLVM's options that start every function and every loop on a 64-byte
/// line (2^6), so a hot loop never straddles two lines by chance.
const ALIGNED_CODE: &str = "-C llvm-args=-align-all-functions=6 -C llvm-args=-align-loops=64";

/// One process of the decode benchmark: its tables, and its last line.
fn decode_process(root: &Path, quick: bool) -> Result<(String, String), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    // The user's own flags first; cargo splits RUSTFLAGS on whitespace.
    let user_flags = std::env::var("RUSTFLAGS").unwrap_or_default();
    let rustflags = format!("{user_flags} -C target-cpu=native {ALIGNED_CODE}");
    let mut command = Command::new(cargo);
    command
        .current_dir(root)
        .env("RUSTFLAGS", rustflags)
        .env("CARGO_TARGET_DIR", root.join("target/bench-native"))
        .args(["run", "--quiet", "--release", "--manifest-path", "benches/decode/Cargo.toml", "--"]);
    if quick {
        command.arg("--quick");
    }
    let output = command.stderr(std::process::Stdio::inherit()).output().map_err(|e| format!("cargo run -p decode-bench: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!("the decode benchmark failed:\n{stdout}"));
    }
    let (tables, figures) = stdout.trim_end().rsplit_once('\n').unwrap_or(("", stdout.trim_end()));
    Ok((tables.to_owned(), figures.to_owned()))
}

/// `key=value key=value ...` as the decode benchmark prints it last.
fn parse_figures(line: &str) -> Result<Vec<(String, f64)>, String> {
    line.split_whitespace()
        .map(|pair| {
            let (key, value) = pair.split_once('=').ok_or_else(|| format!("the decode benchmark's last line has `{pair}`, not key=value"))?;
            let value = value.parse().map_err(|_| format!("the decode benchmark's figure `{pair}` is not a number"))?;
            Ok((key.to_owned(), value))
        })
        .collect()
}

fn count_rust_lines(dir: &Path) -> usize {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            total += count_rust_lines(&path);
        } else if path.extension().is_some_and(|e| e == "rs") {
            total += std::fs::read_to_string(&path).map(|t| t.lines().count()).unwrap_or(0);
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::parse_figures;

    #[test]
    fn reads_the_decode_benchmarks_last_line_and_names_what_is_wrong() {
        let figures = parse_figures("decode_c_over_a=1.824 encode_ratio=1.001").expect("well formed");
        assert_eq!(figures, vec![("decode_c_over_a".to_owned(), 1.824), ("encode_ratio".to_owned(), 1.001)]);
        let missing = parse_figures("decode_c_over_a=1.8 oops").unwrap_err();
        assert!(missing.contains("`oops`"), "{missing}");
        let not_a_number = parse_figures("encode_ratio=fast").unwrap_err();
        assert!(not_a_number.contains("`encode_ratio=fast`"), "{not_a_number}");
    }
}
