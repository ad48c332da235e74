//! Word (.docx) files: paragraphs, automatic list numbering and tables.
//!
//! Read with `zip` and `quick-xml` rather than a whole-document model so that every part is
//! size-checked before and while it is inflated (zip bombs), and so that the numbering a
//! reader sees on screen ("1." "（一）" produced by Word's list engine, not typed) is
//! rebuilt into the text, where the structure parser expects it.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::tables;
use crate::error::ReadErrorKind;
use crate::numerals;

/// The parts we read may inflate to at most this many bytes in all.
pub const MAX_INFLATED_BYTES: u64 = 64 * 1024 * 1024;

pub fn read(bytes: &[u8]) -> Result<String, ReadErrorKind> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| ReadErrorKind::BadDocx(e.to_string()))?;
    let mut budget = MAX_INFLATED_BYTES;
    let document = read_part(&mut archive, "word/document.xml", &mut budget)?
        .ok_or_else(|| ReadErrorKind::BadDocx("word/document.xml is missing".into()))?;
    let numbering = read_part(&mut archive, "word/numbering.xml", &mut budget)?
        .map(|xml| Numbering::parse(&xml))
        .unwrap_or_default();
    let styles = read_part(&mut archive, "word/styles.xml", &mut budget)?
        .map(|xml| style_numbering(&xml))
        .unwrap_or_default();
    Body::new(numbering, styles).render(&document)
}

/// Inflates one part, charging its size to `budget` and refusing when it runs out, whatever
/// the zip headers claim.
fn read_part(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    budget: &mut u64,
) -> Result<Option<String>, ReadErrorKind> {
    let file = match archive.by_name(name) {
        Ok(file) => file,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(zip::result::ZipError::UnsupportedArchive(why)) if why.contains("ncrypt") => {
            return Err(ReadErrorKind::Encrypted);
        }
        Err(e) => return Err(ReadErrorKind::BadDocx(e.to_string())),
    };
    if file.encrypted() {
        return Err(ReadErrorKind::Encrypted);
    }
    if file.size() > *budget {
        return Err(ReadErrorKind::ZipBomb {
            limit: MAX_INFLATED_BYTES,
        });
    }
    let mut data = Vec::new();
    file.take(*budget + 1)
        .read_to_end(&mut data)
        .map_err(|e| ReadErrorKind::BadDocx(format!("{name}: {e}")))?;
    if data.len() as u64 > *budget {
        return Err(ReadErrorKind::ZipBomb {
            limit: MAX_INFLATED_BYTES,
        });
    }
    *budget -= data.len() as u64;
    String::from_utf8(data)
        .map(Some)
        .map_err(|_| ReadErrorKind::BadDocx(format!("{name} is not UTF-8 XML")))
}

/// One level of a list definition: how its counter is printed.
#[derive(Clone, Debug, Default)]
struct Level {
    format: String,
    text: String,
    start: u32,
}

/// `numbering.xml`: list definitions, by `numId`.
#[derive(Default)]
struct Numbering {
    abstract_levels: HashMap<String, HashMap<u32, Level>>,
    num_to_abstract: HashMap<String, String>,
}

impl Numbering {
    fn parse(xml: &str) -> Self {
        let mut numbering = Numbering::default();
        let mut reader = Reader::from_str(xml);
        let mut current_abstract: Option<String> = None;
        let mut current_num: Option<String> = None;
        let mut current_level: Option<u32> = None;
        while let Ok(event) = reader.read_event() {
            match event {
                Event::Start(e) | Event::Empty(e) => match e.local_name().into_inner() {
                    "abstractNum" => current_abstract = attr(&e, "abstractNumId"),
                    "num" => current_num = attr(&e, "numId"),
                    "abstractNumId" => {
                        if let (Some(num), Some(target)) = (&current_num, attr(&e, "val")) {
                            numbering.num_to_abstract.insert(num.clone(), target);
                        }
                    }
                    "lvl" => {
                        current_level = attr(&e, "ilvl").and_then(|v| v.parse().ok());
                        if let (Some(id), Some(level)) = (&current_abstract, current_level) {
                            numbering
                                .abstract_levels
                                .entry(id.clone())
                                .or_default()
                                .insert(
                                    level,
                                    Level {
                                        start: 1,
                                        ..Level::default()
                                    },
                                );
                        }
                    }
                    name @ ("start" | "numFmt" | "lvlText") => {
                        let (Some(id), Some(level)) = (&current_abstract, current_level) else {
                            continue;
                        };
                        let Some(entry) = numbering
                            .abstract_levels
                            .get_mut(id)
                            .and_then(|levels| levels.get_mut(&level))
                        else {
                            continue;
                        };
                        let value = attr(&e, "val").unwrap_or_default();
                        match name {
                            "start" => entry.start = value.parse().unwrap_or(1),
                            "numFmt" => entry.format = value,
                            _ => entry.text = value,
                        }
                    }
                    _ => {}
                },
                Event::End(e) => match e.local_name().into_inner() {
                    "abstractNum" => current_abstract = None,
                    "num" => current_num = None,
                    "lvl" => current_level = None,
                    _ => {}
                },
                Event::Eof => break,
                _ => {}
            }
        }
        numbering
    }

