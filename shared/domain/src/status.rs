//! Dossier statuses with their national codes (rules §1) and the channels of filing.

use serde::{Deserialize, Serialize};

/// Internal status; each maps to one national code (rules §1), except `Draft` (not yet filed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Submitted,
    Accepted,
    Refused,
    Processing,
    /// Internal: the specialist's result waits for the leader's approval (national code 4).
    AwaitingApproval,
    SupplementRequested,
    PaymentRequested,
    WithdrawalRequested,
    Stopped,
    Finished,
    Returned,
}

impl Status {
    pub const ALL: [Status; 12] = [
        Status::Draft,
        Status::Submitted,
        Status::Accepted,
        Status::Refused,
        Status::Processing,
        Status::AwaitingApproval,
        Status::SupplementRequested,
        Status::PaymentRequested,
        Status::WithdrawalRequested,
        Status::Stopped,
        Status::Finished,
        Status::Returned,
    ];

    /// National status code (Circular 22/2019 Appendix I); `None` for a draft.
    pub fn national_code(self) -> Option<u8> {
        Some(match self {
            Status::Draft => return None,
            Status::Submitted => 1,
            Status::Accepted => 2,
            Status::Refused => 3,
            Status::Processing | Status::AwaitingApproval => 4,
            Status::SupplementRequested => 5,
            Status::PaymentRequested => 6,
            Status::WithdrawalRequested => 7,
            Status::Stopped => 8,
            Status::Finished => 9,
            Status::Returned => 10,
        })
    }

    /// The name used in the API (`snake_case`).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Accepted => "accepted",
            Status::Refused => "refused",
            Status::Processing => "processing",
            Status::AwaitingApproval => "awaiting_approval",
            Status::SupplementRequested => "supplement_requested",
            Status::PaymentRequested => "payment_requested",
            Status::WithdrawalRequested => "withdrawal_requested",
            Status::Stopped => "stopped",
            Status::Finished => "finished",
            Status::Returned => "returned",
        }
    }

    /// Vietnamese name shown to citizens (the national list).
    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "Hồ sơ nháp",
            Status::Submitted => "Mới đăng ký",
            Status::Accepted => "Được tiếp nhận",
            Status::Refused => "Không được tiếp nhận",
            Status::Processing => "Đang xử lý",
            Status::AwaitingApproval => "Đang xử lý (chờ lãnh đạo phê duyệt)",
            Status::SupplementRequested => "Yêu cầu bổ sung giấy tờ",
            Status::PaymentRequested => "Yêu cầu thực hiện nghĩa vụ tài chính",
            Status::WithdrawalRequested => "Công dân yêu cầu rút hồ sơ",
            Status::Stopped => "Dừng xử lý",
            Status::Finished => "Đã xử lý xong",
            Status::Returned => "Đã trả kết quả",
        }
    }

    /// What a dossier in this status waits for, as officers' lists say it.
    pub fn queue_label(self) -> &'static str {
        match self {
            Status::Draft => "Hồ sơ nháp",
            Status::Submitted => "Chờ tiếp nhận",
            Status::Accepted => "Đã tiếp nhận, chờ chuyển xử lý",
            Status::Refused => "Đã từ chối tiếp nhận",
            Status::Processing => "Đang xử lý",
            Status::AwaitingApproval => "Chờ lãnh đạo phê duyệt",
            Status::SupplementRequested => "Chờ bổ sung",
            Status::PaymentRequested => "Chờ nộp phí",
            Status::WithdrawalRequested => "Công dân xin rút",
            Status::Stopped => "Đã dừng xử lý",
            Status::Finished => "Đã có kết quả, chờ trả",
            Status::Returned => "Đã trả kết quả",
        }
    }

    /// Accepted and not yet finished: counts as "in process" in the report.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Status::Accepted
                | Status::Processing
                | Status::AwaitingApproval
                | Status::SupplementRequested
                | Status::PaymentRequested
                | Status::WithdrawalRequested
        )
    }

    pub fn is_final(self) -> bool {
        matches!(self, Status::Refused | Status::Stopped | Status::Returned)
    }
}

/// Channel (`KenhThucHien`): 1 in person, 2 online, 3 post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    InPerson,
    Online,
    Post,
}

impl Channel {
    pub fn national_code(self) -> u8 {
        match self {
            Channel::InPerson => 1,
            Channel::Online => 2,
            Channel::Post => 3,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status as S;

    #[test]
    fn every_status_but_draft_has_its_national_code() {
        let all = [
            S::Submitted,
            S::Accepted,
            S::Refused,
            S::Processing,
            S::SupplementRequested,
            S::PaymentRequested,
            S::WithdrawalRequested,
            S::Stopped,
            S::Finished,
            S::Returned,
        ];
        let codes: Vec<u8> = all.iter().map(|s| s.national_code().unwrap()).collect();
        assert_eq!(codes, (1..=10).collect::<Vec<u8>>());
        assert_eq!(S::Draft.national_code(), None);
    }
}
