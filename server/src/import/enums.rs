//! Reading report strings into the API's string enums.

use serde::de::value::{Error as ValueError, StrDeserializer};
use serde::de::{DeserializeOwned, IntoDeserializer};
use sherpa_admin::api;

/// A generated string enum: known values plus `Other` for anything newer than the schema.
pub(crate) trait ReportEnum: DeserializeOwned {
    fn is_other(&self) -> bool;
}

macro_rules! report_enum {
    ($($t:ident),* $(,)?) => {$(
        impl ReportEnum for api::$t {
            fn is_other(&self) -> bool {
                matches!(self, Self::Other(_))
            }
        }
    )*};
}

report_enum!(
    Alignment,
    Disposition,
    DMARCResult,
    PolicyOverride,
    DKIMResult,
    SPFDomainScope,
    SPFResult,
    PolicyType,
    ResultType,
);

fn from_str<T: DeserializeOwned>(s: &str) -> Result<T, String> {
    let de: StrDeserializer<'_, ValueError> = s.into_deserializer();
    T::deserialize(de).map_err(|e| format!("value {s:?}: {e}"))
}

/// The enum value for a report string. Known values are matched case-insensitively
/// (reporters write `Pass` as well as `pass`); anything else is kept verbatim in `Other`
/// so that no information from the report is lost.
pub(crate) fn parse_enum<T: ReportEnum>(s: &str) -> Result<T, String> {
    let v: T = from_str(s)?;
    if v.is_other() {
        let lower = s.to_ascii_lowercase();
        if lower != s {
            let l: T = from_str(&lower)?;
            if !l.is_other() {
                return Ok(l);
            }
        }
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_case_insensitive_and_other() {
        assert_eq!(
            parse_enum::<api::DKIMResult>("pass").unwrap(),
            api::DKIMResult::DKIMPass
        );
        assert_eq!(
            parse_enum::<api::DKIMResult>("PASS").unwrap(),
            api::DKIMResult::DKIMPass
        );
        assert_eq!(
            parse_enum::<api::DKIMResult>("").unwrap(),
            api::DKIMResult::DKIMAbsent
        );
        assert_eq!(
            parse_enum::<api::DKIMResult>("Hardfail").unwrap(),
            api::DKIMResult::Other("Hardfail".to_string())
        );
        assert_eq!(
            parse_enum::<api::PolicyOverride>("mailing_list").unwrap(),
            api::PolicyOverride::PolicyOverrideMailingList
        );
        assert_eq!(
            parse_enum::<api::ResultType>("sts-policy-fetch-error").unwrap(),
            api::ResultType::ResultSTSPolicyFetch
        );
    }
}
