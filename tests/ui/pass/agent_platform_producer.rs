//! Agent platform (routed by subject, no envelope): a usage record built
//! and encoded; its subject comes from its fields.

use agent_platform_events::types::{MeteredV1, MeteredV1EventType, TenantId};
use agent_platform_events::{Event, SubjectRouted};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let metered = MeteredV1::builder()
        .event_id(uuid::Uuid::new_v4())
        .event_type(MeteredV1EventType::ModelInference)
        .quantity(1200.0)
        .resource_type("tokens")
        .service_name("inference-gateway")
        .tenant_id(TenantId(uuid::Uuid::new_v4().into()))
        .timestamp(chrono::Utc::now())
        .build()?;
    let event = Event::from(metered);
    let bytes = event.to_vec()?;
    assert!(!bytes.is_empty() && event.subject().starts_with("usage."));
    Ok(())
}
