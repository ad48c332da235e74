//! Turns what a reader produced into clean lines: one paragraph or heading a line.
//!
//! What it repairs, in this order: control and zero-width characters; headings glued to
//! the text before them (PDF and scraped text often lose line breaks, so a space followed
//! by `一、` or `3.` starts a new line); spaces a PDF left between Chinese characters and
//! digits; and paragraphs wrapped at the page margin. Spaces are kept where they carry
//! meaning (between two issuers in a title) unless the text is clearly PDF-like.

use std::sync::LazyLock;

use regex::Regex;

use crate::chars::{ends_sentence, is_cjk_like};

/// A space (or tab) followed by something that opens a heading or a numbered item.
static INLINE_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"[ \t]+(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)]|\d{1,3}[.．、] ?[\p{Han}“《（]|第[一二三四五六七八九十]{1,3}部分)",
    )
    .expect("valid regex")
});

/// A document title glued to the body that follows it in a flattened line.
static GLUED_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^.{0,60}?(?:工作要点|工作要點|工作计划|工作計劃|工作总结|工作總結)[^\s，。,]{0,4}\s+",
    )
    .expect("valid regex")
});

/// A heading or item marker run into the sentence before it, as on web pages that lost
/// their paragraphs: the split falls after the punctuation.
static RUN_IN_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"[。；！？）)〕】](?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)]|\d{1,3} ?[.．、﹒] ?[[一-鿿]“《（]|[（(]\d{1,3}[）)] ?[一-鿿]|第[一二三四五六七八九十]{1,3}部分)",
    )
    .expect("valid regex")
});

/// A document title run into the sentence (or the signature date) before it, as when a
/// summary and the next plan share one line: "…。2025年工作要点一、…".
static RUN_IN_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"[。；！？）)〕】日] *[一-鿿]{0,20}?(?:19|20)\d{2}年(?:度)?(?:全[市县区省])?(?:教育)?工作(?:要点|要點|计划|計劃|总结|總結)",
    )
    .expect("valid regex")
});

/// Title words, for skipping lines that cannot hold a run-in title.
const TITLE_WORDS: [&str; 6] = [
    "工作要点",
    "工作要點",
    "工作计划",
    "工作計劃",
    "工作总结",
    "工作總結",
];

/// An item marker glued to the words before it ("加强党建1.强化学习", "全面发展（1）加强…",
/// "纪检监察室二、…"); only split in run-in lines, where paragraphs were lost. The
/// patterns start at the marker so the search skips ahead quickly; the word before it is
/// checked by [`glued_before`].
static GLUED_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\d{1,3} ?[.．、﹒] ?|[（(](?:\d{1,3}|[一二三四五六七八九十]{1,3})[）)])[一-鿿]")
        .expect("valid regex")
});

/// Whether the item marker at `at` is glued to a word: a character other than 第 before it.
fn glued_before(line: &str, at: usize) -> bool {
    line[..at]
        .chars()
        .next_back()
        .is_some_and(|before| crate::chars::is_cjk(before) && before != '第')
}

/// Section numerals glued to the body's name that closes a unit list before them
/// ("…纪检监察室二、聚焦…"): where each starts.
fn glued_sections(line: &str) -> impl Iterator<Item = usize> + '_ {
    line.match_indices('、').filter_map(move |(at, _)| {
        let before = &line[..at];
        let numeral_start = before
            .char_indices()
            .rev()
            .take(2)
            .take_while(|(_, c)| "二三四五六七八九十".contains(*c))
            .last()
            .map(|(i, _)| i)?;
        let body = line[..numeral_start].chars().next_back()?;
        "科股处室办心局委".contains(body).then_some(numeral_start)
    })
}

/// Lines this long hold several paragraphs that lost their breaks.
const RUN_IN_LINE: usize = 240;

/// The title words that end a title glued to its body.
static TITLE_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"工作要点|工作要點|工作计划|工作計劃|工作总结|工作總結").expect("valid regex")
});

static BOOKMARK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[bookmark:[^\]]{0,80}\]").expect("valid regex"));

static PAGE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[-—–－]?\s*\d{1,4}\s*[-—–－]?|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)$",
    )
    .expect("valid regex")
});

static LINE_START_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,3} ?[.．、﹒）)]|\d{1,3} [一-鿿]|[①-⑳]|第[一二三四五六七八九十]{1,3}部分|(?:目标任务|任务目标|工作措施|工作举措|责任单位|责任科室|牵头单位|配合单位)[：:])")
        .expect("valid regex")
});

