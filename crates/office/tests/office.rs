//! Reading decomposition workbooks: layouts that vary from bureau to bureau are read or
//! their bad rows reported, and workbooks built to exhaust memory are refused first.

use luoshi_office::import;

#[test]
fn variant_layouts_and_bad_rows_are_read_or_reported() {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let rows: [&[&str]; 5] = [
        &["某市教育局2027年重点工作责任分解"],
        &["责任单位", "任务名称", "序号", "类别", "目标指标", "目标值"],
        &[
            "基础教育科",
            "推进集团化办学",
            "1",
            "一、优质均衡",
            "新建教育集团",
            "5",
        ],
        &["", "没有牵头单位的任务", "2", "", "", ""],
        &["安全科", "校园安全", "3", "二、安全", "安全演练", "很多"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *value).unwrap();
        }
    }
    let bytes = workbook.save_to_buffer().unwrap();
    let table = import::decomposition("variant.xlsx", &bytes).unwrap();
    assert_eq!(table.plan.year, 2027);
    assert_eq!(table.plan.tasks.len(), 3);
    assert_eq!(table.plan.tasks[0].lead_units, vec!["基础教育科"]);
    assert_eq!(table.plan.tasks[0].targets[0].annual_value, Some(5.0));
    assert_eq!(
        table.plan.tasks[1].section, 1,
        "a blank section cell continues the one above"
    );
    assert_eq!(table.plan.sections.len(), 2);
    assert!(
        table
            .row_errors
            .iter()
            .any(|e| e.starts_with("第4行") && e.contains("牵头单位")),
        "{:?}",
        table.row_errors
    );
    assert!(
        table
            .row_errors
            .iter()
            .any(|e| e.starts_with("第5行") && e.contains("很多")),
        "{:?}",
        table.row_errors
    );
    let err = import::decomposition("notes.xlsx", &b"PK\x03\x04 not really"[..]).unwrap_err();
    assert!(err.to_string().contains("notes.xlsx"));
}

/// A workbook made by hand: the parts Excel needs and one sheet.
fn workbook_with_sheet(sheet: &str, extra: Option<(&str, Vec<u8>)>) -> Vec<u8> {
    use std::io::Write;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let parts = [
        ("[Content_Types].xml", r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string()),
        ("_rels/.rels", r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string()),
        ("xl/workbook.xml", r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string()),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string()),
        ("xl/worksheets/sheet1.xml", sheet.to_string()),
    ];
    for (name, body) in parts {
        writer.start_file(name, options).unwrap();
        writer.write_all(body.as_bytes()).unwrap();
    }
    if let Some((name, body)) = extra {
        writer.start_file(name, options).unwrap();
        writer.write_all(&body).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

#[test]
fn workbooks_that_would_exhaust_memory_are_refused_before_reading() {
    // One cell declared at the sheet's last row and column: calamine alone would try to
    // allocate the whole grid and abort.
    let far = workbook_with_sheet(
        r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>"#,
        None,
    );
    assert!(far.len() < 4096, "the bomb is small: {}", far.len());
    let err = import::decomposition("bomb.xlsx", &far)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("bomb.xlsx") && err.contains("超出可读取的范围"),
        "{err}"
    );
    let declared = workbook_with_sheet(
        r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData/></worksheet>"#,
        None,
    );
    assert!(import::decomposition("dim.xlsx", &declared).is_err());
    // A part that inflates past the budget.
    let padding = vec![b' '; (luoshi_office::workbook::MAX_INFLATED_BYTES + 1) as usize];
    let inflating = workbook_with_sheet(
        r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>"#,
        Some(("xl/padding.xml", padding)),
    );
    assert!(inflating.len() < 1024 * 1024);
    let err = import::decomposition("zip.xlsx", &inflating)
        .unwrap_err()
        .to_string();
    assert!(err.contains("压缩炸弹"), "{err}");
    // An ordinary sheet still passes the budgets.
    let plain = workbook_with_sheet(
        r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:B2"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>任务名称</t></is></c><c r="B1" t="inlineStr"><is><t>牵头单位</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>新建幼儿园</t></is></c><c r="B2" t="inlineStr"><is><t>基教科</t></is></c></row></sheetData></worksheet>"#,
        None,
    );
    assert!(luoshi_office::workbook::check("plain.xlsx", &plain).is_ok());
}
