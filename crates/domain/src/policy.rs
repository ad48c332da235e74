//! Who may do what (权限). Every request is decided here, on the server, from the actor's
//! role and units and the scope of the thing touched.
//!
//! The answer for a unit role outside its scope is [`Decision::NotFound`], so that a
//! reporter cannot learn which tasks of other units exist; an action the role may never
//! take on something it can see is [`Decision::Forbidden`].

use serde::Serialize;

use crate::role::Role;

/// The person (or script) behind a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub user_id: i64,
    pub organization_id: i64,
    pub role: Role,
    /// Units the user belongs to.
    pub units: Vec<i64>,
}

impl Actor {
    /// Whoever runs the command line on the server: the data directory's owner, with an
    /// administrator's rights in `organization_id` (its changes are audited as `system:cli`).
    pub fn operator(organization_id: i64) -> Actor {
        Actor {
            user_id: 0,
            organization_id,
            role: Role::Admin,
            units: Vec::new(),
        }
    }

    pub fn belongs_to(&self, unit: i64) -> bool {
        self.units.contains(&unit)
    }

    fn belongs_to_any(&self, units: &[i64]) -> bool {
        units.iter().any(|u| self.belongs_to(*u))
    }
}

/// The responsible units of a task, which decide who sees and reports on it.
#[derive(Clone, Copy, Debug)]
pub struct TaskScope<'a> {
    pub lead: &'a [i64],
    pub co: &'a [i64],
}

