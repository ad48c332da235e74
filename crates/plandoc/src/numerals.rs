//! Chinese numerals both ways, and numbers with 万 / 亿 multiplied out exactly.
//!
//! No crate reads 0.8万, 4.65亿元 or 二〇二五, so this one does. Values are computed with
//! `rust_decimal` so that 4.65亿 is exactly 465000000, not 464999999.99999994.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::str::FromStr;

/// Chinese digits, including 两 and the zero forms.
pub fn digit_value(c: char) -> Option<u64> {
    Some(match c {
        '零' | '〇' | 'O' => 0,
        '一' | '壹' => 1,
        '二' | '两' | '兩' | '贰' | '貳' => 2,
        '三' | '叁' | '參' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' | '陸' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

fn small_unit(c: char) -> Option<u64> {
    Some(match c {
        '十' | '拾' => 10,
        '百' | '佰' => 100,
        '千' | '仟' => 1000,
        _ => return None,
    })
}

pub fn is_numeral_char(c: char) -> bool {
    digit_value(c).is_some() || small_unit(c).is_some() || matches!(c, '万' | '萬' | '亿' | '億')
}

/// Reads 十二, 一百零五, 两万, 二〇二五 (digit by digit); None if `s` is not a numeral.
pub fn parse_chinese(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let chars: Vec<char> = s.chars().collect();
    if chars.len() > 1 && chars.iter().all(|c| digit_value(*c).is_some()) {
        // 二〇二五: positional digits.
        return chars.iter().try_fold(0u64, |acc, c| {
            acc.checked_mul(10)?.checked_add(digit_value(*c)?)
        });
    }
    let mut total: u64 = 0;
    let mut section: u64 = 0;
    let mut digit: Option<u64> = None;
    for c in chars {
        if let Some(d) = digit_value(c) {
            digit = Some(d);
        } else if let Some(unit) = small_unit(c) {
            section = section.checked_add(digit.unwrap_or(1).checked_mul(unit)?)?;
            digit = None;
        } else if matches!(c, '万' | '萬') {
            section = section.checked_add(digit.take().unwrap_or(0))?;
            total = total.checked_add(section.max(1).checked_mul(10_000)?)?;
            section = 0;
        } else if matches!(c, '亿' | '億') {
            section = section.checked_add(digit.take().unwrap_or(0))?;
            total = total
                .checked_add(section.max(1))?
                .checked_mul(100_000_000)?;
            section = 0;
        } else {
            return None;
        }
    }
    total.checked_add(section)?.checked_add(digit.unwrap_or(0))
}

/// Writes `n` the way plans number their sections: 一, 十二, 二十, 一百零一.
pub fn to_chinese(n: u32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n as usize].to_string(),
        10..=19 => format!(
            "十{}",
            if n > 10 {
                DIGITS[(n % 10) as usize]
            } else {
                ""
            }
        ),
        20..=99 => format!(
            "{}十{}",
            DIGITS[(n / 10) as usize],
            if !n.is_multiple_of(10) {
                DIGITS[(n % 10) as usize]
            } else {
                ""
            }
        ),
        _ => {
            let rest = n % 100;
            let tail = match rest {
                0 => String::new(),
                1..=9 => format!("零{}", DIGITS[rest as usize]),
                10..=19 => format!("一{}", to_chinese(rest)),
                _ => to_chinese(rest),
            };
            format!("{}百{}", to_chinese(n / 100), tail)
        }
    }
}

/// True when `s` opens with a section numeral such as 一、 or 十二、.
pub fn starts_with_section_numeral(s: &str) -> bool {
    let numeral: String = s.chars().take_while(|c| is_numeral_char(*c)).collect();
    !numeral.is_empty() && s[numeral.len()..].starts_with(['、', '，', '.', '．'])
}

/// Folds full-width digits and the full-width point so that number parsing sees ASCII.
pub fn ascii_digit(c: char) -> Option<char> {
    match c {
        '0'..='9' | '.' => Some(c),
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
        '．' => Some('.'),
        _ => None,
    }
}

/// `mantissa` (ASCII digits, maybe a point) times `multiplier`, exactly, as f64.
pub fn scaled(mantissa: &str, multiplier: u64) -> Option<f64> {
    let value = Decimal::from_str(mantissa).ok()?;
    value
        .checked_mul(Decimal::from(multiplier))?
        .normalize()
        .to_f64()
}

/// The value of a 万 / 亿 / 万亿 suffix.
pub fn multiplier(suffix: &str) -> u64 {
    match suffix {
        "万" | "萬" => 10_000,
        "亿" | "億" => 100_000_000,
        "万亿" | "萬億" => 1_000_000_000_000,
        "千万" | "千萬" => 10_000_000,
        "百万" | "百萬" => 1_000_000,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_chinese_numerals() {
        for (text, value) in [
            ("一", 1),
            ("两", 2),
            ("十", 10),
            ("十二", 12),
            ("二十", 20),
            ("三十五", 35),
            ("一百零五", 105),
            ("一千二百", 1200),
            ("两万", 20_000),
            ("三万五千", 35_000),
            ("二〇二五", 2025),
            ("一亿", 100_000_000),
        ] {
            assert_eq!(parse_chinese(text), Some(value), "{text}");
        }
        assert_eq!(parse_chinese("十四五规划"), None);
        assert_eq!(parse_chinese(""), None);
    }

    #[test]
    fn writes_chinese_numerals() {
        for n in 1..=250 {
            assert_eq!(parse_chinese(&to_chinese(n)), Some(n as u64), "{n}");
        }
        assert_eq!(to_chinese(10), "十");
        assert_eq!(to_chinese(21), "二十一");
        assert_eq!(to_chinese(105), "一百零五");
    }

    #[test]
    fn multiplies_out_exactly() {
        assert_eq!(scaled("4.65", multiplier("亿")), Some(465_000_000.0));
        assert_eq!(scaled("0.8", multiplier("万")), Some(8_000.0));
        assert_eq!(scaled("11.09", multiplier("万")), Some(110_900.0));
        assert_eq!(scaled("90.5", 1), Some(90.5));
    }

    #[test]
    fn section_numerals() {
        assert!(starts_with_section_numeral("十二、加强安全"));
        assert!(!starts_with_section_numeral("十四五规划"));
    }
}
