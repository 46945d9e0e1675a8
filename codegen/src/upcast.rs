//! `src/upcast.rs` of a generated crate: every known version of an event
//! turned into its latest version, so a consumer writes one handler per
//! event type. Where the compatibility checker proves that version N+1
//! accepts every value of version N, the step is a generated `From`; where
//! it cannot, the step is a method of the `Upcaster` trait that the
//! consumer implements (the checker's first reason is its documentation).

use std::collections::BTreeMap;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use event_contracts_compat::{self as compat, Direction, Policy};
use crate::envelope::payload_path;
use crate::model::{ContractSet, EventContract};
use crate::naming;
use crate::refs;

/// One step from a version to the next.
pub struct Step<'a> {
    pub from: &'a EventContract,
    pub to: &'a EventContract,
    /// `None` when the checker proves every `from` value is a `to` value;
    /// otherwise why not.
    pub unproven: Option<String>,
}

impl Step<'_> {
    /// The `Upcaster` method of an unproven step: `ingestion_new_image_available_v1_to_v2`.
    fn method(&self) -> Ident {
        let name = format!("{}_{}_v{}_to_v{}", self.from.module[0], self.from.module[1], self.from.version, self.to.version);
        Ident::new(&name.replace("r#", ""), Span::call_site())
    }
}

/// The steps between consecutive versions of every event type of the set.
pub fn steps(set: &ContractSet) -> Vec<Step<'_>> {
    let mut by_type: BTreeMap<&str, Vec<&EventContract>> = BTreeMap::new();
    for event in &set.events {
        by_type.entry(&event.event_type).or_default().push(event);
    }
    let mut steps = Vec::new();
    for versions in by_type.values() {
        for pair in versions.windows(2) {
            let (from, to) = (pair[0], pair[1]);
            let old = refs::standalone(&set.bundle, &from.payload_type);
            let new = refs::standalone(&set.bundle, &to.payload_type);
            let outcome = compat::diff(&old, &new, Direction::Backward, Policy::Strict);
            let unproven = (!outcome.compatible).then(|| {
                outcome
                    .changes
                    .iter()
                    .find(|c| c.breaks.is_some())
                    .map_or_else(|| "the versions could not be compared".to_owned(), |c| c.message.clone())
            });
            steps.push(Step { from, to, unproven });
        }
    }
    steps
}

/// The latest version's variant of `Latest`: the event's variant without
/// its version, `IngestionNewImageAvailable`.
fn latest_variant(event: &EventContract) -> Ident {
    let variant = naming::variant(&event.domain, &event.event, event.version);
    let bare = variant.strip_suffix(&format!("V{}", event.version)).unwrap_or(&variant);
    Ident::new(bare, Span::call_site())
}

/// The tokens of `src/upcast.rs`.
pub fn upcast_rs(set: &ContractSet) -> TokenStream {
    let steps = steps(set);
    let from_impls = steps.iter().filter(|s| s.unproven.is_none()).map(|step| {
        let (from, to) = (payload_path(step.from), payload_path(step.to));
        let doc = format!(
            "Every `{}` v{} value is a v{} value (proven by the compatibility checker at generation): it carries over through its JSON.",
            step.from.event_type, step.from.version, step.to.version
        );
        quote! {
            #[doc = #doc]
            impl ::std::convert::From<#from> for #to {
                fn from(value: #from) -> Self {
                    ::event_contracts::upcast::through_json(value)
                }
            }
        }
    });
    let methods: Vec<TokenStream> = steps
        .iter()
        .filter_map(|step| {
            let reason = step.unproven.as_ref()?;
            let (from, to, method) = (payload_path(step.from), payload_path(step.to), step.method());
            let doc = format!(
                "`{}` v{} -> v{}: not every v{} value is a v{} value ({reason}).",
                step.from.event_type, step.from.version, step.to.version, step.from.version, step.to.version
            );
            Some(quote! {
                #[doc = #doc]
                fn #method(&self, value: #from) -> #to;
            })
        })
        .collect();
    let automatic = methods.is_empty().then(|| {
        quote! {
            /// Every step is generated: pass `&Automatic` to [`Event::upcast`](crate::Event::upcast).
            #[derive(Debug, Clone, Copy, Default)]
            pub struct Automatic;
            impl Upcaster for Automatic {}
        }
    });

    // The latest version of every event type, and each version's chain of steps to it.
    let mut latest: BTreeMap<&str, &EventContract> = BTreeMap::new();
    for event in &set.events {
        latest.insert(&event.event_type, event);
    }
    let latest_variants = latest.values().map(|event| {
        let (variant, payload) = (latest_variant(event), payload_path(event));
        let doc = format!("`{}`, at its latest version (v{}).", event.event_type, event.version);
        quote!(#[doc = #doc] #variant(#payload),)
    });
    let arms = set.events.iter().map(|event| {
        let variant = Ident::new(&event.variant, Span::call_site());
        let target = latest_variant(latest[event.event_type.as_str()]);
        let chain = steps.iter().filter(|s| s.from.event_type == event.event_type && s.from.version >= event.version).map(|step| {
            if step.unproven.is_some() {
                let method = step.method();
                quote!(let value = upcaster.#method(value);)
            } else {
                let to = payload_path(step.to);
                quote!(let value = <#to>::from(value);)
            }
        });
        quote!(crate::event::Event::#variant(value) => { #(#chain)* Latest::#target(value) })
    });
    let upcaster = if methods.is_empty() { quote!(_upcaster) } else { quote!(upcaster) };

    quote! {
        //! Upcasting: any known version of an event into its latest version.
        #(#from_impls)*

        /// The steps between versions that the compatibility checker could
        /// not prove: a consumer implements them once, and
        /// [`Event::upcast`](crate::Event::upcast) applies them.
        pub trait Upcaster {
            #(#methods)*
        }

        #automatic

        /// Every event type at its latest version: what
        /// [`Event::upcast`](crate::Event::upcast) returns.
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant, reason = "payloads are held by value: decoding allocates no box per event")]
        pub enum Latest {
            #(#latest_variants)*
        }

        impl crate::event::Event {
            /// This event at the latest version of its type, through the
            /// generated `From` steps and the `upcaster`'s hand-written ones.
            pub fn upcast(self, #upcaster: &impl Upcaster) -> Latest {
                match self {
                    #(#arms)*
                }
            }
        }
    }
}
