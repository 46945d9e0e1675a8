fn main() {
    let set = codegen::model::ContractSet::load(std::path::Path::new("."), std::path::Path::new("schemas/events.toml"));
    let set = match set { Ok(s) => s, Err(e) => { for d in e.diagnostics() { eprintln!("{d}"); } panic!("{e}") } };
    let file = codegen::types::generate(&set).unwrap_or_else(|e| { for d in e.diagnostics() { eprintln!("{d}"); } panic!("{e}") });
    println!("{}", prettyplease::unparse(&file));
}
