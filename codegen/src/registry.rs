//! The registry: every (type, version) of the contract set with its topic,
//! schema and catalog facts, as a static table.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::ContractSet;

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
    let documents = set
        .files
        .files
        .values()
        .map(|f| (crate::model::document_uri(&f.path), format!("../schemas/{}", f.path)))
        .chain(set.remotes.iter().map(|r| (r.uri.clone(), format!("../{}", r.copy))))
        .map(|(uri, path)| quote!((#uri, include_str!(#path))));
    quote! {
        use ::event_contracts::EventInfo;

        /// Every schema document of the contract set (and each document its
        /// `$ref`s reach by URL) by URI: validation resolves references among
        /// these, as JSON Schema says, and never on the network.
        pub static DOCUMENTS: ::event_contracts::validation::Documents = &[ #(#documents),* ];

        /// Every (type, version) of the contract set, sorted by type then
        /// version, as the variants of `Event` are: `Event::find` looks one up.
        pub static EVENTS: &[EventInfo] = &[ #(#rows),* ];
    }
}
