//! The public postal service (P15, national-connections §6): the applicant chooses how to
//! receive the result; the officer's return by post orders the delivery through the postal port
//! (one parcel per dossier, whatever the retries; the procedure's postage collected on delivery
//! where the agency does not pay it) and keeps its tracking number. The applicant may also have
//! the post collect the paper documents and bring them to the agency (one collection per
//! dossier). The post's signed tracking states of both come back once each and are shown to the
//! applicant and the officers.

use crate::access::{ensure_owner, ensure_visible};
use crate::queries::view;
use crate::store::{check_if_match, commit, load, Change};
use crate::{catalogue, keys, Caller, CoreError, CoreResult, Services};
use motcua_domain::dossier::{postal_address, Channel, Dossier, PaperPickup, ResultDelivery, ReturnMethod, Status};
use motcua_domain::views::DossierView;
use motcua_ports::{Condition, ParcelState, PickupOrder, Query, Shipment, SortCondition};
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

/// Where the post is to collect the paper documents.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PickupRequest {
    #[schema(max_length = 300)]
    pub address: String,
    /// A phone number for the postman (the applicant's by default).
    #[serde(default)]
    pub phone: Option<String>,
}

/// The reference of a dossier's collection at the post (its result's is the dossier id).
const PICKUP_SUFFIX: &str = ".thu-gom";

/// A dossier's two kinds of parcel: its result delivered, its paper documents collected.
#[derive(Clone, Copy)]
enum Parcel {
    Result,
    Pickup,
}

impl Parcel {
    /// The dossier and the parcel a reference at the post names.
    fn of_reference(reference: &str) -> (&str, Parcel) {
        match reference.strip_suffix(PICKUP_SUFFIX) {
            Some(id) => (id, Parcel::Pickup),
            None => (reference, Parcel::Result),
        }
    }

    /// Where its tracking states are kept.
    fn prefix(self) -> &'static str {
        match self {
            Parcel::Result => keys::PARCEL_PREFIX,
            Parcel::Pickup => keys::PICKUP_PREFIX,
        }
    }

    fn tracking_number(self, d: &Dossier) -> Option<&str> {
        match self {
            Parcel::Result => d.delivery.as_ref().and_then(|x| x.tracking_number.as_deref()),
            Parcel::Pickup => d.pickup.as_ref().map(|p| p.tracking_number.as_str()),
        }
    }
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
    let procedure = catalogue::procedure_version(s, &d.procedure_code, d.procedure_version).await?;
    let code = d.code.as_ref().map_or(d.id.clone(), |c| c.to_string());
    let shipment = Shipment {
        reference: d.id.clone(),
        recipient_name: d.applicant.full_name.clone(),
        recipient_phone: d.applicant.phone.clone(),
        address: address.to_string(),
        description: format!("Kết quả hồ sơ {code} — {}", d.procedure_name),
        cash_on_delivery_vnd: procedure.postage_on_delivery_vnd.unwrap_or(0),
        notify_url: notify_url(s),
    };
    let tracking = post.ship(&shipment).await.map_err(|e| CoreError::Upstream(format!("Bưu điện: {e}")))?;
    Ok(Some(tracking))
}

fn notify_url(s: &Services) -> String {
    format!("{}/api/v1/postal/callback", s.connections.public_base_url.trim_end_matches('/'))
}

fn postal(s: &Services) -> CoreResult<&dyn motcua_ports::PostalService> {
    s.connections
        .postal
        .as_deref()
        .ok_or_else(|| CoreError::rule("postal_off", "Hệ thống chưa kết nối dịch vụ bưu chính công ích."))
}

