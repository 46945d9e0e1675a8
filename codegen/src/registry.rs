//! The registry: every (type, version) of the contract set with its topic,
//! schema and catalog facts, as a static table.

use proc_macro2::TokenStream;
use quote::quote;

use crate::envelope::payload_path;
use crate::model::ContractSet;

/// `src/registry.rs`.
pub fn registry(set: &ContractSet) -> TokenStream {
    let rows = set.events.iter().map(|e| {
        let (event_type, version, topic, rust_type, schema_path) =
            (&e.event_type, e.version, &e.topic, &e.payload_type, &e.file);
        let payload = payload_path(e);
        let producer = match &e.producer {
            Some(p) => quote!(Some(#p)),
            None => quote!(None),
        };
        let consumers = &e.consumers;
        let deprecated = e.deprecated;
        quote! {
            EventInfo {
                event_type: #event_type,
                version: #version,
                topic: #topic,
                rust_type: #rust_type,
                schema_path: #schema_path,
                schema: <#payload as ::event_contracts::EventPayload>::SCHEMA,
                producer: #producer,
                consumers: &[#(#consumers),*],
                deprecated: #deprecated,
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

        /// Every (type, version) of the contract set, sorted by type then version.
        pub static EVENTS: &[EventInfo] = &[ #(#rows),* ];

        /// The registry row of one (type, version).
        pub fn find(event_type: &str, version: u32) -> ::std::option::Option<&'static EventInfo> {
            EVENTS.iter().find(|e| e.event_type == event_type && e.version == version)
        }
    }
}
