//! Prints the types generated for a contract set: `cargo run -p codegen --example dump -- <root> <config>`.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let root = std::path::Path::new(args.get(1).map_or(".", String::as_str));
    let config = std::path::Path::new(args.get(2).map_or("schemas/events.toml", String::as_str));
    let result = event_contracts_codegen::model::ContractSet::load(root, config).and_then(|set| event_contracts_codegen::types::generate(&set));
    match result {
        Ok(file) => println!("{}", prettyplease::unparse(&file)),
        Err(e) => {
            for d in e.diagnostics() {
                eprintln!("{d}");
            }
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
