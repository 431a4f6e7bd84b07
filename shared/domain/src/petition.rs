//! The handling of a feedback or petition (phản ánh, kiến nghị) and its deadlines (Decision 766,
//! group 1; `regime-2025.md` §5): refuse it within 2 working days of receipt, ask the sender for
//! more information within 5, answer within 15 — the working time spent waiting for the sender's
//! reply not counted — and publish an answer within 2 working days of it.
//!
//! Pure rules: which step may come next, when each is due, and whether a petition was handled on
//! time. The records and their storage live in `motcua-core` (`feedback.rs`).

use crate::calendar::Calendar;
use chrono::{DateTime, FixedOffset};
use serde::Serialize;

/// Working days allowed for each step, counted from receipt (publication: from the answer).
pub const REFUSE_DAYS: i64 = 2;
pub const ASK_DAYS: i64 = 5;
pub const ANSWER_DAYS: i64 = 15;
pub const PUBLISH_DAYS: i64 = 2;

type Time = DateTime<FixedOffset>;

/// When each step of a petition happened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub refused: Option<Time>,
    /// The agency asked the sender for more information …
    pub asked: Option<Time>,
    /// … and the sender replied.
    pub replied: Option<Time>,
    pub answered: Option<Time>,
    pub published: Option<Time>,
}

/// A step an officer or the sender takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Refuse,
    Ask,
    Reply,
    Answer,
    Publish,
}

/// Why a step cannot be taken now: a stable code and a Vietnamese message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRefused {
    pub code: &'static str,
    pub message: &'static str,
}

/// The moments by which each step is due; `answer_by` is absent while the agency waits for the
/// sender's reply (the clock is stopped), `publish_by` until there is an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = PetitionDeadlines)]
pub struct Deadlines {
    pub refuse_by: DateTime<FixedOffset>,
    pub ask_by: DateTime<FixedOffset>,
    pub answer_by: Option<DateTime<FixedOffset>>,
    pub publish_by: Option<DateTime<FixedOffset>>,
}

impl Progress {
    /// Whether `step` may be taken now: a refused or answered petition is closed (publication of
    /// an answer aside); the agency asks once; the sender replies only to a pending question.
    pub fn allows(&self, step: Step) -> Result<(), StepRefused> {
        let refuse = |code, message| Err(StepRefused { code, message });
        let closed = self.refused.is_some() || self.answered.is_some();
        match step {
            _ if self.refused.is_some() => {
                refuse("petition_refused", "Phản ánh, kiến nghị đã bị từ chối tiếp nhận, không xử lý tiếp.")
            }
            Step::Publish if self.answered.is_none() => {
                refuse("petition_not_answered", "Chỉ công khai được phản ánh, kiến nghị đã có câu trả lời.")
            }
            Step::Publish if self.published.is_some() => {
                refuse("petition_already_published", "Câu trả lời đã được công khai.")
            }
            Step::Publish => Ok(()),
            _ if closed => refuse("petition_answered", "Phản ánh, kiến nghị đã được trả lời."),
            Step::Ask if self.asked.is_some() => refuse(
                "petition_already_asked",
                "Cơ quan đã đề nghị người gửi bổ sung thông tin một lần cho phản ánh, kiến nghị này.",
            ),
            Step::Reply if self.asked.is_none() || self.replied.is_some() => refuse(
                "petition_no_question",
                "Cơ quan không đề nghị bổ sung thông tin, hoặc người gửi đã trả lời đề nghị.",
            ),
            Step::Refuse | Step::Ask | Step::Reply | Step::Answer => Ok(()),
        }
    }

    /// Whether the agency is waiting for the sender's reply (the answer's clock is stopped).
    pub fn awaiting_reply(&self) -> bool {
        self.asked.is_some() && self.replied.is_none() && self.answered.is_none() && self.refused.is_none()
    }

    /// When each step is due, for a petition sent at `sent` (after hours, it counts from the next
    /// working morning).
    pub fn deadlines(&self, sent: Time, cal: &Calendar) -> Deadlines {
        let day = cal.config().working_hours.minutes_per_day();
        let received = cal.receipt_time(sent);
        let by = |days: i64| cal.add_working_minutes(received, days * day);
        let waited = match (self.asked, self.replied.or(self.answered)) {
            (Some(asked), Some(back)) => Some(cal.working_minutes_between(asked, back)),
            (Some(_), None) => None,
            (None, _) => Some(0),
        };
        Deadlines {
            refuse_by: by(REFUSE_DAYS),
            ask_by: by(ASK_DAYS),
            answer_by: waited.map(|w| cal.add_working_minutes(received, ANSWER_DAYS * day + w)),
            publish_by: self.answered.map(|a| cal.add_working_minutes(cal.receipt_time(a), PUBLISH_DAYS * day)),
        }
    }

