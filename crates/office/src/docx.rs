//! Word documents in the layout of GB/T 9704-2012 (党政机关公文格式) where it applies: A4,
//! margins 37/35/28/26 mm, title in 方正小标宋简体 二号, body in 仿宋_GB2312 三号 at a fixed
//! 28.95 pt line, first-line indent of two characters, headings 一、 in 黑体 and （一） in
//! 楷体_GB2312, the issuing body and date at the end, page numbers “— N —” in 宋体 四号.
//! Where a machine lacks the official fonts, Word and LibreOffice substitute a CJK font
//! (the east-Asian font slot is set on every run, so the substitute is a Chinese one).

use docx_rs::{
    AlignmentType, Docx, Footer, LineSpacing, LineSpacingType, PageMargin, PageNum, Paragraph, Run,
    RunFonts, SpecialIndentType, Table, TableCell, TableRow, WidthType,
};
use luoshi_domain::light::{LightColor, trim_number};
use luoshi_domain::report::{ProgressStatus, ReportState};

use crate::{Book, OfficeError, Result, chinese_number};

const TITLE_FONT: &str = "方正小标宋简体";
const BODY_FONT: &str = "仿宋_GB2312";
const HEADING_FONT: &str = "黑体";
const SUBHEADING_FONT: &str = "楷体_GB2312";
const PAGE_FONT: &str = "宋体";
/// 三号 (16 pt) in half-points.
const BODY_SIZE: usize = 32;
/// 二号 (22 pt).
const TITLE_SIZE: usize = 44;
/// 28.95 pt in twentieths of a point.
const LINE: i32 = 579;

fn fonts(name: &str) -> RunFonts {
    RunFonts::new().east_asia(name).ascii(name).hi_ansi(name)
}

fn run(text: &str, font: &str, size: usize) -> Run {
    Run::new().add_text(text).fonts(fonts(font)).size(size)
}

fn spaced(paragraph: Paragraph) -> Paragraph {
    paragraph.line_spacing(
        LineSpacing::new()
            .line_rule(LineSpacingType::Exact)
            .line(LINE),
    )
}

/// A body paragraph, indented two characters.
fn body(text: &str) -> Paragraph {
    spaced(Paragraph::new().add_run(run(text, BODY_FONT, BODY_SIZE))).indent(
        None,
        Some(SpecialIndentType::FirstLine(640)),
        None,
        None,
    )
}

/// A body paragraph that starts with a run-in heading in another font: （一）…, 1.…
fn lead_in(head: &str, head_font: &str, bold: bool, text: &str) -> Paragraph {
    let mut head = run(head, head_font, BODY_SIZE);
    if bold {
        head = head.bold();
    }
    spaced(
        Paragraph::new()
            .add_run(head)
            .add_run(run(text, BODY_FONT, BODY_SIZE)),
    )
    .indent(None, Some(SpecialIndentType::FirstLine(640)), None, None)
}

fn heading(text: &str) -> Paragraph {
    spaced(Paragraph::new().add_run(run(text, HEADING_FONT, BODY_SIZE))).indent(
        None,
        Some(SpecialIndentType::FirstLine(640)),
        None,
        None,
    )
}

fn title(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, TITLE_FONT, TITLE_SIZE))
        .align(AlignmentType::Center)
        .line_spacing(
            LineSpacing::new()
                .line_rule(LineSpacingType::Exact)
                .line(700)
                .after(300),
        )
}

fn plain(text: &str) -> Paragraph {
    spaced(Paragraph::new().add_run(run(text, BODY_FONT, BODY_SIZE)))
}

fn right(text: &str) -> Paragraph {
    spaced(
        Paragraph::new()
            .add_run(run(text, BODY_FONT, BODY_SIZE))
            .align(AlignmentType::Right),
    )
    .indent(None, None, Some(1280), None)
}

fn blank() -> Paragraph {
    plain("")
}

fn date_zh(date: chrono::NaiveDate) -> String {
    date.format("%Y年%-m月%-d日").to_string()
}

