//! Roles (角色). A user has one role and belongs to zero or more units.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::DomainError;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 系统管理员: configures the organization, units, users and plans.
    Admin,
    /// 督查室 / 办公室: reviews reports, issues supervision notices, publishes progress.
    Supervisor,
    /// 局领导: reads everything and comments.
    Leader,
    /// 科室负责人: approves its unit's reports before they reach the supervisor.
    UnitHead,
    /// 报送人: writes and submits its unit's reports.
    Reporter,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Supervisor,
        Role::Leader,
        Role::UnitHead,
        Role::Reporter,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Supervisor => "supervisor",
            Role::Leader => "leader",
            Role::UnitHead => "unit_head",
            Role::Reporter => "reporter",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Role::Admin => "系统管理员",
            Role::Supervisor => "督查人员",
            Role::Leader => "局领导",
            Role::UnitHead => "科室负责人",
            Role::Reporter => "报送人",
        }
    }

    pub fn parse(text: &str) -> Result<Role, DomainError> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == text)
            .ok_or_else(|| {
                DomainError::invalid(
                    "role",
                    format!(
                        "未知角色“{text}”，可选 admin、supervisor、leader、unit_head、reporter"
                    ),
                )
            })
    }

    /// Roles that see the whole organization rather than their units' work.
    pub fn reads_everything(self) -> bool {
        matches!(self, Role::Admin | Role::Supervisor | Role::Leader)
    }

    /// Roles whose work is scoped to the units they belong to.
    pub fn is_unit_role(self) -> bool {
        matches!(self, Role::UnitHead | Role::Reporter)
    }

    /// Whether an account of this role with these units could do nothing: a unit role
    /// acts for a unit, so it must belong to one.
    pub fn lacks_unit(self, units: &[i64]) -> bool {
        self.is_unit_role() && units.is_empty()
    }
}
