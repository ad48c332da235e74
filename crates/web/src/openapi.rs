//! The OpenAPI document at `/api/v1/openapi.json`, built from the endpoint table the router
//! is built from, so that every route is documented and nothing documented is missing.
//! Served as JSON only: no remote UI, nothing loaded from a CDN.

use axum::Json;
use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{KnownFormat, Object, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, PathsBuilder,
    Required, ResponseBuilder,
};

use crate::api::ENDPOINTS;
use crate::error::ErrorCode;

fn method(name: &str) -> HttpMethod {
    match name {
        "post" => HttpMethod::Post,
        "patch" => HttpMethod::Patch,
        "put" => HttpMethod::Put,
        "delete" => HttpMethod::Delete,
        _ => HttpMethod::Get,
    }
}

/// A path parameter's type: ids are 64-bit integers; an export's kind and a period key
/// (`2026-05`, `2026-Q2`) are strings.
fn path_parameter_schema(name: &str) -> Object {
    match name {
        "kind" | "period" => ObjectBuilder::new().schema_type(Type::String).build(),
        _ => ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
            .build(),
    }
}

/// What every error response carries, with every code the API answers with.
fn error_description() -> String {
    let codes: Vec<String> = ErrorCode::ALL
        .iter()
        .map(|c| format!("{} ({})", c.as_str(), c.status().as_u16()))
        .collect();
    format!(
        "错误：{{\"error\": {{\"code\", \"message\", \"field\"（字段有误时）}}}}；code 取值：{}",
        codes.join("，")
    )
}

/// Builds the document.
pub fn build() -> OpenApi {
    let mut paths = PathsBuilder::new();
    for endpoint in ENDPOINTS {
        let mut operation = OperationBuilder::new()
            .tag(endpoint.tag)
            .summary(Some(endpoint.summary))
            .description(Some(format!("权限：{}", endpoint.access)))
            .operation_id(Some(format!(
                "{}_{}",
                endpoint.method,
                endpoint
                    .path
                    .trim_start_matches("/api/v1/")
                    .replace(['/', '{', '}', '-'], "_")
            )))
            .response("200", ResponseBuilder::new().description("成功").build())
            .response(
                "4XX",
                ResponseBuilder::new()
                    .description(error_description())
                    .build(),
            );
        for part in endpoint.path.split('/') {
            if let Some(name) = part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                operation = operation.parameter(
                    ParameterBuilder::new()
                        .name(name)
                        .parameter_in(ParameterIn::Path)
                        .required(Required::True)
                        .schema(Some(path_parameter_schema(name))),
                );
            }
        }
        if matches!(endpoint.method, "post" | "patch" | "put") {
            let media = if endpoint.summary.contains("multipart") {
                "multipart/form-data"
            } else {
                "application/json"
            };
            operation = operation.request_body(Some(
                RequestBodyBuilder::new()
                    .content(media, ContentBuilder::new().build())
                    .build(),
            ));
        }
        paths = paths.path(
            endpoint.path,
            PathItem::new(method(endpoint.method), operation.build()),
        );
    }
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Luoshi 落实 API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "工作要点落实跟踪系统接口。浏览器会话使用 Cookie，写操作须带 X-CSRF-Token；脚本使用 Authorization: Bearer 令牌。",
                ))
                .build(),
        )
        .paths(paths.build())
        .components(Some(
            ComponentsBuilder::new()
                .security_scheme("session", SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::auth::SESSION_COOKIE))))
                .security_scheme("token", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()))
                .build(),
        ))
        .build()
}

pub async fn document() -> Json<OpenApi> {
    Json(build())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The document passes the OpenAPI 3.1 validator client generators rely on. Runs where
    /// `openapi-spec-validator` is installed for python3 (CI installs it); says so when not.
    #[test]
    fn the_document_is_valid_openapi_3_1() {
        let available = std::process::Command::new("python3")
            .args(["-c", "import openapi_spec_validator"])
            .output()
            .is_ok_and(|o| o.status.success());
        if !available {
            eprintln!("skipped: python3 openapi_spec_validator is not installed");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("openapi.json");
        std::fs::write(&file, serde_json::to_vec(&build()).unwrap()).unwrap();
        let out = std::process::Command::new("python3")
            .args(["-m", "openapi_spec_validator"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    #[test]
    fn every_endpoint_is_in_the_document_with_its_method() {
        let document = serde_json::to_value(build()).unwrap();
        for endpoint in ENDPOINTS {
            let item = &document["paths"][endpoint.path][endpoint.method];
            assert!(
                item.is_object(),
                "{} {} missing",
                endpoint.method,
                endpoint.path
            );
        }
        let paths = document["paths"].as_object().unwrap();
        let operations: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
        assert_eq!(operations, ENDPOINTS.len());
    }
}
