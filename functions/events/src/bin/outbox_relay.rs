//! Lambda entrypoint: the scheduled outbox relay.

#[tokio::main]
async fn main() -> Result<(), motcua_lambda::Error> {
    motcua_lambda::run_scheduled(motcua_lambda::Scheduled::OutboxRelay).await
}
