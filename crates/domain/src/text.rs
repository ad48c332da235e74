//! What free text may hold. A form never cuts what was typed: text over the limit is
//! refused with the field's name, so that nothing is lost silently and a pasted book cannot
//! fill the database, the audit log and every view of a task.

use crate::DomainError;

/// The most a free-text field (进展情况, 办理情况, 督办事由, a comment) may hold, in characters.
pub const MAX_TEXT_CHARS: usize = 20_000;

/// Refuses text over [`MAX_TEXT_CHARS`]; `label` is the field as the form names it.
pub fn check_length(field: &str, label: &str, text: &str) -> Result<(), DomainError> {
    let count = text.chars().count();
    if count > MAX_TEXT_CHARS {
        Err(DomainError::invalid(
            field,
            format!("{label}过长：{count} 字，最多 {MAX_TEXT_CHARS} 字"),
        ))
    } else {
        Ok(())
    }
}

/// Refuses text that is blank or over [`MAX_TEXT_CHARS`].
pub fn check_required(field: &str, label: &str, text: &str) -> Result<(), DomainError> {
    if text.trim().is_empty() {
        return Err(DomainError::invalid(field, format!("{label}不能为空")));
    }
    check_length(field, label, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(result: Result<(), DomainError>) -> String {
        match result {
            Err(DomainError::Invalid { reason, .. }) => reason,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn text_at_the_limit_passes_and_one_more_character_is_refused_by_name() {
        let full = "字".repeat(MAX_TEXT_CHARS);
        assert!(check_required("body", "评论内容", &full).is_ok());
        let over = format!("{full}多");
        assert_eq!(
            reason(check_length("body", "评论内容", &over)),
            format!("评论内容过长：{} 字，最多 20000 字", MAX_TEXT_CHARS + 1)
        );
    }

    #[test]
    fn blank_text_is_refused_only_where_it_is_required() {
        assert_eq!(
            reason(check_required("response", "办理情况", " \n\t")),
            "办理情况不能为空"
        );
        assert!(check_length("narrative", "进展情况", "").is_ok());
    }
}
