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

/// What the reviewer is offered for a written name that matched no unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proposal {
    /// An existing unit the name plainly is (基教科 for 基础教育科): offered first.
    Resembles(i64),
    /// Several units at once (局机关各科室, 各学校, 相关科室): not one unit to create; the
    /// tasks get their units assigned instead.
    Collective,
    /// Nothing like it: a new unit, named as written.
    New,
}

/// Words that make a name stand for several units, not one.
const COLLECTIVE_STARTS: [&str; 7] = ["相关", "有关", "全体", "所有", "局属", "全局", "其他"];

/// Whether a written name stands for a group of units (各科室, 相关单位) rather than one.
pub fn is_collective(written: &str) -> bool {
    let key = normalize(written);
    key.contains('各')
        || COLLECTIVE_STARTS.iter().any(|start| key.starts_with(start))
        || key.ends_with('等')
        || key.ends_with("等单位")
}

/// How much `written` looks like `name`: 1 when one is the other's characters in order with
/// the same first character (基教科 in 基础教育科), else the share of characters they have
/// in common, when they end alike (科, 股, 中心).
fn resemblance(written: &str, name: &str) -> f64 {
    let (a, b): (Vec<char>, Vec<char>) = (written.chars().collect(), name.chars().collect());
    if a.len() < 2 || b.len() < 2 || a[0] != b[0] {
        return 0.0;
    }
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    let mut rest = long.iter();
    if short.iter().all(|c| rest.any(|d| d == c)) {
        return 1.0;
    }
    if a.last() != b.last() {
        return 0.0;
    }
    let shared = short.iter().filter(|c| long.contains(c)).count();
    shared as f64 / long.len() as f64
}

/// What to offer for a name [`match_name`] found nothing for: the one existing unit it
/// plainly resembles, a group of units, or a new unit.
pub fn propose(written: &str, units: &[KnownUnit]) -> Proposal {
    if is_collective(written) {
        return Proposal::Collective;
    }
    let key = normalize(written);
    let mut scored: Vec<(f64, i64)> = units
        .iter()
        .map(|unit| {
            let best = std::iter::once(&unit.name)
                .chain(&unit.abbreviations)
                .map(|name| resemblance(&key, &normalize(name)))
                .fold(0.0, f64::max);
            (best, unit.id)
        })
        .filter(|(score, _)| *score >= 0.6)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    match scored.as_slice() {
        [(first, id), (second, _), ..] if first > second => Proposal::Resembles(*id),
        [(_, id)] => Proposal::Resembles(*id),
        _ => Proposal::New,
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

    #[test]
    fn a_shortened_name_is_offered_the_unit_it_shortens() {
        let units = units();
        assert_eq!(
            propose("基教股", &units),
            Proposal::New,
            "another suffix is another unit"
        );
        assert_eq!(propose("基础教育", &units), Proposal::Resembles(1));
        assert_eq!(propose("财务", &units), Proposal::Resembles(2));
        assert_eq!(
            propose("计财科", &units),
            Proposal::New,
            "two units are as like: no guess"
        );
        assert_eq!(propose("职教科", &units), Proposal::Resembles(3));
        assert_eq!(propose("督导室", &units), Proposal::New);
    }

    #[test]
    fn a_name_for_many_units_is_not_a_unit() {
        for many in [
            "局机关各科室",
            "各学校",
            "相关科室",
            "有关单位",
            "局属学校",
            "教育股等",
        ] {
            assert!(is_collective(many), "{many}");
            assert_eq!(propose(many, &units()), Proposal::Collective, "{many}");
        }
        for one in ["基础教育科", "安全管理科", "教研室"] {
            assert!(!is_collective(one), "{one}");
        }
    }
}
