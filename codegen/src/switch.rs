//! A string switch for the generated dispatch: finds which of a fixed set
//! of strings a value is by its length and then by the bytes that tell the
//! strings of that length apart, and compares the whole string once.
//!
//! Rust compiles a `match` over string literals into one comparison after
//! another, so dispatching on the event type cost more the more types a set
//! has. This costs a few jumps and one comparison at any size: KFM's two
//! types and the bench set's 51 alike.

use std::collections::BTreeMap;

use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// An expression of type `Option<usize>`: the index in `strings` of the
/// string `value` (an expression of type `&str`) is, or `None`. The strings
/// must be distinct.
pub fn string_index(value: &TokenStream, strings: &[&str]) -> TokenStream {
    let mut by_length = BTreeMap::<usize, Vec<(usize, &str)>>::new();
    for (index, string) in strings.iter().enumerate() {
        by_length.entry(string.len()).or_default().push((index, string));
    }
    let arms = by_length.into_iter().map(|(length, group)| {
        let body = by_bytes(value, &group);
        quote!(#length => #body,)
    });
    quote! {
        match #value.len() {
            #(#arms)*
            _ => ::std::option::Option::None,
        }
    }
}

/// Among strings of one length: a switch on the byte where they differ
/// most, down to one candidate, which is compared whole.
fn by_bytes(value: &TokenStream, group: &[(usize, &str)]) -> TokenStream {
    if let [(index, string)] = group {
        return quote!((#value == #string).then_some(#index));
    }
    let length = group[0].1.len();
    let distinct_at = |at: usize| group.iter().map(|(_, s)| s.as_bytes()[at]).collect::<std::collections::BTreeSet<u8>>().len();
    // Distinct strings of one length differ somewhere, so the best position
    // splits the group; the first of the best keeps the output stable.
    let at = (0..length).max_by_key(|&at| (distinct_at(at), std::cmp::Reverse(at))).expect("strings of one length are not empty");
    let mut by_byte = BTreeMap::<u8, Vec<(usize, &str)>>::new();
    for &(index, string) in group {
        by_byte.entry(string.as_bytes()[at]).or_default().push((index, string));
    }
    let arms = by_byte.into_iter().map(|(byte, group)| {
        let byte = Literal::byte_character(byte);
        let body = by_bytes(value, &group);
        quote!(#byte => #body,)
    });
    quote! {
        match #value.as_bytes()[#at] {
            #(#arms)*
            _ => ::std::option::Option::None,
        }
    }
}
