//! A target drawn on the server as SVG: the expected value at each month end (序时进度)
//! against the actuals reported, so the chart needs no script and its Chinese labels use the
//! page's own fonts.

use luoshi_domain::light::trim_number;
use luoshi_domain::trajectory::{Direction, Trajectory};
use luoshi_store::Target;

/// The drawing area inside the SVG's 360 × 200 view box.
const LEFT: f64 = 44.0;
const RIGHT: f64 = 348.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 172.0;

/// A tick on an axis: where it sits and what it says.
pub struct Tick {
    pub at: f64,
    pub label: String,
}

/// A reported actual: its place in the view box and its value for the tooltip.
pub struct Point {
    pub x: f64,
    pub y: f64,
    pub label: String,
}

/// Everything the template needs to draw one target.
pub struct TargetChart {
    pub indicator: String,
    /// SVG polyline points of the expected values, month 0 (the baseline) to 12.
    pub trajectory: String,
    /// SVG polyline points through the actuals, in month order.
    pub actual_line: String,
    pub actuals: Vec<Point>,
    pub y_ticks: Vec<Tick>,
    pub x_ticks: Vec<Tick>,
    /// What a screen reader says instead of the picture.
    pub summary: String,
}

/// A round step (1, 2, 2.5 or 5 × 10ⁿ) that splits `span` into at most four parts.
fn nice_step(span: f64) -> f64 {
    let raw = (span / 4.0).max(f64::EPSILON);
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|step| *step >= raw * 0.999_999)
        .unwrap_or(10.0 * magnitude)
}

fn label(value: f64) -> String {
    trim_number((value * 100.0).round() / 100.0)
}

