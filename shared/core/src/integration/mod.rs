//! The integration platform (G2, M10, G6; national-connections §1): every counterpart is
//! reached through a port of `motcua_ports::integration`, and every delivery follows the same
//! rules — recorded in the same transaction as the change ([`change_ops`]), delivered at least
//! once in order per dossier, retried with back-off until acknowledged, dead-lettered after too
//! many failures, visible and replayable by an operator.
//!
//! - [`portal_sync`]: dossiers and their progress out to the national portal (M10).
//! - [`inbound`]: dossiers filed on the national portal, in (push and pull).
//! - [`reconcile`]: the daily comparison with the portal (`TraCuuHoSo`).
//! - [`catalogue_sync`]: the national procedure catalogue and shared e-catalogues in (M1, M5, G6).
//! - [`webhooks`]: the agencies' event feed by cursor and their signed webhooks.
//! - [`file_links`]: signed links through which the portal fetches a dossier's files.
//! - [`health`]: each connection's state, backlog and dead letters for operators.
//! - [`ministry`]: the statuses of dossiers processed in ministries' systems, in (R11).

pub mod catalogue_sync;
pub mod file_links;
pub mod health;
pub mod inbound;
pub mod ministry;
pub mod portal_sync;
pub mod reconcile;
pub mod webhooks;

use crate::{keys, CoreResult, Services};
use motcua_domain::delivery::RetryPolicy;
use motcua_domain::dossier::Dossier;
use motcua_ports::{CatalogueSource, NationalPortal, WebhookTransport, WriteOp};
use std::sync::Arc;

/// The connections a deployment has; each one off (`None`) unless configured.
#[derive(Clone, Default)]
pub struct Connections {
    /// The national portal (`MOTCUA_DVCQG_*`).
    pub portal: Option<Arc<dyn NationalPortal>>,
    /// The national procedure catalogue (the same portal's share endpoint).
    pub catalogue: Option<Arc<dyn CatalogueSource>>,
    /// The national payment platform (`MOTCUA_PAYMENT_*`): online fees.
    pub payment: Option<Arc<dyn motcua_ports::PaymentPlatform>>,
    /// VNeID through the national SSO (`MOTCUA_VNEID_*`): citizens' login.
    pub vneid: Option<Arc<dyn motcua_ports::IdentityProvider>>,
    /// The province's staff SSO (`MOTCUA_STAFF_SSO_*`): officers' login.
    pub staff_sso: Option<Arc<dyn motcua_ports::IdentityProvider>>,
    /// The public postal service (`MOTCUA_POST_*`): results by post and their tracking.
    pub postal: Option<Arc<dyn motcua_ports::PostalService>>,
    /// The national population database (`MOTCUA_POPULATION_*`): pre-fill with consent.
    pub population: Option<Arc<dyn motcua_ports::PopulationRegistry>>,
    /// The agencies' signing keys (P16): results and forms signed; `None`, unsigned.
    pub signing: Option<Arc<crate::signing::DocumentSigner>>,
    /// Delivery of agencies' webhooks.
    pub webhooks: Option<Arc<dyn WebhookTransport>>,
    /// Secret with which the national portal signs the dossiers it pushes here
    /// (`MOTCUA_DVCQG_INBOUND_SECRET`); pushes are refused without one.
    pub inbound_secret: Option<String>,
    /// Public base URL of this system (signed links to files in synced records).
    pub public_base_url: String,
    pub retry: RetryPolicy,
    /// Plain `http://` webhook URLs allowed (local demo and tests only).
    pub allow_http_webhooks: bool,
}

/// What a counterpart's callback refused by its adapter answers: unreadable, `400` with `code`;
/// a wrong signature or another client's, `401`.
pub(crate) fn refused_callback(
    e: motcua_ports::ConnectionError,
    code: &'static str,
    counterpart: &str,
) -> crate::CoreError {
    match e {
        motcua_ports::ConnectionError::Malformed(m) => {
            crate::CoreError::invalid(code, format!("Thông báo của {counterpart} không đọc được: {m}"))
        }
        e => crate::CoreError::Unauthenticated(format!("Thông báo của {counterpart} bị từ chối: {e}")),
    }
}

