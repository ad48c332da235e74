//! Why a file could not be read.
//!
//! Error policy: every failure to turn bytes into text is a [`ReadError`] naming the file
//! and a [`ReadErrorKind`]; the reason is worded for the person who uploaded the file and
//! says what to do about it. The English text is for the CLI and logs, [`ReadErrorKind::zh`]
//! is the same message for the Chinese UI. Readers never panic on bad input: the fuzz
//! tests feed every reader arbitrary bytes. Extraction itself never fails once there is
//! text; doubtful spots become [`crate::model::Warning`]s instead.

use thiserror::Error;

/// A file that could not be read, with its name.
#[derive(Debug, Error)]
#[error("{file}: {kind}")]
pub struct ReadError {
    pub file: String,
    pub kind: ReadErrorKind,
}

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ReadErrorKind {
    #[error("the file is empty")]
    Empty,
    #[error("the file is {size} bytes, over the limit of {limit} bytes")]
    TooLarge { size: u64, limit: u64 },
    #[error(
        "this is a legacy Word (.doc) or WPS file; open it in Word or WPS and save it as .docx"
    )]
    LegacyOffice,
    #[error("{0} files are not supported; save the document as .docx or PDF")]
    Unsupported(&'static str),
    #[error("the file is encrypted or password-protected; remove the protection and try again")]
    Encrypted,
    #[error(
        "the PDF has no text layer (probably a scan); OCR is not supported: use the original .docx or a PDF with text"
    )]
    PdfWithoutText,
    #[error(
        "the .docx would expand to more than {limit} bytes (a zip bomb or a damaged file); refusing to read it"
    )]
    ZipBomb { limit: u64 },
    #[error("not a readable .docx: {0}")]
    BadDocx(String),
    #[error("not a readable PDF: {0}")]
    BadPdf(String),
    #[error("the file is binary, not text, HTML, .docx or PDF")]
    Binary,
    #[error("the file holds no text")]
    NoText,
}

impl ReadErrorKind {
    /// The message in Simplified Chinese for the web UI.
    pub fn zh(&self) -> String {
        match self {
            ReadErrorKind::Empty => "文件为空".into(),
            ReadErrorKind::TooLarge { size, limit } => format!(
                "文件大小为 {:.1} MB，超过上限 {:.1} MB",
                *size as f64 / 1e6,
                *limit as f64 / 1e6
            ),
            ReadErrorKind::LegacyOffice => {
                "这是旧版 Word（.doc）或 WPS 文件，请用 Word 或 WPS 打开后另存为 .docx 再上传".into()
            }
            ReadErrorKind::Unsupported(what) => {
                format!("不支持 {what} 文件，请另存为 .docx 或 PDF 后再上传")
            }
            ReadErrorKind::Encrypted => "文件已加密或设置了密码，请解除保护后再上传".into(),
            ReadErrorKind::PdfWithoutText => {
                "该 PDF 没有文字层（可能是扫描件），系统不做文字识别，请上传原始 .docx 或可复制文字的 PDF"
                    .into()
            }
            ReadErrorKind::ZipBomb { .. } => {
                "该 .docx 解压后体积异常（可能是压缩炸弹或文件已损坏），已拒绝读取".into()
            }
            ReadErrorKind::BadDocx(why) => format!("无法读取该 .docx 文件：{why}"),
            ReadErrorKind::BadPdf(why) => format!("无法读取该 PDF 文件：{why}"),
            ReadErrorKind::Binary => "文件不是文本、网页、.docx 或 PDF".into(),
            ReadErrorKind::NoText => "文件中没有文字".into(),
        }
    }
}
