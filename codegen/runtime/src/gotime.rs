//! Go's RFC 3339 handling for `time.Time` in JSON: what `MarshalJSON` writes and what
//! `UnmarshalJSON` accepts, with Go's error messages.

use std::fmt::Write as _;

/// The layout Go names in its parse errors.
pub(crate) const RFC3339: &str = "2006-01-02T15:04:05Z07:00";

/// The fields of a parsed timestamp, in the value's own zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Parts {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub min: u32,
    pub sec: u32,
    pub nsec: u32,
    /// Offset east of UTC, in seconds.
    pub offset: i32,
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in(month: u32, year: i64) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Parses RFC 3339 as Go's JSON decoding of `time.Time` does: upper-case `T`,
/// two-digit fields, optional `.` fraction of any length (truncated to nanoseconds),
/// and `Z` or `±hh:mm`; also what Go accepts beyond that ([`parse_lenient`]). Errors
/// carry Go's `time.ParseError` message.
pub(crate) fn parse(s: &[u8]) -> Result<Parts, String> {
    match parse_fast(s).or_else(|| parse_lenient(s)) {
        Some(p) => Ok(p),
        None => Err(parse_error(s)),
    }
}

/// What Go's `time.Time` JSON decoding accepts beyond the strict form (measured
/// against Go): a comma before the fraction (`05,123Z` is `05.123Z`), and a zone
/// offset of 60 minutes (`+01:60` is `+02:00`, the wall clock as written).
fn parse_lenient(s: &[u8]) -> Option<Parts> {
    let mut v = s.to_vec();
    let mut changed = false;
    if v.len() > 20 && v[19] == b',' && v[20].is_ascii_digit() {
        v[19] = b'.';
        changed = true;
    }
    let n = v.len();
    let mut extra_minutes = 0;
    if n >= 25 && (v[n - 6] == b'+' || v[n - 6] == b'-') && v[n - 3] == b':' && v[n - 2..] == *b"60"
    {
        v[n - 2] = b'0';
        v[n - 1] = b'0';
        extra_minutes = if v[n - 6] == b'-' { -60 } else { 60 };
        changed = true;
    }
    if !changed {
        return None;
    }
    let mut p = parse_fast(&v)?;
    p.offset += extra_minutes * 60;
    Some(p)
}

fn parse_fast(s: &[u8]) -> Option<Parts> {
    if s.len() < 19 {
        return None;
    }
    fn num(s: &[u8], min: u32, max: u32) -> Option<u32> {
        let mut x: u32 = 0;
        for &c in s {
            if !c.is_ascii_digit() {
                return None;
            }
            x = x * 10 + (c - b'0') as u32;
        }
        (min..=max).contains(&x).then_some(x)
    }
    let year = num(&s[0..4], 0, 9999)?;
    let month = num(&s[5..7], 1, 12)?;
    let day = num(&s[8..10], 1, days_in(month, year as i64))?;
    let hour = num(&s[11..13], 0, 23)?;
    let min = num(&s[14..16], 0, 59)?;
    let sec = num(&s[17..19], 0, 59)?;
    if !(s[4] == b'-' && s[7] == b'-' && s[10] == b'T' && s[13] == b':' && s[16] == b':') {
        return None;
    }
    let mut rest = &s[19..];
    let mut nsec = 0;
    if rest.len() >= 2 && rest[0] == b'.' && rest[1].is_ascii_digit() {
        let mut n = 2;
        while n < rest.len() && rest[n].is_ascii_digit() {
            n += 1;
        }
        nsec = nanoseconds(&rest[1..n]);
        rest = &rest[n..];
    }
    let offset = if rest == b"Z" {
        0
    } else {
        if rest.len() != 6 {
            return None;
        }
        let hr = num(&rest[1..3], 0, 23)?;
        let mm = num(&rest[4..6], 0, 59)?;
        if !((rest[0] == b'-' || rest[0] == b'+') && rest[3] == b':') {
            return None;
        }
        let off = ((hr * 60 + mm) * 60) as i32;
        if rest[0] == b'-' { -off } else { off }
    };
    Some(Parts {
        year: year as i32,
        month,
        day,
        hour,
        min,
        sec,
        nsec,
        offset,
    })
}

/// Fraction digits to nanoseconds: the first 9 digits count, the rest is dropped.
fn nanoseconds(digits: &[u8]) -> u32 {
    let mut ns: u32 = 0;
    for i in 0..9 {
        ns *= 10;
        if let Some(&d) = digits.get(i) {
            ns += (d - b'0') as u32;
        }
    }
    ns
}

