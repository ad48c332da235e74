//! The JSON API under `/api/v1`: one table of endpoints (method, path, handler, summary)
//! from which both the router and the OpenAPI document are built, so they cannot drift.
//!
//! Documented access answers: 401 without a valid session or token; 403 when the role may
//! not take the action on something it can see (`forbidden`, `csrf_failed`,
//! `password_change_required`); 404 when the caller may not see the thing at all (a unit
//! role asking about another unit's task) or it does not exist.

mod admin;
pub(crate) mod plans;
mod public;
pub(crate) mod reports;
pub(crate) mod session;

use axum::Json;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::error::{ApiError, ApiResult};

/// A JSON body whose rejection is an [`ApiError`].
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> ApiResult<Body<T>> {
        Json::<T>::from_request(req, state)
            .await
            .map(|Json(value)| Body(value))
            .map_err(|e| ApiError::bad_request("请求内容", e.body_text()))
    }
}

/// Query parameters whose rejection is an [`ApiError`].
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> ApiResult<Query<T>> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Query(value))
            .map_err(|e| ApiError::bad_request("查询参数", e.body_text()))
    }
}

/// Path parameters whose rejection is an [`ApiError`].
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> ApiResult<Path<T>> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| Path(value))
            .map_err(|e| ApiError::bad_request("路径参数", e.body_text()))
    }
}

/// `?page=&per_page=` on a list without other filters. (Lists with filters repeat the two
/// fields: query strings cannot be flattened into typed fields.)
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl PageQuery {
    pub fn paging(&self) -> luoshi_store::Paging {
        luoshi_store::Paging::new(self.page, self.per_page)
    }
}

/// Slices an in-memory list the way the store pages a query.
pub fn page_of<T>(items: Vec<T>, paging: luoshi_store::Paging) -> luoshi_store::Page<T> {
    let total = items.len() as i64;
    let skip = ((paging.page - 1) * paging.per_page).min(total) as usize;
    luoshi_store::Page {
        items: items
            .into_iter()
            .skip(skip)
            .take(paging.per_page as usize)
            .collect(),
        total,
        page: paging.page,
        per_page: paging.per_page,
    }
}

/// One row of the endpoint table.
pub struct Endpoint {
    pub method: &'static str,
    pub path: &'static str,
    pub tag: &'static str,
    pub summary: &'static str,
    /// Who may call it, for the document.
    pub access: &'static str,
}

macro_rules! endpoints {
    ($($method:ident $path:literal => $handler:path, $tag:literal, $summary:literal, $access:literal;)*) => {
        /// The router of every endpoint.
        pub fn routes() -> axum::Router<AppState> {
            axum::Router::new()
                $(.route($path, axum::routing::$method($handler)))*
                .route("/api/v1/openapi.json", axum::routing::get(crate::openapi::document))
                .route("/healthz", axum::routing::get(health))
        }

        /// The same table, for the OpenAPI document.
        pub const ENDPOINTS: &[Endpoint] = &[
            $(Endpoint { method: stringify!($method), path: $path, tag: $tag, summary: $summary, access: $access },)*
        ];
    };
}

async fn health(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> ApiResult<&'static str> {
    state.store.count_users().await?;
    Ok("ok")
}