/// True when the line opens with a heading or item marker or a field label.
pub fn starts_with_marker(line: &str) -> bool {
    LINE_START_MARKER.is_match(line)
}

/// Normalizes `raw`; `from_pdf` says the text came from a PDF's text layer.
pub fn normalize(raw: &str, from_pdf: bool) -> String {
    let cleaned = clean_chars(raw);
    let cleaned = BOOKMARK.replace_all(&cleaned, "");
    let cleaned = strip_pinyin(&cleaned);
    let cleaned = text_tables(&cleaned);
    let pdf_like = from_pdf || spaced_cjk(&cleaned);
    let mut lines: Vec<String> = Vec::new();
    // One search over the whole text: thousands of short searches, one a line, cost more
    // in setting up than in searching.
    let marker_cuts: Vec<usize> = RUN_IN_MARKER
        .find_iter(&cleaned)
        .map(|m| {
            m.start()
                + cleaned[m.start()..]
                    .chars()
                    .next()
                    .map_or(0, char::len_utf8)
        })
        .collect();
    let mut next_cut = 0;
    let mut line_start = 0;
    for line in cleaned.split('\n') {
        let line_end = line_start + line.len();
        let mut cuts = Vec::new();
        while marker_cuts.get(next_cut).is_some_and(|&at| at <= line_end) {
            cuts.push(marker_cuts[next_cut] - line_start);
            next_cut += 1;
        }
        line_start = line_end + 1;
        let pieces: Vec<&str> = split_run_in(line, cuts)
            .into_iter()
            .flat_map(|piece| split_inline(piece.trim()))
            .collect();
        for piece in pieces {
            let piece = squeeze_spaces(piece.trim(), pdf_like);
            if piece.is_empty() || (pdf_like && PAGE_NUMBER.is_match(&piece)) {
                continue;
            }
            lines.push(piece);
        }
    }
    if pdf_like || looks_wrapped(&lines) {
        lines = unwrap(lines);
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

fn clean_chars(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut copied = 0;
    let mut chars = raw.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let replacement = match c {
            '\r' if chars.peek().map(|(_, n)| *n) == Some('\n') => "",
            '\r' | '\u{c}' => "\n",
            '\u{3000}' | '\u{a0}' | '\u{2002}'..='\u{200a}' | '\u{202f}' => " ",
            '\u{200b}'..='\u{200d}' | '\u{feff}' | '\u{ad}' => "",
            '\n' | '\t' => continue,
            c if c.is_control() => "",
            _ => continue,
        };
        out.push_str(&raw[copied..at]);
        out.push_str(replacement);
        copied = at + c.len_utf8();
    }
    out.push_str(&raw[copied..]);
    out
}

/// PDF text layers put spaces between Chinese characters where lines broke; real prose
/// almost never does. One such space per 150 Chinese characters marks the text PDF-like.
fn spaced_cjk(text: &str) -> bool {
    // Works on bytes for speed: in UTF-8 the unified ideographs U+4E00..U+9FFF are exactly
    // the three-byte sequences whose lead byte is 0xE4..=0xE9.
    let bytes = text.as_bytes();
    let is_lead = |b: u8| (0xE4..=0xE9).contains(&b);
    let cjk = bytes.iter().filter(|b| is_lead(**b)).count();
    let spaced = bytes
        .iter()
        .enumerate()
        .filter(|(i, b)| {
            **b == b' '
                && *i >= 3
                && is_lead(bytes[i - 3])
                && bytes.get(i + 1).is_some_and(|n| is_lead(*n))
        })
        .count();
    cjk > 200 && spaced * 150 > cjk
}

/// Splits a line before every space-preceded heading marker, and after a title glued to a
/// long body line.
fn split_inline(line: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut rest = line;
    if !line.contains([' ', '\t']) {
        pieces.push(line);
        return pieces;
    }
    if rest.len() > 300
        && TITLE_WORDS
            .iter()
            .any(|w| rest[..char_floor(rest, 300)].contains(w))
        && let Some(m) = GLUED_TITLE.find(rest)
    {
        pieces.push(&rest[..m.end()]);
        rest = &rest[m.end()..];
    }
    let mut start = 0;
    for m in INLINE_MARKER.find_iter(rest) {
        if m.start() > start {
            pieces.push(&rest[start..m.start()]);
            start = m.start();
        }
    }
    pieces.push(&rest[start..]);
    pieces
}

/// The cells of a line copied from a table: cells separated by tabs or by `|` (as web
/// pages and text exports print them), at least two.
fn table_cells(line: &str) -> Option<Vec<String>> {
    if !may_be_row(line) {
        return None;
    }
    let line = line.trim();
    let piped = line.starts_with(['|', '｜'])
        || line.ends_with(['|', '｜'])
        || line.matches(['|', '｜']).count() >= 2;
    let cells: Vec<String> = if piped {
        line.trim_matches(['|', '｜'])
            .split(['|', '｜'])
            .map(|c| c.trim().to_string())
            .collect()
    } else if line.contains('\t') {
        line.split('\t').map(|c| c.trim().to_string()).collect()
    } else {
        return None;
    };
    (cells.len() >= 2 || piped).then_some(cells)
}

/// Whether a line holds a cell separator at all: byte searches, cheaper than reading it.
fn may_be_row(line: &str) -> bool {
    let bytes = line.as_bytes();
    bytes.contains(&b'|') || bytes.contains(&b'\t') || line.contains("｜")
}

/// Lays out runs of table rows in plain text the way tables of .docx files are laid out
/// (a 责任分解表 becomes numbered tasks with their units), so every format reads alike.
fn text_tables(text: &str) -> std::borrow::Cow<'_, str> {
    if !may_be_row(text) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut previous_row = false;
    let has_table = text.split('\n').any(|line| {
        let row = may_be_row(line);
        let run = row && previous_row;
        previous_row = row;
        run
    });
    if !has_table {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut sections = 0u32;
    let flush = |rows: &mut Vec<Vec<String>>, out: &mut String, sections: &mut u32| {
        if rows.len() >= 2 {
            let laid = crate::read::tables::layout(rows, *sections);
            *sections += laid
                .lines()
                .filter(|l| crate::numerals::starts_with_section_numeral(l))
                .count() as u32;
            out.push_str(&laid);
        } else {
            for row in rows.iter() {
                out.push_str(&row.join("\t"));
                out.push('\n');
            }
        }
        rows.clear();
    };
    for line in text.split('\n') {
        // A category row spanning the table (一、…) arrives without separators.
        let category = !rows.is_empty()
            && line.chars().count() <= 40
            && crate::numerals::starts_with_section_numeral(line.trim());
        match table_cells(line) {
            Some(cells) => rows.push(cells),
            None if category => rows.push(vec![line.trim().to_string()]),
            None => {
                flush(&mut rows, &mut out, &mut sections);
                if crate::numerals::starts_with_section_numeral(line.trim()) {
                    sections += 1;
                }
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    flush(&mut rows, &mut out, &mut sections);
    std::borrow::Cow::Owned(out)
}

/// The largest char boundary of `s` at or below `at`.
fn char_floor(s: &str, at: usize) -> usize {
    let mut at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Drops pinyin glosses (經(jīng)費 → 經費): a bracket right after a character holding only
/// lower-case Latin letters, with a tone mark or at most six of them. Found by searching
/// for the brackets, not by a pattern over the whole text: glosses are rare.
fn strip_pinyin(text: &str) -> std::borrow::Cow<'_, str> {
    let mut glosses: Vec<(usize, usize)> = text
        .match_indices('(')
        .chain(text.match_indices("（"))
        .filter_map(|(at, open)| gloss_end(text, at, open.len()).map(|end| (at, end)))
        .collect();
    if glosses.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    glosses.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (from, to) in glosses {
        out.push_str(&text[copied..from]);
        copied = to;
    }
    out.push_str(&text[copied..]);
    std::borrow::Cow::Owned(out)
}

/// Where the gloss opening at `at` ends (after its closing bracket), if it is one.
fn gloss_end(text: &str, at: usize, open: usize) -> Option<usize> {
    const TONED: &str = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ";
    if !text[..at]
        .chars()
        .next_back()
        .is_some_and(crate::chars::is_cjk)
    {
        return None;
    }
    let rest = &text[at + open..];
    let letters = rest
        .char_indices()
        .take_while(|(_, c)| c.is_ascii_lowercase() || TONED.contains(*c))
        .last()
        .map(|(i, c)| i + c.len_utf8())?;
    let syllable = &rest[..letters];
    let count = syllable.chars().count();
    let toned = !syllable.is_ascii();
    let close = rest[letters..]
        .chars()
        .next()
        .filter(|c| matches!(c, ')' | '）'))?;
    (count <= 7 && (toned || count <= 6)).then(|| at + open + letters + close.len_utf8())
}

/// Splits a line at `cuts` (where [`RUN_IN_MARKER`] found a marker run into the sentence
/// before it), where a title runs into it, and in a line that lost its paragraphs where a
/// marker is glued to the word before it or a title to its body.
fn split_run_in(line: &str, mut cuts: Vec<usize>) -> Vec<&str> {
    let after_first = |m: regex::Match<'_>| {
        m.start() + line[m.start()..].chars().next().map_or(0, char::len_utf8)
    };
    let long = line.len() > RUN_IN_LINE;
    if !long && cuts.is_empty() {
        return vec![line];
    }
    if long && line.contains("工作") && TITLE_WORDS.iter().any(|w| line.contains(w)) {
        cuts.extend(RUN_IN_TITLE.find_iter(line).map(after_first));
        cuts.sort_unstable();
    }
    // A line that lost its paragraphs: markers run into it, or a section heading runs on
    // into the items below it, or it is far longer than any paragraph.
    let run_in = long
        && (!cuts.is_empty()
            || line.starts_with(|c: char| "一二三四五六七八九十（(第".contains(c))
                && starts_with_marker(line)
            || line.len() > 10 * RUN_IN_LINE);
    if run_in {
        cuts.extend(
            GLUED_MARKER
                .find_iter(line)
                .map(|m| m.start())
                .filter(|&at| glued_before(line, at))
                .chain(glued_sections(line)),
        );
        cuts.sort_unstable();
    }
    let mut pieces = Vec::new();
    let mut start = 0;
    for cut in cuts.into_iter().chain([line.len()]) {
        if cut <= start {
            continue;
        }
        let piece = &line[start..cut];
        match glued_title_end(piece).filter(|_| run_in) {
            Some(end) => pieces.extend([&piece[..end], &piece[end..]]),
            None => pieces.push(piece),
        }
        start = cut;
    }
    pieces
}

/// Where a title that opens `piece` ends when the body runs on after it.
fn glued_title_end(piece: &str) -> Option<usize> {
    let m = TITLE_END.find(&piece[..char_floor(piece, 240)])?;
    let glued = m.end() < piece.len()
        && !piece[m.end()..].starts_with(['的', '》', '”', '"', '(', '（', '通', '\n'])
        && !piece[..m.start()].contains(['。', '《', '，']);
    // A short word printed after the title before a space (…工作要点范文 2024年…) is part
    // of the title line.
    let spaced = piece[m.end()..]
        .char_indices()
        .take(5)
        .find(|(_, c)| c.is_whitespace())
        .map_or(m.end(), |(i, _)| m.end() + i);
    glued.then_some(spaced)
}

/// Drops spaces next to Chinese characters when the text is PDF-like (they are artifacts);
/// otherwise only folds runs of spaces into one.
fn squeeze_spaces(line: &str, pdf_like: bool) -> String {
    if !line.contains(' ') {
        return line.to_string();
    }
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == ' ' {
            let mut j = i;
            while j < chars.len() && chars[j] == ' ' {
                j += 1;
            }
            let before = out.chars().last();
            let after = chars.get(j).copied();
            let drop = match (before, after) {
                (None, _) | (_, None) => true,
                (Some(b), Some(a)) => {
                    // 学位 960 个: a space between a figure and a word is an artefact,
                    // except after a bare item number opening the line ("4 加强…").
                    let figure = (b.is_ascii_digit() && is_cjk_like(a)
                        || is_cjk_like(b) && a.is_ascii_digit())
                        && !(out.len() <= 3 && out.chars().all(|c| c.is_ascii_digit()));
                    // 2 160个: thousands set apart by a space.
                    let grouped = b.is_ascii_digit()
                        && chars[j..]
                            .iter()
                            .take(3)
                            .filter(|c| c.is_ascii_digit())
                            .count()
                            == 3
                        && !chars.get(j + 3).is_some_and(|c| c.is_ascii_digit());
                    let bare_marker =
                        out.len() <= 3 && out.chars().all(|c| c.is_ascii_digit()) && is_cjk_like(a);
                    !bare_marker && pdf_like && (is_cjk_like(b) || is_cjk_like(a))
                        || figure
                        || grouped
                        || (is_cjk_punct_strict(b) || is_cjk_punct_strict(a))
                }
            };
            if !drop {
                out.push(' ');
            }
            i = j;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// Full-width punctuation: a space beside it is never meaningful.
fn is_cjk_punct_strict(c: char) -> bool {
    matches!(
        c,
        '，' | '。' | '、' | '；' | '：' | '“' | '”' | '（' | '）' | '《' | '》'
    )
}

/// Plain text saved from a PDF keeps the page's line width: most lines are about as long
/// as the longest ones.
fn looks_wrapped(lines: &[String]) -> bool {
    if lines.len() < 20 {
        return false;
    }
    let width = typical_width(lines);
    if !(15..=120).contains(&width) {
        return false;
    }
    let full = lines
        .iter()
        .filter(|l| l.chars().count() * 100 >= width * 80)
        .count();
    full * 2 >= lines.len()
}

fn typical_width(lines: &[String]) -> usize {
    let mut lengths: Vec<usize> = lines
        .iter()
        .map(|l| l.chars().count())
        .filter(|n| *n >= 5)
        .collect();
    if lengths.is_empty() {
        return 0;
    }
    lengths.sort_unstable();
    lengths[lengths.len() * 9 / 10]
}

/// Joins a line to the one before it when that one runs to the margin without ending its
/// sentence and the line does not open a heading or field.
fn unwrap(lines: Vec<String>) -> Vec<String> {
    let width = typical_width(&lines);
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    for line in lines {
        if let Some(prev) = out.last_mut() {
            let prev_len = prev.chars().count();
            let runs_to_margin = prev_len * 100 >= width * 75;
            let open = !prev.chars().last().is_some_and(ends_sentence);
            if runs_to_margin && open && !starts_with_marker(&line) {
                let glue = prev
                    .chars()
                    .last()
                    .is_some_and(|c| c.is_ascii_alphanumeric())
                    && line.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
                if glue {
                    prev.push(' ');
                }
                prev.push_str(&line);
                continue;
            }
        }
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_flattened_pdf_text_at_markers() {
        let raw = "某市教育局 2024 年工作要点 2024 年是全面实施规划的关键之年，全市教育 工作的总体要求是坚持稳中求进。这是为了让文字足够长而写的背景句子，背景句子还要再长一些才能触发标题拆分规则，所以继续写下去，再写一句，再写一句，再写一句，再写一句，再写一句，再写一句，再写一句，再写一句，再写一句，再写一句，再写一句，再写一句。 一、加强党的建设 1.强化理论学习。组织 学习 12 次。 2.加强基层党建。";
        let text = normalize(raw, true);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "某市教育局2024年工作要点");
        assert!(lines[1].starts_with("2024年是全面实施规划的关键之年，全市教育工作的总体要求"));
        assert_eq!(lines[2], "一、加强党的建设");
        assert_eq!(lines[3], "1.强化理论学习。组织学习12次。");
        assert_eq!(lines[4], "2.加强基层党建。");
    }

    #[test]
    fn keeps_meaningful_spaces_in_plain_text() {
        let text = normalize(
            "中共某市委教育工委 某市教育局2024年工作要点\r\n\r\n一、总体要求",
            false,
        );
        assert_eq!(
            text,
            "中共某市委教育工委 某市教育局2024年工作要点\n一、总体要求\n"
        );
    }

    #[test]
    fn unwraps_pdf_lines_but_not_headings() {
        let raw = "1.深入学习贯彻党的全会精神\n目标任务：准确领会全会精神的核心要义，掌握贯彻其中的\n立场观点方法，坚持用党的创新理论武装头脑。\n- 3 -\n责任科室：办公室";
        let text = normalize(raw, true);
        assert_eq!(
            text,
            "1.深入学习贯彻党的全会精神\n目标任务：准确领会全会精神的核心要义，掌握贯彻其中的立场观点方法，坚持用党的创新理论武装头脑。\n责任科室：办公室\n"
        );
    }

    #[test]
    fn strips_invisible_characters() {
        assert_eq!(
            normalize("\u{feff}一、\u{200b}总体\u{3000}要求", false),
            "一、总体 要求\n"
        );
    }
}
