//! Lambda entrypoint of the `integration` function's HTTP routes (built with `--features lambda`).

#[tokio::main]
async fn main() -> Result<(), motcua_lambda::Error> {
    motcua_lambda::run_http(motcua_fn_integration::routes()).await
}