    fn level(&self, num_id: &str, level: u32) -> Option<(&str, &Level)> {
        let abstract_id = self.num_to_abstract.get(num_id)?;
        let level = self.abstract_levels.get(abstract_id)?.get(&level)?;
        Some((abstract_id.as_str(), level))
    }
}

/// Paragraph styles that carry list numbering: style id → (numId, level).
fn style_numbering(xml: &str) -> HashMap<String, (String, u32)> {
    let mut map = HashMap::new();
    let mut reader = Reader::from_str(xml);
    let mut style: Option<String> = None;
    let mut num_id: Option<String> = None;
    let mut level = 0;
    while let Ok(event) = reader.read_event() {
        match event {
            Event::Start(e) | Event::Empty(e) => match e.local_name().into_inner() {
                "style" => {
                    style = attr(&e, "styleId");
                    num_id = None;
                    level = 0;
                }
                "numId" => num_id = attr(&e, "val"),
                "ilvl" => level = attr(&e, "val").and_then(|v| v.parse().ok()).unwrap_or(0),
                _ => {}
            },
            Event::End(e) if e.local_name().into_inner() == "style" => {
                if let (Some(style), Some(num)) = (style.take(), num_id.take()) {
                    map.insert(style, (num, level));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    map
}

fn attr(element: &BytesStart<'_>, local: &str) -> Option<String> {
    element
        .attributes()
        .flatten()
        .find(|a| a.key.local_name().into_inner() == local)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::default())
                .ok()
                .map(|v| v.into_owned())
        })
}

/// Walks `document.xml`, producing one line per paragraph and laying tables out as text.
struct Body {
    numbering: Numbering,
    styles: HashMap<String, (String, u32)>,
    counters: HashMap<String, Vec<u32>>,
}

/// A table being read: rows of cells, each cell a list of paragraph lines.
#[derive(Default)]
struct TableState {
    rows: Vec<Vec<String>>,
    row: Vec<String>,
    cell: Vec<String>,
    vertical_continue: bool,
}

impl Body {
    fn new(numbering: Numbering, styles: HashMap<String, (String, u32)>) -> Self {
        Body {
            numbering,
            styles,
            counters: HashMap::new(),
        }
    }

    fn render(mut self, xml: &str) -> Result<String, ReadErrorKind> {
        let mut reader = Reader::from_str(xml);
        let mut out = String::new();
        let mut tables: Vec<TableState> = Vec::new();
        let mut paragraph = String::new();
        let mut num: Option<(Option<String>, u32)> = None;
        let mut style: Option<String> = None;
        let mut in_text = false;
        let mut in_deleted = 0usize;
        loop {
            let event = reader
                .read_event()
                .map_err(|e| ReadErrorKind::BadDocx(format!("word/document.xml: {e}")))?;
            match event {
                Event::Start(e) => match e.local_name().into_inner() {
                    "p" => {
                        paragraph.clear();
                        num = None;
                        style = None;
                    }
                    "t" => in_text = true,
                    "del" => in_deleted += 1,
                    "tbl" => tables.push(TableState::default()),
                    "tr" => {
                        if let Some(t) = tables.last_mut() {
                            t.row.clear();
                        }
                    }
                    "tc" => {
                        if let Some(t) = tables.last_mut() {
                            t.cell.clear();
                            t.vertical_continue = false;
                        }
                    }
                    "numPr" => num = Some((None, 0)),
                    _ => {}
                },
                Event::Empty(e) => match e.local_name().into_inner() {
                    "tab" => paragraph.push('\t'),
                    "br" | "cr" => paragraph.push('\n'),
                    "pStyle" => style = attr(&e, "val"),
                    "numId" => {
                        if let Some(n) = num.as_mut() {
                            n.0 = attr(&e, "val");
                        }
                    }
                    "ilvl" => {
                        if let Some(n) = num.as_mut() {
                            n.1 = attr(&e, "val").and_then(|v| v.parse().ok()).unwrap_or(0);
                        }
                    }
                    "vMerge" => {
                        let restart = attr(&e, "val").is_some_and(|v| v == "restart");
                        if let Some(t) = tables.last_mut() {
                            t.vertical_continue = !restart;
                        }
                    }
                    _ => {}
                },
                Event::Text(text) if in_text && in_deleted == 0 => {
                    paragraph.push_str(&text.xml10_content());
                }
                Event::GeneralRef(reference) if in_text && in_deleted == 0 => {
                    if let Ok(Some(c)) = reference.resolve_char_ref() {
                        paragraph.push(c);
                    } else if let Some(s) = quick_xml::escape::resolve_xml_entity(&reference) {
                        paragraph.push_str(s);
                    }
                }
                Event::End(e) => match e.local_name().into_inner() {
                    "t" => in_text = false,
                    "del" => in_deleted = in_deleted.saturating_sub(1),
                    "p" => {
                        let label = self.label(num.take(), style.take());
                        let line = format!("{label}{paragraph}");
                        match tables.last_mut() {
                            Some(t) => t.cell.push(line),
                            None => {
                                out.push_str(&line);
                                out.push('\n');
                            }
                        }
                    }
                    "tc" => {
                        if let Some(t) = tables.last_mut() {
                            let text = if t.vertical_continue {
                                tables::CONTINUED.to_string()
                            } else {
                                t.cell.join("\n")
                            };
                            t.row.push(text);
                        }
                    }
                    "tr" => {
                        if let Some(t) = tables.last_mut() {
                            let row = std::mem::take(&mut t.row);
                            t.rows.push(row);
                        }
                    }
                    "tbl" => {
                        if let Some(t) = tables.pop() {
                            let text = tables::layout(&t.rows, sections_in(&out));
                            match tables.last_mut() {
                                Some(outer) => outer.cell.push(text),
                                None => {
                                    out.push_str(&text);
                                    out.push('\n');
                                }
                            }
                        }
                    }
                    _ => {}
                },
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(out)
    }

    /// The label Word would print before a numbered paragraph ("3." "（二）"), or "".
    fn label(&mut self, num: Option<(Option<String>, u32)>, style: Option<String>) -> String {
        let (num_id, level) = match num {
            Some((Some(id), level)) => (id, level),
            _ => match style.and_then(|s| self.styles.get(&s).cloned()) {
                Some(found) => found,
                None => return String::new(),
            },
        };
        if num_id == "0" {
            return String::new();
        }
        let Some((abstract_id, _)) = self.numbering.level(&num_id, level) else {
            return String::new();
        };
        let abstract_id = abstract_id.to_string();
        let counters = self.counters.entry(abstract_id).or_default();
        let level = level as usize;
        if counters.len() <= level {
            counters.resize(level + 1, 0);
        }
        counters[level] += 1;
        counters.truncate(level + 1);
        let counters = counters.clone();
        let Some((_, this)) = self.numbering.level(&num_id, level as u32) else {
            return String::new();
        };
        if this.format == "bullet" || this.format == "none" {
            return String::new();
        }
        let mut text = this.text.clone();
        for (i, count) in counters.iter().enumerate() {
            let placeholder = format!("%{}", i + 1);
            if !text.contains(&placeholder) {
                continue;
            }
            let (format, start) = self
                .numbering
                .level(&num_id, i as u32)
                .map(|(_, l)| (l.format.clone(), l.start))
                .unwrap_or_else(|| ("decimal".into(), 1));
            let value = start + count - 1;
            text = text.replace(&placeholder, &format_counter(&format, value));
        }
        text
    }
}

/// How many top-level section headings (一、二、…) `text` already holds.
fn sections_in(text: &str) -> u32 {
    text.lines()
        .filter(|l| numerals::starts_with_section_numeral(l))
        .count() as u32
}

fn format_counter(format: &str, value: u32) -> String {
    match format {
        "chineseCounting"
        | "chineseCountingThousand"
        | "ideographTraditional"
        | "japaneseCounting"
        | "ideographDigital"
        | "taiwaneseCounting"
        | "taiwaneseCountingThousand" => numerals::to_chinese(value),
        "upperLetter" | "lowerLetter" => {
            let base = if format == "upperLetter" { b'A' } else { b'a' };
            char::from(base + ((value.max(1) - 1) % 26) as u8).to_string()
        }
        _ => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_print_like_word() {
        assert_eq!(format_counter("decimal", 12), "12");
        assert_eq!(format_counter("chineseCounting", 12), "十二");
        assert_eq!(format_counter("chineseCountingThousand", 3), "三");
    }
}
