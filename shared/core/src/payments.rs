//! Online payment of a dossier's fees through the national payment platform
//! (national-connections §5): the applicant starts a payment for the amount an officer asked
//! (status 6), is sent to the platform, and the platform's signed callback ends the payment
//! wait — the clock restarts without an officer. A callback is applied once: a repeat, a late
//! one (the wait already ended) or one for a failed payment changes no dossier; a forged one or
//! one with another amount changes nothing at all. The daily reconciliation compares the
//! platform's transactions with the orders here and applies a payment whose callback never came.

use crate::{actions, keys, store, Caller, CoreError, CoreResult, Services};
use chrono::{DateTime, FixedOffset, NaiveDate};
use motcua_domain::dossier::{Dossier, Status};
use motcua_domain::lifecycle::Command;
use motcua_domain::roles::Role;
use motcua_ports::{Condition, ConnectionError, Key, PaymentNotice, PaymentOrder, WriteOp};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Who the history shows as having confirmed an online payment.
const PLATFORM_NAME: &str = "Nền tảng thanh toán trực tuyến";

/// Where the applicant is sent to pay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PaymentStart {
    pub order_id: String,
    pub payment_url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    /// Sent to the platform, not paid yet.
    Pending,
    Paid,
    /// Failed or cancelled by the payer at the platform.
    Failed,
}

/// One payment order and what became of it: the applicant's receipt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PaymentReceipt {
    pub order_id: String,
    pub dossier_id: String,
    pub dossier_code: Option<String>,
    pub agency: String,
    pub amount_vnd: u64,
    pub description: String,
    pub state: OrderState,
    pub created_at: DateTime<FixedOffset>,
    /// The platform's transaction, once it answered.
    pub transaction_id: Option<String>,
    pub paid_at: Option<DateTime<FixedOffset>>,
    /// The payment ended the dossier's payment wait. A payment that came when the dossier no
    /// longer waited for it (an officer confirmed a payment at the counter, the applicant
    /// withdrew) is kept for a refund and listed by the reconciliation.
    pub applied: bool,
}

/// What a callback changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CallbackOutcome {
    pub order_id: String,
    pub state: OrderState,
    pub applied: bool,
    /// The order had already been answered: nothing changed.
    pub duplicate: bool,
}

/// One day's comparison of the platform's transactions with the orders here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PaymentReconciliation {
    /// `yyyy-mm-dd`, Vietnam time.
    pub day: NaiveDate,
    /// Paid transactions the platform lists for the day, and their sum.
    pub platform_paid: usize,
    pub platform_total_vnd: u64,
    /// Orders paid here on the day, and their sum (after this run's corrections).
    pub paid_here: usize,
    pub total_here_vnd: u64,
    /// Payments whose callback never came, applied now.
    pub applied_now: Vec<String>,
    /// Paid here but not listed by the platform for the day.
    pub unknown_to_platform: Vec<String>,
    /// Listed by the platform, no such order here.
    pub unknown_here: Vec<String>,
    /// The platform's amount differs from the order's.
    pub amount_mismatch: Vec<String>,
    /// Paid when the dossier no longer waited for it: to refund.
    pub to_refund: Vec<String>,
}

fn platform(s: &Services) -> CoreResult<&dyn motcua_ports::PaymentPlatform> {
    s.connections
        .payment
        .as_deref()
        .ok_or_else(|| CoreError::rule("online_payment_off", "Hệ thống chưa kết nối Nền tảng thanh toán trực tuyến."))
}

fn upstream(e: ConnectionError) -> CoreError {
    CoreError::Upstream(format!("Nền tảng thanh toán trực tuyến: {e}"))
}

fn order_item(r: &PaymentReceipt) -> CoreResult<motcua_ports::Item> {
    let state = serde_json::to_value(r.state)?;
    Ok(keys::item(&keys::payment_order(&r.order_id), r, &[("state", state)])?)
}

