//! The retention rule: with `retention_days`, no signature stays stored more
//! than that many days after the petition closes. `serve` checks it at start,
//! and a running server again when the deadline passes and every day after,
//! so a server that is never restarted cannot keep signatures past it.

use std::time::Duration;

use time::OffsetDateTime;

use crate::config::{Petition, RetentionAction};

/// How often a running server checks again.
pub const EVERY: Duration = Duration::from_secs(24 * 60 * 60);

/// What the rule says now.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing is kept past the deadline (or there is no rule).
    Within,
    /// Overdue, and the organizers chose a warning: print it.
    Warn(String),
    /// Overdue: do not serve.
    Refuse(String),
}

/// When every signature must be gone, if the petition has a retention rule.
pub fn deadline(p: &Petition) -> Option<OffsetDateTime> {
    let seconds = i64::try_from(p.retention_days?).ok()?.checked_mul(86_400)?;
    p.closes?.checked_add(time::Duration::seconds(seconds))
}

/// The rule at `now`, for a folder holding `stored` signatures. Any record
/// still here after the deadline is kept longer than promised, whatever was
/// purged before: only an emptied folder satisfies it.
pub fn check(p: &Petition, stored: u64, now: OffsetDateTime) -> Verdict {
    let (Some(deadline), Some(closes)) = (deadline(p), p.closes) else {
        return Verdict::Within;
    };
    if now < deadline || stored == 0 {
        return Verdict::Within;
    }
    let message = format!(
        "retention: this petition closed on {} and its signatures were to be purged by {}. Export them \
         (`undersign export`), take the export offline, then run `undersign purge --data DIR --export FILE`",
        // A bare closing date means "through that day": name that day.
        closes
            .checked_sub(time::Duration::SECOND)
            .unwrap_or(closes)
            .date(),
        deadline.date()
    );
    match p.retention {
        RetentionAction::Refuse => {
            Verdict::Refuse(format!("{message} (or set retention = \"warn\")"))
        }
        RetentionAction::Warn => Verdict::Warn(message),
    }
}

/// How long a running server waits before checking again: until just past
/// the deadline when that comes within a day, otherwise a day.
pub fn next_check(p: &Petition, now: OffsetDateTime) -> Duration {
    match deadline(p) {
        Some(d) if d > now => {
            let until = Duration::try_from(d - now).unwrap_or(EVERY);
            (until + Duration::from_secs(1)).min(EVERY)
        }
        _ => EVERY,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn petition(closes: &str, days: Option<u64>, action: RetentionAction) -> Petition {
        let text = format!(
            "[petition]\nslug = \"p\"\ndefault_lang = \"en\"\ncloses = {closes}\n\
             [petition.organizers]\nname = \"O\"\ncontact = \"o@example.org\"\n\
             [petition.text.en]\ntitle = \"T\"\nbody = \"B\"\n\
             what_happens_to_names = \"N\"\nwhat_happens_to_emails = \"E\"\n"
        );
        let mut p = crate::config::Config::parse(&text, "test", std::path::Path::new("."))
            .unwrap()
            .petition;
        p.retention_days = days;
        p.retention = action;
        p
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`.
    fn at(s: &str) -> OffsetDateTime {
        let n = |r: std::ops::Range<usize>| s[r].parse::<u16>().unwrap();
        time::Date::from_calendar_date(
            n(0..4).into(),
            time::Month::try_from(n(5..7) as u8).unwrap(),
            n(8..10) as u8,
        )
        .unwrap()
        .with_hms(n(11..13) as u8, n(14..16) as u8, n(17..19) as u8)
        .unwrap()
        .assume_utc()
    }

    #[test]
    fn refuses_or_warns_only_past_the_deadline_with_signatures_stored() {
        // Closes at the end of 2026-01-31 (1 February, 00:00); 30 days later is 3 March.
        let p = petition("2026-01-31", Some(30), RetentionAction::Refuse);
        assert_eq!(deadline(&p), Some(at("2026-03-03T00:00:00Z")));
        assert_eq!(check(&p, 5, at("2026-03-02T23:59:59Z")), Verdict::Within);
        assert_eq!(check(&p, 0, at("2027-01-01T00:00:00Z")), Verdict::Within);
        let Verdict::Refuse(m) = check(&p, 5, at("2026-03-03T00:00:00Z")) else {
            panic!("not refused at the deadline");
        };
        assert!(
            m.contains("closed on 2026-01-31") && m.contains("purged by 2026-03-03"),
            "{m}"
        );
        assert!(m.contains("undersign purge") && m.ends_with("(or set retention = \"warn\")"));

        let warn = petition("2026-01-31", Some(30), RetentionAction::Warn);
        assert!(matches!(
            check(&warn, 1, at("2026-04-01T00:00:00Z")),
            Verdict::Warn(m) if !m.contains("retention = ")
        ));
        // No rule, or a rule too far away to count: never overdue.
        let none = petition("2026-01-31", None, RetentionAction::Refuse);
        assert_eq!(check(&none, 9, at("2999-01-01T00:00:00Z")), Verdict::Within);
        let huge = petition("2026-01-31", Some(u64::MAX), RetentionAction::Refuse);
        assert_eq!(check(&huge, 9, at("2999-01-01T00:00:00Z")), Verdict::Within);
    }

    #[test]
    fn a_running_server_checks_just_past_a_near_deadline_then_daily() {
        let p = petition("2026-05-01T12:00:00Z", Some(0), RetentionAction::Refuse);
        assert_eq!(
            next_check(&p, at("2026-05-01T11:59:50Z")),
            Duration::from_secs(11)
        );
        assert_eq!(next_check(&p, at("2026-04-01T00:00:00Z")), EVERY);
        assert_eq!(next_check(&p, at("2026-05-01T12:00:00Z")), EVERY);
        assert_eq!(
            next_check(
                &petition("2026-05-01", None, RetentionAction::Warn),
                at("2026-01-01T00:00:00Z")
            ),
            EVERY
        );
    }
}