/// Go's `time` package `quote`: every byte outside printable ASCII as `\xNN`.
fn tquote(s: &[u8]) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for &b in s {
        if !(0x20..0x80).contains(&b) {
            let _ = write!(out, "\\x{b:02x}");
        } else {
            if b == b'"' || b == b'\\' {
                out.push('\\');
            }
            out.push(b as char);
        }
    }
    out.push('"');
    out
}

fn cannot_parse(value: &[u8], value_elem: &[u8], layout_elem: &str) -> String {
    format!(
        "parsing time {} as {}: cannot parse {} as {}",
        tquote(value),
        tquote(RFC3339.as_bytes()),
        tquote(value_elem),
        tquote(layout_elem.as_bytes())
    )
}

fn with_message(value: &[u8], message: &str) -> String {
    format!("parsing time {}{}", tquote(value), message)
}

/// Go's `getnum`: one or two digits (exactly two when `fixed`).
fn getnum(s: &[u8], fixed: bool) -> Option<(u32, &[u8])> {
    let d0 = *s.first().filter(|c| c.is_ascii_digit())?;
    match s.get(1) {
        Some(d1) if d1.is_ascii_digit() => Some((((d0 - b'0') * 10 + (d1 - b'0')) as u32, &s[2..])),
        _ if fixed => None,
        _ => Some(((d0 - b'0') as u32, &s[1..])),
    }
}

/// Produces the error Go gives for a value its fast path rejected: the message of
/// `time.Parse(time.RFC3339, ...)`, or, where that lenient parser would accept the
/// value but Go refuses it (a one-digit hour, a zone offset of 24 hours), the message
/// of Go's strict RFC 3339 checks. (A comma before the fraction and a zone minute of 60
/// do not get here: [`parse_lenient`] accepts them.)
fn parse_error(value: &[u8]) -> String {
    let mut v = value;
    macro_rules! skip {
        ($c:expr) => {
            if v.first() != Some(&$c) {
                return cannot_parse(value, v, std::str::from_utf8(&[$c]).unwrap_or(""));
            }
            v = &v[1..];
        };
    }
    // Year: four characters starting with a digit, parsed by Go's atoi.
    if v.len() < 4 || !v[0].is_ascii_digit() {
        return cannot_parse(value, v, "2006");
    }
    let year_text = &v[..4];
    if !year_text.iter().all(|c| c.is_ascii_digit()) {
        return cannot_parse(value, v, "2006");
    }
    let year: i64 = year_text.iter().fold(0, |a, c| a * 10 + (c - b'0') as i64);
    v = &v[4..];
    skip!(b'-');
    let hold = v;
    let Some((month, rest)) = getnum(v, true) else {
        return cannot_parse(value, hold, "01");
    };
    if !(1..=12).contains(&month) {
        return with_message(value, ": month out of range");
    }
    v = rest;
    skip!(b'-');
    let hold = v;
    let Some((day, rest)) = getnum(v, true) else {
        return cannot_parse(value, hold, "02");
    };
    v = rest;
    skip!(b'T');
    let hold = v;
    let Some((hour, rest)) = getnum(v, false) else {
        return cannot_parse(value, hold, "15");
    };
    if hour >= 24 {
        return with_message(value, ": hour out of range");
    }
    let one_digit_hour = hold.len() - rest.len() == 1;
    v = rest;
    skip!(b':');
    let hold = v;
    let Some((min, rest)) = getnum(v, true) else {
        return cannot_parse(value, hold, "04");
    };
    if min >= 60 {
        return with_message(value, ": minute out of range");
    }
    v = rest;
    skip!(b':');
    let hold = v;
    let Some((sec, rest)) = getnum(v, true) else {
        return cannot_parse(value, hold, "05");
    };
    if sec >= 60 {
        return with_message(value, ": second out of range");
    }
    v = rest;
    if v.len() >= 2 && (v[0] == b'.' || v[0] == b',') && v[1].is_ascii_digit() {
        let mut n = 2;
        while n < v.len() && v[n].is_ascii_digit() {
            n += 1;
        }
        v = &v[n..];
    }
    // Zone: "Z" or "±hh:mm".
    let hold = v;
    let mut zone_range: Option<&str> = None;
    if v.first() == Some(&b'Z') {
        v = &v[1..];
    } else {
        if v.len() < 6 || v[3] != b':' {
            return cannot_parse(value, hold, "Z07:00");
        }
        let (sign, hh, mm) = (v[0], &v[1..3], &v[4..6]);
        v = &v[6..];
        let (Some((hr, _)), Some((mn, _))) = (getnum(hh, true), getnum(mm, true)) else {
            return cannot_parse(value, hold, "Z07:00");
        };
        if hr > 24 {
            return with_message(value, ": time zone offset hour out of range");
        }
        if mn > 60 {
            return with_message(value, ": time zone offset minute out of range");
        }
        if sign != b'+' && sign != b'-' {
            return cannot_parse(value, hold, "Z07:00");
        }
        if hr > 23 {
            zone_range = Some(": timezone hour out of range");
        }
    }
    if !v.is_empty() {
        return format!("parsing time {}: extra text: {}", tquote(value), tquote(v));
    }
    if day < 1 || day > days_in(month, year) {
        return with_message(value, ": day out of range");
    }
    // Go's lenient parser accepts the value; its strict checks (disabled by default in
    // Go 1.20+, which we apply) name the problem.
    if one_digit_hour {
        return cannot_parse(value, &value[11..12], "15");
    }
    if let Some(msg) = zone_range {
        return with_message(value, msg);
    }
    // Not reached for inputs the fast path rejects, but keep a sensible message.
    cannot_parse(value, value, RFC3339)
}

