//! The dispatch enum and the envelope of a contract set.
//!
//! `Event` has one variant per (type, version); its `Dispatch` impl is one
//! `match` on the pair that decodes the payload straight into the variant.
//! `Envelope` pairs the header (the envelope's own fields, minus type,
//! version and payload) with an `Event`, so type and version always come
//! from the payload's type.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::config::VersionFormat;
use crate::model::{ContractSet, EnvelopeSpec, EventContract, HEADER_TYPE};
use crate::types::Types;

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// Path of an event's payload type from the crate root.
pub fn payload_path(event: &EventContract) -> TokenStream {
    let modules = event.module.iter().map(|m| syn::parse_str::<Ident>(m).expect("sanitised module name"));
    let ty = ident(&event.payload_type);
    quote!(crate:: #(#modules::)* #ty)
}

/// `src/event.rs`: the `Event` enum and its dispatch.
pub fn event_enum(set: &ContractSet, types: &Types) -> TokenStream {
    let variants: Vec<Ident> = set.events.iter().map(|e| ident(&e.variant)).collect();
    let payloads: Vec<TokenStream> = set.events.iter().map(payload_path).collect();
    let docs = set.events.iter().map(|e| {
        let title = e.title.as_deref().unwrap_or(&e.event);
        format!("`{}` v{}: {title}.", e.event_type, e.version)
    });
    let deprecated = set.events.iter().map(|e| {
        e.deprecated.then(|| quote!(#[doc = ""] #[doc = "Deprecated by its schema."]))
    });
    // Dispatch finds the type's index by a switch, then matches integers.
    let type_names: Vec<&str> = set.events.iter().map(|e| e.event_type.as_str()).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    let type_switch = crate::switch::Switch::new(&type_names).to_tokens(&quote!(event_type));
    let pairs = set.events.iter().map(|e| {
        let index = type_names.binary_search(&e.event_type.as_str()).expect("every event's type is known");
        let version = u64::from(e.version);
        quote!((::std::option::Option::Some(#index), #version))
    });
    let count = set.events.len();
    let indices = 0..count;
    let subject_routing = match &set.envelope {
        None => subject_routing(set, types),
        Some(_) => quote!(),
    };

    quote! {
        use ::event_contracts::{EventPayload as _, Routed};
        use ::serde::Deserialize as _;

        /// Every event version of the contract set, one variant per (type,
        /// version). Decode with `Envelope::from_slice`; build with
        /// `Envelope::new`, which takes any payload type. Its type, version,
        /// topic and registry row come from [`EventSet`](::event_contracts::EventSet).
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant, reason = "payloads are held by value: decoding allocates no box per event")]
        pub enum Event {
            #( #[doc = #docs] #deprecated #variants(#payloads), )*
        }

        impl Event {
            /// How many (type, version) pairs the contract set has.
            pub const COUNT: usize = #count;
        }

        #subject_routing

        #(
            impl ::std::convert::From<#payloads> for Event {
                fn from(payload: #payloads) -> Self {
                    Event::#variants(payload)
                }
            }
        )*

        /// The payload alone, as the envelope carries it.
        impl ::serde::Serialize for Event {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self { #( Event::#variants(payload) => payload.serialize(serializer), )* }
            }
        }

        /// The index of an event type among the set's types (in order),
        /// found by its length and the bytes where the types differ.
        fn type_index(event_type: &str) -> ::std::option::Option<usize> {
            #type_switch
        }

        impl ::event_contracts::EventSet for Event {
            fn registry() -> &'static [::event_contracts::EventInfo] {
                crate::registry::EVENTS
            }

            fn index(&self) -> usize {
                match self { #( Event::#variants(_) => #indices, )* }
            }

            fn decode_payload<'de, D: ::serde::Deserializer<'de>>(
                event_type: &str,
                version: u64,
                payload: D,
                event: &mut ::std::option::Option<Self>,
            ) -> ::std::result::Result<Routed, D::Error> {
                match (type_index(event_type), version) {
                    #( #pairs => Routed::decode(payload, event, Event::#variants), )*
                    _ => {
                        ::serde::de::IgnoredAny::deserialize(payload)?;
                        Ok(Routed::Unknown)
                    }
                }
            }

            fn violations(&self, prefix: &str) -> ::std::vec::Vec<::event_contracts::Violation> {
                match self { #( Event::#variants(payload) => payload.violations(prefix), )* }
            }

            fn json_violations(&self, json: &::serde_json::Value, prefix: &str) -> ::std::vec::Vec<::event_contracts::Violation> {
                match self { #( Event::#variants(_) => <#payloads>::json_violations(json, prefix), )* }
            }
        }
    }
}

/// Routing without an envelope: each event version has a subject pattern,
/// and its subject is filled from payload fields.
fn subject_routing(set: &ContractSet, types: &Types) -> TokenStream {
    let key_arms = set.events.iter().map(|e| {
        let variant = ident(&e.variant);
        let event_type = &e.event_type;
        let field = set
            .governance
            .idempotency_key
            .iter()
            .find_map(|pointer| types.field_ident(&e.payload_type, pointer.trim_start_matches('/')));
        match field {
            Some(field) => quote!(Event::#variant(payload) => format!("{}:{}", #event_type, payload.#field),),
            // No id field: the whole payload is the identity.
            None => quote!(Event::#variant(payload) => format!("{}:{}", #event_type, ::serde_json::to_string(payload).unwrap_or_default()),),
        }
    });
    let patterns = set.events.iter().map(|e| crate::model::subject_pattern(e.subject.as_deref().unwrap_or_default()));
    let event_types = set.events.iter().map(|e| &e.event_type);
    let versions = set.events.iter().map(|e| e.version);
    let subject_arms = set.events.iter().map(|e| {
        let variant = ident(&e.variant);
        let template = e.subject.as_deref().unwrap_or_default();
        let mut format = String::new();
        let mut args = Vec::new();
        for (index, token) in template.split('.').enumerate() {
            if index > 0 {
                format.push('.');
            }
            match token.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                Some(field) => {
                    format.push_str("{}");
                    let field = types.field_ident(&e.payload_type, field)
                        .expect("subject fields are checked to be payload properties");
                    args.push(quote!(payload.#field));
                }
                None => format.push_str(token),
            }
        }
        if args.is_empty() {
            quote!(Event::#variant(_) => #format.to_owned(),)
        } else {
            quote!(Event::#variant(payload) => format!(#format, #(#args),*),)
        }
    });
    quote! {
        /// The subject pattern of each event version (NATS wildcards), with
        /// its type and version, in the order they are tried.
        pub static SUBJECTS: &[(&str, &str, u32)] = &[ #( (#patterns, #event_types, #versions), )* ];

        impl ::event_contracts::SubjectRouted for Event {
            fn subjects() -> &'static [(&'static str, &'static str, u32)] {
                SUBJECTS
            }

            const FAST_JSON: bool = cfg!(feature = "fast-json");

            fn subject(&self) -> ::std::string::String {
                match self { #(#subject_arms)* }
            }

            fn idempotency_key(&self) -> ::std::string::String {
                match self { #(#key_arms)* }
            }
        }
    }
}

/// The header's governance methods (classification, partition key), and the
/// idempotency key's parts with whether any reads the event (its type or
/// version) rather than the header.
fn header_expressions(set: &ContractSet, spec: &EnvelopeSpec, types: &Types) -> Result<(TokenStream, Vec<TokenStream>, bool), crate::Error> {
    let classify = match &set.governance.classification {
        Some(pointer) => {
            let path = header_path(set, types, "governance.classification", pointer)?;
            quote! {
                fn classify(&mut self, classification: &'static str) {
                    self.#(#path).* = classification.parse().expect("x-classification values are checked at generation");
                }
            }
        }
        None => quote!(),
    };
    let type_pointer = format!("/{}", spec.type_path.join("/"));
    let version_pointer = format!("/{}", spec.version_path.join("/"));
    let mut key_parts = Vec::new();
    let mut reads_event = false;
    for pointer in &set.governance.idempotency_key {
        reads_event |= *pointer == type_pointer || *pointer == version_pointer;
        key_parts.push(if *pointer == type_pointer {
            quote!(::event_contracts::EventSet::wire_type(event).to_owned())
        } else if *pointer == version_pointer {
            quote!(::event_contracts::EventSet::version(event).to_string())
        } else {
            let path = header_path(set, types, "governance.idempotency-key", pointer)?;
            quote!(self.#(#path).*.to_string())
        });
    }
    let partition_key = match &set.governance.partition_key {
        Some(pointer) => {
            let path = header_path(set, types, "governance.partition-key", pointer)?;
            quote! {
                fn partition_key(&self, _event: &Event) -> ::std::option::Option<::std::string::String> {
                    ::std::option::Option::Some(self.#(#path).*.to_string())
                }
            }
        }
        None => quote!(),
    };
    Ok((quote!(#classify #partition_key), key_parts, reads_event))
}

/// A required header field's Rust path, or a diagnostic at the config key.
fn header_path(set: &ContractSet, types: &Types, key: &str, pointer: &str) -> Result<Vec<Ident>, crate::Error> {
    let keys: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    types.field_path(HEADER_TYPE, &keys).ok_or_else(|| {
        let path: Vec<&str> = key.split('.').collect();
        crate::Error::one(crate::config::config_problem(
            &set.config_path,
            &set.config_text,
            &path,
            format!("`{key}` = {pointer:?} is not a required field of the envelope header"),
            "point it at a required envelope field",
        ))
    })
}

/// CloudEvents conversion, behind the generated crate's `cloudevents` feature.
fn cloudevents(set: &ContractSet, types: &Types) -> Result<TokenStream, crate::Error> {
    let Some(config) = &set.cloudevents else { return Ok(quote!()) };
    let id = header_path(set, types, "cloudevents.id", &config.id)?;
    let source = header_path(set, types, "cloudevents.source", &config.source)?;
    let time = match &config.time {
        Some(pointer) => {
            let path = header_path(set, types, "cloudevents.time", pointer)?;
            quote!(::std::option::Option::Some(self.#(#path).*.to_string()))
        }
        None => quote!(::std::option::Option::None),
    };
    let header = ident(HEADER_TYPE);
    Ok(quote! {
        /// CloudEvents 1.0 (crate feature `cloudevents`): `Envelope::to_cloudevent`
        /// and `Envelope::from_cloudevent` take `id`, `source` and `time` from here.
        impl ::event_contracts::CloudEventHeader for #header {
            fn cloudevent_id(&self) -> ::std::string::String {
                self.#(#id).*.to_string()
            }

            fn cloudevent_source(&self) -> ::std::string::String {
                self.#(#source).*.to_string()
            }

            fn cloudevent_time(&self) -> ::std::option::Option<::std::string::String> {
                #time
            }
        }
    })
}

/// The wire type of a flat layout's root (type, version and payload beside
/// the header's fields): the header's fields, and a mark where each of
/// type, version and payload goes, so serde's derived visitor reads every
/// key once (see `event_contracts::decode::FlatHeader`). `None` where the
/// layout is nested or the header is not a plain struct; the generic
/// decode serves then.
fn flat_wire(spec: &EnvelopeSpec, types: &Types) -> Option<TokenStream> {
    let [type_key] = spec.type_path.as_slice() else { return None };
    let version_key = match spec.version_path.as_slice() {
        [] => None,
        [key] => Some(key),
        _ => return None,
    };
    let payload_key = &spec.payload_key;
    let header = types.wire_struct(HEADER_TYPE, None)?;
    let header_attrs = header.closed.then(|| quote!(#[serde(deny_unknown_fields)]));
    let fields = header.fields;
    // A flattened field would take the marks' keys too.
    let layout_keys = [Some(type_key), version_key, Some(payload_key)];
    if header.flattens || layout_keys.iter().flatten().any(|key| types.field_ident(HEADER_TYPE, key).is_some()) {
        return None;
    }
    // The marks are public, so not dead code: they are decoded, never read.
    let marks = [ident("wire_event_type"), ident("wire_version"), ident("wire_payload")];
    if fields.iter().any(|(f, _)| marks.contains(f)) {
        return None;
    }
    let [wire_type, wire_version, wire_payload] = &marks;
    let version_decl = version_key.map(|key| quote!(#[serde(rename = #key)] pub #wire_version: ::event_contracts::decode::VersionMark,));
    let wire_name = ident(&format!("{HEADER_TYPE}Wire"));
    let header_name = ident(HEADER_TYPE);
    let (idents, decls): (Vec<_>, Vec<_>) = fields.into_iter().unzip();
    let wire_doc = format!("The envelope as it travels: [`{HEADER_TYPE}`]'s fields and a mark where the type, version and payload go.");
    Some(quote! {
        /// Wire form of the envelope for one-pass decoding: the header's
        /// fields and the marks where type, version and payload are read.
        #[doc(hidden)]
        pub mod wire {
            use crate::types::*;

            #[doc = #wire_doc]
            #[derive(::serde::Deserialize)]
            #header_attrs
            pub struct #wire_name {
                #(#decls,)*
                #[serde(rename = #type_key)]
                pub #wire_type: ::event_contracts::decode::TypeMark,
                #version_decl
                #[serde(rename = #payload_key)]
                pub #wire_payload: ::event_contracts::decode::PayloadMark,
            }

            impl<'de> ::event_contracts::decode::FlatHeader<'de> for #header_name {
                type Wire = #wire_name;

                fn from_wire(wire: #wire_name) -> Self {
                    let #wire_name { #(#idents,)* .. } = wire;
                    #header_name { #(#idents,)* }
                }
            }
        }
    })
}

/// Wire types for a layout whose type and version sit in a nested object
/// (KFM's `meta`): that object decodes whole, type and version as plain
/// fields, instead of key by key through the runtime's interception (see
/// `event_contracts::decode::NestedHeader`). `None` where the layout is
/// flat or the header is not a plain struct; the generic decode serves then.
fn nested_wire(spec: &EnvelopeSpec, types: &Types) -> Option<TokenStream> {
    let [parent_key, type_leaf] = spec.type_path.as_slice() else { return None };
    let version_leaf = match spec.version_path.as_slice() {
        [parent, leaf] if parent == parent_key => Some(leaf),
        [_, _] => return None,
        _ => None,
    };
    let parent_ident = types.field_ident(HEADER_TYPE, parent_key)?;
    // A struct of the types module, required (not an `Option`, a `Box`, ...).
    let parent_name = ident(&types.field_struct(HEADER_TYPE, parent_key)?);
    let (parent, header) = (types.wire_struct(&parent_name.to_string(), None)?, types.wire_struct(HEADER_TYPE, Some(parent_key))?);
    let closed = |item: &crate::types::WireStruct| item.closed.then(|| quote!(#[serde(deny_unknown_fields)]));
    let (parent_attrs, header_attrs) = (closed(&parent), closed(&header));
    let (parent_fields, rest_fields) = (parent.fields, header.fields);
    let (wire_type, wire_version) = (ident("wire_event_type"), ident("wire_version"));
    if parent_fields.iter().any(|(f, _)| *f == wire_type || *f == wire_version) {
        return None;
    }
    let wire_name = ident(&format!("{parent_name}Wire"));
    let rest_name = ident(&format!("{HEADER_TYPE}Rest"));
    let header_name = ident(HEADER_TYPE);
    let (parent_idents, parent_decls): (Vec<_>, Vec<_>) = parent_fields.into_iter().unzip();
    let (rest_idents, rest_decls): (Vec<_>, Vec<_>) = rest_fields.into_iter().unzip();
    let sole_parent = rest_idents.is_empty().then(|| quote!(const SOLE_PARENT: bool = true;));
    let (version_decl, version_ident, version_value) = match version_leaf {
        // `2.0` is the integer 2 to JSON Schema, so the version is read as it reads one.
        Some(leaf) => (
            quote!(#[serde(rename = #leaf, deserialize_with = "::event_contracts::layout::deserialize_version")] #wire_version: u64,),
            quote!(#wire_version,),
            quote!(::std::option::Option::Some(#wire_version)),
        ),
        None => (quote!(), quote!(), quote!(::std::option::Option::None)),
    };
    let wire_doc = format!("`{parent_key}` as it travels: [`{parent_name}`]'s fields with the event type and version.");
    let rest_doc = format!("[`{HEADER_TYPE}`]'s fields other than `{parent_key}`.");
    Some(quote! {
        /// Wire forms of the header for one-pass decoding: the object that
        /// holds type and version decodes whole, both as plain fields.
        #[doc(hidden)]
        pub mod wire {
            use crate::types::*;

            #[doc = #wire_doc]
            #[derive(::serde::Deserialize)]
            #parent_attrs
            pub struct #wire_name<'a> {
                #(#parent_decls,)*
                #[serde(rename = #type_leaf, borrow)]
                #wire_type: ::std::borrow::Cow<'a, str>,
                #version_decl
            }

            #[doc = #rest_doc]
            #[derive(::serde::Deserialize)]
            #header_attrs
            pub struct #rest_name {
                #(#rest_decls,)*
            }

            impl<'de> ::event_contracts::decode::NestedHeader<'de> for #header_name {
                type Wire = #wire_name<'de>;
                type Rest = #rest_name;
                type Parent = #parent_name;
            #sole_parent

                fn split(wire: #wire_name<'de>) -> (#parent_name, ::event_contracts::decode::Carried<'de>) {
                    let #wire_name { #(#parent_idents,)* #wire_type, #version_ident } = wire;
                    (#parent_name { #(#parent_idents,)* }, (::std::option::Option::Some(#wire_type), #version_value))
                }

                fn assemble(rest: #rest_name, parent: #parent_name) -> Self {
                    let #rest_name { #(#rest_idents,)* } = rest;
                    #header_name { #parent_ident: parent, #(#rest_idents,)* }
                }
            }
        }
    })
}

/// `src/envelope.rs`: the header's [`Header`](event_contracts::Header)
/// impl (the layout, its decoder, its checks, the governance fields) and
/// `Envelope`, the runtime's envelope of this header.
pub fn envelope(set: &ContractSet, spec: &EnvelopeSpec, types: &Types, header_checks: Option<bool>) -> Result<TokenStream, crate::Error> {
    let (governed, key_parts, key_reads_event) = header_expressions(set, spec, types)?;
    let cloudevents = cloudevents(set, types)?;
    let idempotency = if key_parts.is_empty() {
        quote!()
    } else {
        // The event is read only where a part is its type or version.
        let event = if key_reads_event { ident("event") } else { ident("_event") };
        quote! {
            fn idempotency_key(&self, #event: &Event) -> ::std::string::String {
                [#(#key_parts),*].join(":")
            }
        }
    };
    let header = ident(HEADER_TYPE);
    let type_path = &spec.type_path;
    let version_path = &spec.version_path;
    let payload_key = &spec.payload_key;
    let payload_pointer = format!("/{}", crate::pointer::escape(payload_key));
    let type_pointer = format!("/{}", type_path.join("/"));
    let version_doc = match spec.version_format {
        VersionFormat::Integer => format!("the version at `/{}`", version_path.join("/")),
        VersionFormat::TypeSuffix => "the version as a `.v<N>` suffix of the type".to_owned(),
    };
    let version_format = match spec.version_format {
        VersionFormat::Integer => quote!(::event_contracts::VersionFormat::Integer),
        VersionFormat::TypeSuffix => quote!(::event_contracts::VersionFormat::TypeSuffix),
    };
    let header_schema = format!("../bundled/{HEADER_TYPE}.schema.json");
    let assert_formats = set.formats.assert;
    // Generated checks where they cover the header (see `checks`).
    let header_violations = match header_checks {
        Some(true) => quote! {
            let mut out = ::std::vec::Vec::new();
            self.check_into(&::event_contracts::validation::At::Root(""), &mut out);
            out
        },
        Some(false) => quote!(::std::vec::Vec::new()),
        None => quote!(HEADER_VALIDATOR.violations(&::event_contracts::validation::to_value(self), "")),
    };
    let header_validator = match header_checks {
        Some(_) => quote!(),
        None => quote! {
            /// The header's schema, compiled on first use.
            static HEADER_VALIDATOR: ::event_contracts::SchemaValidator =
                ::event_contracts::SchemaValidator::new(include_str!(#header_schema), #assert_formats);
        },
    };
    let (wire, decoder) = match (nested_wire(spec, types), flat_wire(spec, types)) {
        (Some(nested), _) => (Some(nested), ident("from_slice_nested")),
        (None, Some(flat)) => (Some(flat), ident("from_slice_flat")),
        (None, None) => (None, ident("from_slice")),
    };
    let doc = format!(
        "An event in its envelope: the header's fields, the event type at `{type_pointer}`, \
         {version_doc} and the payload at `/{payload_key}`."
    );
    Ok(quote! {
        use ::event_contracts::{DecodeError, EnvelopeLayout};

        use crate::event::Event;
        use crate::types::#header;

        #header_validator

        /// Where this contract set's envelope keeps type, version and payload.
        pub const LAYOUT: EnvelopeLayout = EnvelopeLayout {
            type_path: &[#(#type_path),*],
            version_path: &[#(#version_path),*],
            version_format: #version_format,
            payload_key: #payload_key,
            payload_pointer: #payload_pointer,
        };

        #[doc = #doc]
        ///
        /// Type and version are not fields: they are read from `event`, so an
        /// envelope cannot be mislabelled. Decode with `Envelope::from_slice`,
        /// build with `Envelope::new`, encode with `Envelope::to_vec`.
        pub type Envelope = ::event_contracts::Envelope<#header>;

        impl ::event_contracts::Header for #header {
            type Event = Event;

            const LAYOUT: EnvelopeLayout = LAYOUT;

            fn decode(bytes: &[u8]) -> ::std::result::Result<(Self, Event), DecodeError> {
                #[cfg(feature = "fast-json")]
                return ::event_contracts::decode::fast::#decoder(&LAYOUT, bytes);
                #[cfg(not(feature = "fast-json"))]
                ::event_contracts::decode::#decoder(&LAYOUT, bytes)
            }

            fn violations(&self) -> ::std::vec::Vec<::event_contracts::Violation> {
                #header_violations
            }

            #governed

            #idempotency
        }

        #cloudevents

        #wire
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat_spec() -> EnvelopeSpec {
        EnvelopeSpec {
            file: "_shared/envelope.schema.json".to_owned(),
            type_path: vec!["type".to_owned()],
            version_path: Vec::new(),
            version_format: VersionFormat::TypeSuffix,
            payload_key: "data".to_owned(),
        }
    }

    /// The types of the `relative-ids` fixture set with its envelope
    /// schema's header changed by `edit`.
    fn types_with_envelope(edit: impl FnOnce(&mut serde_json::Value)) -> Types {
        let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/relative-ids/schemas");
        let root = tempfile::tempdir().unwrap();
        let schemas = root.path().join("schemas");
        fn copy(from: &std::path::Path, to: &std::path::Path) {
            std::fs::create_dir_all(to).unwrap();
            for entry in std::fs::read_dir(from).unwrap().map(Result::unwrap) {
                if entry.file_type().unwrap().is_dir() {
                    copy(&entry.path(), &to.join(entry.file_name()));
                } else {
                    std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
                }
            }
        }
        copy(&fixture, &schemas);
        let envelope = schemas.join("_shared/envelope.schema.json");
        let mut schema: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&envelope).unwrap()).unwrap();
        edit(&mut schema);
        std::fs::write(&envelope, serde_json::to_string_pretty(&schema).unwrap()).unwrap();
        let set = ContractSet::load(root.path(), std::path::Path::new("schemas/events.toml")).unwrap();
        crate::types::generate(&set).unwrap()
    }

    /// The flat wire type copies the header's fields as a decoding type
    /// declares them; where a field is flattened (it would take the marks'
    /// keys too), there is none and the generic decode serves.
    #[test]
    fn a_flat_wire_type_only_for_a_plain_header() {
        let spec = EnvelopeSpec { type_path: vec!["type".to_owned()], version_path: vec!["version".to_owned()], payload_key: "data".to_owned(), ..flat_spec() };
        let optional_note = types_with_envelope(|schema| schema["properties"]["note"] = serde_json::json!({"type": "string"}));
        let plain = flat_wire(&spec, &optional_note).expect("a plain header").to_string();
        assert!(plain.contains("EnvelopeHeaderWire") && plain.contains("TypeMark") && plain.contains("PayloadMark") && plain.contains("note"), "{plain}");
        assert!(plain.contains("deny_unknown_fields"), "{plain}");
        assert!(!plain.contains("skip_serializing_if"), "the wire type only decodes: {plain}");
        let with_map = types_with_envelope(|schema| schema["additionalProperties"] = serde_json::json!({"type": "string"}));
        assert!(flat_wire(&spec, &with_map).is_none());
        let open = types_with_envelope(|schema| {
            schema.as_object_mut().unwrap().remove("additionalProperties");
        });
        assert!(flat_wire(&spec, &open).is_none(), "undeclared properties are kept by a flattened map");
        let header = types_with_envelope(|_| {});
        let nested = EnvelopeSpec { type_path: vec!["meta".to_owned(), "type".to_owned()], ..flat_spec() };
        assert!(flat_wire(&nested, &header).is_none());
    }
}