endpoints! {
    post "/api/v1/setup" => session::setup, "session", "首次启动：创建机构和第一个管理员（仅当系统中没有任何用户时）", "anyone, once";
    post "/api/v1/session" => session::login, "session", "登录，返回用户信息与 CSRF 令牌并设置会话 Cookie", "anyone";
    get "/api/v1/session" => session::me, "session", "当前用户、所属机构与 CSRF 令牌", "signed in";
    delete "/api/v1/session" => session::logout, "session", "退出登录", "signed in";
    post "/api/v1/session/password" => session::change_password, "session", "修改本人密码", "signed in";
    post "/api/v1/tokens" => session::create_token, "session", "为本人创建脚本用 API 令牌（只显示一次）", "signed in";

    get "/api/v1/organization" => admin::organization, "admin", "本机构信息与红黄绿灯阈值", "signed in";
    patch "/api/v1/organization" => admin::update_organization, "admin", "修改机构设置（名称、科室审核、灯色阈值）", "admin";
    get "/api/v1/units" => admin::units, "admin", "单位列表（树形由 parent_id 表示；可按 kind、parent、q 筛选）", "signed in";
    post "/api/v1/units" => admin::create_unit, "admin", "新增单位", "admin";
    patch "/api/v1/units/{id}" => admin::update_unit, "admin", "修改单位（名称、类型、上级、简称）", "admin";
    get "/api/v1/users" => admin::users, "admin", "用户列表（可按 role、unit 筛选）", "admin";
    post "/api/v1/users" => admin::create_user, "admin", "新增用户；未给密码时生成临时密码，首次登录须修改", "admin";
    patch "/api/v1/users/{id}" => admin::update_user, "admin", "修改用户角色、所属单位、停用", "admin";
    post "/api/v1/users/{id}/password" => admin::reset_password, "admin", "重置用户密码（首次登录须修改）", "admin";

    get "/api/v1/plans" => plans::list, "plans", "计划列表（可按 status、year 筛选）", "signed in; unit roles see published plans";
    post "/api/v1/plans" => plans::upload, "plans", "上传工作要点文件（.docx/.pdf/.html/.txt）或责任分解表（.xlsx），multipart 字段 file，生成草稿；同名分解表再次上传时更新原草稿", "admin, supervisor";
    get "/api/v1/plans/{id}" => plans::get, "plans", "计划详情：部分与任务（含灯色）", "signed in; unit roles see their tasks of published plans";
    patch "/api/v1/plans/{id}" => plans::update, "plans", "修改计划信息（标题、年度、调度周期、报送日）", "admin, supervisor";
    post "/api/v1/plans/{id}/publish" => plans::publish, "plans", "发布计划（所有单位已对应、每项任务有牵头单位；非本年度的计划须加 confirm_year=true）", "admin, supervisor";
    get "/api/v1/plans/{id}/source" => plans::source, "plans", "导入时的原文（任务与目标的 span 指向此文本）", "admin, supervisor";
    get "/api/v1/plans/{id}/unmatched-units" => plans::unmatched, "plans", "未对应到系统单位的责任单位名称", "admin, supervisor";
    post "/api/v1/plans/{id}/unit-mappings" => plans::map_unit, "plans", "把计划中写法为 written_name 的单位对应到 unit_id；不给 unit_id 时按该名称新建单位（须管理员）", "admin, supervisor";
    get "/api/v1/plans/{id}/versions" => plans::versions, "plans", "已发布计划的版本列表", "leader, admin, supervisor";
    get "/api/v1/plans/{id}/versions/{version}" => plans::version, "plans", "某一版本的计划快照", "leader, admin, supervisor";
    post "/api/v1/plans/{id}/sections" => plans::create_section, "plans", "新增部分", "admin, supervisor";
    patch "/api/v1/plans/{id}/sections/{section_id}" => plans::update_section, "plans", "修改部分", "admin, supervisor";
    get "/api/v1/plans/{id}/tasks" => plans::tasks, "plans", "任务列表，可按 unit、light、status、section、q 筛选", "signed in; unit roles see their tasks";
    post "/api/v1/plans/{id}/tasks" => plans::create_task, "plans", "新增任务", "admin, supervisor";
    post "/api/v1/plans/{id}/tasks/merge" => plans::merge_tasks, "plans", "合并任务", "admin, supervisor";
    get "/api/v1/plans/{id}/dashboard" => plans::dashboard, "dashboard", "挂图作战数据：灯色、状态、分部分、分单位、目标序时进度、本期未报单位", "leader, admin, supervisor";
    get "/api/v1/plans/{id}/exports/{kind}" => plans::export, "exports", "下载文件：decomposition 责任分解表、ledger 进展台账、units 单位统计（.xlsx），bulletin 进展通报（?period=）、notice 督办单（?notice=）、summary 工作总结（.docx）", "leader, admin, supervisor";
    post "/api/v1/plans/{id}/periods/{period}/publish" => plans::publish_period, "public", "公开发布某期进展", "admin, supervisor";

    get "/api/v1/me/tasks" => plans::my_tasks, "plans", "我的任务：本人单位牵头或配合的任务（含灯色）", "signed in";
    get "/api/v1/tasks/{id}" => plans::task, "plans", "任务详情（含灯色与原因）", "readers of the task";
    patch "/api/v1/tasks/{id}" => plans::update_task, "plans", "修改任务（含牵头、配合单位）", "admin, supervisor";
    delete "/api/v1/tasks/{id}" => plans::delete_task, "plans", "删除没有报送的任务", "admin, supervisor";
    post "/api/v1/tasks/{id}/split" => plans::split_task, "plans", "拆分任务", "admin, supervisor";
    post "/api/v1/tasks/{id}/targets" => plans::create_target, "plans", "新增目标", "admin, supervisor";
    patch "/api/v1/targets/{id}" => plans::update_target, "plans", "修改目标（指标、值、基数、序时进度）", "admin, supervisor";
    delete "/api/v1/targets/{id}" => plans::delete_target, "plans", "删除没有实际值的目标", "admin, supervisor";
    post "/api/v1/tasks/{id}/milestones" => plans::create_milestone, "plans", "新增节点", "admin, supervisor";

    get "/api/v1/tasks/{id}/reports" => reports::task_reports, "reports", "任务的报送记录", "readers of the task";
    post "/api/v1/tasks/{id}/reports" => reports::create, "reports", "新建某期报送（submit=true 时同时提交）", "reporter, unit head of the lead unit";
    get "/api/v1/reports" => reports::list, "reports", "报送列表（可按 plan、task、period、state、unit 筛选）", "signed in; unit roles see their tasks";
    get "/api/v1/reports/{id}" => reports::get, "reports", "报送详情", "readers of the task";
    patch "/api/v1/reports/{id}" => reports::update, "reports", "修改草稿或被退回的报送", "reporter, unit head of the lead unit";
    post "/api/v1/reports/{id}/submit" => reports::submit, "reports", "提交报送", "reporter, unit head of the lead unit";
    post "/api/v1/reports/{id}/approve" => reports::approve, "reports", "科室负责人审核通过（机构启用科室审核时）", "unit head of the lead unit";
    post "/api/v1/reports/{id}/accept" => reports::accept, "reports", "督查室采纳", "supervisor";
    post "/api/v1/reports/{id}/return" => reports::return_report, "reports", "退回并说明理由", "supervisor; unit head before approval";
    post "/api/v1/reports/{id}/correct" => reports::correct, "reports", "对已采纳的报送发起更正（新版本）", "reporter, unit head of the lead unit";
    post "/api/v1/reports/{id}/attachments" => reports::attach, "reports", "上传佐证材料（multipart 字段 file）", "reporter, unit head of the lead unit";
    get "/api/v1/attachments/{id}" => reports::download, "reports", "下载佐证材料", "readers of the task";
    get "/api/v1/tasks/{id}/contributions" => reports::contributions, "reports", "配合单位提供的情况", "readers of the task";
    post "/api/v1/tasks/{id}/contributions" => reports::contribute, "reports", "配合单位提供情况", "reporter, unit head of a co-unit";
    get "/api/v1/tasks/{id}/comments" => reports::comments, "comments", "任务评论", "readers of the task";
    post "/api/v1/tasks/{id}/comments" => reports::comment, "comments", "发表评论；局领导发表的是批示（kind=instruction），进入牵头单位的待办", "readers of the task";
    post "/api/v1/comments/{id}/read" => reports::acknowledge, "comments", "牵头单位将领导批示标记为已阅", "reporter, unit head of the lead unit";
    get "/api/v1/tasks/{id}/notices" => reports::task_notices, "notices", "任务的督办单", "readers of the task";
    post "/api/v1/tasks/{id}/notices" => reports::issue_notice, "notices", "签发督办单", "supervisor";
    get "/api/v1/notices" => reports::notices, "notices", "督办单列表（单位角色只见发给本单位的）", "signed in";
    post "/api/v1/notices/{id}/answer" => reports::answer_notice, "notices", "回复督办单", "reporter, unit head of the addressed unit";
    post "/api/v1/notices/{id}/close" => reports::close_notice, "notices", "办结督办单", "supervisor";

    get "/api/v1/audit" => admin::audit, "admin", "操作日志（可按 entity、entity_id、actor_id、action 筛选）", "leader, admin, supervisor";

    get "/api/v1/public/plans/{id}/periods" => public::periods, "public", "已公开发布的期次", "anyone";
    get "/api/v1/public/plans/{id}/periods/{period}" => public::period, "public", "某期公开进展", "anyone";
}
