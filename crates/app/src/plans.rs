//! Which plans a caller may see and manage: drafts only for those who manage plans.

use luoshi_domain::policy::{Action, Actor, decide};
use luoshi_domain::record::PlanStatus;
use luoshi_store::{Plan, Store};

use crate::error::{AppError, Result, check};

/// A plan of the caller's organization that the caller may see.
pub async fn visible(store: &Store, actor: &Actor, id: i64) -> Result<Plan> {
    let plan = store.plan(actor.organization_id, id).await?;
    if plan.status != PlanStatus::Published && !decide(actor, Action::ManagePlans).allowed() {
        return Err(AppError::NotFound("计划"));
    }
    Ok(plan)
}

/// A plan the caller may edit.
pub async fn managed(store: &Store, actor: &Actor, id: i64) -> Result<Plan> {
    check(decide(actor, Action::ManagePlans), "计划")?;
    Ok(store.plan(actor.organization_id, id).await?)
}