/// The applicant has the post collect the paper documents of an online dossier being handled
/// and bring them to the agency; once per dossier.
pub async fn order_pickup(
    s: &Services,
    caller: &Caller,
    id: &str,
    req: PickupRequest,
    if_match: Option<u64>,
) -> CoreResult<DossierView> {
    let post = postal(s)?;
    let mut d = load(s, id).await?;
    ensure_owner(caller, &d)?;
    check_if_match(&d, if_match)?;
    let open =
        matches!(d.status, Status::Submitted | Status::Accepted | Status::Processing | Status::SupplementRequested);
    if d.channel != Channel::Online || !open {
        return Err(CoreError::rule(
            "pickup_closed",
            "Chỉ đặt thu gom hồ sơ giấy cho hồ sơ nộp trực tuyến đang được giải quyết.",
        ));
    }
    if d.pickup.is_some() {
        return Err(CoreError::rule("pickup_exists", "Hồ sơ đã có yêu cầu thu gom hồ sơ giấy."));
    }
    let address = postal_address(Some(&req.address), "Vui lòng nhập địa chỉ thu gom.")
        .map_err(|e| CoreError::Validation(vec![e]))?;
    let agency = catalogue::agency(s, &d.agency).await?;
    let code = d.code.as_ref().map_or(d.id.clone(), |c| c.to_string());
    let order = PickupOrder {
        reference: format!("{}{PICKUP_SUFFIX}", d.id),
        sender_name: d.applicant.full_name.clone(),
        sender_phone: req.phone.or_else(|| d.applicant.phone.clone()),
        address: address.clone(),
        deliver_to: format!("{} — {}", agency.name, agency.address.unwrap_or_default()),
        description: format!("Hồ sơ giấy của hồ sơ {code} — {}", d.procedure_name),
        notify_url: notify_url(s),
    };
    let tracking_number = post.pick_up(&order).await.map_err(|e| CoreError::Upstream(format!("Bưu điện: {e}")))?;
    d.pickup = Some(PaperPickup { address, tracking_number, ordered_at: s.now() });
    let previous = d.touch(s.now());
    let response = view(s, caller, d.clone());
    commit(s, Change::new(d, Some(previous)), response, None).await
}

/// The post's tracking callback: checked by the postal adapter, then stored once per state.
pub async fn callback(s: &Services, signature: Option<&str>, body: &[u8]) -> CoreResult<TrackingOutcome> {
    let update = postal(s)?
        .read_callback(signature, body)
        .map_err(|e| crate::integration::refused_callback(e, "invalid_tracking", "bưu điện"))?;
    let (id, parcel) = Parcel::of_reference(&update.reference);
    let d = load(s, id).await?;
    if parcel.tracking_number(&d) != Some(update.tracking_number.as_str()) {
        return Err(CoreError::not_found("bưu gửi"));
    }
    let event = ParcelEvent {
        state: update.state,
        label: update.state.label().into(),
        at: motcua_domain::vn_time(update.at),
        note: update.note,
    };
    let item = keys::item(&keys::parcel_state(parcel.prefix(), &d.id, update.state as u8), &event, &[])?;
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
    let events = events(s, id, Parcel::Result).await?;
    Ok(ParcelTracking { tracking_number: delivery.tracking_number.clone(), address: delivery.address.clone(), events })
}

/// The collection of a dossier's paper documents, for its owner and the officers who see it.
pub async fn pickup_tracking(s: &Services, caller: &Caller, id: &str) -> CoreResult<ParcelTracking> {
    let d = load(s, id).await?;
    ensure_visible(caller, &d)?;
    let Some(pickup) = &d.pickup else { return Err(CoreError::not_found("yêu cầu thu gom của hồ sơ")) };
    let events = events(s, id, Parcel::Pickup).await?;
    Ok(ParcelTracking {
        tracking_number: Some(pickup.tracking_number.clone()),
        address: Some(pickup.address.clone()),
        events,
    })
}

async fn events(s: &Services, id: &str, parcel: Parcel) -> CoreResult<Vec<ParcelEvent>> {
    let query = Query::partition(motcua_ports::Index::Primary, keys::dossier(id).pk)
        .sort(SortCondition::BeginsWith(parcel.prefix().into()));
    Ok(keys::read_items(s.table.as_ref(), query).await?.iter().map(keys::data).collect::<Result<_, _>>()?)
}