/// An A4 document with official margins and centred page numbers.
fn document() -> Docx {
    let footer = Footer::new().add_paragraph(
        Paragraph::new()
            .add_run(run("— ", PAGE_FONT, 28))
            .add_page_num(PageNum::new())
            .add_run(run(" —", PAGE_FONT, 28))
            .align(AlignmentType::Center),
    );
    Docx::new()
        .page_size(11906, 16838)
        .page_margin(PageMargin {
            top: 2098,
            bottom: 1984,
            left: 1587,
            right: 1474,
            header: 851,
            footer: 992,
            gutter: 0,
        })
        .default_fonts(fonts(BODY_FONT))
        .default_size(BODY_SIZE)
        .footer(footer)
}

fn pack(docx: Docx) -> Result<Vec<u8>> {
    let mut buffer = std::io::Cursor::new(Vec::new());
    docx.build()
        .pack(&mut buffer)
        .map_err(|e| OfficeError::Docx(e.to_string()))?;
    Ok(buffer.into_inner())
}

fn signature(docx: Docx, book: &Book) -> Docx {
    docx.add_paragraph(blank())
        .add_paragraph(right(&book.organization.name))
        .add_paragraph(right(&date_zh(book.today)))
}

fn lead_units(item: &luoshi_domain::record::TaskWithLight) -> String {
    item.task
        .lead_units
        .iter()
        .map(|a| {
            a.unit_name
                .clone()
                .unwrap_or_else(|| a.written_name.clone())
        })
        .collect::<Vec<_>>()
        .join("、")
}

fn reasons(item: &luoshi_domain::record::TaskWithLight) -> String {
    item.light
        .reasons
        .iter()
        .map(|r| r.message.clone())
        .collect::<Vec<_>>()
        .join("；")
}

