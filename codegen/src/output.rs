//! Which files the generated crate has, and what goes in each: the one
//! place that decides output file names.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::model::{ContractSet, EventContract};
use crate::write::{self, GeneratedFile};

/// Every file of the generated crate, with paths relative to the repository.
pub fn files(set: &ContractSet, types: crate::types::Types) -> Result<Vec<GeneratedFile>, crate::Error> {
    let out = &set.output_dir;
    let source = format!("{}", set.config_path.display());
    // For each event, the generated types its payload uses (transitively).
    let reachable: BTreeMap<&str, BTreeSet<String>> = set.events.iter().map(|e| (e.payload_type.as_str(), types.reachable(&e.payload_type))).collect();
    let mut files = vec![GeneratedFile::text(out.join("Cargo.toml"), cargo_toml(set))];
    let mut rust = vec![
        write::rust(out.join("src/lib.rs"), &source, lib_rs(set)),
        write::rust(out.join("src/event.rs"), &source, crate::envelope::event_enum(set, &types)),
        write::rust(out.join("src/registry.rs"), &source, crate::registry::registry(set)),
    ];
    let checks = crate::checks::generate(set, &types);
    if let Some(envelope) = &set.envelope {
        let header_checks = checks.covered.get(crate::model::HEADER_TYPE).copied();
        rust.push(write::rust(out.join("src/envelope.rs"), &source, crate::envelope::envelope(set, envelope, &types, header_checks)?));
    }
    rust.push(write::rust(out.join("src/checks.rs"), &source, checks_rs(&checks, &extra_type_validation(set))));
    rust.push(write::rust(out.join("src/upcast.rs"), &source, crate::upcast::upcast_rs(set)));
    rust.push(write::rust(out.join("src/types.rs"), &source, types_rs(types.file)));
    for event in &set.events {
        let mut path = out.join("src");
        path.extend(&event.module);
        path.set_extension("rs");
        let path = PathBuf::from(path.to_string_lossy().replace("r#", ""));
        rust.push(write::rust(path, &source, event_module(event, &reachable[event.payload_type.as_str()], set.formats.assert, checks.covered.get(&event.payload_type).copied())));
    }
    // The header is the envelope schema minus type, version and payload:
    // a document of its own for run-time validation. Payloads validate
    // against their schema files (`registry::DOCUMENTS`).
    if set.envelope.is_some() && !checks.covered.contains_key(crate::model::HEADER_TYPE) {
        let name = crate::model::HEADER_TYPE;
        let schema = crate::refs::standalone(&set.bundle, name);
        let text = format!("{}\n", serde_json::to_string_pretty(&schema).expect("plain JSON"));
        files.push(GeneratedFile::text(out.join("bundled").join(format!("{name}.schema.json")), text));
    }
    for remote in &set.remotes {
        files.push(GeneratedFile::text(out.join(&remote.copy), remote.text.clone()));
    }
    // The set's files that have relative `$id`s, as the validator reads
    // them: every `$id` absolute (see `documents`).
    for path in set.files.files.keys() {
        if let Some(text) = set.documents.validation_text(path) {
            files.push(GeneratedFile::text(out.join(crate::registry::VALIDATION_DOCUMENTS).join(path), text));
        }
    }
    let catalog = crate::catalog::entries(set);
    files.push(GeneratedFile::text(out.join("CATALOG.md"), crate::catalog::markdown(set, &catalog)));
    files.push(GeneratedFile::text(out.join("catalog.html"), crate::catalog::html(set, &catalog)));
    // The schemas travel with the crate, so `SCHEMA` needs nothing outside it.
    for file in set.files.files.values() {
        files.push(GeneratedFile::text(out.join("schemas").join(&file.path), file.text.clone()));
    }
    files.extend(write::format(rust));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// The generated crate's dependency on the runtime, as a Cargo inline table:
/// a `path` relative to the generated crate, a `git` source, a `version`
/// (by default the one this generator emits code for).
fn runtime_dependency(runtime: &crate::config::Runtime, output_dir: &Path) -> String {
    let mut entries = Vec::new();
    if let Some(path) = &runtime.path {
        let path = if path.is_absolute() {
            path.clone()
        } else {
            pathdiff::diff_paths(path, output_dir).unwrap_or_else(|| path.clone())
        };
        entries.push(("path", path.to_string_lossy().replace('\\', "/")));
    }
    for (key, value) in [("git", &runtime.git), ("branch", &runtime.branch), ("tag", &runtime.tag), ("rev", &runtime.rev)] {
        if let Some(value) = value {
            entries.push((key, value.clone()));
        }
    }
    match &runtime.version {
        Some(version) => entries.push(("version", version.clone())),
        None if entries.is_empty() => entries.push(("version", crate::config::RUNTIME_VERSION.to_owned())),
        None => {}
    }
    let entries: Vec<String> = entries.iter().map(|(key, value)| format!("{key} = {}", toml_string(value))).collect();
    format!("{{ {} }}", entries.join(", "))
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

fn cargo_toml(set: &ContractSet) -> String {
    let mut features = String::from(
        "\n[features]\n# Decoding parsed by simd-json (SIMD), errors explained as without it.\nfast-json = [\"event-contracts/fast-json\"]\n",
    );
    if set.cloudevents.is_some() {
        features.push_str("# `Envelope::to_cloudevent` and `Envelope::from_cloudevent`.\ncloudevents = [\"event-contracts/cloudevents\"]\n");
    }
    format!(
        r#"# @generated by `cargo xtask gen` from {config}; do not edit.
[package]
name = "{name}"
version = "0.1.0"
edition = "2024"
publish = false
description = "Event types of the `{set}` contract set, generated from its JSON Schemas."

[dependencies]
event-contracts = {runtime}
schemars = {{ version = "1", features = ["chrono04", "uuid1"] }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = {{ version = "1", features = ["raw_value"] }}
{features}"#,
        config = set.config_path.display(),
        name = set.crate_name,
        set = set.name,
        runtime = runtime_dependency(&set.runtime, &set.output_dir),
    )
}

fn module_ident(name: &str) -> Ident {
    syn::parse_str(name).expect("sanitised module name")
}

/// `src/checks.rs`: the validation compiled into Rust.
fn checks_rs(checks: &crate::checks::Checks, extra: &TokenStream) -> TokenStream {
    let tokens = &checks.tokens;
    quote! {
        //! Validation compiled from the schemas: the rules the types do not
        //! enforce, checked on the typed value. Events not listed here are
        //! validated by the `jsonschema` validator.
        #tokens
        #extra
    }
}

/// `violations()` for the extra types (e.g. a dead-letter error contract):
/// their schema's rules beyond the type, by the validator.
fn extra_type_validation(set: &ContractSet) -> TokenStream {
    // An extra type is a whole schema file: the document's root.
    let impls = set.extra_types.iter().filter_map(|name| {
        let (file, _) = set.bundle.origins.get(name)?;
        let uri = crate::documents::file_uri(file);
        let ty = Ident::new(name, proc_macro2::Span::call_site());
        let assert = set.formats.assert;
        Some(quote! {
            impl crate::types::#ty {
                /// Every violation of the rules of its schema that the type
                /// cannot express (patterns, bounds, lengths, ...).
                pub fn violations(&self) -> ::std::vec::Vec<::event_contracts::Violation> {
                    static VALIDATOR: ::event_contracts::SchemaValidator =
                        ::event_contracts::SchemaValidator::document(#uri, crate::registry::DOCUMENTS, #assert);
                    VALIDATOR.violations(&::event_contracts::validation::to_value(self), "")
                }
            }
        })
    });
    quote!(#(#impls)*)
}

fn lib_rs(set: &ContractSet) -> TokenStream {
    // domain -> event -> versions, sorted.
    let mut tree: BTreeMap<&str, BTreeMap<&str, Vec<&EventContract>>> = BTreeMap::new();
    for event in &set.events {
        tree.entry(&event.module[0]).or_default().entry(&event.module[1]).or_default().push(event);
    }
    let domains = tree.iter().map(|(domain, events)| {
        let domain_doc = format!("Events of the `{domain}` domain.");
        let events = events.iter().map(|(event, versions)| {
            let doc = format!("Versions of `{}`.", versions[0].event_type);
            let versions = versions.iter().map(|e| module_ident(&e.module[2]));
            let event = module_ident(event);
            quote!(#[doc = #doc] pub mod #event { #(pub mod #versions;)* })
        });
        let domain = module_ident(domain);
        quote!(#[doc = #domain_doc] pub mod #domain { #(#events)* })
    });
    let reexports = set.events.iter().map(crate::envelope::payload_path);
    let (usage, envelope_mod, envelope_use) = match &set.envelope {
        Some(_) => (
            "Decode with [`Envelope::from_slice`] and `match` on [`Event`]; build with [`Envelope::new`].",
            quote!(pub mod envelope;),
            quote!(pub use envelope::{Envelope, LAYOUT};),
        ),
        None => (
            "There is no envelope: decode with [`Event::from_subject_and_slice`](SubjectRouted::from_subject_and_slice) \
             and `match` on [`Event`]; publish `event.to_vec()` on `event.subject()`.",
            quote!(),
            quote!(pub use event::SUBJECTS;),
        ),
    };
    let doc = format!(
        "Event types of the `{}` contract set, generated from its JSON Schemas.\n\n{usage} \
         Every (type, version) is listed in [`registry::EVENTS`]. The methods of [`Event`] \
         and of the payload types come from the runtime's traits: `use {}::prelude::*;`.",
        set.name,
        set.crate_name.replace('-', "_")
    );
    quote! {
        #![doc = #doc]

        #envelope_mod
        pub mod event;
        mod checks;
        pub mod registry;
        pub mod types;
        pub mod upcast;

        #(#domains)*

        #envelope_use
        pub use event::Event;
        pub use upcast::{Latest, Upcaster};
        pub use ::event_contracts::{DeadLetter, DecodeError, EventInfo, EventPayload, EventSet, IdempotencyStore, InMemoryIdempotencyStore, SubjectRouted};
        /// The runtime's traits, whose methods the generated types are used through.
        pub use ::event_contracts::prelude;
        /// The `uuid` and `date-time` types fields hold (`Uuid::new_v4()`, `DateTime::now()`).
        pub use ::event_contracts::formats;
        #(pub use #reexports;)*
    }
}

fn types_rs(types: syn::File) -> TokenStream {
    let items = types.items;
    quote! {
        //! Every type of the contract set, generated by typify; each event's
        //! module re-exports the ones its payload uses.


        #(#items)*
    }
}

fn event_module(event: &EventContract, types: &BTreeSet<String>, assert_formats: bool, checked_in_rust: Option<bool>) -> TokenStream {
    let payload = Ident::new(&event.payload_type, Span::call_site());
    let (event_type, version, topic) = (&event.event_type, event.version, &event.topic);
    let depth = event.module.len();
    let schema_path = format!("{}schemas/{}", "../".repeat(depth), event.file);
    let document_uri = crate::documents::file_uri(&event.file);
    let mut doc = format!("`{event_type}` version {version}");
    if let Some(title) = &event.title {
        doc.push_str(&format!(": {title}"));
    }
    doc.push('.');
    if let Some(description) = &event.description {
        doc.push_str(&format!("\n\n{description}"));
    }
    doc.push_str(&format!("\n\nTopic: `{topic}`. Schema: `{}`.", event.file));
    let types = types.iter().map(|t| Ident::new(t, Span::call_site()));
    // Generated checks where they cover the schema (see `checks`), the
    // validator otherwise.
    let violations = match checked_in_rust {
        Some(true) => quote! {
            let mut out = ::std::vec::Vec::new();
            self.check_into(&::event_contracts::validation::At::Root(prefix), &mut out);
            out
        },
        // The types enforce every rule of the schema.
        Some(false) => quote! {
            let _ = prefix;
            ::std::vec::Vec::new()
        },
        None => quote!(VALIDATOR.violations(&::event_contracts::validation::to_value(self), prefix)),
    };
    quote! {
        #![doc = #doc]

        pub use crate::types::{#(#types),*};

        /// The schema, with the documents its `$ref`s reach, compiled on first use.
        static VALIDATOR: ::event_contracts::SchemaValidator =
            ::event_contracts::SchemaValidator::document(#document_uri, crate::registry::DOCUMENTS, #assert_formats);

        impl ::event_contracts::EventPayload for #payload {
            const TYPE: &'static str = #event_type;
            const VERSION: u32 = #version;
            const TOPIC: &'static str = #topic;
            const SCHEMA: &'static str = include_str!(#schema_path);

            fn violations(&self, prefix: &str) -> ::std::vec::Vec<::event_contracts::Violation> {
                #violations
            }

            fn json_violations(json: &::serde_json::Value, prefix: &str) -> ::std::vec::Vec<::event_contracts::Violation> {
                VALIDATOR.violations(json, prefix)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::runtime_dependency;
    use crate::config::Runtime;

    #[test]
    fn the_runtime_dependency_is_what_the_config_says_and_a_version_by_default() {
        let out = Path::new("services/events");
        let default = runtime_dependency(&Runtime::default(), out);
        assert_eq!(default, format!("{{ version = \"{}\" }}", crate::config::RUNTIME_VERSION));
        let beside = Runtime { path: Some(PathBuf::from("vendor/event-contracts")), ..Runtime::default() };
        assert_eq!(runtime_dependency(&beside, out), "{ path = \"../../vendor/event-contracts\" }");
        let absolute = Runtime { path: Some(PathBuf::from("/opt/rt")), version: Some("0.1".into()), ..Runtime::default() };
        assert_eq!(runtime_dependency(&absolute, out), "{ path = \"/opt/rt\", version = \"0.1\" }");
        let git = Runtime { git: Some("https://example.com/ec.git".into()), rev: Some("abc123".into()), ..Runtime::default() };
        assert_eq!(runtime_dependency(&git, out), "{ git = \"https://example.com/ec.git\", rev = \"abc123\" }");
    }
}
