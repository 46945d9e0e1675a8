//! A contract set written as ajv users write theirs (`tests/fixtures/
//! relative-ids/`): shared schemas named by relative `$id`s and referred
//! to by them, between shared files, from an event with an `$id`, from one
//! without, and by `$anchor`. Its types follow every reference, and every
//! example decodes, validates and round-trips.

use event_contracts::prelude::*;
use relative_ids_events::registry::EVENTS;
use relative_ids_events::{Envelope, Event};

mod support;

const ENVELOPE_SCHEMA: &str = include_str!("../fixtures/relative-ids/schemas/_shared/envelope.schema.json");

#[test]
fn every_example_of_a_set_keyed_by_ids_round_trips() {
    support::every_example_round_trips(EVENTS, ENVELOPE_SCHEMA, &relative_ids_events::LAYOUT, |bytes| {
        Envelope::from_slice(bytes).map(|envelope| support::Decoded {
            event_type: envelope.event.event_type(),
            version: envelope.event.version(),
            reencoded: serde_json::from_slice(&envelope.to_vec().unwrap()).unwrap(),
            payload: serde_json::to_value(&envelope.event).unwrap(),
        })
    });
}

#[test]
fn types_follow_references_by_id_and_by_anchor_and_validation_reads_them_alike() {
    let envelope = |zip: &str| {
        format!(r#"{{"id":"0b7d1c1e-5d0a-4f7e-9a53-2f7c9f1d2e11","type":"users.user_renamed","version":1,"data":{{"user":{{"user_id":"4f6c1a2b-9d3e-4c5f-8a7b-1e2d3c4b5a69","name":"Ada","address":{{"street":"1 Loop Rd","zip":"{zip}"}}}},"previous_name":"A"}}}}"#)
    };
    let decoded = Envelope::from_json(&envelope("12345")).unwrap();
    let Event::UsersUserRenamedV1(renamed) = decoded.event else { panic!("the wrong variant") };
    // `user` is the shared User type (by `$id`), its zip the anchored Zip.
    let relative_ids_events::types::User { address, .. } = renamed.user;
    assert_eq!(address.zip.0, "12345");
    // The pattern of the anchored schema, reached through two `$id`s, is checked.
    let error = Envelope::from_json(&envelope("1234")).unwrap_err();
    assert_eq!(error.code(), "schema_violation", "{error}");
    assert!(error.to_string().contains("/data/user/address/zip"), "{error}");
}
