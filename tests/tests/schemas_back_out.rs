//! Fidelity of generation, checked from the other side: the JSON Schema that
//! `schemars` derives from each generated payload type has the same
//! properties, required set and property formats as the source schema, and accepts every
//! golden example. (Full equivalence is for the compatibility checker.)

use std::collections::BTreeSet;

use events_generated::registry::EVENTS;
use serde_json::Value;

fn keys(schema: &Value, keyword: &str) -> BTreeSet<String> {
    match &schema[keyword] {
        Value::Object(map) => map.keys().cloned().collect(),
        Value::Array(items) => items.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        _ => BTreeSet::new(),
    }
}

fn check<T: schemars::JsonSchema>(event_type: &str, version: u32) {
    let info = EVENTS.iter().find(|e| e.event_type == event_type && e.version == version).unwrap();
    let source: Value = serde_json::from_str(info.schema).unwrap();
    let derived = serde_json::to_value(schemars::schema_for!(T)).unwrap();

    assert_eq!(keys(&derived, "properties"), keys(&source, "properties"), "{event_type} v{version}: properties differ");
    assert_eq!(keys(&derived, "required"), keys(&source, "required"), "{event_type} v{version}: required differs");
    assert_eq!(derived["additionalProperties"], source["additionalProperties"], "{event_type} v{version}: open/closed differs");
    // The format types (`DateTime`, `Uuid`) describe themselves with the format they read.
    for (name, property) in source["properties"].as_object().unwrap() {
        if let Some(format) = property.get("format").filter(|format| ["date-time", "uuid"].contains(&format.as_str().unwrap())) {
            assert_eq!(derived["properties"][name].get("format"), Some(format), "{event_type} v{version}: /properties/{name} format differs");
        }
    }

    let validator = jsonschema::validator_for(&derived).unwrap();
    for example in source["examples"].as_array().unwrap() {
        let errors: Vec<String> = validator.iter_errors(example).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{event_type} v{version}: the derived schema rejects a golden example: {errors:?}");
    }
}

#[test]
fn derived_schemas_match_the_source_schemas() {
    use events_generated::*;
    check::<NewImageAvailableV1>("kfm.ingestion.new_image_available", 1);
    check::<NewImageAvailableV2>("kfm.ingestion.new_image_available", 2);
    check::<FocusModeRedactionNoticeShownV1>("kfm.ui.focus_mode_redaction_notice_shown", 1);
    check::<RunStartedV1>("kfm.pipeline.run_started", 1);
    check::<StacItemPublishedV1>("kfm.catalog.stac_item_published", 1);
    check::<SyncCompletedV1>("kfm.graph.sync_completed", 1);
    assert_eq!(EVENTS.len(), 6, "every KFM event is checked above");
}
