//! A string switch for the generated dispatch: finds which of a fixed set
//! of strings a value is by its length and then by the bytes that tell the
//! strings of that length apart, and compares the whole string once.
//!
//! Rust compiles a `match` over string literals into one comparison after
//! another, so dispatching on the event type cost more the more types a set
//! has. This costs a few jumps and one comparison at any size: KFM's two
//! types and a set of fifty alike.
//!
//! The switch is decided as a tree first ([`Switch`]), which answers for
//! itself ([`Switch::find`]), then emitted as nested `match`es of the same
//! shape.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// How the index of a string among a fixed set is found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Switch {
    /// By the string's length, then within the strings of that length.
    ByLength(BTreeMap<usize, Switch>),
    /// By the byte at `at`, where the strings of one length differ most.
    ByByte { at: usize, arms: BTreeMap<u8, Switch> },
    /// The one candidate left, compared whole.
    Compare { index: usize, string: String },
}

impl Switch {
    /// The switch over `strings` (distinct), answering their indices.
    pub fn new(strings: &[&str]) -> Switch {
        let mut by_length = BTreeMap::<usize, Vec<(usize, &str)>>::new();
        for (index, string) in strings.iter().enumerate() {
            by_length.entry(string.len()).or_default().push((index, string));
        }
        Switch::ByLength(by_length.into_iter().map(|(length, group)| (length, Switch::by_bytes(&group))).collect())
    }

    /// Among strings of one length: a switch on the byte where they differ
    /// most, down to one candidate.
    fn by_bytes(group: &[(usize, &str)]) -> Switch {
        if let [(index, string)] = group {
            return Switch::Compare { index: *index, string: (*string).to_owned() };
        }
        let length = group[0].1.len();
        let distinct_at = |at: usize| group.iter().map(|(_, s)| s.as_bytes()[at]).collect::<BTreeSet<u8>>().len();
        // Distinct strings of one length differ somewhere, so the best position
        // splits the group; the first of the best keeps the output stable.
        let at = (0..length).max_by_key(|&at| (distinct_at(at), std::cmp::Reverse(at))).expect("strings of one length are not empty");
        let mut by_byte = BTreeMap::<u8, Vec<(usize, &str)>>::new();
        for &(index, string) in group {
            by_byte.entry(string.as_bytes()[at]).or_default().push((index, string));
        }
        Switch::ByByte { at, arms: by_byte.into_iter().map(|(byte, group)| (byte, Switch::by_bytes(&group))).collect() }
    }

    /// The index of `value` among the strings, as the emitted code answers.
    #[cfg(test)]
    pub fn find(&self, value: &str) -> Option<usize> {
        match self {
            Switch::ByLength(arms) => arms.get(&value.len())?.find(value),
            Switch::ByByte { at, arms } => arms.get(&value.as_bytes()[*at])?.find(value),
            Switch::Compare { index, string } => (value == string).then_some(*index),
        }
    }

    /// An expression of type `Option<usize>` over `value` (an expression of
    /// type `&str`).
    pub fn to_tokens(&self, value: &TokenStream) -> TokenStream {
        match self {
            Switch::ByLength(arms) => {
                let arms = arms.iter().map(|(length, arm)| {
                    let body = arm.to_tokens(value);
                    quote!(#length => #body,)
                });
                quote! {
                    match #value.len() {
                        #(#arms)*
                        _ => ::std::option::Option::None,
                    }
                }
            }
            Switch::ByByte { at, arms } => {
                let arms = arms.iter().map(|(byte, arm)| {
                    let byte = Literal::byte_character(*byte);
                    let body = arm.to_tokens(value);
                    quote!(#byte => #body,)
                });
                quote! {
                    match #value.as_bytes()[#at] {
                        #(#arms)*
                        _ => ::std::option::Option::None,
                    }
                }
            }
            Switch::Compare { index, string } => quote!((#value == #string).then_some(#index)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Switch;

    /// Every string of a set of fifty types (many of one length, a byte
    /// apart) is found, and every string one byte away from one of them
    /// (each printable ASCII byte at each position, one byte shorter or
    /// longer) is not: no byte goes uncompared and no type is missed.
    #[test]
    fn the_switch_finds_exactly_the_strings_of_its_set() {
        let names: Vec<String> = (0..50)
            .map(|n| format!("bench.domain_{}.event_{n}.v1", n % 10))
            .chain(["a", "b", "kfm.graph.sync_completed", "kfm.pipeline.run_started"].map(str::to_owned))
            .collect();
        let strings: Vec<&str> = names.iter().map(String::as_str).collect();
        let switch = Switch::new(&strings);
        for (index, name) in strings.iter().enumerate() {
            assert_eq!(switch.find(name), Some(index), "{name}");
            let bytes = name.as_bytes();
            let mut misses = vec![bytes[..bytes.len() - 1].to_vec(), [bytes, b"x"].concat()];
            for at in 0..bytes.len() {
                for byte in (0x20u8..0x7f).filter(|&b| b != bytes[at]) {
                    let mut changed = bytes.to_vec();
                    changed[at] = byte;
                    misses.push(changed);
                }
            }
            for miss in misses {
                let miss = String::from_utf8(miss).expect("ASCII");
                if !strings.contains(&miss.as_str()) {
                    assert_eq!(switch.find(&miss), None, "{miss:?} is not in the set");
                }
            }
        }
    }

    #[test]
    fn the_emitted_switch_has_the_trees_shape() {
        let switch = Switch::new(&["ab", "ac", "xyz"]);
        let code = switch.to_tokens(&quote::quote!(t)).to_string();
        let expected = "match t . len () { 2usize => match t . as_bytes () [1usize] { b'b' => (t == \"ab\") . then_some (0usize) , b'c' => (t == \"ac\") . then_some (1usize) , _ => :: std :: option :: Option :: None , } , 3usize => (t == \"xyz\") . then_some (2usize) , _ => :: std :: option :: Option :: None , }";
        assert_eq!(code, expected);
    }
}
