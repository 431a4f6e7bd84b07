//! The typed commands of the lifecycle: one per action, each carrying exactly what its rule
//! needs. What comes from storage (the code and register number at acceptance, the specialist
//! assigned, the agency consulted) is fetched by the core pipeline before the rule runs.

use crate::catalogue::Procedure;
use crate::dossier::{Action, AttachedFile, ReturnMethod, SupplementItem};
use crate::ids::{AgencyCode, DossierCode, UserId};
use crate::roles::Role;
use chrono::{DateTime, FixedOffset};

/// An agency as a command names it: its code and its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyRef {
    pub code: AgencyCode,
    pub name: String,
}

/// An inter-agency part (G4) to open at acceptance, with the agency resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartToOpen {
    pub agency: AgencyRef,
    pub task: String,
    pub working_days: u32,
}

/// A staff account as the assignment rule needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    pub id: UserId,
    pub name: String,
    pub role: Role,
    pub agency: Option<AgencyCode>,
    pub locked: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Online submission of a draft (P2): the form is checked complete against the procedure
    /// version the draft was made from.
    Submit {
        procedure: Box<Procedure>,
        receipt_secret: String,
        /// The regime in force on the day of submission: the dossier is filed under it (R1).
        regime: crate::regime::Regime,
    },
    /// A paper dossier entered at the counter or received by post (M2, G8).
    ReceiveAtCounter {
        receipt_secret: String,
        note: Option<String>,
    },
    /// Acceptance: the dossier code and the register number, taken from the agency's counters.
    Accept {
        code: DossierCode,
        register_number: u64,
        parts: Vec<PartToOpen>,
        note: Option<String>,
    },
    Refuse {
        reason: Option<String>,
    },
    StartProcessing {
        note: Option<String>,
    },
    /// `None`: no active specialist of the agency has that login name.
    Assign {
        specialist: Option<StaffMember>,
        note: Option<String>,
    },
    RequestSupplement {
        items: Vec<SupplementItem>,
        note: Option<String>,
    },
    ProvideSupplement {
        note: Option<String>,
    },
    Consult {
        agency: AgencyRef,
        question: Option<String>,
        working_days: Option<u32>,
        note: Option<String>,
    },
    AnswerConsultation {
        consultation: Option<u32>,
        answer: Option<String>,
        note: Option<String>,
    },
    CompletePart {
        note: Option<String>,
    },
    RequestPayment {
        amount_vnd: Option<u64>,
        note: Option<String>,
    },
    ConfirmPayment {
        method: Option<String>,
        note: Option<String>,
    },
    SubmitForApproval {
        result: Option<AttachedFile>,
        note: Option<String>,
    },
    Approve {
        note: Option<String>,
    },
    Rework {
        reason: Option<String>,
    },
    Finish {
        result: Option<AttachedFile>,
        note: Option<String>,
    },
    /// Form 04: the reason and the new appointment.
    Apologise {
        reason: Option<String>,
        new_appointment: Option<DateTime<FixedOffset>>,
    },
    ApproveExtension {
        note: Option<String>,
    },
    RefuseExtension {
        reason: Option<String>,
    },
    ReturnResult {
        method: Option<ReturnMethod>,
        tracking_number: Option<String>,
        address: Option<String>,
        note: Option<String>,
    },
    RequestWithdrawal {
        note: Option<String>,
    },
    ConfirmWithdrawal {
        note: Option<String>,
    },
    StopProcessing {
        reason: Option<String>,
    },
}

impl Command {
    pub fn action(&self) -> Action {
        match self {
            Command::Submit { .. } => Action::Submit,
            Command::ReceiveAtCounter { .. } => Action::ReceiveAtCounter,
            Command::Accept { .. } => Action::Accept,
            Command::Refuse { .. } => Action::Refuse,
            Command::StartProcessing { .. } => Action::StartProcessing,
            Command::Assign { .. } => Action::Assign,
            Command::RequestSupplement { .. } => Action::RequestSupplement,
            Command::ProvideSupplement { .. } => Action::ProvideSupplement,
            Command::Consult { .. } => Action::Consult,
            Command::AnswerConsultation { .. } => Action::AnswerConsultation,
            Command::CompletePart { .. } => Action::CompletePart,
            Command::RequestPayment { .. } => Action::RequestPayment,
            Command::ConfirmPayment { .. } => Action::ConfirmPayment,
            Command::SubmitForApproval { .. } => Action::SubmitForApproval,
            Command::Approve { .. } => Action::Approve,
            Command::Rework { .. } => Action::Rework,
            Command::Finish { .. } => Action::Finish,
            Command::Apologise { .. } => Action::Apologise,
            Command::ApproveExtension { .. } => Action::ApproveExtension,
            Command::RefuseExtension { .. } => Action::RefuseExtension,
            Command::ReturnResult { .. } => Action::ReturnResult,
            Command::RequestWithdrawal { .. } => Action::RequestWithdrawal,
            Command::ConfirmWithdrawal { .. } => Action::ConfirmWithdrawal,
            Command::StopProcessing { .. } => Action::StopProcessing,
        }
    }

    /// The text recorded on the timeline: a note, or the reason of a refusal, a stop, a
    /// rework or an apology.
    pub(super) fn note(&self) -> Option<&str> {
        match self {
            Command::Submit { .. } => None,
            Command::Refuse { reason }
            | Command::Rework { reason }
            | Command::StopProcessing { reason }
            | Command::RefuseExtension { reason }
            | Command::Apologise { reason, .. } => reason.as_deref(),
            Command::ReceiveAtCounter { note, .. }
            | Command::Accept { note, .. }
            | Command::StartProcessing { note }
            | Command::Assign { note, .. }
            | Command::RequestSupplement { note, .. }
            | Command::ProvideSupplement { note }
            | Command::Consult { note, .. }
            | Command::AnswerConsultation { note, .. }
            | Command::CompletePart { note }
            | Command::RequestPayment { note, .. }
            | Command::ConfirmPayment { note, .. }
            | Command::SubmitForApproval { note, .. }
            | Command::Approve { note }
            | Command::ApproveExtension { note }
            | Command::Finish { note, .. }
            | Command::ReturnResult { note, .. }
            | Command::RequestWithdrawal { note }
            | Command::ConfirmWithdrawal { note } => note.as_deref(),
        }
    }
}
