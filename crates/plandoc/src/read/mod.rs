//! Readers: bytes of any supported format to raw text. The format is chosen by content
//! (magic bytes, markup), never by the file name alone, because bureaus rename files.

pub mod docx;
pub mod html;
pub mod pdf;
pub mod tables;
pub mod text;

use crate::error::ReadErrorKind;
use crate::model::SourceFormat;

/// Default upload limit: larger than any real plan, small enough to refuse junk early.
pub const DEFAULT_MAX_BYTES: u64 = 50 * 1024 * 1024;

/// Raw text from a reader, before normalization.
pub struct RawText {
    pub text: String,
    pub format: SourceFormat,
}

const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Reads `bytes` with the reader their content calls for.
pub fn read(bytes: &[u8], max_bytes: u64) -> Result<RawText, ReadErrorKind> {
    if bytes.len() as u64 > max_bytes {
        return Err(ReadErrorKind::TooLarge {
            size: bytes.len() as u64,
            limit: max_bytes,
        });
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ReadErrorKind::Empty);
    }
    if bytes.starts_with(OLE_MAGIC) {
        // Encrypted .docx files are OLE containers holding an "EncryptedPackage" stream.
        let utf16_name: Vec<u8> = "EncryptedPackage"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        if bytes
            .windows(utf16_name.len())
            .any(|w| w == utf16_name.as_slice())
        {
            return Err(ReadErrorKind::Encrypted);
        }
        return Err(ReadErrorKind::LegacyOffice);
    }
    if bytes.starts_with(b"%PDF-")
        || bytes[..bytes.len().min(1024)]
            .windows(5)
            .any(|w| w == b"%PDF-")
    {
        let (text, pages) = pdf::read(bytes)?;
        return Ok(RawText {
            text,
            format: SourceFormat::Pdf { pages },
        });
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return read_zip(bytes);
    }
    if bytes.starts_with(b"{\\rtf") {
        return Err(ReadErrorKind::Unsupported("RTF"));
    }
    if looks_like_html(bytes) {
        let decoded = text::decode_html(bytes)?;
        return Ok(RawText {
            text: html::article_text(&decoded.text),
            format: SourceFormat::Html {
                encoding: decoded.encoding.to_string(),
            },
        });
    }
    let decoded = text::decode(bytes)?;
    Ok(RawText {
        text: decoded.text,
        format: SourceFormat::Text {
            encoding: decoded.encoding.to_string(),
        },
    })
}

fn read_zip(bytes: &[u8]) -> Result<RawText, ReadErrorKind> {
    let names = zip_names(bytes);
    if names.iter().any(|n| n == "word/document.xml") {
        return Ok(RawText {
            text: docx::read(bytes)?,
            format: SourceFormat::Docx,
        });
    }
    if names.iter().any(|n| n == "OFD.xml") {
        return Err(ReadErrorKind::Unsupported("OFD"));
    }
    if names.iter().any(|n| n.starts_with("xl/")) {
        return Err(ReadErrorKind::Unsupported("Excel"));
    }
    if names.iter().any(|n| n.starts_with("ppt/")) {
        return Err(ReadErrorKind::Unsupported("PowerPoint"));
    }
    if names.is_empty() {
        return Err(ReadErrorKind::BadDocx(
            "the zip archive cannot be opened".into(),
        ));
    }
    Err(ReadErrorKind::Unsupported("ZIP"))
}

fn zip_names(bytes: &[u8]) -> Vec<String> {
    zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map(|a| {
            a.file_names()
                .filter_map(|n| n.ok().map(|n| n.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

fn looks_like_html(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(2048)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || head.starts_with("<?xml") && head.contains("<html")
        || (head.starts_with('<')
            && (head.contains("<body") || head.contains("<div") || head.contains("<p>")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_it_cannot_read() {
        assert_eq!(read(b"", 100).err(), Some(ReadErrorKind::Empty));
        assert_eq!(
            read(&[b'a'; 101], 100).err(),
            Some(ReadErrorKind::TooLarge {
                size: 101,
                limit: 100
            })
        );
        let mut doc = OLE_MAGIC.to_vec();
        doc.extend_from_slice(&[0; 512]);
        assert_eq!(read(&doc, 1 << 20).err(), Some(ReadErrorKind::LegacyOffice));
        let mut encrypted = OLE_MAGIC.to_vec();
        encrypted.extend(
            "EncryptedPackage"
                .encode_utf16()
                .flat_map(|u| u.to_le_bytes()),
        );
        assert_eq!(
            read(&encrypted, 1 << 20).err(),
            Some(ReadErrorKind::Encrypted)
        );
        assert_eq!(
            read(b"{\\rtf1 abc}", 1 << 20).err(),
            Some(ReadErrorKind::Unsupported("RTF"))
        );
    }

    #[test]
    fn chooses_html_by_content() {
        let raw = read(
            "<html><body><p>一、总体要求</p></body></html>".as_bytes(),
            1 << 20,
        )
        .unwrap();
        assert!(matches!(raw.format, SourceFormat::Html { .. }));
        assert_eq!(raw.text.trim(), "一、总体要求");
    }
}
