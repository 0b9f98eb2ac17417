//! Time: the UTC [`Timestamp`] every part of gdaudit uses, its RFC 3339 reading and writing
//! (a small calendar, so no date library is needed), and the durations and times users type
//! (`--since 24h`, `changes.since = "7d"`, `2026-11-01T00:00:00Z`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// A point in time in UTC, to the millisecond. Written as RFC 3339 (`2024-05-01T12:00:00Z`).
///
/// Reads what CloudTrail and its exporters write: `2024-05-01T12:00:00Z`, fractional
/// seconds, offsets (`-08:00`), a space instead of `T` and no zone (Panther's
/// `2022-07-17 04:50:23`, taken as UTC), a bare date, and epoch seconds or milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

/// A time gdaudit could not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "not a date and time gdaudit can read: {0:?} (expected RFC 3339, e.g. 2024-05-01T12:00:00Z)"
)]
pub struct InvalidTimestamp(pub String);

const MILLIS_PER_DAY: i64 = 86_400_000;
/// Years 0000–9999: enough for any log, small enough that no arithmetic overflows.
const MIN_MILLIS: i64 = -62_167_219_200_000;
const MAX_MILLIS: i64 = 253_402_300_799_999;

impl Timestamp {
    /// Milliseconds since 1970-01-01T00:00:00Z, clamped to years 0000–9999.
    pub fn from_unix_millis(millis: i64) -> Timestamp {
        Timestamp(millis.clamp(MIN_MILLIS, MAX_MILLIS))
    }

    pub fn unix_millis(self) -> i64 {
        self.0
    }

    /// The current time from the system clock.
    pub fn now() -> Timestamp {
        let since_epoch = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(MAX_MILLIS))
            .unwrap_or(0);
        Timestamp::from_unix_millis(since_epoch)
    }

    /// This time moved by `millis` (negative: earlier), saturating at the ends of the range.
    pub fn add_millis(self, millis: i64) -> Timestamp {
        Timestamp::from_unix_millis(self.0.saturating_add(millis))
    }

    /// Parses the textual forms listed on [`Timestamp`]; `None` for anything else.
    pub fn parse(text: &str) -> Option<Timestamp> {
        parse_datetime(text.trim().as_bytes())
    }

    /// Epoch seconds (below 10^11) or milliseconds, as some exporters write them.
    pub fn from_epoch_number(number: f64) -> Option<Timestamp> {
        if !number.is_finite() {
            return None;
        }
        let millis = if number.abs() < 1e11 {
            number * 1000.0
        } else {
            number
        };
        // The range check keeps the cast exact and the result within years 0000–9999.
        ((MIN_MILLIS as f64)..=(MAX_MILLIS as f64))
            .contains(&millis)
            .then(|| Timestamp(millis.round() as i64))
    }

    pub(crate) fn from_json(value: &Value) -> Option<Timestamp> {
        match value {
            Value::String(s) => Timestamp::parse(s),
            Value::Number(n) => n.as_f64().and_then(Timestamp::from_epoch_number),
            _ => None,
        }
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.0.div_euclid(MILLIS_PER_DAY);
        let in_day = self.0.rem_euclid(MILLIS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        let (secs, millis) = (in_day / 1000, in_day % 1000);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )?;
        if millis != 0 {
            write!(f, ".{millis:03}")?;
        }
        f.write_str("Z")
    }
}

