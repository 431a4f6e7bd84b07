//! Roles (DESIGN.md): who a caller is, and what each role may see.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Citizen,
    Business,
    ReceivingOfficer,
    Specialist,
    Leader,
    AgencyAdmin,
    SystemAdmin,
    IntegrationClient,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Citizen,
        Role::Business,
        Role::ReceivingOfficer,
        Role::Specialist,
        Role::Leader,
        Role::AgencyAdmin,
        Role::SystemAdmin,
        Role::IntegrationClient,
    ];

    /// Citizens and businesses: they own dossiers.
    pub fn is_applicant(self) -> bool {
        matches!(self, Role::Citizen | Role::Business)
    }

    /// Staff of an agency: they see the dossiers of their agency only.
    pub fn is_agency_staff(self) -> bool {
        matches!(
            self,
            Role::ReceivingOfficer | Role::Specialist | Role::Leader | Role::AgencyAdmin | Role::IntegrationClient
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Citizen => "citizen",
            Role::Business => "business",
            Role::ReceivingOfficer => "receiving_officer",
            Role::Specialist => "specialist",
            Role::Leader => "leader",
            Role::AgencyAdmin => "agency_admin",
            Role::SystemAdmin => "system_admin",
            Role::IntegrationClient => "integration_client",
        }
    }

    /// Vietnamese name for people.
    pub fn label(self) -> &'static str {
        match self {
            Role::Citizen => "Công dân",
            Role::Business => "Doanh nghiệp",
            Role::ReceivingOfficer => "Cán bộ tiếp nhận",
            Role::Specialist => "Chuyên viên xử lý",
            Role::Leader => "Lãnh đạo",
            Role::AgencyAdmin => "Quản trị cơ quan",
            Role::SystemAdmin => "Quản trị hệ thống",
            Role::IntegrationClient => "Hệ thống tích hợp",
        }
    }
}