/// What an actor wants to do.
#[derive(Clone, Copy, Debug)]
pub enum Action<'a> {
    /// Organization settings, units, users, roles, tokens of others.
    Administer,
    /// Import, edit and publish plans; publish progress periods.
    ManagePlans,
    /// Organization-wide reads: dashboards, all plans, the audit log.
    ReadOrganization,
    ReadTask(TaskScope<'a>),
    /// Write, edit and submit the lead unit's report (报送).
    WriteReport(TaskScope<'a>),
    /// Add a co-unit's input to the lead unit's report (配合单位报送).
    Contribute(TaskScope<'a>),
    /// A unit head's approval (科室审核) before the report reaches the supervisor.
    ApproveReport(TaskScope<'a>),
    /// Accept or return a report (督查室审核).
    ReviewReport(TaskScope<'a>),
    /// Issue or close a supervision notice (督办单).
    Supervise(TaskScope<'a>),
    /// Answer a notice addressed to `unit`.
    AnswerNotice {
        task: TaskScope<'a>,
        unit: i64,
    },
    Comment(TaskScope<'a>),
    /// Mark a leader's instruction (批示) on the task read (已阅): the lead unit's work.
    AcknowledgeInstruction(TaskScope<'a>),
}

/// An action on a task named before its scope is loaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskAction {
    Read,
    WriteReport,
    Contribute,
    Comment,
    Supervise,
    AcknowledgeInstruction,
}

impl TaskAction {
    pub fn on(self, scope: TaskScope<'_>) -> Action<'_> {
        match self {
            TaskAction::Read => Action::ReadTask(scope),
            TaskAction::WriteReport => Action::WriteReport(scope),
            TaskAction::Contribute => Action::Contribute(scope),
            TaskAction::Comment => Action::Comment(scope),
            TaskAction::Supervise => Action::Supervise(scope),
            TaskAction::AcknowledgeInstruction => Action::AcknowledgeInstruction(scope),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Allow,
    Forbidden,
    NotFound,
}

impl Decision {
    pub fn allowed(self) -> bool {
        self == Decision::Allow
    }
}

/// Decides one request. Pure, so the authorization matrix can be tested exhaustively.
pub fn decide(actor: &Actor, action: Action<'_>) -> Decision {
    let role = actor.role;
    let allow_if = |ok: bool| {
        if ok {
            Decision::Allow
        } else {
            Decision::Forbidden
        }
    };
    // A unit role that cannot see the task gets NotFound for anything about it.
    let task_visible = |scope: &TaskScope<'_>| {
        role.reads_everything()
            || actor.belongs_to_any(scope.lead)
            || actor.belongs_to_any(scope.co)
    };
    let on_task = |scope: &TaskScope<'_>, ok: bool| {
        if !task_visible(scope) {
            Decision::NotFound
        } else {
            allow_if(ok)
        }
    };
    match action {
        Action::Administer => allow_if(role == Role::Admin),
        Action::ManagePlans => allow_if(matches!(role, Role::Admin | Role::Supervisor)),
        Action::ReadOrganization => allow_if(role.reads_everything()),
        Action::ReadTask(scope) => on_task(&scope, true),
        Action::WriteReport(scope) | Action::AcknowledgeInstruction(scope) => on_task(
            &scope,
            role.is_unit_role() && actor.belongs_to_any(scope.lead),
        ),
        Action::Contribute(scope) => on_task(
            &scope,
            role.is_unit_role() && actor.belongs_to_any(scope.co),
        ),
        Action::ApproveReport(scope) => on_task(
            &scope,
            role == Role::UnitHead && actor.belongs_to_any(scope.lead),
        ),
        Action::ReviewReport(scope) | Action::Supervise(scope) => {
            on_task(&scope, role == Role::Supervisor)
        }
        Action::AnswerNotice { task, unit } => {
            if role.is_unit_role() && !actor.belongs_to(unit) {
                Decision::NotFound
            } else {
                on_task(&task, role.is_unit_role() && actor.belongs_to(unit))
            }
        }
        Action::Comment(scope) => on_task(&scope, true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, units: &[i64]) -> Actor {
        Actor {
            user_id: 1,
            organization_id: 1,
            role,
            units: units.to_vec(),
        }
    }

    const LEAD: &[i64] = &[10];
    const CO: &[i64] = &[20];
    const SCOPE: TaskScope<'static> = TaskScope { lead: LEAD, co: CO };

    #[test]
    fn reporters_of_other_units_do_not_see_the_task() {
        let outsider = actor(Role::Reporter, &[30]);
        for action in [
            Action::ReadTask(SCOPE),
            Action::WriteReport(SCOPE),
            Action::Comment(SCOPE),
            Action::ReviewReport(SCOPE),
        ] {
            assert_eq!(decide(&outsider, action), Decision::NotFound, "{action:?}");
        }
    }

    #[test]
    fn only_the_lead_unit_reports_and_co_units_contribute() {
        let lead = actor(Role::Reporter, &[10]);
        let co = actor(Role::Reporter, &[20]);
        assert_eq!(decide(&lead, Action::WriteReport(SCOPE)), Decision::Allow);
        assert_eq!(decide(&co, Action::WriteReport(SCOPE)), Decision::Forbidden);
        assert_eq!(decide(&co, Action::Contribute(SCOPE)), Decision::Allow);
        assert_eq!(
            decide(&lead, Action::Contribute(SCOPE)),
            Decision::Forbidden
        );
    }

    #[test]
    fn a_leaders_instruction_is_marked_read_by_the_lead_unit_alone() {
        let allowed = |role, units: &[i64]| {
            decide(&actor(role, units), Action::AcknowledgeInstruction(SCOPE))
        };
        assert!(allowed(Role::Reporter, &[10]).allowed());
        assert!(allowed(Role::UnitHead, &[10]).allowed());
        assert_eq!(allowed(Role::Reporter, &[20]), Decision::Forbidden);
        assert_eq!(allowed(Role::Leader, &[]), Decision::Forbidden);
        assert_eq!(allowed(Role::Supervisor, &[]), Decision::Forbidden);
        assert_eq!(allowed(Role::Reporter, &[30]), Decision::NotFound);
    }

    #[test]
    fn reviewing_belongs_to_the_supervisor_and_approval_to_the_unit_head() {
        let supervisor = actor(Role::Supervisor, &[]);
        let head = actor(Role::UnitHead, &[10]);
        let leader = actor(Role::Leader, &[]);
        assert!(decide(&supervisor, Action::ReviewReport(SCOPE)).allowed());
        assert_eq!(
            decide(&head, Action::ReviewReport(SCOPE)),
            Decision::Forbidden
        );
        assert!(decide(&head, Action::ApproveReport(SCOPE)).allowed());
        assert_eq!(
            decide(&leader, Action::ApproveReport(SCOPE)),
            Decision::Forbidden
        );
        assert!(decide(&leader, Action::Comment(SCOPE)).allowed());
        assert_eq!(
            decide(&leader, Action::WriteReport(SCOPE)),
            Decision::Forbidden
        );
    }

    #[test]
    fn notices_are_answered_by_the_addressed_unit_only() {
        let addressed = actor(Role::Reporter, &[20]);
        let lead = actor(Role::Reporter, &[10]);
        let supervisor = actor(Role::Supervisor, &[]);
        let answer = Action::AnswerNotice {
            task: SCOPE,
            unit: 20,
        };
        assert!(decide(&addressed, answer).allowed());
        assert_eq!(decide(&lead, answer), Decision::NotFound);
        assert_eq!(decide(&supervisor, answer), Decision::Forbidden);
    }

    #[test]
    fn administration_is_for_admins() {
        for role in Role::ALL {
            let expected = if role == Role::Admin {
                Decision::Allow
            } else {
                Decision::Forbidden
            };
            assert_eq!(decide(&actor(role, &[10]), Action::Administer), expected);
        }
        assert!(decide(&actor(Role::Supervisor, &[]), Action::ManagePlans).allowed());
        assert!(!decide(&actor(Role::Leader, &[]), Action::ManagePlans).allowed());
    }
}
