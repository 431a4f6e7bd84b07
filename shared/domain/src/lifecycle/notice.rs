//! What the applicant is told of a step that concerns them (G7): in the portal, by email
//! and by SMS. Written from the dossier after the step.

use crate::dossier::{Action, Dossier};
use chrono::{DateTime, FixedOffset};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Event type, `dossier.<action>`.
    pub kind: String,
    pub subject: String,
    pub message: String,
}

impl Notice {
    pub fn of(d: &Dossier, action: Action) -> Notice {
        let reference = d.reference();
        let mut message = format!("Hồ sơ {reference}: {}. Trạng thái: {}.", action.label(), d.status.label());
        let at_hm = |t: DateTime<FixedOffset>| t.format("%H:%M ngày %d/%m/%Y").to_string();
        match action {
            Action::Accept | Action::Apologise | Action::ApproveExtension => {
                if let Some(appt) = d.appointment {
                    message.push_str(&format!(" Hẹn trả kết quả: {}.", at_hm(appt)));
                }
                if let Some(a) = d.apology.as_ref().filter(|_| action != Action::Accept) {
                    message.push_str(&format!(" Lý do chậm: {}. Cơ quan thành thật xin lỗi.", a.reason));
                }
            }
            Action::RequestSupplement => {
                if let Some(r) = d.supplements.last() {
                    let items: Vec<String> =
                        r.items.iter().map(|i| format!("{} ({})", i.component, i.reason)).collect();
                    message.push_str(&format!(" Cần bổ sung: {}.", items.join("; ")));
                }
            }
            Action::RequestPayment => {
                if let Some(p) = &d.payment {
                    message.push_str(&format!(" Số tiền: {} đồng — {}.", p.amount_vnd, p.description));
                }
            }
            Action::Finish | Action::Approve => message.push_str(" Kết quả đã sẵn sàng để nhận."),
            _ => {}
        }
        Notice { kind: format!("dossier.{}", action.name()), subject: format!("Hồ sơ {reference}"), message }
    }
}
