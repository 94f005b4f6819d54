//! The leader's answer to an upload (DAP-18 §4.5.2 "Leader Behavior" and §3.5 "Errors"):
//! an empty 2xx is success; a 2xx with an `UploadErrors` body lists the reports it
//! refused, each with a `ReportError` code; a 4xx or 5xx carries a problem document
//! (RFC 9457) whose `type` is a DAP URN. Each becomes a typed [`DapError`] that says
//! what happened and what to do about it.

use std::fmt;

use serde::Deserialize;

use super::codec::{base64url, In};
use super::error::DapError;

/// DAP-18's media type of the list of refused reports.
pub const UPLOAD_ERRORS_MEDIA_TYPE: &str = "application/ppm-dap;message=upload-errors";
/// RFC 9457's media type of a problem document.
pub const PROBLEM_MEDIA_TYPE: &str = "application/problem+json";
/// The prefix of DAP's error types (DAP-18 §3.5, §8.5).
const DAP_ERROR_URN: &str = "urn:ietf:params:ppm:dap:error:";

/// DAP-18 §4.1 `ReportError`: why the leader refused one report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportError {
    Reserved,
    BatchCollected,
    ReportReplayed,
    ReportDropped,
    HpkeUnknownConfigId,
    HpkeDecryptError,
    VdafVerifyError,
    TaskExpired,
    InvalidMessage,
    ReportTooEarly,
    TaskNotStarted,
    OutdatedConfig,
    /// A code DAP-18 does not define.
    Unknown(u8),
}

impl ReportError {
    pub fn from_code(code: u8) -> ReportError {
        use ReportError::*;
        match code {
            0 => Reserved,
            1 => BatchCollected,
            2 => ReportReplayed,
            3 => ReportDropped,
            4 => HpkeUnknownConfigId,
            5 => HpkeDecryptError,
            6 => VdafVerifyError,
            7 => TaskExpired,
            8 => InvalidMessage,
            9 => ReportTooEarly,
            10 => TaskNotStarted,
            11 => OutdatedConfig,
            n => Unknown(n),
        }
    }

    /// The draft's name for it.
    pub fn name(self) -> &'static str {
        use ReportError::*;
        match self {
            Reserved => "reserved",
            BatchCollected => "batch_collected",
            ReportReplayed => "report_replayed",
            ReportDropped => "report_dropped",
            HpkeUnknownConfigId => "hpke_unknown_config_id",
            HpkeDecryptError => "hpke_decrypt_error",
            VdafVerifyError => "vdaf_verify_error",
            TaskExpired => "task_expired",
            InvalidMessage => "invalid_message",
            ReportTooEarly => "report_too_early",
            TaskNotStarted => "task_not_started",
            OutdatedConfig => "outdated_config",
            Unknown(_) => "unknown",
        }
    }

    /// What it means for this client, and what to do.
    pub fn advice(self) -> &'static str {
        use ReportError::*;
        match self {
            OutdatedConfig | HpkeUnknownConfigId => {
                "the aggregator's keys changed: fetch hpke_config again and make a new report, once"
            }
            ReportTooEarly => "the leader's clock is behind; the report may be sent again later",
            ReportReplayed => "the leader already has this report",
            BatchCollected => "the period was already collected; the report is too late",
            TaskExpired | TaskNotStarted => "the report time is outside the task's interval",
            HpkeDecryptError | InvalidMessage | VdafVerifyError => {
                "the report does not match the leader's task: check every dap field against the task"
            }
            ReportDropped => "the leader dropped it (for instance, too old)",
            Reserved | Unknown(_) => "not a code DAP-18 defines",
        }
    }

    /// Whether a fresh report made after fetching the aggregators' keys again may succeed.
    pub fn refetch_keys(self) -> bool {
        matches!(
            self,
            ReportError::OutdatedConfig | ReportError::HpkeUnknownConfigId
        )
    }
}

/// One report the leader refused: `ReportUploadStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rejection {
    pub report_id: [u8; 16],
    pub error: ReportError,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "report {} ({}): {}",
            base64url(&self.report_id),
            self.error.name(),
            self.error.advice()
        )
    }
}

/// A problem document (RFC 9457) as the leader sends it. Unknown members are ignored,
/// as the RFC asks; the JS layer passes `await response.json()`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ProblemDetails {
    #[serde(rename = "type")]
    pub problem_type: Option<String>,
    pub title: Option<String>,
    pub status: Option<u16>,
    pub detail: Option<String>,
    pub instance: Option<String>,
    /// DAP-18 §3.5: the task id, base64url, when the server knows it.
    pub taskid: Option<String>,
    /// DAP-18 §4.5.2: the extension code points the leader did not recognize.
    pub unsupported_extensions: Option<Vec<u16>>,
}

