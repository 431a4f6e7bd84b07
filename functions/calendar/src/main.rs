//! Lambda entrypoint of the `calendar` function (built with `--features lambda`).

#[tokio::main]
async fn main() -> Result<(), motcua_lambda::Error> {
    motcua_lambda::run_http(motcua_fn_calendar::routes()).await
}
