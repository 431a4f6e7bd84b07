//! Initial data. The embedded server loads the demo on first start (and keeps it in step on
//! later starts): the catalogue of real procedures in `seed/catalogue.json` (sample values,
//! editable by administrators) and one account for each role. A new AWS deployment loads the
//! catalogue and creates its first system administrator with `motcua-bootstrap`.

use motcua_core::users::{self, Profile};
use motcua_core::{keys, CoreError, CoreResult, Services};
use motcua_domain::catalogue::CatalogueSeed;
use motcua_domain::roles::Role;

/// The demo catalogue shipped with the product.
pub const CATALOGUE_JSON: &str = include_str!("../../../seed/catalogue.json");

/// Password of every demo account.
pub const DEMO_PASSWORD: &str = "MotCua@2026";
/// Demo machine client of the provincial integration platform (LGSP).
pub const DEMO_CLIENT_ID: &str = "lgsp-thanhhoa";
pub const DEMO_CLIENT_SECRET: &str = "lgsp-thanhhoa-demo-secret";
/// Demo machine client of the Ministry of Public Security's residence system, where the
/// demo's permanent-residence registration is processed (R11).
pub const MINISTRY_CLIENT_ID: &str = "cutru-bca";
pub const MINISTRY_CLIENT_SECRET: &str = "cutru-bca-demo-secret";

/// Ward People's Committee of the demo (receives most civil procedures).
pub const WARD: &str = "000.17.22.H56";
/// Department of Justice of the demo.
pub const JUSTICE: &str = "000.00.12.H56";
/// Ward police: the other agency of the inter-agency birth and death registrations (G4).
pub const WARD_POLICE: &str = "000.17.23.H56";
/// The ward's Public Administration Service Centre: receives the boundary-free procedures of
/// every agency of the province (R5).
pub const WARD_CENTRE: &str = "000.17.24.H56";

pub fn catalogue() -> CatalogueSeed {
    serde_json::from_str(CATALOGUE_JSON).expect("seed/catalogue.json is valid (checked by a test)")
}

/// `(username, role, agency, full name)` of the demo accounts.
pub const ACCOUNTS: &[(&str, Role, Option<&str>, &str)] = &[
    ("congdan", Role::Citizen, None, "Nguyễn Văn An"),
    ("doanhnghiep", Role::Business, None, "Trần Thị Bình"),
    ("tiepnhan.phuong", Role::ReceivingOfficer, Some(WARD), "Lê Thị Hoa"),
    ("chuyenvien.phuong", Role::Specialist, Some(WARD), "Phạm Văn Cường"),
    ("lanhdao.phuong", Role::Leader, Some(WARD), "Hoàng Minh Đức"),
    ("quantri.phuong", Role::AgencyAdmin, Some(WARD), "Vũ Thị Lan"),
    ("tiepnhan.stp", Role::ReceivingOfficer, Some(JUSTICE), "Đỗ Thị Mai"),
    ("chuyenvien.stp", Role::Specialist, Some(JUSTICE), "Bùi Quang Huy"),
    ("congan.phuong", Role::Specialist, Some(WARD_POLICE), "Trịnh Văn Dũng"),
    ("tiepnhan.ttpv", Role::ReceivingOfficer, Some(WARD_CENTRE), "Mai Thị Thu"),
    ("quantri", Role::SystemAdmin, None, "Ngô Thanh Tùng"),
];

fn profile(username: &str, full_name: &str) -> Profile {
    let mut p = Profile { full_name: full_name.into(), ..Default::default() };
    match username {
        "congdan" => {
            p.id_number = Some("038090001234".into());
            p.date_of_birth = Some("1990-05-12".into());
            p.gender = Some("Nam".into());
            p.phone = Some("0912345678".into());
            p.email = Some("nguyenvanan@example.vn".into());
            p.address = Some("Số 12 đường Lê Lợi, phường Hạc Thành, tỉnh Thanh Hóa".into());
        }
        "doanhnghiep" => {
            p.id_number = Some("038185004321".into());
            p.phone = Some("0987654321".into());
            p.email = Some("lienhe@hacthanh-food.example.vn".into());
            p.address = Some("Số 25 đại lộ Lê Lợi, phường Hạc Thành, tỉnh Thanh Hóa".into());
            p.business_code = Some("2801234567".into());
            p.business_name = Some("Công ty TNHH Thực phẩm Hạc Thành".into());
        }
        _ => {}
    }
    p
}

