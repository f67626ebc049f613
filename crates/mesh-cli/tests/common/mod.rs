//! What the tests of the `mesh` binary share: starting `mesh serve` and talking HTTP to it.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod broker;
pub mod kube;

use std::io::Write;
use std::process::{Command, Stdio};

/// Starts `mesh serve` with `args`, answering the address it printed and the child.
pub fn serve(
    args: &[&str],
) -> (
    String,
    std::process::Child,
    std::io::Lines<std::io::BufReader<std::process::ChildStderr>>,
) {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(env!("CARGO_BIN_EXE_mesh"))
        .arg("serve")
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    // Warnings about the worker config may come first.
    let addr = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| l.strip_prefix("listening on http://").map(str::to_owned))
        .expect("mesh serve prints its address");
    (addr, child, lines)
}

/// Sends SIGTERM to `child` (`mesh serve`'s signal to shut down gracefully).
pub fn sigterm(child: &std::process::Child) {
    let sent = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

pub fn http(addr: &str, request: &str) -> String {
    use std::io::Read;
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

/// The status and the body of the answer to `request` (0 when there is none).
pub fn exchange(addr: &str, request: &str) -> (u16, String) {
    let response = http(addr, request);
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = response.split("\r\n\r\n").nth(1).unwrap_or_default().to_owned();
    (status, body)
}

fn bearer(token: Option<&str>) -> String {
    token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default()
}

/// A request without a body, on a connection of its own.
pub fn plain(method: &str, addr: &str, path: &str, token: Option<&str>) -> String {
    let auth = bearer(token);
    format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}Content-Length: 0\r\nConnection: close\r\n\r\n"
    )
}

/// A create or update as pulsar-admin sends it: the package URL and the config (in the form
/// part `part`) as multipart parts.
pub fn form(
    method: &str,
    addr: &str,
    path: &str,
    (part, config): (&str, &str),
    url: &str,
    token: Option<&str>,
) -> String {
    let boundary = "b0undary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"url\"\r\n\r\n{url}\r\n\
         --{boundary}\r\nContent-Type: application/json\r\nContent-Disposition: form-data; name=\"{part}\"\r\n\r\n{config}\r\n\
         --{boundary}--\r\n"
    );
    let auth = bearer(token);
    format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// The create of the function `public/default/echo`.
pub fn create_request(addr: &str, token: Option<&str>) -> String {
    form(
        "POST",
        addr,
        "/admin/v3/functions/public/default/echo",
        (
            "functionConfig",
            r#"{"className": "org.example.Echo", "inputs": ["in"]}"#,
        ),
        "function://public/default/echo@1",
        token,
    )
}