impl FromStr for Timestamp {
    type Err = InvalidTimestamp;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Timestamp::parse(s).ok_or_else(|| InvalidTimestamp(s.to_owned()))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// `YYYY-MM-DD[(T| )HH:MM[:SS[.fff…]]][Z|UTC|±HH[:MM]]`, working on bytes so that no
/// input can split a character.
fn parse_datetime(b: &[u8]) -> Option<Timestamp> {
    let year = digits(b, 0, 4)?;
    literal(b, 4, b'-')?;
    let month = digits(b, 5, 2)?;
    literal(b, 7, b'-')?;
    let day = digits(b, 8, 2)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let (mut hour, mut minute, mut second, mut millis) = (0, 0, 0, 0);
    let mut i = 10;
    if i < b.len() && matches!(b[i], b'T' | b't' | b' ') {
        hour = digits(b, 11, 2)?;
        literal(b, 13, b':')?;
        minute = digits(b, 14, 2)?;
        i = 16;
        if b.get(i) == Some(&b':') {
            second = digits(b, 17, 2)?;
            i = 19;
            if matches!(b.get(i), Some(b'.' | b',')) {
                i += 1;
                let start = i;
                while i < b.len() && b[i].is_ascii_digit() {
                    if i - start < 3 {
                        millis = millis * 10 + i64::from(b[i] - b'0');
                    }
                    i += 1;
                }
                let given = i - start;
                if given == 0 {
                    return None;
                }
                for _ in given..3 {
                    millis *= 10;
                }
            }
        }
        // 60 is a leap second: CloudTrail never writes one, but RFC 3339 allows it.
        if hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        second = second.min(59);
    }
    let offset_minutes = parse_zone(&b[i.min(b.len())..])?;
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
    Some(Timestamp::from_unix_millis(secs * 1000 + millis))
}

/// The zone suffix as minutes east of UTC; no suffix means UTC.
fn parse_zone(rest: &[u8]) -> Option<i64> {
    let rest = rest.strip_prefix(b" ").unwrap_or(rest);
    match rest {
        b"" | b"Z" | b"z" | b"UTC" | b"GMT" | b"+00:00" => Some(0),
        [sign @ (b'+' | b'-'), tail @ ..] => {
            let hours = digits(tail, 0, 2)?;
            let minutes = match tail[2..] {
                [] => 0,
                [b':', m0, m1] | [m0, m1] => digits(&[m0, m1], 0, 2)?,
                _ => return None,
            };
            if hours > 23 || minutes > 59 {
                return None;
            }
            let total = hours * 60 + minutes;
            Some(if *sign == b'-' { -total } else { total })
        }
        _ => None,
    }
}

fn digits(b: &[u8], at: usize, len: usize) -> Option<i64> {
    let slice = b.get(at..at + len)?;
    slice.iter().try_fold(0i64, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
    })
}

fn literal(b: &[u8], at: usize, want: u8) -> Option<()> {
    (b.get(at) == Some(&want)).then_some(())
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (eras of 400 years, March-based years).
pub(crate) fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`].
pub(crate) fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Parses a duration such as `90s`, `30m`, `24h`, `7d`, `2w` into milliseconds.
pub fn parse_duration(text: &str) -> Option<i64> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(split);
    let n: i64 = number.parse().ok()?;
    let unit_millis = match unit {
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        "w" => 7 * 86_400_000,
        _ => return None,
    };
    n.checked_mul(unit_millis)
}

/// Parses `--since`/`--until`: a duration back from `now`, or an RFC 3339 time.
pub fn parse_when(text: &str, now: Timestamp) -> Result<Timestamp, String> {
    if let Some(millis) = parse_duration(text) {
        return Ok(now.add_millis(-millis));
    }
    Timestamp::parse(text).ok_or_else(|| {
        format!("`{text}` is neither a duration (30m, 24h, 7d, 2w) nor an RFC 3339 time (2026-11-01T00:00:00Z)")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_times() {
        let now = Timestamp::parse("2026-11-22T12:00:00Z").unwrap();
        assert_eq!(
            parse_when("24h", now).unwrap(),
            Timestamp::parse("2026-11-21T12:00:00Z").unwrap()
        );
        assert_eq!(
            parse_when("7d", now).unwrap(),
            Timestamp::parse("2026-11-15T12:00:00Z").unwrap()
        );
        assert_eq!(
            parse_when("30m", now).unwrap(),
            Timestamp::parse("2026-11-22T11:30:00Z").unwrap()
        );
        assert_eq!(
            parse_when("2026-11-01T00:00:00Z", now).unwrap(),
            Timestamp::parse("2026-11-01T00:00:00Z").unwrap()
        );
        assert!(parse_when("yesterday", now).is_err());
        assert!(parse_when("10y", now).is_err());
        assert_eq!(parse_duration("2w"), Some(14 * 86_400_000));
    }
}
