//! Lambda entrypoint of the `identity` function (built with `--features lambda`).

#[tokio::main]
async fn main() -> Result<(), motcua_lambda::Error> {
    motcua_lambda::run_http(motcua_fn_identity::routes()).await
}
