//! What the audit log (操作日志) records: the kinds of change and the kinds of record they
//! touch. The store writes and reads them, the histories people read describe them; an
//! unknown stored value is refused as damaged data.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What was done.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Create,
    /// A report created and submitted in one step.
    CreateSubmit,
    Update,
    Delete,
    Merge,
    Split,
    Import,
    Reimport,
    Publish,
    MapUnit,
    PublishPeriod,
    Edit,
    Submit,
    Approve,
    Accept,
    Return,
    Correct,
    Attach,
    Issue,
    Answer,
    Close,
    Login,
    LoginFailed,
    LoginLocked,
    LoginRateLimited,
    Logout,
    AccountLocked,
    PasswordChange,
    PermissionChange,
    /// A leader's instruction (批示) marked read by its unit.
    Acknowledge,
}

text_enum!(AuditAction {
    Create => "create" / "新增",
    CreateSubmit => "create_submit" / "新增并提交",
    Update => "update" / "修改",
    Delete => "delete" / "删除",
    Merge => "merge" / "合并",
    Split => "split" / "拆分",
    Import => "import" / "导入",
    Reimport => "reimport" / "重新导入",
    Publish => "publish" / "发布",
    MapUnit => "map_unit" / "对应单位",
    PublishPeriod => "publish_period" / "公开发布进展",
    Edit => "edit" / "修改",
    Submit => "submit" / "提交",
    Approve => "approve" / "科室审核",
    Accept => "accept" / "采纳",
    Return => "return" / "退回",
    Correct => "correct" / "更正",
    Attach => "attach" / "上传附件",
    Issue => "issue" / "签发",
    Answer => "answer" / "回复",
    Close => "close" / "办结",
    Login => "login" / "登录",
    LoginFailed => "login_failed" / "登录失败",
    LoginLocked => "login_locked" / "锁定期间登录",
    LoginRateLimited => "login_rate_limited" / "登录过于频繁",
    Logout => "logout" / "退出登录",
    AccountLocked => "account_locked" / "锁定账号",
    PasswordChange => "password_change" / "修改密码",
    PermissionChange => "permission_change" / "修改权限",
    Acknowledge => "acknowledge" / "已阅",
});

/// The kind of record a change touched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuditEntity {
    Organization,
    Unit,
    User,
    Session,
    ApiToken,
    Plan,
    Section,
    Task,
    Target,
    Milestone,
    Report,
    Notice,
    Comment,
    Contribution,
}

text_enum!(AuditEntity {
    Organization => "organization" / "机构",
    Unit => "unit" / "单位",
    User => "user" / "用户",
    Session => "session" / "会话",
    ApiToken => "api_token" / "API 令牌",
    Plan => "plan" / "计划",
    Section => "section" / "部分",
    Task => "task" / "任务",
    Target => "target" / "目标",
    Milestone => "milestone" / "节点",
    Report => "report" / "报送",
    Notice => "notice" / "督办单",
    Comment => "comment" / "评论",
    Contribution => "contribution" / "配合情况",
});

impl From<crate::report::ReportAction> for AuditAction {
    fn from(action: crate::report::ReportAction) -> Self {
        use crate::report::ReportAction as R;
        match action {
            R::Edit => AuditAction::Edit,
            R::Submit => AuditAction::Submit,
            R::Approve => AuditAction::Approve,
            R::Accept => AuditAction::Accept,
            R::Return => AuditAction::Return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_text_reads_back_and_serde_agrees() {
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.as_str()).unwrap(), *action);
            let json = serde_json::to_value(action).unwrap();
            assert_eq!(json, action.as_str());
        }
        for entity in AuditEntity::ALL {
            assert_eq!(AuditEntity::parse(entity.as_str()).unwrap(), *entity);
            assert_eq!(serde_json::to_value(entity).unwrap(), entity.as_str());
        }
        assert!(AuditAction::parse("drop_table").is_err());
    }
}
