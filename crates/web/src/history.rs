//! The audit log told as people read it: who did what to which task, in Beijing time. The
//! task page's trail and the board's "since your last visit" both come from here; neither
//! shows addresses or the stored before/after records, which stay with the audit API.

use std::collections::HashMap;

use luoshi_domain::audit::{AuditAction, AuditEntity};
use luoshi_domain::period::china_time;
use luoshi_store::AuditEntry;

/// One line of a history.
pub struct HistoryLine {
    pub at: String,
    pub actor: String,
    pub what: &'static str,
    /// The task the change belongs to, when it belongs to one.
    pub task_id: Option<i64>,
}

/// What an audit action on an entity means, in the words of the pages.
fn describe(entity: AuditEntity, action: AuditAction) -> &'static str {
    use AuditAction as A;
    use AuditEntity as E;
    match (entity, action) {
        (E::Task, A::Create) => "新增任务",
        (E::Task, A::Delete) => "删除任务",
        (E::Task, A::Merge) => "合并任务",
        (E::Task, A::Split) => "拆分任务",
        (E::Task, _) => "修改任务",
        (E::Target, A::Create) => "新增目标",
        (E::Target, A::Delete) => "删除目标",
        (E::Target, _) => "修改目标",
        (E::Milestone, _) => "新增节点",
        (E::Report, A::Create) => "保存报送草稿",
        (E::Report, A::CreateSubmit | A::Submit) => "提交报送",
        (E::Report, A::Approve) => "科室审核通过",
        (E::Report, A::Accept) => "采纳报送",
        (E::Report, A::Return) => "退回报送",
        (E::Report, A::Correct) => "更正已采纳的报送",
        (E::Report, A::Attach) => "上传佐证材料",
        (E::Report, _) => "修改报送",
        (E::Notice, A::Issue) => "签发督办单",
        (E::Notice, A::Answer) => "回复督办单",
        (E::Notice, A::Close) => "办结督办单",
        (E::Comment, _) => "发表评论",
        (E::Contribution, _) => "报送配合情况",
        (E::Plan, A::Import) => "导入计划",
        (E::Plan, A::Reimport) => "重新导入计划",
        (E::Plan, A::Publish) => "发布计划",
        (E::Plan, A::MapUnit) => "对应责任单位",
        (E::Plan, A::PublishPeriod) => "公开发布进展",
        (E::Section, _) => "修改部分",
        _ => "修改",
    }
}

/// The task a change belongs to: the task itself, or the `task_id` its record carries.
fn task_of(entry: &AuditEntry) -> Option<i64> {
    if entry.entity == AuditEntity::Task {
        return entry.entity_id;
    }
    [&entry.after_json, &entry.before_json]
        .into_iter()
        .flatten()
        .find_map(|json| {
            serde_json::from_str::<serde_json::Value>(json)
                .ok()?
                .get("task_id")?
                .as_i64()
        })
}

/// `names` maps user ids to the names people know them by.
pub fn lines(entries: &[AuditEntry], names: &HashMap<i64, String>) -> Vec<HistoryLine> {
    entries
        .iter()
        .map(|entry| HistoryLine {
            at: china_time(entry.at).format("%Y-%m-%d %H:%M").to_string(),
            actor: match entry.actor_id.and_then(|id| names.get(&id)) {
                Some(name) => name.clone(),
                None if entry.actor.starts_with("system:") => "系统管理员（命令行）".into(),
                None => entry.actor.clone(),
            },
            what: describe(entry.entity, entry.action),
            task_id: task_of(entry),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(entity: &str, action: &str, actor_id: Option<i64>, after: Option<&str>) -> AuditEntry {
        AuditEntry {
            id: 1,
            at: 1_774_972_800, // 2026-03-31 16:00 UTC
            actor_id,
            actor: if actor_id.is_some() {
                "li"
            } else {
                "system:cli"
            }
            .into(),
            ip: "10.0.0.1".into(),
            action: AuditAction::parse(action).unwrap(),
            entity: AuditEntity::parse(entity).unwrap(),
            entity_id: Some(7),
            before_json: None,
            after_json: after.map(str::to_string),
        }
    }

    #[test]
    fn lines_name_the_person_the_act_and_the_task() {
        let names = HashMap::from([(3, "李明".to_string())]);
        let returned = entry("report", "return", Some(3), Some(r#"{"task_id": 42}"#));
        let imported = entry("task", "update", None, None);
        let stranger = entry("notice", "answer", Some(9), Some("not json"));
        let lines = lines(&[returned, imported, stranger], &names);
        assert_eq!(lines[0].at, "2026-04-01 00:00");
        assert_eq!(
            (lines[0].actor.as_str(), lines[0].what, lines[0].task_id),
            ("李明", "退回报送", Some(42))
        );
        assert_eq!(
            (lines[1].actor.as_str(), lines[1].what, lines[1].task_id),
            ("系统管理员（命令行）", "修改任务", Some(7))
        );
        assert_eq!((lines[2].actor.as_str(), lines[2].task_id), ("li", None));
    }
}