/// 月度进展通报: overview, progress by section, highlights, lagging tasks and units, next steps.
pub fn bulletin(book: &Book, period: Option<&str>) -> Result<Vec<u8>> {
    let period = book.period_or_latest(period)?;
    let label = period.label_zh();
    let key = period.key();
    let board = &book.dashboard;
    let reported = book
        .tasks
        .iter()
        .filter(|t| {
            book.report_for(t.task.id, &key)
                .is_some_and(|r| r.submitted_at.is_some())
        })
        .count();
    let mut docx = document()
        .add_paragraph(title(&format!("关于{}落实情况的通报", book.plan.title)))
        .add_paragraph(Paragraph::new().add_run(run(&format!("（{label}）"), SUBHEADING_FONT, BODY_SIZE)).align(AlignmentType::Center))
        .add_paragraph(blank())
        .add_paragraph(plain("局机关各科室、局属各单位："))
        .add_paragraph(body(&format!(
            "现将{label}{}落实情况通报如下。",
            book.plan.title
        )))
        .add_paragraph(heading("一、总体情况"))
        .add_paragraph(body(&format!(
            "{}共分解任务{}项。截至{}，已完成{}项，绿灯（正常推进）{}项，黄灯（需关注）{}项，红灯（严重滞后）{}项；本期应报送{}项，已报送{}项，报送率{}%。",
            book.plan.title,
            book.tasks.len(),
            date_zh(book.today),
            board.by_light.done,
            board.by_light.green,
            board.by_light.yellow,
            board.by_light.red,
            book.tasks.len(),
            reported,
            if book.tasks.is_empty() { 0 } else { reported * 100 / book.tasks.len() }
        )))
        .add_paragraph(heading("二、分项进展"));
    for (index, section) in book.sections.iter().enumerate() {
        docx = docx.add_paragraph(lead_in(
            &format!("（{}）", chinese_number(index + 1)),
            SUBHEADING_FONT,
            false,
            section.title.trim_start_matches(|c: char| {
                !c.is_alphanumeric() || "一二三四五六七八九十、".contains(c)
            }),
        ));
        for item in book
            .tasks
            .iter()
            .filter(|t| t.task.section_id == Some(section.id))
        {
            let progress = book
                .report_for(item.task.id, &key)
                .map(|r| r.narrative.clone())
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| "本期未报送进展。".into());
            docx = docx.add_paragraph(lead_in(
                &format!("{}.{}", item.task.number, item.task.heading),
                BODY_FONT,
                true,
                &format!(
                    "（{}，{}）{}",
                    lead_units(item),
                    item.light.color.zh(),
                    progress
                ),
            ));
        }
    }
    docx = docx.add_paragraph(heading("三、工作亮点"));
    let highlights: Vec<_> = book
        .tasks
        .iter()
        .filter(|t| {
            t.light.color == LightColor::Done
                || book
                    .report_for(t.task.id, &key)
                    .is_some_and(|r| r.state == ReportState::Accepted)
        })
        .collect();
    if highlights.is_empty() {
        docx = docx.add_paragraph(body("本期暂无已采纳的进展。"));
    }
    for item in highlights {
        let narrative = book
            .report_for(item.task.id, &key)
            .map(|r| r.narrative.clone())
            .unwrap_or_default();
        docx = docx.add_paragraph(body(&format!("{}：{}", item.task.heading, narrative)));
    }
    docx = docx.add_paragraph(heading("四、存在问题"));
    let lagging: Vec<_> = book
        .tasks
        .iter()
        .filter(|t| matches!(t.light.color, LightColor::Red | LightColor::Yellow))
        .collect();
    if lagging.is_empty() {
        docx = docx.add_paragraph(body("各项任务均按序时推进。"));
    }
    for item in lagging {
        docx = docx.add_paragraph(body(&format!(
            "{}（{}，{}）：{}。",
            item.task.heading,
            lead_units(item),
            item.light.color.zh(),
            reasons(item)
        )));
    }
    if !board.not_reported.is_empty() {
        let names: Vec<&str> = board.not_reported.iter().map(|u| u.name.as_str()).collect();
        docx = docx.add_paragraph(body(&format!(
            "截至通报时，以下单位尚有本期进展未报送：{}。",
            names.join("、")
        )));
    }
    docx = docx
        .add_paragraph(heading("五、下步工作"))
        .add_paragraph(body(
            "各责任单位要对照任务分解，紧盯目标节点，加快推进滞后任务；红灯、黄灯任务的牵头单位要分析原因、制定措施，于下期报送时一并说明整改情况。",
        ));
    pack(signature(docx, book))
}

/// 督办单 / 催办单 for one notice.
pub fn notice(book: &Book, notice_id: i64) -> Result<Vec<u8>> {
    let notice = book
        .notices
        .iter()
        .find(|n| n.id == notice_id)
        .ok_or(OfficeError::NotFound("督办单"))?;
    let item = book
        .tasks
        .iter()
        .find(|t| t.task.id == notice.task_id)
        .ok_or(OfficeError::NotFound("任务"))?;
    let issued = luoshi_domain::period::china_time(notice.issued_at).date();
    let cell = |text: &str, width: usize| {
        TableCell::new()
            .add_paragraph(spaced(Paragraph::new().add_run(run(text, BODY_FONT, 28))))
            .width(width, WidthType::Dxa)
    };
    let row = |label: &str, value: &str| TableRow::new(vec![cell(label, 2000), cell(value, 6800)]);
    let table = Table::new(vec![
        row(
            "督办编号",
            &format!("督〔{}〕{}号", issued.format("%Y"), notice.id),
        ),
        row(
            "督办事项",
            &format!(
                "{}第{}项：{}",
                book.plan.title, item.task.number, item.task.heading
            ),
        ),
        row("责任单位", &book.unit_name(notice.unit_id)),
        row("督办事由", &notice.reason),
        row(
            "当前状态",
            &format!("{}；{}", item.light.color.zh(), reasons(item)),
        ),
        row(
            "办理时限",
            &format!("请于{}前反馈办理情况", notice.response_due),
        ),
        row("办理情况", notice.response.as_deref().unwrap_or("")),
    ])
    .set_grid(vec![2000, 6800]);
    let docx = document()
        .add_paragraph(title("督  办  单"))
        .add_paragraph(right(&format!("签发日期：{}", date_zh(issued))))
        .add_table(table)
        .add_paragraph(blank())
        .add_paragraph(body(
            "请责任单位高度重视，按时限办结并书面反馈；逾期未办结的，纳入年度考核。",
        ));
    pack(signature(docx, book))
}

