//! Injectable clock: wall time plus an offset that tests (or `POST /sandbox/clock`)
//! can move forward, so expiry and rate-limit windows are testable without sleeping.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A point in sandbox time: milliseconds since the Unix epoch.
pub type Millis = i64;

/// Wall clock shifted by an adjustable offset. Cloning shares the offset.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    /// A clock that starts at wall time (offset 0).
    pub fn new() -> Self {
        Self::default()
    }

    /// Current sandbox time in milliseconds since the epoch.
    pub fn now_ms(&self) -> Millis {
        let wall = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        wall.saturating_add(self.offset_ms.load(Ordering::SeqCst))
    }

    /// Moves sandbox time forward by `by`.
    pub fn advance(&self, by: Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        // fetch_update never fails with a closure that always returns Some.
        let _ = self
            .offset_ms
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |cur| {
                Some(cur.saturating_add(ms))
            });
    }

    /// Current offset from wall time, in milliseconds.
    pub fn offset_ms(&self) -> Millis {
        self.offset_ms.load(Ordering::SeqCst)
    }

    /// Back to wall time.
    pub fn reset(&self) {
        self.offset_ms.store(0, Ordering::SeqCst);
    }
}

/// `Duration` as milliseconds, saturating.
pub fn ms(d: Duration) -> Millis {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm), so no
/// date crate is needed for the two formats below.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    // day is 1..=31 and month 1..=12 by construction.
    (year, month as u32, day as u32)
}

struct Parts {
    year: i64,
    month: u32,
    day: u32,
    weekday: usize,
    hour: i64,
    minute: i64,
    second: i64,
    millis: i64,
}

fn split(t: Millis) -> Parts {
    let secs = t.div_euclid(1_000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    Parts {
        year,
        month,
        day,
        // 1970-01-01 was a Thursday (index 4 with Sunday = 0).
        weekday: (days + 4).rem_euclid(7) as usize,
        hour: sod / 3_600,
        minute: sod % 3_600 / 60,
        second: sod % 60,
        millis: t.rem_euclid(1_000),
    }
}

/// RFC 3339 / ISO 8601 UTC timestamp with milliseconds, e.g. `2026-11-25T18:00:00.000Z`.
pub fn rfc3339(t: Millis) -> String {
    let p = split(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        p.year, p.month, p.day, p.hour, p.minute, p.second, p.millis
    )
}

/// IMF-fixdate as used by HTTP `Retry-After`, e.g. `Wed, 25 Nov 2026 18:00:00 GMT`.
pub fn imf_fixdate(t: Millis) -> String {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let p = split(t);
    let month = MONTHS
        .get(p.month.saturating_sub(1) as usize)
        .copied()
        .unwrap_or("Jan");
    let weekday = DAYS.get(p.weekday).copied().unwrap_or("Sun");
    format!(
        "{weekday}, {:02} {month} {:04} {:02}:{:02}:{:02} GMT",
        p.day, p.year, p.hour, p.minute, p.second
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(imf_fixdate(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        // 2026-11-25T18:00:00Z
        let t = 1_795_629_600_000;
        assert_eq!(rfc3339(t + 7), "2026-11-25T18:00:00.007Z");
        assert_eq!(imf_fixdate(t), "Wed, 25 Nov 2026 18:00:00 GMT");
        // Leap day.
        assert_eq!(
            imf_fixdate(951_782_400_000),
            "Tue, 29 Feb 2000 00:00:00 GMT"
        );
    }

    #[test]
    fn advance_moves_time_forward() {
        let clock = Clock::new();
        let before = clock.now_ms();
        clock.advance(Duration::from_secs(3_600));
        assert!(clock.now_ms() - before >= 3_600_000);
        clock.reset();
        assert_eq!(clock.offset_ms(), 0);
    }
}
