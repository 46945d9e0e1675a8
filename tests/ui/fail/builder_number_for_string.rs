// A number where the schema has a string does not compile.
use salestalk_events::types::{ProvisionedV1, ProvisionedV1Plan, ProvisionedV1PlanTier};

fn main() {
    let _ = ProvisionedV1::builder().admin_email(42).plan(ProvisionedV1Plan::builder().tier(ProvisionedV1PlanTier::Trial).seats(std::num::NonZeroU64::MIN).build()).region("eu").tenant_name("Acme").build();
}
