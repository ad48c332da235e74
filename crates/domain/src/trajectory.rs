//! 序时进度: the value a target is expected to have reached at each month end, so a
//! reported actual can be judged ahead of or behind schedule before the year is out.

use luoshi_plandoc::model::Comparator;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Whether larger actuals are better (新建幼儿园20所) or smaller ones (辍学率控制在1%以内).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    HigherIsBetter,
    LowerIsBetter,
}

impl Direction {
    /// An upper bound (以内, 不超过) asks for smaller actuals.
    pub fn from_comparator(comparator: Comparator) -> Direction {
        if comparator.is_upper_bound() {
            Direction::LowerIsBetter
        } else {
            Direction::HigherIsBetter
        }
    }
}

/// What a target commits to over the year.
#[derive(Clone, Debug, PartialEq)]
pub struct Trajectory {
    pub baseline: f64,
    pub annual: f64,
    /// Explicit month-end values (index 0 = January); linear from the baseline when absent.
    pub monthly: Option<Vec<f64>>,
    pub direction: Direction,
}

impl Trajectory {
    /// The value expected at the end of `month` (1–12).
    pub fn expected_at_month_end(&self, month: u32) -> f64 {
        let month = month.clamp(1, 12);
        if let Some(value) = self
            .monthly
            .as_ref()
            .and_then(|values| values.get(month as usize - 1))
        {
            return *value;
        }
        match self.direction {
            // A ceiling holds all year; it is not approached month by month.
            Direction::LowerIsBetter => self.annual,
            Direction::HigherIsBetter => {
                self.baseline + (self.annual - self.baseline) * f64::from(month) / 12.0
            }
        }
    }

    /// How far `actual` at the end of `month` is behind schedule, in percent of the year's
    /// span (annual − baseline, or the annual value for ceilings); zero or negative when on
    /// or ahead of schedule.
    pub fn lag_percent(&self, actual: f64, month: u32) -> f64 {
        let expected = self.expected_at_month_end(month);
        let span = match self.direction {
            Direction::HigherIsBetter => (self.annual - self.baseline).abs(),
            Direction::LowerIsBetter => self.annual.abs(),
        };
        let shortfall = match self.direction {
            Direction::HigherIsBetter => expected - actual,
            Direction::LowerIsBetter => actual - expected,
        };
        if span == 0.0 {
            return if shortfall > 0.0 { 100.0 } else { 0.0 };
        }
        shortfall / span * 100.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn linear(baseline: f64, annual: f64) -> Trajectory {
        Trajectory {
            baseline,
            annual,
            monthly: None,
            direction: Direction::HigherIsBetter,
        }
    }

    #[test]
    fn linear_trajectory_reaches_the_annual_value_in_december() {
        let target = linear(0.0, 24.0);
        assert_eq!(target.expected_at_month_end(6), 12.0);
        assert_eq!(target.expected_at_month_end(12), 24.0);
        let rate = linear(88.0, 92.0);
        assert_eq!(rate.expected_at_month_end(3), 89.0);
    }

    #[test]
    fn lag_is_measured_against_the_span_of_the_year() {
        let target = linear(0.0, 20.0);
        assert_eq!(target.lag_percent(6.0, 6), 20.0);
        assert!(target.lag_percent(12.0, 6) < 0.0);
    }

    #[test]
    fn explicit_months_override_the_line_and_ceilings_are_flat() {
        let mut target = linear(0.0, 10.0);
        target.monthly = Some(vec![
            0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 5.0, 10.0, 10.0, 10.0,
        ]);
        assert_eq!(target.expected_at_month_end(6), 0.0);
        assert_eq!(target.lag_percent(0.0, 9), 50.0);
        let ceiling = Trajectory {
            baseline: 2.0,
            annual: 1.0,
            monthly: None,
            direction: Direction::from_comparator(Comparator::Le),
        };
        assert_eq!(ceiling.expected_at_month_end(2), 1.0);
        assert_eq!(ceiling.lag_percent(1.5, 2), 50.0);
        assert!(ceiling.lag_percent(0.8, 2) < 0.0);
    }
}
