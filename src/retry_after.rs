//! Parsing the `Retry-After` header (RFC 9110 §10.2.3): delta-seconds or an
//! HTTP-date in the IMF-fixdate form that servers must send.

use crate::validate;

/// Seconds to wait, given the header value and the current Unix time in
/// seconds. `None` for values that are neither form. Dates in the past give 0;
/// huge values saturate at one day, so a broken server cannot stall a page.
pub fn parse(value: &str, now_unix_secs: f64) -> Option<u32> {
    const MAX: u32 = 86_400;
    let value = value.trim();
    if let Some(seconds) = validate::decimal(value.as_bytes()) {
        return Some(seconds.min(u64::from(MAX)) as u32);
    }
    let at = parse_imf_fixdate(value)? as f64;
    let wait = (at - now_unix_secs).ceil();
    Some(if wait <= 0.0 {
        0
    } else {
        wait.min(f64::from(MAX)) as u32
    })
}

/// `Sun, 06 Nov 1994 08:49:37 GMT` → Unix seconds.
fn parse_imf_fixdate(value: &str) -> Option<i64> {
    let bytes = value.as_bytes();
    // Compared as bytes: slicing the `str` could split a multi-byte character.
    if bytes.len() != 29 || &bytes[3..5] != b", " || &bytes[25..] != b" GMT" {
        return None;
    }
    const DAYS: [&[u8]; 7] = [b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat", b"Sun"];
    const MONTHS: [&[u8]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    if !DAYS.contains(&&bytes[..3]) {
        return None;
    }
    // At most 4 digits: the value always fits.
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        validate::decimal(bytes.get(range)?).map(|n| n as i64)
    };
    let day = number(5..7)?;
    let month = MONTHS.iter().position(|m| *m == &bytes[8..11])? as i64 + 1;
    let year = number(12..16)?;
    let (hour, minute, second) = (number(17..19)?, number(20..22)?, number(23..25)?);
    let separators_ok = bytes[7] == b' '
        && bytes[11] == b' '
        && bytes[16] == b' '
        && bytes[19] == b':'
        && bytes[22] == b':';
    if !separators_ok || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delta_seconds() {
        assert_eq!(parse("30", 0.0), Some(30));
        assert_eq!(parse(" 7 ", 0.0), Some(7));
        assert_eq!(parse("0", 0.0), Some(0));
        assert_eq!(parse("99999999999999999999999", 0.0), Some(86_400));
        assert_eq!(parse("-5", 0.0), None);
        assert_eq!(parse("1.5", 0.0), None);
        assert_eq!(parse("", 0.0), None);
        assert_eq!(parse("soon", 0.0), None);
    }

    #[test]
    fn http_dates() {
        // 1994-11-06T08:49:37Z is 784111777.
        assert_eq!(
            parse_imf_fixdate("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(parse_imf_fixdate("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(
            parse_imf_fixdate("Wed, 25 Nov 2026 18:00:00 GMT"),
            Some(1_795_629_600)
        );
        let now = 784_111_777.0;
        assert_eq!(parse("Sun, 06 Nov 1994 08:51:37 GMT", now), Some(120));
        assert_eq!(parse("Sun, 06 Nov 1994 08:51:37 GMT", now + 0.5), Some(120));
        assert_eq!(parse("Sun, 06 Nov 1994 08:00:00 GMT", now), Some(0));
        assert_eq!(parse("Sun, 06 Nov 2094 08:00:00 GMT", now), Some(86_400));
    }

    #[test]
    fn malformed_dates() {
        for bad in [
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Xyz, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:49:37 GMT",
            "Sun, +6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMTX",
            "Sun, 06 Nov 1994 08:49:37 GM\u{e9}",
            "S\u{e9}, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 N\u{e9} 1994 08:49:37 GM",
            "Sun, 0\u{e9}Nov 1994 08:49:37 GMT",
        ] {
            assert_eq!(parse(bad, 0.0), None, "{bad}");
        }
    }
}
