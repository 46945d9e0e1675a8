// A plan the schema does not list is no variant: no parsing, no runtime error.
use salestalk_events::types::{ProvisionedV1, ProvisionedV1Plan, ProvisionedV1PlanTier};

fn main() {
    let _ = ProvisionedV1::builder().admin_email("a@example.com").plan(ProvisionedV1Plan::builder().tier(ProvisionedV1PlanTier::Platinum).seats(std::num::NonZeroU64::MIN).build()).region("eu").tenant_name("Acme").build();
}