async fn load_order(s: &Services, id: &str) -> CoreResult<PaymentReceipt> {
    let item =
        s.table.get(&keys::payment_order(id)).await?.ok_or_else(|| CoreError::not_found("giao dịch thanh toán"))?;
    Ok(keys::data(&item)?)
}

/// The amount the dossier waits for, if it waits for a payment.
fn amount_due(d: &Dossier) -> Option<u64> {
    d.payment
        .as_ref()
        .filter(|p| d.status == Status::PaymentRequested && p.confirmed_at.is_none())
        .map(|p| p.amount_vnd)
}

/// Starts an online payment of the fees the dossier waits for (its owner only).
pub async fn start(s: &Services, caller: &Caller, dossier_id: &str) -> CoreResult<PaymentStart> {
    let platform = platform(s)?;
    let d = store::load(s, dossier_id).await?;
    crate::access::ensure_owner(caller, &d)?;
    let Some(amount_vnd) = amount_due(&d) else {
        return Err(CoreError::rule("nothing_to_pay", "Hồ sơ không có khoản phí, lệ phí nào đang chờ nộp."));
    };
    let order_id = format!("TT{}", uuid::Uuid::now_v7().simple());
    let code = d.code.as_ref().map(|c| c.to_string());
    let receipt = PaymentReceipt {
        order_id: order_id.clone(),
        dossier_id: d.id.clone(),
        dossier_code: code.clone(),
        agency: d.agency.to_string(),
        amount_vnd,
        description: format!("Nộp phí, lệ phí hồ sơ {}", code.as_deref().unwrap_or(&d.id)),
        state: OrderState::Pending,
        created_at: s.now(),
        transaction_id: None,
        paid_at: None,
        applied: false,
    };
    // Stored before the platform hears of it, so that its callback always finds the order.
    s.table.put(order_item(&receipt)?, Condition::NotExists).await?;
    let base = s.connections.public_base_url.trim_end_matches('/');
    let order = PaymentOrder {
        order_id: order_id.clone(),
        amount_vnd,
        description: receipt.description,
        return_url: format!("{base}/thanh-toan.html?don={order_id}"),
        notify_url: format!("{base}/api/v1/payments/callback"),
    };
    let payment_url = platform.create(&order).await.map_err(upstream)?;
    Ok(PaymentStart { order_id, payment_url })
}

/// A payment order, for the applicant who made it or the staff of the dossier's agency.
pub async fn receipt(s: &Services, caller: &Caller, order_id: &str) -> CoreResult<PaymentReceipt> {
    let r = load_order(s, order_id).await?;
    let d = store::load(s, &r.dossier_id).await?;
    crate::access::ensure_visible(caller, &d)?;
    Ok(r)
}

/// The platform's callback: checked by the platform adapter (signature, merchant), then applied.
pub async fn callback(s: &Services, signature: Option<&str>, body: &[u8]) -> CoreResult<CallbackOutcome> {
    let notice = platform(s)?
        .read_callback(signature, body)
        .map_err(|e| crate::integration::refused_callback(e, "invalid_payment_notice", "nền tảng thanh toán"))?;
    apply(s, &notice).await
}

