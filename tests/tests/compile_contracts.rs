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
