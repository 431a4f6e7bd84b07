//! Who is asking: the authenticated caller of a use case, from a verified token.

use crate::dossier::Person;
use crate::ids::{AgencyCode, UserId};
use crate::roles::Role;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// User id, or client id for machine clients.
    pub id: UserId,
    pub role: Role,
    /// Agency of staff and machine clients.
    pub agency: Option<AgencyCode>,
    pub name: String,
    /// This session's VNeID assurance level (1 or 2); `None` for a login by password (R7).
    pub vneid_level: Option<u8>,
}

impl Caller {
    /// Whether the caller works for `agency` (staff and integration clients).
    pub fn works_for(&self, agency: &str) -> bool {
        self.role.is_agency_staff() && self.agency.as_deref() == Some(agency)
    }

    /// The caller as recorded on a dossier (who asked, answered, approved…).
    pub fn person(&self) -> Person {
        Person { id: self.id.clone(), name: self.name.clone() }
    }
}