    /// Whether the petition was handled on time, once something is due: `None` while nothing
    /// is (still open within its deadlines, or waiting for the sender). Every step taken must be
    /// within its deadline; an open petition past its answer deadline is late. An answer the
    /// agency chose not to publish (personal content) is not late for publication.
    pub fn on_time(&self, sent: Time, cal: &Calendar, now: Time) -> Option<bool> {
        let d = self.deadlines(sent, cal);
        let within = |at: Option<Time>, due: Option<Time>| match (at, due) {
            (Some(at), Some(due)) => at <= due,
            _ => true,
        };
        let steps_in_time = within(self.refused, Some(d.refuse_by))
            && within(self.asked, Some(d.ask_by))
            && within(self.answered, d.answer_by)
            && within(self.published, d.publish_by);
        if self.refused.is_some() || self.answered.is_some() {
            Some(steps_in_time)
        } else if d.answer_by.is_some_and(|due| now > due) || !steps_in_time {
            Some(false)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{Calendar, CalendarConfig};

    fn at(s: &str) -> Time {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn cal() -> Calendar {
        Calendar::new(CalendarConfig::default())
    }

    // Sent Monday 02/03/2026 09:00; 2026 has no day off in March.
    const SENT: &str = "2026-03-02T09:00:00+07:00";

    #[test]
    fn each_step_has_its_working_day_deadline() {
        let p = Progress::default();
        let d = p.deadlines(at(SENT), &cal());
        assert_eq!(d.refuse_by, at("2026-03-04T09:00:00+07:00"));
        assert_eq!(d.ask_by, at("2026-03-09T09:00:00+07:00"));
        assert_eq!(d.answer_by, Some(at("2026-03-23T09:00:00+07:00")));
        assert_eq!(d.publish_by, None);
        let answered = Progress { answered: Some(at("2026-03-10T10:00:00+07:00")), ..p };
        assert_eq!(answered.deadlines(at(SENT), &cal()).publish_by, Some(at("2026-03-12T10:00:00+07:00")));
    }

    #[test]
    fn time_waiting_for_the_senders_reply_moves_the_answer_deadline() {
        let asked = Progress { asked: Some(at("2026-03-03T09:00:00+07:00")), ..Progress::default() };
        assert_eq!(asked.deadlines(at(SENT), &cal()).answer_by, None, "stopped while waiting");
        assert!(asked.awaiting_reply());
        // Three working days later the sender replies: the answer is due three days later too.
        let replied = Progress { replied: Some(at("2026-03-06T09:00:00+07:00")), ..asked };
        assert_eq!(replied.deadlines(at(SENT), &cal()).answer_by, Some(at("2026-03-26T09:00:00+07:00")));
        let answered = Progress { answered: Some(at("2026-03-25T16:00:00+07:00")), ..replied };
        assert_eq!(answered.on_time(at(SENT), &cal(), at("2026-04-30T09:00:00+07:00")), Some(true));
    }

    #[test]
    fn a_petition_is_on_time_only_if_every_step_was() {
        let now = at("2026-04-30T09:00:00+07:00");
        let sent = at(SENT);
        let open = Progress::default();
        assert_eq!(open.on_time(sent, &cal(), at("2026-03-20T09:00:00+07:00")), None, "nothing due yet");
        assert_eq!(open.on_time(sent, &cal(), now), Some(false), "past its answer deadline, unanswered");
        let refused_late = Progress { refused: Some(at("2026-03-05T09:00:00+07:00")), ..open };
        assert_eq!(refused_late.on_time(sent, &cal(), now), Some(false));
        let refused = Progress { refused: Some(at("2026-03-04T09:00:00+07:00")), ..open };
        assert_eq!(refused.on_time(sent, &cal(), now), Some(true));
        let asked_late = Progress { asked: Some(at("2026-03-10T09:00:00+07:00")), ..open };
        assert_eq!(asked_late.on_time(sent, &cal(), at("2026-03-11T09:00:00+07:00")), Some(false));
        let answered = Progress { answered: Some(at("2026-03-20T09:00:00+07:00")), ..open };
        assert_eq!(answered.on_time(sent, &cal(), now), Some(true), "not published: not late for it");
        let published_late = Progress { published: Some(at("2026-03-25T09:00:00+07:00")), ..answered };
        assert_eq!(published_late.on_time(sent, &cal(), now), Some(false));
        let published = Progress { published: Some(at("2026-03-24T09:00:00+07:00")), ..answered };
        assert_eq!(published.on_time(sent, &cal(), now), Some(true));
    }

    #[test]
    fn steps_follow_each_other() {
        let t = Some(at(SENT));
        let open = Progress::default();
        assert!(
            open.allows(Step::Refuse).is_ok() && open.allows(Step::Ask).is_ok() && open.allows(Step::Answer).is_ok()
        );
        assert_eq!(open.allows(Step::Reply).unwrap_err().code, "petition_no_question");
        assert_eq!(open.allows(Step::Publish).unwrap_err().code, "petition_not_answered");
        let asked = Progress { asked: t, ..open };
        assert_eq!(asked.allows(Step::Ask).unwrap_err().code, "petition_already_asked");
        assert!(asked.allows(Step::Reply).is_ok() && asked.allows(Step::Answer).is_ok());
        let replied = Progress { replied: t, ..asked };
        assert_eq!(replied.allows(Step::Reply).unwrap_err().code, "petition_no_question");
        let refused = Progress { refused: t, ..open };
        for step in [Step::Refuse, Step::Ask, Step::Reply, Step::Answer, Step::Publish] {
            assert_eq!(refused.allows(step).unwrap_err().code, "petition_refused");
        }
        let answered = Progress { answered: t, ..open };
        assert_eq!(answered.allows(Step::Answer).unwrap_err().code, "petition_answered");
        assert_eq!(answered.allows(Step::Refuse).unwrap_err().code, "petition_answered");
        assert!(answered.allows(Step::Publish).is_ok());
        let published = Progress { published: t, ..answered };
        assert_eq!(published.allows(Step::Publish).unwrap_err().code, "petition_already_published");
    }
}