/// The name of the national portal connection in health views, dead letters and keys.
pub const DVCQG: &str = "dvcqg";

/// The writes a committed change of a dossier adds to its own transaction: the portal's
/// pending-sync marker (when the connection is on and the dossier has a code the portal can
/// key) and one feed entry per agency that may see it.
pub(crate) fn change_ops(s: &Services, d: &Dossier) -> CoreResult<Vec<WriteOp>> {
    let mut ops = vec![];
    if s.connections.portal.is_some() && motcua_domain::national::mapping::portal_key(d).is_some() {
        ops.push(portal_sync::pending_op(d, s.clock.now()));
    }
    if d.submitted_at.is_some() {
        ops.extend(webhooks::feed_ops(d)?);
    }
    Ok(ops)
}

/// One pass of the background work: pull dossiers filed on the portal (once a minute), push what is due to
/// it, deliver due webhooks, and once a day reconcile and sync the catalogue. Errors of one
/// connection do not stop the others. Returns how many deliveries succeeded.
pub async fn tick(s: &Services) -> usize {
    let mut done = 0;
    if s.connections.portal.is_some() {
        if let Err(e) = inbound::pull_if_due(s).await {
            tracing::warn!(error = %e, "pull from the national portal failed");
        }
        match portal_sync::run_due(s).await {
            Ok(n) => done += n,
            Err(e) => tracing::warn!(error = %e, "national portal sync failed"),
        }
    }
    match webhooks::deliver_due(s).await {
        Ok(n) => done += n,
        Err(e) => tracing::warn!(error = %e, "webhook delivery failed"),
    }
    if let Err(e) = daily(s).await {
        tracing::warn!(error = %e, "daily reconciliation failed");
    }
    done
}

/// Reconciliations (national portal, payment platform) and catalogue sync, once a day after
/// 02:00 (Vietnam time).
async fn daily(s: &Services) -> CoreResult<()> {
    if s.connections.portal.is_none() && s.connections.payment.is_none() {
        return Ok(());
    }
    let now = s.now();
    let today = now.format("%Y-%m-%d").to_string();
    let key = motcua_ports::Key::new(keys::connection(DVCQG), "DAILY");
    let last: Option<String> = s.table.get(&key).await?.map(|i| keys::data(&i)).transpose()?;
    if last.as_deref() == Some(today.as_str()) || chrono::Timelike::hour(&now) < 2 {
        return Ok(());
    }
    s.table.put(keys::item(&key, &today, &[])?, motcua_ports::Condition::None).await?;
    // Each job on its own: one failing does not keep the others from running.
    if s.connections.payment.is_some() {
        let yesterday = now.date_naive() - chrono::Days::new(1);
        match crate::payments::run_reconciliation(s, yesterday).await {
            Ok(r) => tracing::info!(
                applied = r.applied_now.len(),
                unknown = r.unknown_to_platform.len() + r.unknown_here.len(),
                to_refund = r.to_refund.len(),
                "daily payment reconciliation"
            ),
            Err(e) => tracing::error!(error = %e, "daily payment reconciliation failed; run it from the console"),
        }
    }
    if s.connections.portal.is_some() {
        match reconcile::run(s).await {
            Ok(r) => tracing::info!(missing = r.missing.len(), different = r.different.len(), "daily reconciliation"),
            Err(e) => tracing::error!(error = %e, "daily reconciliation failed; run it from the console"),
        }
    }
    if s.connections.catalogue.is_some() {
        if let Err(e) = catalogue_sync::run(s).await {
            tracing::error!(error = %e, "daily catalogue sync failed; run it from the console");
        }
    }
    Ok(())
}
