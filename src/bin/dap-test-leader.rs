//! A local DAP leader and helper for the browser tests (tests/e2e/dap.spec.mjs): one
//! HTTP server (std::net only) on 127.0.0.1 that serves both aggregators' HPKE configs,
//! answers CORS preflights, records the reports POSTed to the leader, and on request
//! decrypts, verifies and aggregates them with `tailor::dap_aggregator` (the in-process
//! leader and helper of tests/dap.rs). A test tool, never a real aggregator.
//!
//! ```text
//! dap-test-leader --port 9000 --tasks tasks.json
//! GET  /leader/hpke_config, /helper/hpke_config   the configs (fixed test keys)
//! POST /leader/tasks/{task-id}/reports            an upload; refused per report with an
//!                                                 UploadErrors body if the leader cannot decrypt it
//! GET  /aggregate?kind=K                          { kind, counted, refused, firstRefusal, total }
//! GET  /log                                       every other request: [{ method, path, contentType, length, origin }]
//! ```
//! `tasks.json`: `[{ kind, taskId, taskInfo, leader, helper, timePrecision, minBatchSize,
//! vdaf: { type, length?, maxMeasurement?, chunkLength? } }]`, each task in time-interval
//! mode, encoded by the aggregators' own code from these fields.

// Native only: the crate's test build for wasm32 compiles every binary too.
#![cfg_attr(target_arch = "wasm32", no_main)]

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    leader::main()
}

#[cfg(not(target_arch = "wasm32"))]
mod leader {
    use std::collections::HashMap;
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::sync::{Arc, Mutex};

    use serde_json::{json, Value};
    use tailor::dap_aggregator::{decode_task_id, parse_report, Aggregators, TaskSpec, W};

    const HPKE_CONFIG_LIST: &str = "application/ppm-dap;message=hpke-config-list";
    const UPLOAD_REQ: &str = "application/ppm-dap;message=upload-req";
    const UPLOAD_ERRORS: &str = "application/ppm-dap;message=upload-errors";
    /// DAP-18 §4.1 ReportError `hpke_decrypt_error`.
    const HPKE_DECRYPT_ERROR: u8 = 5;

    struct Task {
        kind: String,
        aggregators: Aggregators,
        uploads: Vec<Vec<u8>>,
    }

    #[derive(Default)]
    struct State {
        tasks: Vec<Task>,
        log: Vec<Value>,
    }

    pub fn main() {
        let args: Vec<String> = std::env::args().collect();
        let arg = |name: &str| {
            args.iter()
                .position(|a| a == name)
                .and_then(|k| args.get(k + 1))
                .unwrap_or_else(|| {
                    eprintln!("usage: dap-test-leader --port N --tasks tasks.json");
                    std::process::exit(2)
                })
        };
        let port: u16 = arg("--port").parse().expect("--port: a port number");
        let text = std::fs::read_to_string(arg("--tasks")).expect("--tasks: a readable file");
        let specs: Vec<Value> = serde_json::from_str(&text).expect("--tasks: a JSON array");
        let tasks = specs
            .iter()
            .map(|t| Task {
                kind: t["kind"].as_str().expect("kind").to_owned(),
                aggregators: Aggregators::new(task_spec(t)),
                uploads: Vec::new(),
            })
            .collect();
        let state = Arc::new(Mutex::new(State {
            tasks,
            log: Vec::new(),
        }));
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind");
        println!("dap-test-leader listening on http://127.0.0.1:{port}");
        for stream in listener.incoming().flatten() {
            let state = Arc::clone(&state);
            // A thread per connection: a browser may open one it never uses.
            std::thread::spawn(move || {
                let _ = serve(stream, &state);
            });
        }
    }

    /// The aggregators' task from its JSON fields; the VDAF configuration encoded here.
    fn task_spec(t: &Value) -> TaskSpec {
        let n = |v: &Value, k: &str| v[k].as_u64().unwrap_or_else(|| panic!("{k}: a number"));
        let s = |k: &str| {
            t[k].as_str()
                .unwrap_or_else(|| panic!("{k}: text"))
                .to_owned()
        };
        let vdaf = &t["vdaf"];
        let mut config = W::default();
        let vdaf_type = match vdaf["type"].as_str() {
            Some("count") => 1,
            Some("sum") => {
                config.n(n(vdaf, "maxMeasurement"), 8);
                2
            }
            Some("sumVec") => {
                config
                    .n(n(vdaf, "length"), 4)
                    .n(n(vdaf, "maxMeasurement"), 8)
                    .n(n(vdaf, "chunkLength"), 4);
                3
            }
            Some("histogram") => {
                config.n(n(vdaf, "length"), 4).n(n(vdaf, "chunkLength"), 4);
                4
            }
            other => panic!("vdaf.type {other:?}"),
        };
        TaskSpec {
            task_id: decode_task_id(&s("taskId")),
            task_info: s("taskInfo"),
            leader: s("leader"),
            helper: s("helper"),
            time_precision: n(t, "timePrecision"),
            min_batch_size: n(t, "minBatchSize"),
            vdaf_type,
            vdaf_config: config.0,
        }
    }

    struct Response {
        status: &'static str,
        content_type: &'static str,
        body: Vec<u8>,
    }