/// The chart of `target` with the actuals reported at month ends (month 1–12, value);
/// none when the target has no number to draw against.
pub fn target_chart(target: &Target, actuals: &[(u32, f64)]) -> Option<TargetChart> {
    let annual = target.annual_value?;
    let trajectory = Trajectory {
        baseline: target.baseline.unwrap_or(0.0),
        annual,
        monthly: target.trajectory.clone(),
        direction: Direction::from_comparator(target.comparator),
    };
    let start = match (trajectory.direction, &trajectory.monthly) {
        (Direction::LowerIsBetter, None) => annual,
        _ => trajectory.baseline,
    };
    let expected: Vec<f64> = std::iter::once(start)
        .chain((1..=12).map(|m| trajectory.expected_at_month_end(m)))
        .collect();
    let values = expected.iter().chain(actuals.iter().map(|(_, v)| v));
    let (min, max) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(*v), hi.max(*v))
    });
    // Rates near their ceiling (92% against 90%) would be a flat line from zero: start the
    // axis near the values instead.
    let mut low = if min > 0.0 && min > max * 0.6 {
        min - (max - min).max(max * 0.02)
    } else {
        min.min(0.0)
    };
    let step = nice_step((max - low).max(f64::EPSILON));
    low = (low / step).floor() * step;
    let high = low + step * ((max - low) / step).ceil().max(1.0);
    let x = |month: f64| LEFT + (RIGHT - LEFT) * month / 12.0;
    let y = |value: f64| BOTTOM - (BOTTOM - TOP) * (value - low) / (high - low);
    let polyline = |points: &mut dyn Iterator<Item = (f64, f64)>| {
        points
            .map(|(px, py)| format!("{px:.1},{py:.1}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut sorted: Vec<(u32, f64)> = actuals.to_vec();
    sorted.sort_by_key(|(month, _)| *month);
    let points: Vec<Point> = sorted
        .iter()
        .map(|(month, value)| Point {
            x: x(f64::from(*month)),
            y: y(*value),
            label: format!("{}月 实际 {}{}", month, label(*value), target.unit),
        })
        .collect();
    let steps = ((high - low) / step).round() as usize;
    let summary = match sorted.last() {
        Some((month, value)) => format!(
            "{}：{}月实际{}{}，序时进度{}{}，年度目标{}{}",
            target.indicator,
            month,
            label(*value),
            target.unit,
            label(expected[*month as usize]),
            target.unit,
            label(annual),
            target.unit
        ),
        None => format!(
            "{}：尚未报送实际值，年度目标{}{}",
            target.indicator,
            label(annual),
            target.unit
        ),
    };
    Some(TargetChart {
        indicator: target.indicator.clone(),
        trajectory: polyline(
            &mut expected
                .iter()
                .enumerate()
                .map(|(m, v)| (x(m as f64), y(*v))),
        ),
        actual_line: polyline(&mut points.iter().map(|p| (p.x, p.y))),
        actuals: points,
        y_ticks: (0..=steps)
            .map(|k| {
                let value = low + step * k as f64;
                Tick {
                    at: y(value),
                    label: label(value),
                }
            })
            .collect(),
        x_ticks: (1..=12)
            .filter(|m| m % 3 == 0 || *m == 1)
            .map(|m| Tick {
                at: x(f64::from(m)),
                label: format!("{m}月"),
            })
            .collect(),
        summary,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(baseline: Option<f64>, annual: f64, comparator: &str) -> Target {
        Target {
            id: 1,
            task_id: 1,
            indicator: "新改扩建幼儿园".into(),
            unit: "所".into(),
            comparator: luoshi_plandoc::model::Comparator::parse(comparator).unwrap(),
            value_text: String::new(),
            baseline,
            annual_value: Some(annual),
            trajectory: None,
            source_text: String::new(),
            span: [0, 0],
        }
    }

    fn coordinates(points: &str) -> Vec<(f64, f64)> {
        points
            .split(' ')
            .map(|p| {
                let (x, y) = p.split_once(',').unwrap();
                (x.parse().unwrap(), y.parse().unwrap())
            })
            .collect()
    }

    #[test]
    fn a_linear_target_rises_from_the_baseline_to_the_annual_value() {
        let chart = target_chart(&target(None, 20.0, "eq"), &[(6, 6.0), (3, 4.0)]).unwrap();
        let line = coordinates(&chart.trajectory);
        assert_eq!(line.len(), 13);
        assert_eq!(line[0], (LEFT, BOTTOM), "zero at the origin");
        assert_eq!(line[12], (RIGHT, TOP), "20 at the top of a 0–20 axis");
        assert!(
            line.windows(2).all(|w| w[1].1 < w[0].1),
            "rises every month"
        );
        // Actuals are drawn in month order and sit below the June trajectory point.
        let actual = coordinates(&chart.actual_line);
        assert!(actual[0].0 < actual[1].0);
        assert!(actual[1].1 > line[6].1, "6 is behind the expected 10");
        assert_eq!(chart.actuals[1].label, "6月 实际 6所");
        assert_eq!(
            chart
                .y_ticks
                .iter()
                .map(|t| t.label.as_str())
                .collect::<Vec<_>>(),
            vec!["0", "5", "10", "15", "20"]
        );
        assert!(
            chart.summary.contains("6月实际6所，序时进度10所"),
            "{}",
            chart.summary
        );
    }

    #[test]
    fn a_rate_near_its_ceiling_gets_an_axis_near_its_values() {
        let chart = target_chart(&target(Some(90.0), 92.0, "ge"), &[]).unwrap();
        let lowest: f64 = chart.y_ticks[0].label.parse().unwrap();
        assert!(lowest > 80.0 && lowest <= 90.0, "axis starts at {lowest}");
        assert!(chart.summary.contains("尚未报送"));
    }

    #[test]
    fn a_ceiling_is_flat_and_a_target_without_a_number_has_no_chart() {
        let chart = target_chart(&target(None, 5.0, "le"), &[(2, 3.0)]).unwrap();
        let line = coordinates(&chart.trajectory);
        assert!(line.iter().all(|p| p.1 == line[0].1));
        let mut vague = target(None, 1.0, "eq");
        vague.annual_value = None;
        assert!(target_chart(&vague, &[]).is_none());
    }
}
