//! The service context: ports, calendar, signing keys and configuration, shared by every
//! handler of both runtimes; [`Caller`] (who is asking) comes from the domain.

use crate::auth::JwtKeys;
use motcua_domain::calendar::Calendar;
pub use motcua_domain::caller::Caller;
use motcua_domain::regime::{Regime, RegimeSchedule};
use motcua_ports::{Clock, ObjectStore, Queue, Table};
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// Deployment settings (from the command line / environment).
#[derive(Debug, Clone)]
pub struct Config {
    /// `iss` of the tokens this deployment signs and accepts.
    pub issuer: String,
    /// `aud` of the tokens.
    pub audience: String,
    pub token_ttl: Duration,
    /// Which regime new dossiers are filed under, from which day (R1), until a system
    /// administrator changes it ([`crate::regime`]).
    pub regime: RegimeSchedule,
    pub upload_url_ttl: Duration,
    pub download_url_ttl: Duration,
    /// Secret mixed into the hashes of ID numbers kept for the public lookup.
    pub lookup_pepper: String,
    /// Queue of domain events (notifications, national portal sync).
    pub events_queue: String,
    /// Citizens and businesses keep password logins under the 2025 regime (the demo; by
    /// default they log in with VNeID only once the regime is in force and VNeID connected, R7).
    pub applicant_passwords: bool,
    /// Public lookups allowed per client address and minute (a deployment behind one proxy
    /// address, or the bench, raises it).
    pub lookups_per_minute: u32,
}

impl Config {
    pub fn new(issuer: impl Into<String>, lookup_pepper: impl Into<String>) -> Self {
        Config {
            issuer: issuer.into(),
            audience: "motcua-api".into(),
            token_ttl: Duration::from_secs(8 * 3600),
            regime: RegimeSchedule::only(Regime::R2019),
            upload_url_ttl: Duration::from_secs(15 * 60),
            download_url_ttl: Duration::from_secs(5 * 60),
            lookup_pepper: lookup_pepper.into(),
            events_queue: "events".into(),
            applicant_passwords: false,
            lookups_per_minute: crate::limits::LOOKUPS_PER_MINUTE,
        }
    }
}

pub struct Services {
    pub table: Arc<dyn Table>,
    pub objects: Arc<dyn ObjectStore>,
    pub queue: Arc<dyn Queue>,
    /// Business time (receipt, deadlines, reports). Expiries that protect security (tokens,
    /// presigned URLs, ttl) use the system clock, as the backends that enforce them do.
    pub clock: Arc<dyn Clock>,
    /// The working-day calendar in force (swapped when an administrator changes it).
    pub calendar: RwLock<Arc<Calendar>>,
    /// The regime schedule in force (the deployment's or an administrator's).
    pub regime: RwLock<crate::regime::RegimeSetting>,
    pub keys: JwtKeys,
    pub config: Config,
    /// Outgoing email and SMS (G7).
    pub notifier: Arc<dyn crate::events::Notifier>,
    /// The counterparts of the integration platform (G2), each off unless configured.
    pub connections: crate::integration::Connections,
    /// Limits counted in this process's memory (public lookups per client address).
    pub limits: crate::limits::Limits,
    /// Requests counted in this process, not yet added to the access statistics (P14).
    pub access: crate::access_log::AccessCounter,
    /// The catalogue as searched, in memory (reloaded when it changes).
    pub catalogue: crate::catalogue::SearchIndex,
    /// The inboxes' due counts computed lately.
    pub inbox_due_counts: crate::inbox::DueCounts,
    /// Turns of the changes that number an agency's dossiers in this process.
    pub numbering: crate::numbering::Turns,
}

/// The adapters a runtime wires: embedded (redb, files), AWS (DynamoDB, S3, SQS) or any mix.
pub struct Adapters {
    pub table: Arc<dyn Table>,
    pub objects: Arc<dyn ObjectStore>,
    pub queue: Arc<dyn Queue>,
    pub clock: Arc<dyn Clock>,
    pub notifier: Arc<dyn crate::events::Notifier>,
    pub connections: crate::integration::Connections,
}

/// What an instance reads from the table before it serves: the calendar and the regime
/// schedule in force (both read at once).
pub struct StoredSettings {
    calendar: Calendar,
    regime: crate::regime::RegimeSetting,
}

impl StoredSettings {
    pub async fn load(table: &dyn Table, deployment: &RegimeSchedule) -> crate::CoreResult<Self> {
        let (calendar, regime) =
            futures::try_join!(crate::calendar::load(table), crate::regime::load(table, deployment))?;
        Ok(StoredSettings { calendar, regime })
    }
}

impl Services {
    /// The one way every runtime (embedded, Lambda, the tests on moto) builds its services:
    /// the adapters, the token keys (PEM, newest first: private keys where this process signs,
    /// public keys where it only verifies) and the configuration; the calendar in force is
    /// read from the table.
    pub async fn assemble(adapters: Adapters, key_pems: &[String], config: Config) -> crate::CoreResult<Services> {
        let settings = StoredSettings::load(adapters.table.as_ref(), &config.regime).await?;
        Services::from_parts(adapters, key_pems, config, settings)
    }

    /// [`Services::assemble`] with settings already read (a Lambda cold start reads them while
    /// it fetches its secrets).
    pub fn from_parts(
        adapters: Adapters,
        key_pems: &[String],
        config: Config,
        settings: StoredSettings,
    ) -> crate::CoreResult<Services> {
        let StoredSettings { calendar, regime } = settings;
        let limits = crate::limits::Limits::new(config.lookups_per_minute);
        Ok(Services {
            table: adapters.table,
            objects: adapters.objects,
            queue: adapters.queue,
            clock: adapters.clock,
            calendar: RwLock::new(Arc::new(calendar)),
            regime: RwLock::new(regime),
            keys: JwtKeys::from_pems(key_pems)?,
            config,
            notifier: adapters.notifier,
            connections: adapters.connections,
            limits,
            access: Default::default(),
            catalogue: Default::default(),
            inbox_due_counts: Default::default(),
            numbering: Default::default(),
        })
    }

    /// The calendar in force now.
    pub fn calendar(&self) -> Arc<Calendar> {
        self.calendar.read().expect("calendar lock").clone()
    }

    /// The regime schedule in force and its version.
    pub fn regime_setting(&self) -> crate::regime::RegimeSetting {
        self.regime.read().expect("regime lock").clone()
    }

    /// The regime new dossiers are filed under on `day`.
    pub fn regime_at(&self, day: chrono::NaiveDate) -> Regime {
        self.regime.read().expect("regime lock").schedule.at(day)
    }

    /// Now, in Vietnam time.
    pub fn now(&self) -> chrono::DateTime<chrono::FixedOffset> {
        motcua_domain::vn_time(self.clock.now())
    }
}
