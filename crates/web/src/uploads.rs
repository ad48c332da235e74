//! Uploaded files: size-limited, typed by content, saved under generated names in
//! `<data_dir>/files` (outside any web root; the original name is kept only in the database).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use axum::extract::Multipart;
use axum::http::StatusCode;
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ApiResult, ErrorCode};
use luoshi_domain::password::new_secret;
use luoshi_domain::text;

pub struct UploadedFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

pub struct StoredFile {
    pub stored_name: String,
    pub sha256: String,
}

fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        ErrorCode::FileTooLarge,
        format!("文件超过大小上限 {} MB", limit / (1024 * 1024)),
    )
}

/// The one file of a multipart form (field `file`), read up to `limit` bytes.
pub async fn single_file(multipart: Multipart, limit: usize) -> ApiResult<UploadedFile> {
    read_form(multipart, limit).await.map(|(file, _)| file)
}

/// A multipart form whose file is required.
pub async fn read_form(
    multipart: Multipart,
    limit: usize,
) -> ApiResult<(UploadedFile, HashMap<String, String>)> {
    let (file, fields) = read_form_optional(multipart, limit).await?;
    let file = file.ok_or_else(|| ApiError::bad_request("file", "请在表单字段 file 中上传文件"))?;
    Ok((file, fields))
}

/// Past this no text field can be within the text limit, however it is encoded.
const MAX_TEXT_FIELD_BYTES: usize = text::MAX_TEXT_CHARS * 4;

/// A multipart form: its file, if one was chosen (field `file`, up to `limit` bytes), and
/// its text fields, whole: the use case refuses text over its limit beside its field.
pub async fn read_form_optional(
    mut multipart: Multipart,
    limit: usize,
) -> ApiResult<(Option<UploadedFile>, HashMap<String, String>)> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large(limit)
        } else {
            ApiError::bad_request("file", format!("上传内容无法读取：{}", e.body_text()))
        }
    };
    let mut fields = HashMap::new();
    let mut file = None;
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_string();
        if name != "file" {
            let value = field.text().await.map_err(bad)?;
            if value.len() > MAX_TEXT_FIELD_BYTES {
                return Err(ApiError::bad_request(
                    &name,
                    format!("表单内容过长：每项文字最多 {} 字", text::MAX_TEXT_CHARS),
                ));
            }
            fields.insert(name, value);
            continue;
        }
        let Some(file_name) = field
            .file_name()
            .map(|n| {
                n.rsplit(['/', '\\'])
                    .next()
                    .unwrap_or(n)
                    .chars()
                    .take(200)
                    .collect::<String>()
            })
            .filter(|n| !n.trim().is_empty())
        else {
            // A file input left empty sends a part without a file name.
            continue;
        };
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(bad)? {
            if bytes.len() + chunk.len() > limit {
                return Err(too_large(limit));
            }
            bytes.extend_from_slice(&chunk);
        }
        if bytes.is_empty() {
            return Err(ApiError::bad_request(
                "file",
                format!("“{file_name}”是空文件"),
            ));
        }
        file = Some(UploadedFile {
            name: file_name,
            bytes,
        });
    }
    Ok((file, fields))
}

fn files_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("files")
}

/// Saves the bytes under a random name and returns it with the content hash.
pub async fn store_file(data_dir: &Path, file: &UploadedFile) -> ApiResult<StoredFile> {
    let dir = files_dir(data_dir);
    let failed = |e: std::io::Error| {
        tracing::error!(error = %e, dir = %dir.display(), "cannot store upload");
        ApiError::new(ErrorCode::Internal, "文件保存失败，请联系管理员")
    };
    tokio::fs::create_dir_all(&dir).await.map_err(failed)?;
    let stored_name = new_secret();
    let path = dir.join(&stored_name);
    tokio::fs::write(&path, &file.bytes).await.map_err(failed)?;
    let sha256 = Sha256::digest(&file.bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(StoredFile {
        stored_name,
        sha256,
    })
}

/// Stores an uploaded piece of evidence (佐证材料) of an accepted kind and describes it
/// for the report it belongs to.
pub async fn store_evidence(
    data_dir: &Path,
    file: &UploadedFile,
) -> ApiResult<luoshi_store::NewAttachment> {
    let content_type = evidence_type(file)?;
    let stored = store_file(data_dir, file).await?;
    Ok(luoshi_store::NewAttachment {
        file_name: file.name.clone(),
        content_type: content_type.to_string(),
        size: file.bytes.len() as i64,
        stored_name: stored.stored_name,
        sha256: stored.sha256,
    })
}

pub async fn read_file(data_dir: &Path, stored_name: &str) -> ApiResult<Vec<u8>> {
    if !stored_name.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(ApiError::not_found("附件"));
    }
    tokio::fs::read(files_dir(data_dir).join(stored_name))
        .await
        .map_err(|_| ApiError::not_found("附件文件"))
}

/// Evidence is limited to office documents, PDFs and pictures, checked by extension and
/// by the file's first bytes.
pub fn evidence_type(file: &UploadedFile) -> ApiResult<&'static str> {
    let extension = file
        .name
        .rsplit('.')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let b = &file.bytes;
    let zip = b.starts_with(b"PK\x03\x04");
    let found = match extension.as_str() {
        "pdf" if b.starts_with(b"%PDF") => Some("application/pdf"),
        "png" if b.starts_with(b"\x89PNG") => Some("image/png"),
        "jpg" | "jpeg" if b.starts_with(&[0xFF, 0xD8]) => Some("image/jpeg"),
        "docx" if zip => {
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        }
        "xlsx" if zip => Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        "txt" if std::str::from_utf8(b).is_ok() => Some("text/plain; charset=utf-8"),
        _ => None,
    };
    found.ok_or_else(|| {
        ApiError::new(ErrorCode::UnsupportedFileType,
            format!("“{}”不是允许的佐证材料类型（PDF、Word .docx、Excel .xlsx、PNG、JPEG、TXT），或内容与扩展名不符", file.name),
        )
    })
}

/// RFC 5987 encoding for a download's file name.
pub fn percent_encode(name: &str) -> String {
    name.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The Content-Disposition of a download named `file_name` (any script, percent-encoded).
pub fn attachment_disposition(file_name: &str) -> String {
    format!("attachment; filename*=UTF-8''{}", percent_encode(file_name))
}