/// DAP-18's error types (§3.5 table), or another URI the server used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemType {
    InvalidMessage,
    UnrecognizedTask,
    UnrecognizedAggregationJob,
    BatchInvalid,
    InvalidBatchSize,
    InvalidAggregationParameter,
    BatchMismatch,
    StepMismatch,
    BatchOverlap,
    UnsupportedExtension,
    InvalidExtension,
    /// Not a DAP-18 type (or none: `about:blank`).
    Other(String),
}

const PROBLEM_TYPES: [(&str, ProblemType); 11] = [
    ("invalidMessage", ProblemType::InvalidMessage),
    ("unrecognizedTask", ProblemType::UnrecognizedTask),
    (
        "unrecognizedAggregationJob",
        ProblemType::UnrecognizedAggregationJob,
    ),
    ("batchInvalid", ProblemType::BatchInvalid),
    ("invalidBatchSize", ProblemType::InvalidBatchSize),
    (
        "invalidAggregationParameter",
        ProblemType::InvalidAggregationParameter,
    ),
    ("batchMismatch", ProblemType::BatchMismatch),
    ("stepMismatch", ProblemType::StepMismatch),
    ("batchOverlap", ProblemType::BatchOverlap),
    ("unsupportedExtension", ProblemType::UnsupportedExtension),
    ("invalidExtension", ProblemType::InvalidExtension),
];

impl ProblemType {
    pub fn parse(uri: &str) -> ProblemType {
        uri.strip_prefix(DAP_ERROR_URN)
            .and_then(|t| PROBLEM_TYPES.iter().find(|(name, _)| *name == t))
            .map_or_else(|| ProblemType::Other(uri.to_owned()), |(_, p)| p.clone())
    }

    fn advice(&self) -> Option<&'static str> {
        match self {
            ProblemType::UnrecognizedTask => {
                Some("the leader does not know this task id: check dap.taskId and dap.leader")
            }
            ProblemType::InvalidMessage => Some(
                "the leader could not read the upload: it may speak another DAP draft than dap-18",
            ),
            ProblemType::UnsupportedExtension | ProblemType::InvalidExtension => {
                Some("the leader refused the report's extensions (Tailor sends none)")
            }
            _ => None,
        }
    }
}

/// The leader's refusal of a whole upload.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The HTTP status.
    pub status: u16,
    pub problem_type: ProblemType,
    pub title: Option<String>,
    pub detail: Option<String>,
    pub task_id: Option<String>,
    pub unsupported_extensions: Vec<u16>,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        match &self.problem_type {
            ProblemType::Other(uri) if uri.is_empty() || uri == "about:blank" => {}
            ProblemType::Other(uri) => write!(f, " {uri}")?,
            t => {
                let name = PROBLEM_TYPES
                    .iter()
                    .find(|(_, p)| p == t)
                    .map_or("", |(n, _)| n);
                write!(f, " {name}")?;
            }
        }
        for text in [&self.title, &self.detail].into_iter().flatten() {
            write!(f, ": {text}")?;
        }
        if !self.unsupported_extensions.is_empty() {
            write!(f, " (extensions {:?})", self.unsupported_extensions)?;
        }
        if let Some(a) = self.problem_type.advice() {
            write!(f, " — {a}")?;
        }
        Ok(())
    }
}

/// Whether a `Content-Type` header names `media_type` (compared without case and
/// white space, so `application/ppm-dap; message=upload-errors` matches too).
pub fn is_media_type(header: Option<&str>, media_type: &str) -> bool {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace() && *c != '"')
            .collect::<String>()
            .to_ascii_lowercase()
    };
    header.is_some_and(|h| {
        let h = norm(h);
        let want = norm(media_type);
        // Parameters other than `message` (e.g. a draft `version`) may follow.
        h == want || h.starts_with(&(want + ";"))
    })
}

