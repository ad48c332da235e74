//! The same plan must come out of every format a bureau may hand over.

use std::path::Path;

use encoding_rs::{BIG5, GB18030};
use luoshi_plandoc::model::{DocumentKind, SourceFormat};
use luoshi_plandoc::parse;

use crate::support::{docx, essentials, html_page, paragraph, pdf_with_text};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .expect("fixture")
}

#[test]
fn html_page_gives_the_same_plan_as_its_text() {
    let text = fixture("county_plan_paren_tasks.txt");
    let from_text = parse("plan.txt", text.as_bytes()).unwrap();
    let from_html = parse("plan.html", html_page(&text).as_bytes()).unwrap();
    assert!(matches!(from_html.format, Some(SourceFormat::Html { .. })));
    assert_eq!(essentials(&from_html), essentials(&from_text));
    assert!(
        !from_html.text.contains("机构概况"),
        "navigation leaked into the article"
    );
    assert!(
        !from_html.text.contains("分享到"),
        "share bar leaked into the article"
    );
}

#[test]
fn gb18030_utf16_and_bom_give_the_same_plan() {
    let text = fixture("summary_then_plan.txt");
    let reference = essentials(&parse("plan.txt", text.as_bytes()).unwrap());
    let (gbk, _, _) = GB18030.encode(&text);
    let parsed = parse("plan-gbk.txt", &gbk).unwrap();
    assert_eq!(
        parsed.format,
        Some(SourceFormat::Text {
            encoding: "gb18030".into()
        })
    );
    assert_eq!(essentials(&parsed), reference);
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
    assert_eq!(
        essentials(&parse("plan-utf16.txt", &utf16).unwrap()),
        reference
    );
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(text.as_bytes());
    assert_eq!(essentials(&parse("plan-bom.txt", &bom).unwrap()), reference);
}

#[test]
fn big5_traditional_text_keeps_its_own_characters() {
    let text = fixture("traditional_plan.txt");
    let (big5, _, _) = BIG5.encode(&text);
    let parsed = parse("plan-big5.txt", &big5).unwrap();
    assert!(parsed.traditional);
    let doc = &parsed.documents[0];
    assert_eq!(doc.title.as_deref(), Some("臨江縣教育局2023年工作要點"));
    assert_eq!(doc.tasks[2].units, vec!["基礎教育科", "計劃財務科"]);
    assert_eq!(
        essentials(&parsed),
        essentials(&parse("plan.txt", text.as_bytes()).unwrap())
    );
}

/// Word's own list numbering (not typed) for sections and tasks, and a 责任分解表 table.
#[test]
fn docx_list_numbering_and_tables_become_structure() {
    let numbering = r#"<w:abstractNum w:abstractNumId="0">
          <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
          <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>
        </w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>"#;
    let cell = |t: &str| format!("<w:tc>{}</w:tc>", paragraph(t, None));
    let merged = r#"<w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>"#;
    let row = |cells: &[String]| format!("<w:tr>{}</w:tr>", cells.join(""));
    let table = format!(
        "<w:tbl>{}{}{}</w:tbl>",
        row(&[
            cell("类别"),
            cell("序号"),
            cell("重点任务"),
            cell("责任单位"),
            cell("完成时限")
        ]),
        row(&[
            cell("教师队伍"),
            cell("1"),
            cell("补充教师。招聘教师80名。"),
            cell("人事科"),
            cell("8月底前")
        ]),
        row(&[
            merged.to_string(),
            cell("2"),
            cell("培训教师。培训教师2000人次。"),
            cell("教师发展中心、人事科"),
            cell("年内")
        ]),
    );
    let body = [
        paragraph("北山市教育局2026年工作要点", None),
        paragraph("加强党的建设", Some((1, 0))),
        paragraph("强化理论学习。集中学习12次。", Some((1, 1))),
        paragraph("责任科室：办公室、机关党委", None),
        paragraph("推进清廉学校建设。创建示范校10所。", Some((1, 1))),
        paragraph("责任科室：机关党委", None),
        paragraph("附件：教师队伍建设任务分解表", None),
        table,
    ]
    .join("");
    let parsed = parse("plan.docx", &docx(&body, Some(numbering))).unwrap();
    assert_eq!(parsed.format, Some(SourceFormat::Docx));
    let doc = &parsed.documents[0];
    assert_eq!(doc.kind, DocumentKind::Plan);
    assert_eq!(doc.title.as_deref(), Some("北山市教育局2026年工作要点"));
    let sections: Vec<(u32, &str)> = doc
        .sections
        .iter()
        .map(|s| (s.no, s.title.as_str()))
        .collect();
    assert_eq!(sections, vec![(1, "加强党的建设"), (2, "教师队伍")]);
    let tasks: Vec<(u32, u32, &str, Vec<String>)> = doc
        .tasks
        .iter()
        .map(|t| (t.section, t.no, t.title.as_str(), t.units.clone()))
        .collect();
    assert_eq!(
        tasks,
        vec![
            (
                1,
                1,
                "强化理论学习",
                vec!["办公室".into(), "机关党委".into()]
            ),
            (1, 2, "推进清廉学校建设", vec!["机关党委".into()]),
            (2, 1, "补充教师", vec!["人事科".into()]),
            (
                2,
                2,
                "培训教师",
                vec!["教师发展中心".into(), "人事科".into()]
            ),
        ]
    );
    assert_eq!(doc.tasks[3].deadlines[0].text, "年内");
    assert_eq!(doc.tasks[2].targets[0].unit, "名");
}

#[test]
fn pdf_text_layer_gives_the_same_plan_as_its_text() {
    let text = fixture("summary_then_plan.txt");
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let parsed = parse("plan.pdf", &pdf_with_text(&lines)).unwrap();
    assert!(matches!(
        parsed.format,
        Some(SourceFormat::Pdf { pages: 1 })
    ));
    assert_eq!(
        essentials(&parsed),
        essentials(&parse("plan.txt", text.as_bytes()).unwrap())
    );
}
