//! The report workflow (进展报送): draft → submitted → (unit head approved) → accepted, or
//! returned with a reason and submitted again. An accepted report is never changed; a
//! correction is a new version that goes through the same steps.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::DomainError;

/// Where a report stands in review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportState {
    /// 草稿.
    Draft,
    /// 已提交: waiting for the unit head or the supervisor.
    Submitted,
    /// 科室已审核: waiting for the supervisor.
    Approved,
    /// 已采纳: final.
    Accepted,
    /// 已退回: the unit edits and submits again.
    Returned,
}

/// What the work itself is doing (进展状态), as the unit reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProgressStatus {
    /// 未启动.
    NotStarted,
    /// 推进中.
    InProgress,
    /// 已完成.
    Done,
    /// 滞后.
    Lagging,
    /// 受阻.
    Blocked,
}

/// A step someone takes on a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportAction {
    Edit,
    Submit,
    /// The unit head's approval.
    Approve,
    Accept,
    Return,
}

text_enum!(ReportState {
    Draft => "draft" / "草稿",
    Submitted => "submitted" / "已提交",
    Approved => "approved" / "科室已审核",
    Accepted => "accepted" / "已采纳",
    Returned => "returned" / "已退回",
});

text_enum!(ProgressStatus {
    NotStarted => "not_started" / "未启动",
    InProgress => "in_progress" / "推进中",
    Done => "done" / "已完成",
    Lagging => "lagging" / "滞后",
    Blocked => "blocked" / "受阻",
});

impl ProgressStatus {
    /// The status as people read it in lists and files, where a task without a report
    /// shows 未报送.
    pub fn zh_or_unreported(status: Option<ProgressStatus>) -> &'static str {
        status.map_or("未报送", ProgressStatus::zh)
    }
}

text_enum!(ReportAction {
    Edit => "edit" / "修改",
    Submit => "submit" / "提交",
    Approve => "approve" / "科室审核",
    Accept => "accept" / "采纳",
    Return => "return" / "退回",
});

impl ReportState {
    /// Whether a newer version of a period's report takes the place of the one standing for
    /// the period: always, except that an unfinished correction (a draft) of an accepted
    /// report leaves the accepted one standing until the correction is submitted.
    pub fn replaces(newer: ReportState, standing: ReportState) -> bool {
        !(newer == ReportState::Draft && standing == ReportState::Accepted)
    }

    /// Whether the report counts as delivered by the unit for its period.
    pub fn is_delivered(self) -> bool {
        matches!(
            self,
            ReportState::Submitted | ReportState::Approved | ReportState::Accepted
        )
    }

    /// The decision a report in this state waits for: the unit head's approval of a
    /// submitted report when the organization has heads review, else the supervisor's
    /// acceptance; `None` when it waits for no one but its unit.
    pub fn awaits(self, head_review: bool) -> Option<ReportAction> {
        match self {
            ReportState::Submitted if head_review => Some(ReportAction::Approve),
            ReportState::Submitted | ReportState::Approved => Some(ReportAction::Accept),
            ReportState::Draft | ReportState::Accepted | ReportState::Returned => None,
        }
    }

    /// The state after `action`, or why it cannot be taken. `head_review` is the
    /// organization's choice to have unit heads approve before the supervisor sees a report.
    pub fn apply(
        self,
        action: ReportAction,
        head_review: bool,
    ) -> Result<ReportState, DomainError> {
        use ReportAction as A;
        use ReportState as S;
        let next = match (self, action) {
            (S::Draft | S::Returned, A::Edit) => Some(self),
            (S::Draft | S::Returned, A::Submit) => Some(S::Submitted),
            (S::Submitted, A::Approve) if head_review => Some(S::Approved),
            (S::Submitted, A::Accept) if !head_review => Some(S::Accepted),
            (S::Approved, A::Accept) => Some(S::Accepted),
            (S::Submitted | S::Approved, A::Return) => Some(S::Returned),
            _ => None,
        };
        next.ok_or_else(|| DomainError::InvalidTransition {
            from: self.zh().to_string(),
            action: action.zh().to_string(),
        })
    }
}

/// A report goes to review only with something said: a narrative of nothing but spaces is
/// not an account of progress.
pub fn check_submittable(narrative: &str) -> Result<(), DomainError> {
    if narrative.trim().is_empty() {
        Err(DomainError::invalid("narrative", "提交前请填写进展情况"))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReportAction as A;
    use ReportState as S;

    #[test]
    fn the_happy_path_with_and_without_unit_head_review() {
        let accepted = S::Draft
            .apply(A::Submit, false)
            .and_then(|s| s.apply(A::Accept, false));
        assert_eq!(accepted, Ok(S::Accepted));
        let reviewed = S::Draft
            .apply(A::Submit, true)
            .and_then(|s| s.apply(A::Approve, true))
            .and_then(|s| s.apply(A::Accept, true));
        assert_eq!(reviewed, Ok(S::Accepted));
    }

    #[test]
    fn a_blank_narrative_is_not_submitted() {
        for blank in ["", "   ", "\n\t　"] {
            let error = check_submittable(blank).unwrap_err();
            assert!(
                matches!(error, DomainError::Invalid { ref field, .. } if field == "narrative")
            );
        }
        assert!(check_submittable("已完成 3 所").is_ok());
    }

    #[test]
    fn a_report_awaits_the_decision_its_next_step_takes() {
        for head_review in [false, true] {
            for state in ReportState::ALL {
                if let Some(action) = state.awaits(head_review) {
                    assert!(state.apply(action, head_review).is_ok(), "{state:?}");
                    assert!(state.apply(A::Return, head_review).is_ok(), "{state:?}");
                } else {
                    assert!(!matches!(state, S::Submitted | S::Approved), "{state:?}");
                }
            }
        }
        assert_eq!(S::Submitted.awaits(true), Some(A::Approve));
        assert_eq!(S::Submitted.awaits(false), Some(A::Accept));
        assert_eq!(S::Returned.awaits(true), None);
    }

    #[test]
    fn with_head_review_the_supervisor_cannot_skip_the_head() {
        assert!(S::Submitted.apply(A::Accept, true).is_err());
        assert!(S::Submitted.apply(A::Approve, false).is_err());
    }

    #[test]
    fn returned_reports_are_edited_and_resubmitted() {
        let returned = S::Submitted.apply(A::Return, false).unwrap();
        assert_eq!(returned, S::Returned);
        assert_eq!(returned.apply(A::Edit, false), Ok(S::Returned));
        assert_eq!(returned.apply(A::Submit, false), Ok(S::Submitted));
    }

    #[test]
    fn accepted_reports_are_final() {
        for action in ReportAction::ALL {
            let err = S::Accepted.apply(*action, false).unwrap_err();
            assert!(
                matches!(err, DomainError::InvalidTransition { .. }),
                "{err}"
            );
        }
        assert!(S::Draft.apply(A::Accept, false).is_err());
        assert!(S::Draft.apply(A::Return, false).is_err());
    }

    #[test]
    fn names_round_trip() {
        for state in ReportState::ALL {
            assert_eq!(ReportState::parse(state.as_str()), Ok(*state));
        }
        for status in ProgressStatus::ALL {
            assert_eq!(ProgressStatus::parse(status.as_str()), Ok(*status));
        }
        assert!(ProgressStatus::parse("finished").is_err());
    }
}
