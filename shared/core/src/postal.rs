//! Results by the public postal service (P15, national-connections §6): the applicant chooses
//! how to receive the result; the officer's return by post orders the delivery through the
//! postal port (one parcel per dossier, whatever the retries) and keeps its tracking number;
//! the post's signed tracking states come back once each and are shown to the applicant and the
//! officers.

use crate::access::{ensure_owner, ensure_visible};
use crate::queries::view;
use crate::store::{check_if_match, commit, load, Change};
use crate::{keys, Caller, CoreError, CoreResult, Services};
use motcua_domain::dossier::{Dossier, ResultDelivery, ReturnMethod, Status};
use motcua_domain::views::DossierView;
use motcua_ports::{Condition, ParcelState, Query, Shipment, SortCondition};
use serde::{Deserialize, Serialize};

/// One tracking state of the parcel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ParcelEvent {
    pub state: ParcelState,
    pub label: String,
    pub at: chrono::DateTime<chrono::FixedOffset>,
    pub note: Option<String>,
}

/// Where the result sent by post is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ParcelTracking {
    pub tracking_number: Option<String>,
    pub address: Option<String>,
    /// In the order the parcel went through them.
    pub events: Vec<ParcelEvent>,
}

/// What a tracking callback changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TrackingOutcome {
    pub state: ParcelState,
    /// Already known: nothing changed.
    pub duplicate: bool,
}

/// The applicant chooses (or changes, until the result is returned) how to receive it.
pub async fn choose_delivery(
    s: &Services,
    caller: &Caller,
    id: &str,
    choice: ResultDelivery,
    if_match: Option<u64>,
) -> CoreResult<DossierView> {
    let mut d = load(s, id).await?;
    ensure_owner(caller, &d)?;
    check_if_match(&d, if_match)?;
    let open = matches!(
        d.status,
        Status::Draft
            | Status::Submitted
            | Status::Accepted
            | Status::Processing
            | Status::AwaitingApproval
            | Status::SupplementRequested
            | Status::PaymentRequested
            | Status::Finished
    );
    if !open || d.delivery.is_some() {
        return Err(CoreError::rule(
            "delivery_closed",
            "Hồ sơ đã trả kết quả hoặc đã kết thúc: không đổi được cách nhận kết quả.",
        ));
    }
    d.result_delivery = Some(choice.checked().map_err(|e| CoreError::Validation(vec![e]))?);
    let previous = d.touch(s.now());
    let response = view(s, caller, d.clone());
    commit(s, Change::new(d, Some(previous)), response, None).await
}

/// Orders the delivery of the dossier's result to `address` when the postal connection is on;
/// its tracking number. The dossier id is the reference: a retried return gets the same parcel.
pub(crate) async fn ship(s: &Services, d: &Dossier, address: &str) -> CoreResult<Option<String>> {
    let Some(post) = &s.connections.postal else { return Ok(None) };
    let code = d.code.as_ref().map_or(d.id.clone(), |c| c.to_string());
    let shipment = Shipment {
        reference: d.id.clone(),
        recipient_name: d.applicant.full_name.clone(),
        recipient_phone: d.applicant.phone.clone(),
        address: address.to_string(),
        description: format!("Kết quả hồ sơ {code} — {}", d.procedure_name),
        cash_on_delivery_vnd: 0,
        notify_url: format!("{}/api/v1/postal/callback", s.connections.public_base_url.trim_end_matches('/')),
    };
    let tracking = post.ship(&shipment).await.map_err(|e| CoreError::Upstream(format!("Bưu điện: {e}")))?;
    Ok(Some(tracking))
}

/// The post's tracking callback: checked by the postal adapter, then stored once per state.
pub async fn callback(s: &Services, signature: Option<&str>, body: &[u8]) -> CoreResult<TrackingOutcome> {
    let post = s
        .connections
        .postal
        .as_deref()
        .ok_or_else(|| CoreError::rule("postal_off", "Hệ thống chưa kết nối dịch vụ bưu chính công ích."))?;
    let update = post
        .read_callback(signature, body)
        .map_err(|e| crate::integration::refused_callback(e, "invalid_tracking", "bưu điện"))?;
    let d = load(s, &update.reference).await?;
    let ours = d.delivery.as_ref().and_then(|x| x.tracking_number.as_deref()) == Some(update.tracking_number.as_str());
    if !ours {
        return Err(CoreError::not_found("bưu gửi"));
    }
    let event = ParcelEvent {
        state: update.state,
        label: update.state.label().into(),
        at: motcua_domain::vn_time(update.at),
        note: update.note,
    };
    let item = keys::item(&keys::parcel_state(&d.id, update.state as u8), &event, &[])?;
    match s.table.put(item, Condition::NotExists).await {
        Ok(()) => Ok(TrackingOutcome { state: update.state, duplicate: false }),
        Err(motcua_ports::TableError::ConditionFailed { .. }) => {
            Ok(TrackingOutcome { state: update.state, duplicate: true })
        }
        Err(e) => Err(e.into()),
    }
}

/// The parcel of a dossier returned by post, for its owner and the officers who see it.
pub async fn tracking(s: &Services, caller: &Caller, id: &str) -> CoreResult<ParcelTracking> {
    let d = load(s, id).await?;
    ensure_visible(caller, &d)?;
    let Some(delivery) = d.delivery.as_ref().filter(|x| x.method == ReturnMethod::Post) else {
        return Err(CoreError::not_found("bưu gửi của hồ sơ"));
    };
    let query = Query::partition(motcua_ports::Index::Primary, keys::dossier(id).pk)
        .sort(SortCondition::BeginsWith(keys::PARCEL_PREFIX.into()));
    let events = keys::read_items(s.table.as_ref(), query).await?.iter().map(keys::data).collect::<Result<_, _>>()?;
    Ok(ParcelTracking { tracking_number: delivery.tracking_number.clone(), address: delivery.address.clone(), events })
}
