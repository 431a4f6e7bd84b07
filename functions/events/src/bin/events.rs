//! Lambda entrypoint: the SQS events worker.

#[tokio::main]
async fn main() -> Result<(), motcua_lambda::Error> {
    motcua_lambda::run_events_worker().await
}
