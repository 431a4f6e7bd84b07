//! Pure domain rules of MotCua. No I/O, no async, no clock: time is always passed in.
//!
//! - [`catalogue`]: procedures (M1) with their form schema and components, agencies, fields.
//! - [`dossier`]: dossiers (M2, S1): what was filed, its files, history, waits and parts.
//! - [`status`], [`state_machine`]: statuses with their national codes; the named actions.
//! - [`lifecycle`]: one typed command per action and the pure rule that decides it.
//! - [`views`]: what each caller sees of a dossier and may do now (allowed actions, flags).
//! - [`caller`]: who is asking; [`profile`]: a person or business (account, applicant);
//!   [`error`]: field errors.
//! - [`codes`]: dossier codes (rules §2) and other identifiers.
//! - [`calendar`]: working days, holidays, lunar dates and deadlines (rules §5).
//! - [`report`]: the statistics report (rules §6) computed from day-bucketed aggregates.
//! - [`evaluation`]: the nine indicators of an agency, its total and class (rules §7).
//! - [`rating`]: the satisfaction rating of a dossier (rules §7).
//! - [`workflow`]: per-procedure workflow steps and inter-agency parts (M1, G4).
//! - [`national`]: the national portal's records and the mapping of a dossier onto them (M10).
//! - [`delivery`]: retry with back-off and dead letters of outgoing deliveries (G2).
//! - [`throttle`]: login throttling (free failures, growing lockouts).
//! - [`index766`]: the Decision 766 index (five groups, 100 points) and each dossier's evaluation.
//! - [`registry`]: data read from a national registry with the applicant's consent (G5, P1).
//! - [`regime`]: the 2019 and 2025 regimes (forms, codes, extension approval) and their schedule.
//! - [`risk`]: lateness predicted from the usual duration of each workflow step.
//! - [`retention`]: archive and retention periods, erasure of personal data (G9).
//! - [`text`]: Vietnamese text folding for search without diacritics (P10).

pub mod calendar;
pub mod caller;
pub mod catalogue;
pub mod codes;
pub mod coexistence;
pub mod credentials;
pub mod delivery;
pub mod dossier;
pub mod error;
pub mod evaluation;
pub mod ids;
pub mod index766;
pub mod lifecycle;
pub mod national;
pub mod petition;
pub mod profile;
pub mod rating;
pub mod regime;
pub mod registry;
pub mod report;
pub mod retention;
pub mod risk;
pub mod roles;
pub mod state_machine;
pub mod status;
pub mod text;
pub mod throttle;
pub mod views;
pub mod workflow;

/// Vietnam time (UTC+7, no daylight saving).
pub fn vn_time(t: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::FixedOffset> {
    t.with_timezone(&calendar::vn_offset())
}
