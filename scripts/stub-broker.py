#!/usr/bin/env python3
"""A stand-in for the Pulsar broker's admin REST API, for scripts/bench-http.sh only: the three
endpoints mesh serve's authorization reads, in Pulsar's JSON shapes
(GET /admin/v2/tenants/{t} -> TenantInfo, GET /admin/v2/namespaces/{t} -> ["t/ns"],
GET /admin/v2/namespaces/{t}/{ns}/permissions -> {role: [actions]}). Every tenant exists with
namespace `default`, and ROLE has the `functions` permission there. Logs each call to stderr.

    stub-broker.py PORT ROLE
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, ROLE = int(sys.argv[1]), sys.argv[2]


class Broker(BaseHTTPRequestHandler):
    def do_GET(self):
        parts = self.path.strip("/").split("/")
        if parts[:3] == ["admin", "v2", "tenants"] and len(parts) == 4:
            body = {"adminRoles": [], "allowedClusters": ["prod-eu"]}
        elif parts[:3] == ["admin", "v2", "namespaces"] and len(parts) == 4:
            body = [f"{parts[3]}/default"]
        elif parts[:3] == ["admin", "v2", "namespaces"] and len(parts) == 6 and parts[5] == "permissions":
            body = {ROLE: ["functions"]} if parts[4] == "default" else {}
        else:
            self.send_response(404)
            self.end_headers()
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


ThreadingHTTPServer(("127.0.0.1", PORT), Broker).serve_forever()
