//! A local stand-in for the Pulsar broker's admin REST API, for the two calls `mesh serve` makes
//! before a create when `pulsarWebServiceUrl` is set (no Pulsar runs in the tests): the
//! existence checks of `../shared/reference/pulsar-auth.md` §3.4, with their wire shapes:
//! `GET /admin/v2/tenants/{tenant}` answers a `TenantInfo` (`{"adminRoles": [], "allowedClusters":
//! [...]}`) or 404, and `GET /admin/v2/namespaces/{tenant}` the JSON array of `"tenant/ns"`.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

/// Serves the tenant `public` with the namespace `public/default` until the test process ends;
/// answers its URL (`http://127.0.0.1:PORT`).
pub fn broker() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request_line = String::new();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            // The rest of the head; the calls have no body.
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let path = request_line.split(' ').nth(1).unwrap_or_default();
            let (status, body) = match path {
                "/admin/v2/tenants/public" => ("200 OK", r#"{"adminRoles":[],"allowedClusters":["pulsar"]}"#),
                "/admin/v2/namespaces/public" => ("200 OK", r#"["public/default"]"#),
                _ => ("404 Not Found", r#"{"reason":"Tenant does not exist"}"#),
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}
