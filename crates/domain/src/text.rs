//! What free text may hold. A form never cuts what was typed: text over the limit, or with
//! control characters in it, is refused with the field's name, so that nothing is lost silently and a pasted book cannot
//! fill the database, the audit log and every view of a task.

use unicode_normalization::UnicodeNormalization;

use crate::DomainError;

/// The most a free-text field (进展情况, 办理情况, 督办事由, a comment) may hold, in characters.
pub const MAX_TEXT_CHARS: usize = 20_000;

/// Refuses text over [`MAX_TEXT_CHARS`] or holding control characters other than line
/// breaks and tabs (a NUL that PostgreSQL cannot store, a form feed that makes an exported
/// .docx unreadable); `label` is the field as the form names it.
pub fn check_text(field: &str, label: &str, text: &str) -> Result<(), DomainError> {
    if let Some(c) = text
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(DomainError::invalid(
            field,
            format!(
                "{label}含有不可见的控制字符（U+{:04X}），请删去后再提交",
                c as u32
            ),
        ));
    }
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

/// Refuses text that is blank or that [`check_text`] refuses.
pub fn check_required(field: &str, label: &str, text: &str) -> Result<(), DomainError> {
    if text.trim().is_empty() {
        return Err(DomainError::invalid(field, format!("{label}不能为空")));
    }
    check_text(field, label, text)
}

/// Characters that show nothing: a username holding one looks like another person's.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{180e}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}' | '\u{feff}')
}

/// A username as it is stored and looked up: NFKC-normalized (the full-width ｌｉ typed by a
/// Chinese input method is li), without spaces, control or invisible characters.
pub fn username(typed: &str) -> Result<String, DomainError> {
    let name: String = typed.trim().nfkc().collect();
    if name.is_empty() {
        return Err(DomainError::invalid("username", "用户名不能为空"));
    }
    if name
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || is_invisible(c))
    {
        return Err(DomainError::invalid(
            "username",
            "用户名不能含空格、控制字符或不可见字符",
        ));
    }
    Ok(name)
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
            reason(check_text("body", "评论内容", &over)),
            format!("评论内容过长：{} 字，最多 20000 字", MAX_TEXT_CHARS + 1)
        );
    }

    #[test]
    fn control_characters_are_refused_but_line_breaks_and_tabs_kept() {
        assert!(check_text("narrative", "进展情况", "第一段\r\n第二段\t完成").is_ok());
        for bad in ["完成\u{0}", "分页\u{c}", "删除\u{7f}"] {
            assert!(
                reason(check_text("narrative", "进展情况", bad))
                    .starts_with("进展情况含有不可见的控制字符"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn usernames_are_normalized_and_invisible_characters_refused() {
        assert_eq!(username(" ｌｉ_ｗｅｉ２ ").unwrap(), "li_wei2");
        for bad in ["li\u{200b}wei", "li wei", "li\u{feff}", "", "li\u{7}"] {
            assert!(username(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn blank_text_is_refused_only_where_it_is_required() {
        assert_eq!(
            reason(check_required("response", "办理情况", " \n\t")),
            "办理情况不能为空"
        );
        assert!(check_text("narrative", "进展情况", "").is_ok());
    }
}
