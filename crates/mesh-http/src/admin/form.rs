//! The multipart body of a create or update, as `pulsar-admin` sends it: the config part
//! (`functionConfig`, `sourceConfig` or `sinkConfig`; JSON whatever its content type), `url`,
//! `data` (an uploaded package) and `updateOptions`.

use axum::body::Bytes;
use axum::extract::Multipart;
use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::http::StatusCode;
use mesh_core::Kind;
use mesh_core::pulsar::UpdateOptions;

use crate::ApiError;

/// The parts of a create or update request.
#[derive(Debug, Default)]
pub(crate) struct Form {
    /// The config part, as sent.
    pub config: Option<Bytes>,
    /// The package URL, when one was given and is not blank.
    pub url: Option<String>,
    /// Whether a `data` part (an uploaded package) came.
    pub data: bool,
    /// `updateOptions`.
    pub update_options: UpdateOptions,
}

/// The name of the config part of `kind`.
pub(crate) fn config_part(kind: Kind) -> &'static str {
    match kind {
        Kind::Function => "functionConfig",
        Kind::Source => "sourceConfig",
        Kind::Sink => "sinkConfig",
    }
}

fn malformed(e: &MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::TooLarge(e.body_text())
    } else {
        ApiError::BadRequest(format!("malformed multipart body: {}", e.body_text()))
    }
}

/// Reads every part; unknown parts are read and ignored.
pub(crate) async fn read(kind: Kind, body: Result<Multipart, MultipartRejection>) -> Result<Form, ApiError> {
    let mut body = body.map_err(|e| {
        ApiError::BadRequest(format!(
            "the body must be multipart/form-data with a `{}` part: {}",
            config_part(kind),
            e.body_text()
        ))
    })?;
    let mut form = Form::default();
    while let Some(mut field) = body.next_field().await.map_err(|e| malformed(&e))? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "data" {
            // The package itself is not kept: only that one came matters.
            while field.chunk().await.map_err(|e| malformed(&e))?.is_some() {}
            form.data = true;
            continue;
        }
        let bytes = field.bytes().await.map_err(|e| malformed(&e))?;
        match name.as_str() {
            "url" => {
                let url = String::from_utf8_lossy(&bytes).trim().to_owned();
                form.url = Some(url).filter(|u| !u.is_empty());
            }
            "updateOptions" => {
                form.update_options = if bytes.iter().all(u8::is_ascii_whitespace) {
                    UpdateOptions::default()
                } else {
                    mesh_core::document::parse_one(&bytes)
                        .map_err(|d| ApiError::Rejected(prefixed("updateOptions", d)))?
                };
            }
            n if n == config_part(kind) => form.config = Some(bytes),
            _ => {}
        }
    }
    Ok(form)
}

fn prefixed(prefix: &str, d: mesh_core::diag::Diagnostics) -> mesh_core::diag::Diagnostics {
    let mut out = mesh_core::diag::Diagnostics::new();
    out.extend_under(prefix, d);
    out
}
