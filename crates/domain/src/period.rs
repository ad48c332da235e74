//! Reporting cycles (调度周期) and periods.
//!
//! A period is named by a stable key: `2026-03` (monthly), `2026-Q1` (quarterly),
//! `2026-03-H1` / `2026-03-H2` (half-monthly). A monthly or quarterly report is due on the
//! plan's due day of the period's last month (每月25日前报送, clamped to the month's
//! length); a half-monthly report is due on the last day of its half (15th or month end).

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::DomainError;

/// Seconds east of UTC of Beijing time, which every bureau keeps (no daylight saving).
const CHINA_OFFSET: i64 = 8 * 3600;

/// A stored instant (Unix seconds) as the wall-clock time people in a bureau read.
pub fn china_time(unix_seconds: i64) -> NaiveDateTime {
    chrono::DateTime::from_timestamp(unix_seconds.saturating_add(CHINA_OFFSET), 0)
        .unwrap_or_default()
        .naive_utc()
}

/// A Beijing wall-clock time as Unix seconds: the inverse of [`china_time`].
pub fn china_instant(time: NaiveDateTime) -> i64 {
    time.and_utc().timestamp() - CHINA_OFFSET
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Cycle {
    Monthly,
    Quarterly,
    /// 半月报.
    SemiMonthly,
}

impl Cycle {
    pub const ALL: [Cycle; 3] = [Cycle::Monthly, Cycle::Quarterly, Cycle::SemiMonthly];

    pub fn as_str(self) -> &'static str {
        match self {
            Cycle::Monthly => "monthly",
            Cycle::Quarterly => "quarterly",
            Cycle::SemiMonthly => "semi_monthly",
        }
    }

    pub fn parse(text: &str) -> Result<Cycle, DomainError> {
        Cycle::ALL
            .into_iter()
            .find(|cycle| cycle.as_str() == text)
            .ok_or_else(|| {
                DomainError::invalid(
                    "cycle",
                    format!("未知调度周期“{text}”，可选 monthly、quarterly、semi_monthly"),
                )
            })
    }

    fn per_year(self) -> u32 {
        match self {
            Cycle::Monthly => 12,
            Cycle::Quarterly => 4,
            Cycle::SemiMonthly => 24,
        }
    }
}

/// One reporting period of a cycle; `index` counts from 1 within the year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub year: i32,
    pub index: u32,
    pub cycle: Cycle,
}

impl PartialOrd for Cycle {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Cycle {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.per_year().cmp(&other.per_year())
    }
}

fn last_day_of_month(year: i32, month: u32) -> NaiveDate {
    let (next_year, next_month) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(next_year, next_month, 1)
        .and_then(|d| d.pred_opt())
        .expect("valid month")
}

impl Period {
    /// The period of `cycle` that contains `date`.
    pub fn containing(cycle: Cycle, date: NaiveDate) -> Period {
        let month = date.month();
        let index = match cycle {
            Cycle::Monthly => month,
            Cycle::Quarterly => (month - 1) / 3 + 1,
            Cycle::SemiMonthly => (month - 1) * 2 + if date.day() <= 15 { 1 } else { 2 },
        };
        Period {
            year: date.year(),
            index,
            cycle,
        }
    }

    /// Every period of `cycle` in `year`, in order.
    pub fn of_year(cycle: Cycle, year: i32) -> Vec<Period> {
        (1..=cycle.per_year())
            .map(|index| Period { year, index, cycle })
            .collect()
    }

    /// Reads a key such as `2026-03`, `2026-Q2` or `2026-03-H2`.
    pub fn parse(cycle: Cycle, key: &str) -> Result<Period, DomainError> {
        let bad = || {
            DomainError::invalid(
                "period",
                format!(
                    "“{key}”不是有效的{}期次（例：{}）",
                    match cycle {
                        Cycle::Monthly => "月度",
                        Cycle::Quarterly => "季度",
                        Cycle::SemiMonthly => "半月",
                    },
                    match cycle {
                        Cycle::Monthly => "2026-03",
                        Cycle::Quarterly => "2026-Q1",
                        Cycle::SemiMonthly => "2026-03-H1",
                    }
                ),
            )
        };
        let mut parts = key.split('-');
        let year: i32 = parts
            .next()
            .and_then(|y| y.parse().ok())
            .filter(|y| (1900..=9999).contains(y))
            .ok_or_else(bad)?;
        let second = parts.next().ok_or_else(bad)?;
        let third = parts.next();
        if parts.next().is_some() {
            return Err(bad());
        }
        let month = |text: &str| {
            text.parse::<u32>()
                .ok()
                .filter(|m| (1..=12).contains(m) && text.len() == 2)
        };
        let index = match (cycle, third) {
            (Cycle::Monthly, None) => month(second),
            (Cycle::Quarterly, None) => second
                .strip_prefix('Q')
                .and_then(|q| q.parse::<u32>().ok())
                .filter(|q| (1..=4).contains(q)),
            (Cycle::SemiMonthly, Some(half)) => {
                let half = match half {
                    "H1" => Some(1),
                    "H2" => Some(2),
                    _ => None,
                };
                month(second).zip(half).map(|(m, h)| (m - 1) * 2 + h)
            }
            _ => None,
        }
        .ok_or_else(bad)?;
        Ok(Period { year, index, cycle })
    }

