//! What the public reads without logging in (每月公开发布进展): only periods a supervisor
//! published, frozen at publication.

use axum::Json;
use axum::extract::State;
use luoshi_app::public;
use luoshi_store::PublicPeriod;
use serde_json::json;

use super::Path;
use crate::AppState;
use crate::error::ApiResult;

pub async fn periods(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> ApiResult<Json<serde_json::Value>> {
    let (plan, periods) = public::periods(&state.store, id).await?;
    Ok(Json(
        json!({ "plan_id": plan.id, "title": plan.title, "year": plan.year, "periods": periods }),
    ))
}

pub async fn period(
    State(state): State<AppState>,
    Path((id, period)): Path<(i64, String)>,
) -> ApiResult<Json<PublicPeriod>> {
    Ok(Json(public::period(&state.store, id, &period).await?.1))
}
