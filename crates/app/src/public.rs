//! What the public reads without signing in (每月公开发布进展): only the periods a
//! supervisor published, frozen as they were at publication, of published plans.

use luoshi_store::{Plan, PublicPeriod, Store};

use crate::error::Result;

/// A published plan and the keys of its published periods, oldest first.
pub async fn periods(store: &Store, plan_id: i64) -> Result<(Plan, Vec<String>)> {
    let plan = store.published_plan(plan_id).await?;
    let periods = store.published_periods(plan.id).await?;
    Ok((plan, periods))
}

/// One published period of a published plan.
pub async fn period(store: &Store, plan_id: i64, key: &str) -> Result<(Plan, PublicPeriod)> {
    let plan = store.published_plan(plan_id).await?;
    let period = store.published_period(plan.id, key).await?;
    Ok((plan, period))
}

/// Every published period of a published plan, for the feed.
pub async fn all_periods(store: &Store, plan_id: i64) -> Result<(Plan, Vec<PublicPeriod>)> {
    let (plan, keys) = periods(store, plan_id).await?;
    let mut periods = Vec::with_capacity(keys.len());
    for key in keys {
        periods.push(store.published_period(plan.id, &key).await?);
    }
    Ok((plan, periods))
}
