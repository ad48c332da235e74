//! Plain text in whatever encoding a bureau's computer saved it in.
//!
//! Order of trust: a byte-order mark, then strict UTF-8, then a detector guess limited to
//! the Chinese encodings (GB18030 covers GBK and GB2312; Big5 for files from Taiwan or
//! Hong Kong). chardetng misreads very short GBK samples, so anything it does not firmly
//! call Big5 is read as GB18030, which decodes every byte sequence.

use encoding_rs::{BIG5, Encoding, GB18030, UTF_8, UTF_16BE, UTF_16LE};

use crate::error::ReadErrorKind;

/// Decoded text and the WHATWG name of the encoding it was in.
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
}

pub fn decode(bytes: &[u8]) -> Result<Decoded, ReadErrorKind> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return finish(text.into_owned(), encoding);
    }
    if looks_binary(bytes) {
        return Err(ReadErrorKind::Binary);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return finish(text.to_owned(), UTF_8);
    }
    let encoding = guess_chinese_encoding(bytes);
    let (text, _, _) = encoding.decode(bytes);
    finish(text.into_owned(), encoding)
}

fn finish(text: String, encoding: &'static Encoding) -> Result<Decoded, ReadErrorKind> {
    if text.trim().is_empty() {
        return Err(ReadErrorKind::NoText);
    }
    let control = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
        .count();
    if control * 20 > text.chars().count() {
        return Err(ReadErrorKind::Binary);
    }
    Ok(Decoded {
        text,
        encoding: encoding.name(),
    })
}

/// NUL bytes never occur in text of the encodings we accept without a BOM.
fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(8192)];
    sample.contains(&0)
}

fn guess_chinese_encoding(bytes: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
    let clean_big5 = || {
        BIG5.decode_without_bom_handling_and_without_replacement(bytes)
            .is_some()
    };
    if guess == BIG5 && bytes.len() > 64 && clean_big5() {
        BIG5
    } else {
        GB18030
    }
}

/// The encoding named by an HTML `<meta charset>` or `content="…charset=…"`, if any.
pub fn html_declared_encoding(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let at = head.find("charset=")? + "charset=".len();
    let label: String = head[at..]
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    Encoding::for_label(label.as_bytes()).map(|e| {
        // Pages labelled gb2312 are routinely GBK or GB18030 in practice.
        if e == encoding_rs::GBK { GB18030 } else { e }
    })
}

/// Decodes an HTML page: BOM, then the declared charset, then the same guess as plain text.
pub fn decode_html(bytes: &[u8]) -> Result<Decoded, ReadErrorKind> {
    if Encoding::for_bom(bytes).is_none()
        && let Some(encoding) = html_declared_encoding(bytes)
        && encoding != UTF_16LE
        && encoding != UTF_16BE
    {
        let (text, _, _) = encoding.decode(bytes);
        return finish(text.into_owned(), encoding);
    }
    decode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_utf8_with_and_without_bom() {
        let plain = decode("一、总体要求".as_bytes()).unwrap();
        assert_eq!(plain.text, "一、总体要求");
        assert_eq!(plain.encoding, "UTF-8");
        let mut with_bom = vec![0xEF, 0xBB, 0xBF];
        with_bom.extend_from_slice("工作要点".as_bytes());
        assert_eq!(decode(&with_bom).unwrap().text, "工作要点");
    }

    #[test]
    fn reads_utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "责任单位：办公室".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let decoded = decode(&bytes).unwrap();
        assert_eq!(decoded.text, "责任单位：办公室");
        assert_eq!(decoded.encoding, "UTF-16LE");
    }

    #[test]
    fn reads_gbk_even_when_short() {
        let (bytes, _, _) = GB18030.encode("新建幼儿园20所");
        let decoded = decode(&bytes).unwrap();
        assert_eq!(decoded.text, "新建幼儿园20所");
        assert_eq!(decoded.encoding, "gb18030");
    }

    #[test]
    fn refuses_binary_and_empty() {
        assert_eq!(
            decode(&[0x00, 0x01, 0x02, 0xff]).err(),
            Some(ReadErrorKind::Binary)
        );
        assert_eq!(decode(b"  \n ").err(), Some(ReadErrorKind::NoText));
    }

    #[test]
    fn html_meta_charset_wins_over_guessing() {
        let (body, _, _) = GB18030.encode("<p>工作要点</p>");
        let mut page = b"<html><head><meta charset=\"gb2312\"></head><body>".to_vec();
        page.extend_from_slice(&body);
        let decoded = decode_html(&page).unwrap();
        assert!(decoded.text.contains("工作要点"));
        assert_eq!(decoded.encoding, "gb18030");
    }
}
