// `billing.invoice_sent` is not an event of the contract set.
use salestalk_events::Event;

fn is_invoice(event: &Event) -> bool {
    matches!(event, Event::BillingInvoiceSentV1(_))
}

fn main() {}