/// 工作总结 draft: by section, what each task achieved against its targets, and what was not
/// finished and why.
pub fn summary(book: &Book) -> Result<Vec<u8>> {
    let mut docx = document()
        .add_paragraph(title(&format!("{}{}年工作总结", book.organization.name, book.plan.year)))
        .add_paragraph(Paragraph::new().add_run(run("（草稿）", SUBHEADING_FONT, BODY_SIZE)).align(AlignmentType::Center))
        .add_paragraph(blank())
        .add_paragraph(body(&format!(
            "{}年，{}围绕年度工作要点确定的{}项任务，逐项分解、定期调度、跟踪问效。截至{}，已完成{}项，正常推进{}项，需关注{}项，滞后{}项。现将全年工作总结如下。",
            book.plan.year,
            book.organization.name,
            book.tasks.len(),
            date_zh(book.today),
            book.dashboard.by_light.done,
            book.dashboard.by_light.green,
            book.dashboard.by_light.yellow,
            book.dashboard.by_light.red
        )));
    for (index, section) in book.sections.iter().enumerate() {
        let name = section
            .title
            .trim_start_matches(|c: char| "一二三四五六七八九十、 ".contains(c));
        docx = docx.add_paragraph(heading(&format!("{}、{}", chinese_number(index + 1), name)));
        for item in book
            .tasks
            .iter()
            .filter(|t| t.task.section_id == Some(section.id))
        {
            let accepted = book.latest_accepted(item.task.id);
            let mut text = accepted
                .map(|r| r.narrative.clone())
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| "全年未形成经审核的进展报告。".into());
            for target in &item.task.targets {
                let actual =
                    accepted.and_then(|r| r.actuals.iter().find(|a| a.target_id == target.id));
                let sentence = match (actual, target.annual_value) {
                    (Some(a), Some(plan)) if plan != 0.0 => format!(
                        "{}目标{}{}，实际完成{}{}，完成率{:.0}%。",
                        target.indicator,
                        target.value_text,
                        target.unit,
                        trim_number(a.value),
                        target.unit,
                        a.value / plan * 100.0
                    ),
                    (Some(a), _) => format!(
                        "{}实际完成{}{}。",
                        target.indicator,
                        trim_number(a.value),
                        target.unit
                    ),
                    (None, _) => format!(
                        "{}目标{}{}，未报送实际值。",
                        target.indicator, target.value_text, target.unit
                    ),
                };
                text.push_str(&sentence);
            }
            docx = docx.add_paragraph(lead_in(
                &format!("{}.{}。", item.task.number, item.task.heading),
                BODY_FONT,
                true,
                &text,
            ));
        }
    }
    let unfinished: Vec<_> = book
        .tasks
        .iter()
        .filter(|t| t.light.color != LightColor::Done)
        .collect();
    docx = docx.add_paragraph(heading(&format!(
        "{}、未完成事项及原因",
        chinese_number(book.sections.len() + 1)
    )));
    if unfinished.is_empty() {
        docx = docx.add_paragraph(body("年度各项任务均已完成。"));
    }
    for item in unfinished {
        let status = ProgressStatus::zh_or_unreported(item.status);
        let why = if item.light.reasons.is_empty() {
            "按计划推进中".to_string()
        } else {
            reasons(item)
        };
        docx = docx.add_paragraph(body(&format!(
            "{}（{}，{}）：{}。",
            item.task.heading,
            lead_units(item),
            status,
            why
        )));
    }
    docx = docx
        .add_paragraph(heading(&format!(
            "{}、下一年度工作打算",
            chinese_number(book.sections.len() + 2)
        )))
        .add_paragraph(body("（请结合上述未完成事项和新一年工作要点补充。）"));
    pack(signature(docx, book))
}
