//! Every Rust name the generator emits is decided here: case conversion,
//! keyword escaping and leading digits, in one place.

use heck::{ToPascalCase, ToSnakeCase};

/// `new_image_available` -> `NewImageAvailable`; never empty, never starts
/// with a digit.
pub fn type_name(raw: &str) -> String {
    let name = raw.to_pascal_case();
    match name.chars().next() {
        None => "Unnamed".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("T{name}"),
        Some(_) => name,
    }
}

/// `NewImageAvailable` -> `new_image_available`, as a module or field name
/// (keywords get `r#`, except those that cannot be raw, which get `_`).
pub fn module_name(raw: &str) -> String {
    let name = raw.to_snake_case();
    let name = match name.chars().next() {
        None => "unnamed".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("_{name}"),
        Some(_) => name,
    };
    if matches!(name.as_str(), "self" | "super" | "crate" | "extern") {
        format!("{name}_")
    } else if syn::parse_str::<syn::Ident>(&name).is_err() {
        format!("r#{name}")
    } else {
        name
    }
}

/// A Cargo package name from any text: `My Services` -> `my-services`.
pub fn package_name(raw: &str) -> String {
    let name = heck::AsKebabCase(deunicode::deunicode(raw)).to_string();
    let name: String = name.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    match name.chars().next() {
        None => "contracts".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("x{name}"),
        Some(_) => name,
    }
}

/// An ASCII field name for a JSON property typify left non-ASCII
/// (`größe` -> `grosse`, `名前` -> `ming_qian`), so generated code has no
/// confusable identifiers.
pub fn ascii_field_name(raw: &str) -> String {
    module_name(&deunicode::deunicode(raw))
}

/// The payload type of an event version: `NewImageAvailableV2`.
pub fn payload_type(event: &str, version: u32) -> String {
    // typify re-cases names: only a fixed point of the case conversion
    // comes out as written (`RunG2V1` would become `RunG2v1`).
    format!("{}V{version}", type_name(event)).to_pascal_case()
}

/// The `Event` variant of an event version: `IngestionNewImageAvailableV2`.
pub fn variant(domain: &str, event: &str, version: u32) -> String {
    format!("{}{}V{version}", type_name(domain), type_name(event))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_valid_rust() {
        assert_eq!(type_name("new_image_available"), "NewImageAvailable");
        assert_eq!(type_name("3d_tiles"), "T3dTiles");
        assert_eq!(module_name("match"), "r#match");
        assert_eq!(module_name("self"), "self_");
        assert_eq!(module_name("v1"), "v1");
        assert_eq!(payload_type("run_started", 1), "RunStartedV1");
        assert_eq!(payload_type("run_g2", 1), "RunG2v1");
        assert_eq!(variant("ui", "focus_mode", 3), "UiFocusModeV3");
        assert_eq!(ascii_field_name("größe"), "grosse");
        assert_eq!(ascii_field_name("名前"), "ming_qian");
    }
}