    fn respond(
        status: &'static str,
        content_type: &'static str,
        body: impl Into<Vec<u8>>,
    ) -> Response {
        Response {
            status,
            content_type,
            body: body.into(),
        }
    }

    fn serve(stream: TcpStream, state: &Mutex<State>) -> std::io::Result<()> {
        let mut reader = BufReader::new(stream.try_clone()?);
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let mut parts = line.split_whitespace();
        let (method, target) = (
            parts.next().unwrap_or("").to_owned(),
            parts.next().unwrap_or("").to_owned(),
        );
        let mut headers = HashMap::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h)? == 0 || h.trim().is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
            }
        }
        let length: usize = headers
            .get("content-length")
            .and_then(|l| l.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        let (path, query) = target.split_once('?').unwrap_or((&target, ""));
        let response = handle(state, &method, path, query, &headers, body);
        let mut out = stream;
        // Any origin may fetch configs and upload: reports carry no cookie (credentials
        // "omit") and the upload's media type needs this preflight answer.
        write!(
            out,
            "HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nAccess-Control-Allow-Origin: *\r\nAccess-Control-Allow-Methods: GET, POST\r\nAccess-Control-Allow-Headers: content-type\r\nAccess-Control-Max-Age: 86400\r\nCache-Control: {}\r\nConnection: close\r\n\r\n",
            response.status,
            response.content_type,
            response.body.len(),
            if path.ends_with("/hpke_config") { "max-age=86400" } else { "no-store" },
        )?;
        out.write_all(&response.body)?;
        out.flush()
    }

    fn handle(
        state: &Mutex<State>,
        method: &str,
        path: &str,
        query: &str,
        headers: &HashMap<String, String>,
        body: Vec<u8>,
    ) -> Response {
        let mut state = state.lock().unwrap_or_else(|p| p.into_inner());
        if path != "/log" && path != "/aggregate" {
            state.log.push(json!({
                "method": method,
                "path": path,
                "contentType": headers.get("content-type"),
                "length": body.len(),
                "origin": headers.get("origin"),
            }));
        }
        if method == "OPTIONS" {
            return respond("204 No Content", "text/plain", "");
        }
        match (method, path) {
            ("GET", "/log") => respond(
                "200 OK",
                "application/json",
                Value::from(state.log.clone()).to_string(),
            ),
            ("GET", "/aggregate") => {
                let kind = query.strip_prefix("kind=").unwrap_or("");
                let Some(task) = state.tasks.iter().find(|t| t.kind == kind) else {
                    return respond("404 Not Found", "text/plain", "no such kind");
                };
                match task.aggregators.aggregate(&task.uploads) {
                    Ok(a) => respond(
                        "200 OK",
                        "application/json",
                        json!({
                            "kind": kind,
                            "counted": a.counted,
                            "refused": a.refused,
                            "firstRefusal": a.first_refusal,
                            "total": a.total,
                        })
                        .to_string(),
                    ),
                    Err(e) => respond("500 Internal Server Error", "text/plain", e),
                }
            }
            ("GET", "/leader/hpke_config") | ("GET", "/helper/hpke_config") => {
                // Every task has the same fixed keys: the first task's aggregators serve them.
                let Some(task) = state.tasks.first() else {
                    return respond("404 Not Found", "text/plain", "no tasks");
                };
                let agg = if path.starts_with("/leader") {
                    &task.aggregators.leader
                } else {
                    &task.aggregators.helper
                };
                respond("200 OK", HPKE_CONFIG_LIST, agg.hpke_config_body())
            }
            ("POST", p) if p.starts_with("/leader/tasks/") && p.ends_with("/reports") => {
                let id = &p["/leader/tasks/".len()..p.len() - "/reports".len()];
                if headers.get("content-type").map(String::as_str) != Some(UPLOAD_REQ) {
                    return respond(
                        "415 Unsupported Media Type",
                        "text/plain",
                        "expected upload-req",
                    );
                }
                let Some(task) = state.tasks.iter_mut().find(|t| {
                    tailor::core::dap::codec::base64url(&t.aggregators.task.task_id) == id
                }) else {
                    return respond(
                        "404 Not Found",
                        "application/problem+json",
                        json!({ "type": "urn:ietf:params:ppm:dap:error:unrecognizedTask", "title": "unknown task", "taskid": id })
                            .to_string(),
                    );
                };
                let report = match parse_report(&body) {
                    Ok(r) => r,
                    Err(e) => return respond(
                        "400 Bad Request",
                        "application/problem+json",
                        json!({ "type": "urn:ietf:params:ppm:dap:error:invalidMessage", "detail": e })
                            .to_string(),
                    ),
                };
                // The leader decrypts its share at once (as DAP-18 lets it): a report made for
                // another task configuration is refused in a 200 UploadErrors.
                if task
                    .aggregators
                    .leader
                    .open(&task.aggregators.task, &report)
                    .is_err()
                {
                    let mut refused = report.report_id.to_vec();
                    refused.push(HPKE_DECRYPT_ERROR);
                    return respond("200 OK", UPLOAD_ERRORS, refused);
                }
                task.uploads.push(body);
                respond("200 OK", "text/plain", "")
            }
            _ => respond("404 Not Found", "text/plain", "not found"),
        }
    }
}
