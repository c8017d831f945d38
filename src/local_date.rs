//! Today's date where the user is: the machine's local time zone (as
//! `date` shows it; in Japan, JST), UTC when the zone cannot be known. A
//! suppression's `until` day is the user's day: in Japan, one written
//! `until=2026-12-07` must stop at midnight JST, not at 09:00 JST the next
//! morning.

use crate::suppress::Date;

/// The date at `secs` seconds after the Unix epoch, in a zone
/// `offset_secs` east of UTC (JST: 9 × 3600). Pure, so that tests need
/// not depend on the machine's zone.
pub fn date_at(secs: i64, offset_secs: i64) -> Date {
    Date::from_days(secs.saturating_add(offset_secs).div_euclid(86_400))
}

/// Today in the machine's local time zone, from the system clock; in UTC
/// when the local offset cannot be known.
pub fn today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    date_at(secs, local_offset(secs).unwrap_or(0))
}

/// Seconds east of UTC of the machine's local time zone at `secs`, as
/// the C library reads it (`TZ`, else `/etc/localtime`); None when it
/// cannot say.
#[cfg(unix)]
#[allow(unsafe_code)]
fn local_offset(secs: i64) -> Option<i64> {
    let t = libc::time_t::try_from(secs).ok()?;
    // SAFETY: `tm` is plain old data (integers and, on some systems, a
    // pointer to a zone name that is only read by libc), for which all
    // zeroes is a valid value; `localtime_r` writes into it and reads `t`,
    // both borrowed for the call only. Unlike `localtime`, it uses no
    // shared buffer, so a concurrent call elsewhere cannot overwrite it.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: both pointers are to live locals, valid for the call.
    let out = unsafe { libc::localtime_r(&t, &mut tm) };
    if out.is_null() {
        return None;
    }
    // A `c_long`: 32 bits on some systems, so converted.
    #[allow(clippy::useless_conversion)]
    let offset = i64::from(tm.tm_gmtoff);
    // A real zone is less than a day from UTC (the widest are ±14 h).
    (offset.abs() < 86_400).then_some(offset)
}

/// No C library to ask: UTC.
#[cfg(not(unix))]
fn local_offset(_secs: i64) -> Option<i64> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-12-07 20:00 UTC, in seconds after the epoch.
    const EVENING: i64 = 20_794 * 86_400 + 20 * 3600;

    #[test]
    fn the_day_is_the_day_of_the_zone() {
        assert_eq!(date_at(EVENING, 0).to_string(), "2026-12-07");
        // In Japan it is already 05:00 on the 8th.
        assert_eq!(date_at(EVENING, 9 * 3600).to_string(), "2026-12-08");
        // West of UTC, still the 7th, and in the morning, the 6th there.
        assert_eq!(date_at(EVENING, -12 * 3600).to_string(), "2026-12-07");
        let morning = EVENING - 18 * 3600;
        assert_eq!(date_at(morning, -12 * 3600).to_string(), "2026-12-06");
        assert_eq!(date_at(morning, 0).to_string(), "2026-12-07");
        // Midnight JST is the first second of the day there.
        let midnight_jst = 20_794 * 86_400 + 15 * 3600;
        assert_eq!(
            date_at(midnight_jst - 1, 9 * 3600).to_string(),
            "2026-12-07"
        );
        assert_eq!(date_at(midnight_jst, 9 * 3600).to_string(), "2026-12-08");
    }

    #[test]
    fn the_local_offset_is_less_than_a_day() {
        if let Some(offset) = local_offset(EVENING) {
            assert!(offset.abs() < 86_400);
        }
        let today = today();
        assert!(today.year >= 2024, "{today}");
    }
}
