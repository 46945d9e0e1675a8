//! Prints one file of a contract set's generated crate, generated in memory
//! (nothing is written): `cargo run -p event-contracts-codegen --example dump
//! -- <config> [file in the crate, default src/types.rs]`.
use event_contracts_codegen::Generator;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let config = args.get(1).map_or("schemas/events.toml", String::as_str);
    let wanted = args.get(2).map_or("src/types.rs", String::as_str);
    match Generator::from_config(config).generate() {
        Ok(files) => match files.iter().find(|file| file.path.ends_with(wanted)) {
            Some(file) => print!("{}", String::from_utf8_lossy(&file.contents)),
            None => {
                eprintln!("error: the generated crate has no `{wanted}`");
                std::process::exit(1);
            }
        },
        Err(error) => {
            for diagnostic in error.diagnostics() {
                eprintln!("{diagnostic}");
            }
            eprintln!("error: {error}");
            std::process::exit(1);
        }
    }
}
