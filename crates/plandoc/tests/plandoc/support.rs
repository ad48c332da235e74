//! Helpers shared by the integration tests: a compact, reviewable projection of a parse,
//! and builders for the .docx, .html and .pdf inputs the tests produce themselves.

use std::io::Write;

use luoshi_plandoc::model::{ParsedFile, Quantity};
use serde_json::{Value, json};

/// What the expected files pin down: structure, units, deadlines and targets, without spans.
pub fn project(parsed: &ParsedFile) -> Value {
    let quantity = |q: &Quantity| match q {
        Quantity::Single(v) => json!(v),
        Quantity::Pair(a, b) => json!([a, b]),
    };
    let documents: Vec<Value> = parsed
        .documents
        .iter()
        .map(|d| {
            json!({
                "kind": d.kind,
                "title": d.title,
                "issuers": d.issuers,
                "year": d.year,
                "doc_number": d.doc_number,
                "sections": d.sections.iter().map(|s| json!([s.no, s.title])).collect::<Vec<_>>(),
                "tasks": d.tasks.iter().map(|t| json!({
                    "no": t.no,
                    "section": t.section,
                    "title": t.title,
                    "objective": t.objective,
                    "lead_units": t.lead_units,
                    "co_units": t.co_units,
                    "deadlines": t.deadlines.iter().map(|x| json!([x.text, x.year, x.month])).collect::<Vec<_>>(),
                    "targets": t.targets.iter().map(|x| json!([x.indicator, quantity(&x.value), x.unit, x.cmp])).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
                "results": d.results.iter().map(|r| json!([r.section, r.target.indicator, quantity(&r.target.value), r.target.unit, r.target.cmp])).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!(documents)
}

/// The projection without indicators and titles' script, to compare formats of one plan.
pub fn essentials(parsed: &ParsedFile) -> Value {
    json!(
        parsed
            .documents
            .iter()
            .map(|d| json!({
                "tasks": d.tasks.iter().map(|t| json!({
                    "no": t.no,
                    "section": t.section,
                    "title": t.title,
                    "units": t.units,
                    "targets": t.targets.iter().map(|x| json!([format!("{:?}", x.value), x.unit, x.cmp])).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            }))
            .collect::<Vec<_>>()
    )
}

/// A web page as a government site publishes it: menus, breadcrumbs, article, share bar, footer.
pub fn html_page(text: &str) -> String {
    let mut page = String::from(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>工作要点_某教育局</title>\
         <script>var tracker = '一、二、三';</script></head><body>\
         <div class=\"top\"><a href=\"/\">首页</a> | 政务公开 | 办事服务</div>\
         <div id=\"nav\"><ul><li>机构概况</li><li>政策文件</li><li>通知公告</li></ul></div>\
         <div class=\"crumb\">当前位置：首页 &gt; 政策文件</div><div class=\"article\">",
    );
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        page.push_str("<p style=\"text-indent:2em\">");
        page.push_str(&line.replace('&', "&amp;").replace('<', "&lt;"));
        page.push_str("</p>\n");
    }
    page.push_str(
        "</div><div class=\"share\">分享到：微信 微博 【打印本页】</div>\
         <div class=\"footer\">主办单位：某教育局 联系电话：0000-0000000</div></body></html>",
    );
    page
}

/// A .docx package with the given `word/document.xml` body and optional numbering part.
pub fn docx(body: &str, numbering: Option<&str>) -> Vec<u8> {
    let mut parts = vec![
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#.to_string(),
        ),
        (
            "word/document.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
            ),
        ),
    ];
    if let Some(numbering) = numbering {
        parts.push((
            "word/numbering.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">{numbering}</w:numbering>"#
            ),
        ));
    }
    zip_of(&parts, zip::CompressionMethod::Deflated)
}

pub fn zip_of(parts: &[(&str, String)], method: zip::CompressionMethod) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(method);
    for (name, content) in parts {
        writer.start_file(*name, options).expect("zip entry");
        writer.write_all(content.as_bytes()).expect("zip write");
    }
    writer.finish().expect("zip finish").into_inner()
}

/// A paragraph, optionally in a numbered list (`num` = (numId, level)).
pub fn paragraph(text: &str, num: Option<(u32, u32)>) -> String {
    let numbering = num
        .map(|(id, level)| format!(r#"<w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{id}"/></w:numPr></w:pPr>"#))
        .unwrap_or_default();
    let text = text.replace('&', "&amp;").replace('<', "&lt;");
    format!(r#"<w:p>{numbering}<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#)
}

/// A PDF whose text layer spells `lines`, one per text line, through a Type0 font with a
/// ToUnicode map (how Chinese government PDFs carry their text). No glyphs are embedded:
/// only the text layer matters to the reader.
pub fn pdf_with_text(lines: &[&str]) -> Vec<u8> {
    let mut alphabet: Vec<char> = lines.iter().flat_map(|l| l.chars()).collect();
    alphabet.sort_unstable();
    alphabet.dedup();
    let cid = |c: char| alphabet.iter().position(|a| *a == c).expect("in alphabet") + 1;
    let mut content = String::from("BT /F1 12 Tf 14 TL 40 800 Td\n");
    for line in lines {
        let hex: String = line.chars().map(|c| format!("{:04X}", cid(c))).collect();
        content.push_str(&format!("<{hex}> Tj T*\n"));
    }
    content.push_str("ET\n");
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n",
    );
    for chunk in alphabet.chunks(100) {
        cmap.push_str(&format!("{} beginbfchar\n", chunk.len()));
        for c in chunk {
            let mut units = [0u16; 2];
            let utf16: String = c
                .encode_utf16(&mut units)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            cmap.push_str(&format!("<{:04X}> <{utf16}>\n", cid(*c)));
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap CMapName currentdict /CMap defineresource pop end end\n");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_string(),
        "<< /Type /Font /Subtype /Type0 /BaseFont /TestCJK /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /TestCJK /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>".to_string(),
        format!("<< /Length {} >>\nstream\n{cmap}endstream", cmap.len()),
    ];
    assemble_pdf(&objects)
}

/// A one-page PDF with no text at all, like a scan without OCR.
pub fn pdf_without_text() -> Vec<u8> {
    let content = "0 0 1 rg 10 10 100 100 re f\n";
    assemble_pdf(&[
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".to_string(),
        format!(
            "<< /Length {} >>\nstream\n{content}endstream",
            content.len()
        ),
    ])
}

fn assemble_pdf(objects: &[String]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}
