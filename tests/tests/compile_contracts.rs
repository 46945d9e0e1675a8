//! Contracts enforced by the compiler: each `tests/ui/fail` case must fail
//! to compile with its committed `.stderr`; each `tests/ui/pass` case is
//! producer or consumer code as a user writes it and must compile.
//! Refresh the expected output with `TRYBUILD=overwrite cargo test`.

#[test]
fn compile_time_contracts() {
    let cases = trybuild::TestCases::new();
    cases.pass("ui/pass/*.rs");
    cases.compile_fail("ui/fail/*.rs");
}

/// The README's producer example is `tests/ui/pass/producer.rs` (its doc
/// comment aside), so the program it shows is the one compiled above.
#[test]
fn the_readme_producer_example_is_the_compiled_one() {
    let readme = include_str!("../../README.md");
    let program: String = include_str!("../ui/pass/producer.rs").lines().filter(|line| !line.starts_with("//!")).map(|line| format!("{line}\n")).collect();
    let block = format!("```rust\n{}```", program.trim_start_matches('\n'));
    assert!(readme.contains(&block), "README.md's producer example differs from tests/ui/pass/producer.rs:\n{block}");
}
