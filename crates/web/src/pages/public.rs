//! The public progress pages and their feed, open without signing in.

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use luoshi_app::public;
use luoshi_domain::light::LightColor;
use luoshi_domain::period::Period;
use luoshi_store::{Plan, PublicPeriod};

use crate::AppState;
use crate::api::Path;
use crate::error::ApiError;

use super::frame::{Layout, PageResult, asset_urls, render};

#[derive(Template)]
#[template(path = "public_index.html")]
struct PublicIndex {
    layout: Layout,
    plan_id: i64,
    title: String,
    periods: Vec<(String, String)>,
}

pub(super) fn period_label(plan: &Plan, key: &str) -> String {
    Period::parse(plan.cycle, key)
        .map(|p| p.label_zh())
        .unwrap_or_else(|_| key.to_string())
}

pub(super) async fn public_index(State(state): State<AppState>, Path(id): Path<i64>) -> PageResult {
    let (plan, periods) = public::periods(&state.store, id).await?;
    let periods = periods
        .into_iter()
        .map(|key| {
            let label = period_label(&plan, &key);
            (key, label)
        })
        .collect();
    Ok(render(&PublicIndex {
        layout: Layout::anonymous(&[("", "公开进展")]),
        plan_id: plan.id,
        title: plan.title,
        periods,
    }))
}

#[derive(Template)]
#[template(path = "public_period.html")]
struct PublicPeriodPage {
    layout: Layout,
    period: PublicPeriod,
}

pub(super) async fn public_period(
    State(state): State<AppState>,
    Path((id, period)): Path<(i64, String)>,
) -> PageResult {
    let (plan, period) = public::period(&state.store, id, &period).await?;
    let index = format!("/public/plans/{}", plan.id);
    Ok(render(&PublicPeriodPage {
        layout: Layout {
            user: None,
            admin: false,
            csrf: String::new(),
            assets: asset_urls(),
            waiting: 0,
            error_page: false,
            crumbs: vec![
                (index, plan.title.clone()),
                ("".into(), period.period_label.clone()),
            ],
        },
        period,
    }))
}

struct FeedEntry {
    key: String,
    title: String,
    updated: String,
    summary: String,
}

#[derive(Template)]
#[template(path = "feed.xml")]
struct Feed {
    plan_id: i64,
    title: String,
    updated: String,
    entries: Vec<FeedEntry>,
}

fn rfc3339(at: i64) -> String {
    chrono::DateTime::from_timestamp(at, 0)
        .map(|t| t.to_rfc3339())
        .unwrap_or_default()
}

/// An Atom feed of the published periods, newest first.
pub(super) async fn feed(State(state): State<AppState>, Path(id): Path<i64>) -> PageResult {
    let (plan, periods) = public::all_periods(&state.store, id).await?;
    let mut entries = Vec::new();
    for period in periods {
        let done = period
            .tasks
            .iter()
            .filter(|t| t.light == LightColor::Done)
            .count();
        entries.push(FeedEntry {
            title: format!("{}落实进展（{}）", plan.title, period.period_label),
            updated: rfc3339(period.published_at),
            summary: format!("共{}项任务，已完成{}项。", period.tasks.len(), done),
            key: period.period,
        });
    }
    let updated = entries
        .first()
        .map(|e| e.updated.clone())
        .unwrap_or_else(|| rfc3339(plan.created_at));
    let xml = Feed {
        plan_id: plan.id,
        title: plan.title,
        updated,
        entries,
    }
    .render()
    .map_err(|e| ApiError::internal(&e, "服务器内部错误，请稍后再试"))?;
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        xml,
    )
        .into_response())
}
