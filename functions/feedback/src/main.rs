//! Lambda entrypoint of the `feedback` function (built with `--features lambda`).

#[tokio::main]
async fn main() -> Result<(), motcua_lambda::Error> {
    motcua_lambda::run_http(motcua_fn_feedback::routes()).await
}