    pub fn key(&self) -> String {
        match self.cycle {
            Cycle::Monthly => format!("{}-{:02}", self.year, self.index),
            Cycle::Quarterly => format!("{}-Q{}", self.year, self.index),
            Cycle::SemiMonthly => format!(
                "{}-{:02}-H{}",
                self.year,
                (self.index - 1) / 2 + 1,
                (self.index - 1) % 2 + 1
            ),
        }
    }

    /// For people: 2026年3月, 2026年第1季度, 2026年3月上半月.
    pub fn label_zh(&self) -> String {
        match self.cycle {
            Cycle::Monthly => format!("{}年{}月", self.year, self.index),
            Cycle::Quarterly => format!("{}年第{}季度", self.year, self.index),
            Cycle::SemiMonthly => format!(
                "{}年{}月{}",
                self.year,
                (self.index - 1) / 2 + 1,
                if self.index % 2 == 1 {
                    "上半月"
                } else {
                    "下半月"
                }
            ),
        }
    }

    fn last_month(&self) -> u32 {
        match self.cycle {
            Cycle::Monthly => self.index,
            Cycle::Quarterly => self.index * 3,
            Cycle::SemiMonthly => (self.index - 1) / 2 + 1,
        }
    }

    pub fn start(&self) -> NaiveDate {
        let (month, day) = match self.cycle {
            Cycle::Monthly => (self.index, 1),
            Cycle::Quarterly => (self.index * 3 - 2, 1),
            Cycle::SemiMonthly => (self.last_month(), if self.index % 2 == 1 { 1 } else { 16 }),
        };
        NaiveDate::from_ymd_opt(self.year, month, day).expect("valid period")
    }

    pub fn end(&self) -> NaiveDate {
        let month = self.last_month();
        match self.cycle {
            Cycle::SemiMonthly if self.index % 2 == 1 => {
                NaiveDate::from_ymd_opt(self.year, month, 15).expect("valid period")
            }
            _ => last_day_of_month(self.year, month),
        }
    }

    /// The day the report for this period is due.
    pub fn due(&self, due_day: u32) -> NaiveDate {
        match self.cycle {
            Cycle::SemiMonthly => self.end(),
            _ => {
                let last = last_day_of_month(self.year, self.last_month());
                let day = due_day.clamp(1, last.day());
                last.with_day(day).expect("clamped day")
            }
        }
    }

    pub fn next(&self) -> Period {
        if self.index == self.cycle.per_year() {
            Period {
                year: self.year + 1,
                index: 1,
                cycle: self.cycle,
            }
        } else {
            Period {
                index: self.index + 1,
                ..*self
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn stored_instants_read_in_beijing_time() {
        // 2026-03-31 16:30 UTC is already April 1st in a bureau.
        let instant = date(2026, 3, 31)
            .and_hms_opt(16, 30, 0)
            .unwrap()
            .and_utc()
            .timestamp();
        let local = china_time(instant);
        assert_eq!(local, date(2026, 4, 1).and_hms_opt(0, 30, 0).unwrap());
        assert_eq!(china_instant(local), instant);
    }

    #[test]
    fn keys_round_trip_for_every_cycle() {
        for cycle in [Cycle::Monthly, Cycle::Quarterly, Cycle::SemiMonthly] {
            for period in Period::of_year(cycle, 2026) {
                assert_eq!(Period::parse(cycle, &period.key()).unwrap(), period);
            }
        }
        assert_eq!(
            Period::of_year(Cycle::SemiMonthly, 2026)[3].key(),
            "2026-02-H2"
        );
    }

    #[test]
    fn bad_keys_are_refused_with_the_field_named() {
        for key in ["2026-13", "2026-3", "2026-Q5", "26-03", "2026-03-H3", ""] {
            let err = Period::parse(Cycle::Monthly, key)
                .and_then(|_| Period::parse(Cycle::Quarterly, key))
                .unwrap_err();
            assert!(matches!(err, DomainError::Invalid { .. }), "{key}: {err}");
        }
    }

    #[test]
    fn due_dates_follow_the_cycle_and_clamp_to_the_month() {
        let feb = Period::parse(Cycle::Monthly, "2026-02").unwrap();
        assert_eq!(feb.due(25), date(2026, 2, 25));
        assert_eq!(feb.due(31), date(2026, 2, 28));
        let q1 = Period::parse(Cycle::Quarterly, "2026-Q1").unwrap();
        assert_eq!(q1.due(20), date(2026, 3, 20));
        assert_eq!(q1.start(), date(2026, 1, 1));
        let h2 = Period::parse(Cycle::SemiMonthly, "2026-04-H2").unwrap();
        assert_eq!(
            (h2.start(), h2.end()),
            (date(2026, 4, 16), date(2026, 4, 30))
        );
    }

    #[test]
    fn containing_finds_the_period_of_a_day() {
        assert_eq!(
            Period::containing(Cycle::SemiMonthly, date(2026, 3, 16)).key(),
            "2026-03-H2"
        );
        assert_eq!(
            Period::containing(Cycle::Quarterly, date(2026, 12, 31)).key(),
            "2026-Q4"
        );
        let dec = Period::containing(Cycle::Monthly, date(2026, 12, 1));
        assert_eq!(dec.next().key(), "2027-01");
        assert_eq!(dec.label_zh(), "2026年12月");
    }
}
