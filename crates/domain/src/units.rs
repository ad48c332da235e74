//! Matching responsible-unit names found in a plan (责任单位, as written) to the
//! organization's units: exact name first, then abbreviations the admin has recorded.
//! A name that matches nothing is proposed to the reviewer, never created or dropped.

/// A unit as the matcher sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KnownUnit {
    pub id: i64,
    pub name: String,
    pub abbreviations: Vec<String>,
}

/// How a written name was matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Match {
    Exact(i64),
    Abbreviation(i64),
    None,
}

impl Match {
    pub fn unit(self) -> Option<i64> {
        match self {
            Match::Exact(id) | Match::Abbreviation(id) => Some(id),
            Match::None => None,
        }
    }
}

/// Folds the differences that do not change a name: spaces, full-width brackets.
pub fn normalize(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            other => other,
        })
        .collect()
}

/// Finds the unit a written name refers to.
pub fn match_name(written: &str, units: &[KnownUnit]) -> Match {
    let key = normalize(written);
    if key.is_empty() {
        return Match::None;
    }
    if let Some(unit) = units.iter().find(|u| normalize(&u.name) == key) {
        return Match::Exact(unit.id);
    }
    let by_abbreviation: Vec<&KnownUnit> = units
        .iter()
        .filter(|u| u.abbreviations.iter().any(|a| normalize(a) == key))
        .collect();
    match by_abbreviation.as_slice() {
        [only] => Match::Abbreviation(only.id),
        // An abbreviation two units share decides nothing; the reviewer does.
        _ => Match::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units() -> Vec<KnownUnit> {
        vec![
            KnownUnit {
                id: 1,
                name: "基础教育科".into(),
                abbreviations: vec!["基教科".into()],
            },
            KnownUnit {
                id: 2,
                name: "计划财务科（审计科）".into(),
                abbreviations: vec!["财务科".into(), "计财".into()],
            },
            KnownUnit {
                id: 3,
                name: "职业教育科".into(),
                abbreviations: vec!["计财".into()],
            },
        ]
    }

    #[test]
    fn exact_names_win_and_brackets_and_spaces_do_not_matter() {
        assert_eq!(match_name("基础教育科", &units()), Match::Exact(1));
        assert_eq!(match_name(" 计划财务科(审计科)", &units()), Match::Exact(2));
    }

    #[test]
    fn recorded_abbreviations_match_when_unambiguous() {
        assert_eq!(match_name("基教科", &units()), Match::Abbreviation(1));
        assert_eq!(match_name("财务科", &units()).unit(), Some(2));
        assert_eq!(match_name("计财", &units()), Match::None);
    }

    #[test]
    fn unknown_names_are_not_guessed() {
        assert_eq!(match_name("安全科", &units()), Match::None);
        assert_eq!(match_name("", &units()), Match::None);
    }
}
