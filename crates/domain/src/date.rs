//! Calendar days as people send them (`YYYY-MM-DD`, the format forms, requests and the
//! schema's checks all use), read once here so every entry point refuses the same way.

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};

use crate::DomainError;

/// The format every date is sent and stored in.
const FORMAT: &str = "%Y-%m-%d";

/// Reads the `YYYY-MM-DD` date sent as `field`, refusing anything else with the field named.
pub fn parse(field: &str, text: &str) -> Result<NaiveDate, DomainError> {
    NaiveDate::parse_from_str(text.trim(), FORMAT)
        .map_err(|_| DomainError::invalid(field, not_a_date(text)))
}

fn not_a_date(text: &str) -> String {
    format!("“{text}”不是 YYYY-MM-DD 格式的日期")
}

/// A date field of an edit: set to a day, or cleared by sending it empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateEdit {
    Clear,
    Set(NaiveDate),
}

impl DateEdit {
    /// An empty (or blank) value clears; anything else must be a `YYYY-MM-DD` date.
    pub fn parse(field: &str, text: &str) -> Result<DateEdit, DomainError> {
        DateEdit::read(text).map_err(|reason| DomainError::invalid(field, reason))
    }

    fn read(text: &str) -> Result<DateEdit, String> {
        if text.trim().is_empty() {
            return Ok(DateEdit::Clear);
        }
        NaiveDate::parse_from_str(text.trim(), FORMAT)
            .map(DateEdit::Set)
            .map_err(|_| not_a_date(text))
    }

    /// The date the field holds after the edit.
    pub fn date(self) -> Option<NaiveDate> {
        match self {
            DateEdit::Clear => None,
            DateEdit::Set(date) => Some(date),
        }
    }
}

impl<'de> Deserialize<'de> for DateEdit {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        DateEdit::read(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_is_read_only_in_the_one_format() {
        assert_eq!(
            parse("due", " 2026-06-30 "),
            Ok(NaiveDate::from_ymd_opt(2026, 6, 30).unwrap())
        );
        for bad in ["2026/06/30", "2026-02-30", "6月底", ""] {
            let error = parse("due", bad).unwrap_err();
            assert!(error.to_string().starts_with("due："), "{error}");
        }
    }

    #[test]
    fn an_empty_edit_clears_and_a_bad_one_is_refused() {
        assert_eq!(DateEdit::parse("deadline", "  "), Ok(DateEdit::Clear));
        assert_eq!(
            DateEdit::parse("deadline", "2026-09-30").map(DateEdit::date),
            Ok(NaiveDate::from_ymd_opt(2026, 9, 30))
        );
        assert!(DateEdit::parse("deadline", "九月底").is_err());
        let sent: Result<DateEdit, _> = serde_json::from_str("\"2026-13-01\"");
        assert!(sent.is_err());
        let cleared: DateEdit = serde_json::from_str("\"\"").unwrap();
        assert_eq!(cleared, DateEdit::Clear);
    }
}
