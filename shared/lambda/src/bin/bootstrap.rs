//! `motcua-bootstrap`: run once by an operator against a new AWS deployment, with the same
//! environment as the functions (`MOTCUA_TABLE`, `MOTCUA_BUCKET`, `MOTCUA_EVENTS_QUEUE_URL`,
//! `MOTCUA_ISSUER`, `MOTCUA_JWT_KEYS_PARAM`, `MOTCUA_LOOKUP_PEPPER_PARAM`) and the operator's AWS
//! credentials. Loads the procedure catalogue (`seed/catalogue.json`, new versions only for
//! changed procedures) and creates the first system administrator from
//! `MOTCUA_ADMIN_USERNAME`, `MOTCUA_ADMIN_PASSWORD`, `MOTCUA_ADMIN_NAME`. With `--demo`, also
//! the demo accounts (never in production). Safe to run again.

use motcua_lambda::{Env, Error};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let demo = std::env::args().any(|a| a == "--demo");
    let env = Env::from_env()?;
    let need = |k: &'static str| std::env::var(k).map_err(|_| motcua_lambda::ConfigError::Missing(k));
    let (username, password) = (need("MOTCUA_ADMIN_USERNAME")?, need("MOTCUA_ADMIN_PASSWORD")?);
    let name = std::env::var("MOTCUA_ADMIN_NAME").unwrap_or_else(|_| "Quản trị hệ thống".into());
    let clients = motcua_aws::clients(env.endpoint.as_deref(), None).await;
    let services = motcua_lambda::services(&env, &clients).await?;
    let published = motcua_seed::load_catalogue(&services).await?;
    println!("Danh mục thủ tục: {published} thủ tục được công bố phiên bản mới.");
    if motcua_seed::create_admin(&services, &username, &password, &name).await? {
        println!("Đã tạo tài khoản quản trị hệ thống “{username}”.");
    } else {
        println!("Tài khoản “{username}” đã có; không thay đổi.");
    }
    if demo {
        println!("{}", motcua_seed::load(&services).await?.describe());
    }
    let indexed = motcua_core::inbox_index::build_once(&services).await?;
    if indexed > 0 {
        println!("Hộp hồ sơ cần xử lý: {indexed} hồ sơ đã có được đưa vào chỉ mục.");
    }
    Ok(())
}
