//! Luoshi's plan reader: the bytes of a published work plan (工作要点) or summary
//! (工作总结) in, its structure out.
//!
//! Pure by design: no database, no network, no async, no file system. Callers hand over
//! bytes and a file name (for messages) and get a [`model::ParsedFile`] or a
//! [`error::ReadError`] that says what is wrong with the file.
//!
//! Pipeline: [`read`] picks a reader by content and yields raw text; [`normalize`] repairs
//! line breaks and spacing; [`fold`] makes a simplified-character copy for matching;
//! [`extract`] finds documents, sections, tasks, units, targets and results. [`score`]
//! compares results with gold files the way `shared/corpus/SPEC.md` describes.

pub mod chars;
pub mod error;
pub mod extract;
pub mod fold;
pub mod model;
pub mod normalize;
pub mod numerals;
pub mod read;
pub mod score;

pub use error::{ReadError, ReadErrorKind};
pub use model::ParsedFile;

/// Limits applied while reading.
#[derive(Clone, Debug)]
pub struct Options {
    /// Files larger than this are refused before any parsing.
    pub max_bytes: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_bytes: read::DEFAULT_MAX_BYTES,
        }
    }
}

/// Reads a file of any supported format with default limits.
pub fn parse(file_name: &str, bytes: &[u8]) -> Result<ParsedFile, ReadError> {
    parse_with(file_name, bytes, &Options::default())
}

pub fn parse_with(
    file_name: &str,
    bytes: &[u8],
    options: &Options,
) -> Result<ParsedFile, ReadError> {
    let raw = read::read(bytes, options.max_bytes).map_err(|kind| ReadError {
        file: file_name.to_string(),
        kind,
    })?;
    let from_pdf = matches!(raw.format, model::SourceFormat::Pdf { .. });
    let text = normalize::normalize(&raw.text, from_pdf);
    let mut parsed = parse_normalized(file_name, text);
    parsed.format = Some(raw.format);
    Ok(parsed)
}

/// Extracts from text that is already decoded (used by benchmarks and by callers that hold
/// a string); never fails.
pub fn parse_text(file_name: &str, text: &str) -> ParsedFile {
    parse_normalized(file_name, normalize::normalize(text, false))
}

fn parse_normalized(file_name: &str, text: String) -> ParsedFile {
    let folded = fold::simplified(&text);
    let documents = extract::documents(&text, folded.as_deref().unwrap_or(&text));
    ParsedFile {
        file: file_name.to_string(),
        format: None,
        traditional: folded.is_some(),
        documents,
        text,
    }
}