/// Applies what the platform says of an order, once.
async fn apply(s: &Services, notice: &PaymentNotice) -> CoreResult<CallbackOutcome> {
    for _ in 0..3 {
        let mut r = load_order(s, &notice.order_id).await?;
        if r.state != OrderState::Pending {
            return Ok(CallbackOutcome { order_id: r.order_id, state: r.state, applied: r.applied, duplicate: true });
        }
        if notice.paid && notice.amount_vnd != r.amount_vnd {
            return Err(CoreError::rule(
                "payment_amount_mismatch",
                format!(
                    "Số tiền đã thanh toán ({} đồng) khác số tiền phải nộp ({} đồng).",
                    notice.amount_vnd, r.amount_vnd
                ),
            ));
        }
        let at = motcua_domain::vn_time(notice.at);
        r.transaction_id = Some(notice.transaction_id.clone());
        r.paid_at = Some(at);
        r.state = if notice.paid { OrderState::Paid } else { OrderState::Failed };
        let d = store::load(s, &r.dossier_id).await?;
        r.applied = notice.paid && amount_due(&d) == Some(r.amount_vnd);
        let mut ops = vec![WriteOp::Put {
            item: order_item(&r)?,
            condition: Condition::AttrEquals("state".into(), json!("pending")),
        }];
        if notice.paid {
            let index = keys::item(&Key::new(keys::payments_paid_on(at.date_naive()), &r.order_id), &r.order_id, &[])?;
            ops.push(WriteOp::Put { item: index, condition: Condition::None });
        }
        let written = if r.applied {
            let platform = Caller {
                id: "payment-platform".to_string().into(),
                role: Role::IntegrationClient,
                agency: Some(d.agency.clone()),
                name: PLATFORM_NAME.into(),
                vneid_level: None,
            };
            let note = Some(format!("Thanh toán trực tuyến, mã giao dịch {}", notice.transaction_id));
            let command = Command::ConfirmPayment { method: Some(PLATFORM_NAME.into()), note };
            actions::apply_with(s, &platform, &d, command, ops).await.map(|_| ())
        } else {
            s.table.transact(ops).await.map_err(|e| match e {
                motcua_ports::TableError::ConditionFailed { .. } => CoreError::Conflict,
                e => e.into(),
            })
        };
        match written {
            Ok(()) => {
                return Ok(CallbackOutcome {
                    order_id: r.order_id,
                    state: r.state,
                    applied: r.applied,
                    duplicate: false,
                })
            }
            // A concurrent callback or a change of the dossier: read both again.
            Err(CoreError::Conflict | CoreError::PreconditionFailed) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(CoreError::Conflict)
}

/// Compares the platform's transactions of `day` with the orders here; applies the payments
/// whose callback never came. Operators of the deployment only.
pub async fn reconcile(s: &Services, caller: &Caller, day: NaiveDate) -> CoreResult<PaymentReconciliation> {
    if caller.role != Role::SystemAdmin {
        return Err(CoreError::Forbidden("Chỉ quản trị hệ thống đối chiếu thanh toán.".into()));
    }
    run_reconciliation(s, day).await
}

pub(crate) async fn run_reconciliation(s: &Services, day: NaiveDate) -> CoreResult<PaymentReconciliation> {
    let transactions = platform(s)?.transactions(day).await.map_err(upstream)?;
    let mut report = PaymentReconciliation {
        day,
        platform_paid: 0,
        platform_total_vnd: 0,
        paid_here: 0,
        total_here_vnd: 0,
        applied_now: vec![],
        unknown_to_platform: vec![],
        unknown_here: vec![],
        amount_mismatch: vec![],
        to_refund: vec![],
    };
    let mut listed = std::collections::BTreeSet::new();
    for t in transactions.iter().filter(|t| t.paid) {
        report.platform_paid += 1;
        report.platform_total_vnd += t.amount_vnd;
        listed.insert(t.order_id.clone());
        match apply(s, t).await {
            Ok(outcome) if !outcome.duplicate => report.applied_now.push(t.order_id.clone()),
            Ok(_) => {}
            Err(CoreError::NotFound(_)) => report.unknown_here.push(t.order_id.clone()),
            Err(CoreError::Rule { code: "payment_amount_mismatch", .. }) => {
                report.amount_mismatch.push(t.order_id.clone())
            }
            Err(e) => return Err(e),
        }
    }
    let paid: Vec<String> =
        keys::read_partition(s.table.as_ref(), motcua_ports::Index::Primary, keys::payments_paid_on(day)).await?;
    for id in paid {
        let r = load_order(s, &id).await?;
        report.paid_here += 1;
        report.total_here_vnd += r.amount_vnd;
        if !listed.contains(&id) {
            report.unknown_to_platform.push(id.clone());
        }
        if !r.applied {
            report.to_refund.push(id);
        }
    }
    Ok(report)
}