/// What was seeded, to print.
pub struct DemoAccounts;

impl DemoAccounts {
    pub fn describe(&self) -> String {
        let mut s = format!("  Tài khoản dùng thử (mật khẩu chung: {DEMO_PASSWORD}):\n");
        for (username, role, agency, name) in ACCOUNTS {
            s.push_str(&format!(
                "    {username:<18} {:<20} {name}{}\n",
                role.label(),
                agency.map(|a| format!(" — {a}")).unwrap_or_default()
            ));
        }
        s.push_str(&format!(
            "  Hệ thống tích hợp: client_id={DEMO_CLIENT_ID} client_secret={DEMO_CLIENT_SECRET} (cơ quan {WARD})\n"
        ));
        s.push_str(&format!(
            "  Hệ thống của Bộ Công an (cư trú): client_id={MINISTRY_CLIENT_ID} client_secret={MINISTRY_CLIENT_SECRET}\n"
        ));
        s
    }
}

/// Loads the catalogue: new versions only for procedures that changed. Returns how many
/// procedures were published.
pub async fn load_catalogue(s: &Services) -> CoreResult<usize> {
    motcua_core::catalogue::import(s, &catalogue()).await
}

/// Creates the first system administrator of a deployment, unless the username exists.
/// Returns whether it was created.
pub async fn create_admin(s: &Services, username: &str, password: &str, full_name: &str) -> CoreResult<bool> {
    let profile = Profile { full_name: full_name.into(), ..Default::default() };
    match users::create_user(s, username, password, Role::SystemAdmin, None, profile).await {
        Ok(_) => Ok(true),
        Err(CoreError::Rule { code: "username_taken", .. }) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Loads the catalogue and creates the demo accounts that do not exist yet.
pub async fn load(s: &Services) -> CoreResult<DemoAccounts> {
    load_catalogue(s).await?;
    for (username, role, agency, name) in ACCOUNTS {
        if s.table.get(&keys::login(username)).await?.is_some() {
            continue;
        }
        match users::create_user(s, username, DEMO_PASSWORD, *role, agency.map(Into::into), profile(username, name))
            .await
        {
            Ok(_) | Err(CoreError::Rule { code: "username_taken", .. }) => {}
            Err(e) => return Err(e),
        }
    }
    let clients = [
        (DEMO_CLIENT_ID, "Nền tảng tích hợp, chia sẻ dữ liệu tỉnh Thanh Hóa (LGSP)", WARD, DEMO_CLIENT_SECRET),
        (MINISTRY_CLIENT_ID, "Hệ thống thông tin quản lý cư trú của Bộ Công an", WARD_POLICE, MINISTRY_CLIENT_SECRET),
    ];
    for (id, name, agency, secret) in clients {
        if s.table.get(&keys::client(id)).await?.is_none() {
            users::create_client(s, id, name, agency, secret).await?;
        }
    }
    Ok(DemoAccounts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_catalogue_is_consistent_and_large_enough() {
        let c = catalogue();
        c.check().unwrap();
        assert!(c.procedures.len() >= 12);
        let agencies: std::collections::HashSet<_> = c.procedures.iter().map(|p| &p.agency).collect();
        assert!(agencies.len() >= 3);
        assert!(c.procedures.iter().any(|p| p.name == "Đăng ký khai sinh"));
    }

    #[test]
    fn every_demo_account_has_a_valid_profile() {
        for (username, _, _, name) in ACCOUNTS {
            assert!(profile(username, name).check().is_empty(), "{username}");
        }
    }
}