/// Decodes an `UploadErrors` body: `ReportUploadStatus { ReportID id; ReportError error; }`
/// back to back, as many as the body holds.
pub fn decode_upload_errors(status: u16, body: &[u8]) -> Result<Vec<Rejection>, DapError> {
    if !body.len().is_multiple_of(17) {
        return Err(DapError::Response {
            status,
            problem: format!(
                "an UploadErrors body of {} bytes is not a whole number of 17-byte ReportUploadStatus",
                body.len()
            ),
        });
    }
    let mut r = In::new(body);
    let mut out = Vec::new();
    while !r.at_end() {
        // Cannot fail: the length is a multiple of 17.
        let id = r.fixed("id", 16).unwrap_or_default();
        let code = r.u8("error").unwrap_or_default();
        out.push(Rejection {
            report_id: id.try_into().unwrap_or_default(),
            error: ReportError::from_code(code),
        });
    }
    Ok(out)
}

/// What an upload's response means. `sent` are the ids of the reports in the request,
/// in order; `problem` is the parsed JSON body when the response is a problem document.
pub fn upload_result(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
    problem: Option<ProblemDetails>,
    sent: &[[u8; 16]],
) -> Result<(), DapError> {
    if (200..300).contains(&status) {
        if body.is_empty() {
            return Ok(());
        }
        if !is_media_type(content_type, UPLOAD_ERRORS_MEDIA_TYPE) {
            return Err(DapError::Response {
                status,
                problem: format!(
                    "a body of {} bytes with content type {}; expected an empty body or {UPLOAD_ERRORS_MEDIA_TYPE}",
                    body.len(),
                    content_type.unwrap_or("(none)")
                ),
            });
        }
        let rejected = decode_upload_errors(status, body)?;
        // DAP-18: the refused reports, in the order they were sent, and only those.
        let mut next = 0;
        for r in &rejected {
            match sent[next..].iter().position(|id| *id == r.report_id) {
                Some(k) => next += k + 1,
                None => {
                    return Err(DapError::Response {
                        status,
                        problem: format!(
                            "it refuses report {}, which this request did not send (or not in that order)",
                            base64url(&r.report_id)
                        ),
                    })
                }
            }
        }
        if rejected.is_empty() {
            return Ok(());
        }
        return Err(DapError::ReportsRejected(rejected));
    }
    if (400..600).contains(&status) {
        let p = problem.unwrap_or_default();
        return Err(DapError::Rejected(Box::new(Problem {
            status,
            problem_type: ProblemType::parse(p.problem_type.as_deref().unwrap_or("about:blank")),
            title: p.title,
            detail: p.detail,
            task_id: p.taskid,
            unsupported_extensions: p.unsupported_extensions.unwrap_or_default(),
        })));
    }
    Err(DapError::Response {
        status,
        problem: "expected 2xx, or 4xx/5xx with a problem document".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_match_without_case_or_spaces() {
        assert!(is_media_type(
            Some("Application/PPM-DAP; message=upload-errors"),
            UPLOAD_ERRORS_MEDIA_TYPE
        ));
        assert!(is_media_type(
            Some("application/ppm-dap;message=\"upload-errors\";version=18"),
            UPLOAD_ERRORS_MEDIA_TYPE
        ));
        assert!(!is_media_type(
            Some("application/ppm-dap;message=upload-req"),
            UPLOAD_ERRORS_MEDIA_TYPE
        ));
        assert!(!is_media_type(None, UPLOAD_ERRORS_MEDIA_TYPE));
    }

    #[test]
    fn every_report_error_code_has_its_draft_name() {
        let names: Vec<&str> = (0..=12).map(|c| ReportError::from_code(c).name()).collect();
        assert_eq!(
            names,
            [
                "reserved",
                "batch_collected",
                "report_replayed",
                "report_dropped",
                "hpke_unknown_config_id",
                "hpke_decrypt_error",
                "vdaf_verify_error",
                "task_expired",
                "invalid_message",
                "report_too_early",
                "task_not_started",
                "outdated_config",
                "unknown"
            ]
        );
        assert!(ReportError::OutdatedConfig.refetch_keys());
        assert!(!ReportError::ReportReplayed.refetch_keys());
    }

    #[test]
    fn problem_types_are_dap_urns_or_kept_as_given() {
        assert_eq!(
            ProblemType::parse("urn:ietf:params:ppm:dap:error:unrecognizedTask"),
            ProblemType::UnrecognizedTask
        );
        // An older draft's type is not DAP-18's: kept, not guessed.
        assert_eq!(
            ProblemType::parse("urn:ietf:params:ppm:dap:error:reportRejected"),
            ProblemType::Other("urn:ietf:params:ppm:dap:error:reportRejected".into())
        );
        for (name, t) in &PROBLEM_TYPES {
            assert_eq!(&ProblemType::parse(&format!("{DAP_ERROR_URN}{name}")), t);
        }
    }
}
