//! The dispatch enum and the envelope of a contract set.
//!
//! `Event` has one variant per (type, version); its `Dispatch` impl is one
//! `match` on the pair that decodes the payload straight into the variant.
//! `Envelope` pairs the header (the envelope's own fields, minus type,
//! version and payload) with an `Event`, so type and version always come
//! from the payload's type.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::model::{ContractSet, EventContract, HEADER_TYPE};

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
pub fn event_enum(set: &ContractSet) -> TokenStream {
    let variants: Vec<Ident> = set.events.iter().map(|e| ident(&e.variant)).collect();
    let payloads: Vec<TokenStream> = set.events.iter().map(payload_path).collect();
    let docs = set.events.iter().map(|e| {
        let title = e.title.as_deref().unwrap_or(&e.event);
        format!("`{}` v{}: {title}.", e.event_type, e.version)
    });
    let deprecated = set.events.iter().map(|e| {
        e.deprecated.then(|| quote!(#[doc = ""] #[doc = "Deprecated by its schema."]))
    });
    let pairs = set.events.iter().map(|e| {
        let (t, v) = (&e.event_type, u64::from(e.version));
        quote!((#t, #v))
    });

    let mut known = std::collections::BTreeMap::<&str, Vec<u32>>::new();
    for event in &set.events {
        known.entry(&event.event_type).or_default().push(event.version);
    }
    let known_arms = known.iter().map(|(event_type, versions)| quote!(#event_type => &[#(#versions),*],));
    let types = set.events.iter().map(|e| &e.event_type);
    let versions = set.events.iter().map(|e| e.version);
    let topics = set.events.iter().map(|e| &e.topic);
    let count = set.events.len();

    quote! {
        use ::events_runtime::{Dispatch, Routed};
        use ::serde::Deserialize as _;

        /// Every event version of the contract set, one variant per (type,
        /// version). Decode with `Envelope::from_slice`; build with
        /// `Envelope::new`, which takes any payload type.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Event {
            #( #[doc = #docs] #deprecated #variants(#payloads), )*
        }

        impl Event {
            /// How many (type, version) pairs the contract set has.
            pub const COUNT: usize = #count;

            /// The event type, as written in the envelope.
            pub fn event_type(&self) -> &'static str {
                match self { #( Event::#variants(_) => #types, )* }
            }

            /// The major version.
            pub fn version(&self) -> u32 {
                match self { #( Event::#variants(_) => #versions, )* }
            }

            /// Where this event is published.
            pub fn topic(&self) -> &'static str {
                match self { #( Event::#variants(_) => #topics, )* }
            }
        }

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

        impl Dispatch for Event {
            fn decode_payload<'de, D: ::serde::Deserializer<'de>>(
                event_type: &str,
                version: u64,
                payload: D,
            ) -> ::std::result::Result<Routed<Self>, D::Error> {
                match (event_type, version) {
                    #( #pairs => <#payloads>::deserialize(payload).map(|p| Routed::Known(Event::#variants(p))), )*
                    _ => {
                        ::serde::de::IgnoredAny::deserialize(payload)?;
                        Ok(Routed::Unknown)
                    }
                }
            }

            fn known_versions(event_type: &str) -> &'static [u32] {
                match event_type {
                    #(#known_arms)*
                    _ => &[],
                }
            }

            fn event_type(&self) -> &'static str {
                Event::event_type(self)
            }

            fn version(&self) -> u32 {
                Event::version(self)
            }
        }
    }
}

/// `src/envelope.rs`: the `Envelope` type.
pub fn envelope(set: &ContractSet) -> TokenStream {
    let header = ident(HEADER_TYPE);
    let type_path = &set.envelope.type_path;
    let version_path = &set.envelope.version_path;
    let payload_key = &set.envelope.payload_key;
    let type_pointer = format!("/{}", type_path.join("/"));
    let version_pointer = format!("/{}", version_path.join("/"));
    let doc = format!(
        "An event in its envelope: the header's fields, the event type at `{type_pointer}`, \
         the version at `{version_pointer}` and the payload at `/{payload_key}`."
    );
    quote! {
        use ::events_runtime::{DecodeError, EnvelopeLayout};

        use crate::event::Event;
        use crate::types::#header;

        /// Where this contract set's envelope keeps type, version and payload.
        pub const LAYOUT: EnvelopeLayout = EnvelopeLayout {
            type_path: &[#(#type_path),*],
            version_path: &[#(#version_path),*],
            payload_key: #payload_key,
        };

        #[doc = #doc]
        ///
        /// Type and version are not fields: they are read from `event`, so an
        /// envelope cannot be mislabelled.
        #[derive(Debug, Clone, PartialEq)]
        pub struct Envelope {
            /// The envelope's own fields.
            pub header: #header,
            /// The event, which decides type and version.
            pub event: Event,
        }

        impl Envelope {
            /// Wraps any payload of the contract set.
            pub fn new(header: #header, event: impl ::std::convert::Into<Event>) -> Self {
                Envelope { header, event: event.into() }
            }

            /// Decodes an envelope in one pass over `bytes`: the payload is
            /// decoded straight into the variant its type and version name.
            pub fn from_slice(bytes: &[u8]) -> ::std::result::Result<Self, DecodeError> {
                let (header, event) = ::events_runtime::envelope::from_slice(&LAYOUT, bytes)?;
                Ok(Envelope { header, event })
            }

            /// Decodes an envelope from text; see [`Envelope::from_slice`].
            pub fn from_json(text: &str) -> ::std::result::Result<Self, DecodeError> {
                Self::from_slice(text.as_bytes())
            }

            /// Encodes the envelope, type and version taken from the event.
            pub fn to_vec(&self) -> ::std::vec::Vec<u8> {
                ::serde_json::to_vec(self).expect("generated types always serialize")
            }

            /// Encodes the envelope as text.
            pub fn to_json(&self) -> ::std::string::String {
                ::serde_json::to_string(self).expect("generated types always serialize")
            }
        }

        impl ::serde::Serialize for Envelope {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                ::events_runtime::envelope::serialize(&LAYOUT, &self.header, &self.event, serializer)
            }
        }
    }
}
