//! Lambda entrypoint of the `catalogue` function (built with `--features lambda`).

#[tokio::main]
async fn main() -> Result<(), motcua_lambda::Error> {
    motcua_lambda::run_http(motcua_fn_catalogue::routes()).await
}
