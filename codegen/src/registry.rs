//! The registry: every (type, version) of the contract set with its topic,
//! schema and catalog facts, as a static table.

use proc_macro2::TokenStream;
use quote::quote;

use crate::documents::Place;
use crate::model::ContractSet;

/// Where the generated crate keeps the set's files that have relative
/// `$id`s, as its validator reads them (every `$id` absolute).
pub const VALIDATION_DOCUMENTS: &str = "bundled/documents";

/// `src/registry.rs`.
pub fn registry(set: &ContractSet) -> TokenStream {
    let rows = set.events.iter().map(|e| {
        let (event_type, version, wire_type, topic, rust_type, schema_path) =
            (&e.event_type, e.version, &e.wire_type, &e.topic, &e.payload_type, &e.file);
        let schema = format!("../schemas/{}", e.file);
        let producer = match &e.producer {
            Some(p) => quote!(Some(#p)),
            None => quote!(None),
        };
        let consumers = &e.consumers;
        let deprecated = e.deprecated;
        let classification = match &e.classification {
            Some(value) => quote!(Some(#value)),
            None => quote!(None),
        };
        let decoded_is_exact = crate::types::decoded_value_is_exact(&crate::refs::standalone(&set.bundle, &e.payload_type));
        quote! {
            EventInfo {
                event_type: #event_type,
                version: #version,
                wire_type: #wire_type,
                topic: #topic,
                rust_type: #rust_type,
                schema_path: #schema_path,
                schema: include_str!(#schema),
                producer: #producer,
                consumers: &[#(#consumers),*],
                deprecated: #deprecated,
                classification: #classification,
                decoded_is_exact: #decoded_is_exact,
            }
        }
    });
    let documents = set.documents.for_validation().into_iter().map(|(uri, place)| {
        let path = match place {
            Place::File { path, .. } if set.documents.validation_text(&path).is_some() => format!("../{VALIDATION_DOCUMENTS}/{path}"),
            Place::File { path, .. } => format!("../schemas/{path}"),
            Place::Remote { uri, .. } => {
                let remote = set.remotes.iter().find(|r| r.uri == uri).expect("remote documents are the set's");
                format!("../{}", remote.copy)
            }
        };
        quote!((#uri, include_str!(#path)))
    });
    quote! {
        use ::event_contracts::EventInfo;

        /// Every schema document of the contract set (and each document its
        /// `$ref`s reach by URL) by the URIs `$ref`s name them by (paths and
        /// `$id`s): validation resolves references among these, as JSON
        /// Schema says, and never on the network.
        pub static DOCUMENTS: ::event_contracts::validation::Documents = &[ #(#documents),* ];

        /// Every (type, version) of the contract set, sorted by type then
        /// version, as the variants of `Event` are: `Event::find` looks one up.
        pub static EVENTS: &[EventInfo] = &[ #(#rows),* ];
    }
}