/// Formats like Go's `Time.MarshalJSON` (without quotes): RFC 3339 with the fraction's
/// trailing zeros removed and `Z` for a zero offset. Errors like Go for years outside
/// 0..=9999.
pub(crate) fn format(p: &Parts, out: &mut String) -> Result<(), String> {
    if !(0..=9999).contains(&p.year) {
        return Err("year outside of range [0,9999]".to_string());
    }
    format_lenient(p, out);
    Ok(())
}

/// Formats without the year check (years beyond 4 digits are written in full).
///
/// Written digit by digit rather than with `write!`: results with timestamps are
/// common, and the formatting machinery costs more than the rest of the value.
pub(crate) fn format_lenient(p: &Parts, out: &mut String) {
    if p.year < 0 {
        out.push('-');
    }
    push_padded(out, p.year.unsigned_abs(), 4);
    out.push('-');
    push_padded(out, p.month, 2);
    out.push('-');
    push_padded(out, p.day, 2);
    out.push('T');
    push_padded(out, p.hour, 2);
    out.push(':');
    push_padded(out, p.min, 2);
    out.push(':');
    push_padded(out, p.sec, 2);
    if p.nsec != 0 {
        // Nine digits without the trailing zeros.
        let mut digits = [b'0'; 9];
        let mut n = p.nsec;
        for d in digits.iter_mut().rev() {
            *d = b'0' + (n % 10) as u8;
            n /= 10;
        }
        let len = digits.iter().rposition(|&d| d != b'0').map_or(0, |i| i + 1);
        out.push('.');
        out.extend(digits[..len].iter().map(|&d| char::from(d)));
    }
    if p.offset == 0 {
        out.push('Z');
    } else {
        let (sign, off) = if p.offset < 0 {
            ('-', p.offset.unsigned_abs())
        } else {
            ('+', p.offset.unsigned_abs())
        };
        // Go's RFC 3339 writes hours and minutes only; seconds of an offset are dropped.
        out.push(sign);
        push_padded(out, off / 3600, 2);
        out.push(':');
        push_padded(out, (off / 60) % 60, 2);
    }
}

