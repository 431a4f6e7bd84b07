//! Lambda entrypoint: the scheduled integration worker (national portal sync, pull, webhooks,
//! daily reconciliation and catalogue sync).

#[tokio::main]
async fn main() -> Result<(), motcua_lambda::Error> {
    motcua_lambda::run_scheduled(motcua_lambda::Scheduled::Integration).await
}