/// Appends `v` in decimal, zero-padded to at least `width` digits.
fn push_padded(out: &mut String, v: u32, width: usize) {
    let mut buf = [b'0'; 10];
    let mut n = v;
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let start = i.min(buf.len() - width.min(buf.len()));
    out.extend(buf[start..].iter().map(|&d| char::from(d)));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(s: &str) -> String {
        parse(s.as_bytes()).unwrap_err()
    }

    #[test]
    fn accepts_rfc3339() {
        let p = parse(b"2024-01-02T03:04:05.123Z").unwrap();
        assert_eq!(
            (p.year, p.month, p.day, p.hour, p.min, p.sec),
            (2024, 1, 2, 3, 4, 5)
        );
        assert_eq!(p.nsec, 123_000_000);
        assert_eq!(p.offset, 0);
        let p = parse(b"2024-01-02T03:04:05+02:00").unwrap();
        assert_eq!(p.offset, 7200);
        let p = parse(b"2024-01-02T03:04:05.1234567891234-01:30").unwrap();
        assert_eq!(p.nsec, 123_456_789);
        assert_eq!(p.offset, -5400);
        assert!(parse(b"2024-02-29T00:00:00Z").is_ok());
        assert!(parse(b"0000-01-01T00:00:00Z").is_ok());
    }

    #[test]
    fn go_error_messages() {
        assert_eq!(
            err(""),
            r#"parsing time "" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "2006""#
        );
        assert_eq!(
            err("2024-01-02T03:04:05"),
            r#"parsing time "2024-01-02T03:04:05" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00""#
        );
        assert_eq!(
            err("2024-01-02 03:04:05Z"),
            r#"parsing time "2024-01-02 03:04:05Z" as "2006-01-02T15:04:05Z07:00": cannot parse " 03:04:05Z" as "T""#
        );
        assert_eq!(
            err("2024-01-02t03:04:05Z"),
            r#"parsing time "2024-01-02t03:04:05Z" as "2006-01-02T15:04:05Z07:00": cannot parse "t03:04:05Z" as "T""#
        );
        assert_eq!(
            err("2024-01-02T03:04:05z"),
            r#"parsing time "2024-01-02T03:04:05z" as "2006-01-02T15:04:05Z07:00": cannot parse "z" as "Z07:00""#
        );
        assert_eq!(
            err("20240-01-02T03:04:05Z"),
            r#"parsing time "20240-01-02T03:04:05Z" as "2006-01-02T15:04:05Z07:00": cannot parse "0-01-02T03:04:05Z" as "-""#
        );
        assert_eq!(
            err("2024-13-02T03:04:05Z"),
            r#"parsing time "2024-13-02T03:04:05Z": month out of range"#
        );
        assert_eq!(
            err("2023-02-29T03:04:05Z"),
            r#"parsing time "2023-02-29T03:04:05Z": day out of range"#
        );
        assert_eq!(
            err("2024-01-02T03:04:60Z"),
            r#"parsing time "2024-01-02T03:04:60Z": second out of range"#
        );
        assert_eq!(
            err("2024-01-02T03:04:05Zx"),
            r#"parsing time "2024-01-02T03:04:05Zx": extra text: "x""#
        );
        assert_eq!(
            err("2024-01-02T3:04:05Z"),
            r#"parsing time "2024-01-02T3:04:05Z" as "2006-01-02T15:04:05Z07:00": cannot parse "3" as "15""#
        );
        // Accepted, as Go's JSON decoding accepts them: a comma before the fraction,
        // a zone offset of 60 minutes.
        let p = parse(b"2024-01-02T03:04:05,5Z").unwrap();
        assert_eq!((p.sec, p.nsec, p.offset), (5, 500_000_000, 0));
        let p = parse(b"2024-01-02T03:04:05+01:60").unwrap();
        assert_eq!((p.hour, p.offset), (3, 7200));
        let p = parse(b"2024-01-02T03:04:05,25-00:60").unwrap();
        assert_eq!((p.nsec, p.offset), (250_000_000, -3600));
        assert_eq!(
            err("2024-01-02T03:04:05+24:00"),
            r#"parsing time "2024-01-02T03:04:05+24:00": timezone hour out of range"#
        );
        assert_eq!(
            err("2024-01-02T03:04:05\u{e9}"),
            r#"parsing time "2024-01-02T03:04:05\xc3\xa9" as "2006-01-02T15:04:05Z07:00": cannot parse "\xc3\xa9" as "Z07:00""#
        );
    }

    #[test]
    fn formats_like_go() {
        let mut s = String::new();
        let p = Parts {
            year: 2024,
            month: 1,
            day: 2,
            hour: 3,
            min: 4,
            sec: 5,
            nsec: 600_000_000,
            offset: 3600,
        };
        format(&p, &mut s).unwrap();
        assert_eq!(s, "2024-01-02T03:04:05.6+01:00");
        s.clear();
        format(
            &Parts {
                nsec: 0,
                offset: 0,
                ..p
            },
            &mut s,
        )
        .unwrap();
        assert_eq!(s, "2024-01-02T03:04:05Z");
        s.clear();
        format(
            &Parts {
                nsec: 1_000,
                offset: -34200,
                ..p
            },
            &mut s,
        )
        .unwrap();
        assert_eq!(s, "2024-01-02T03:04:05.000001-09:30");
        assert!(format(&Parts { year: 10000, ..p }, &mut s).is_err());
    }
}
