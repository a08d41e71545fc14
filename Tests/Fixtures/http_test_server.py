#!/usr/bin/env python3
"""A loopback HTTP server for the `data fetch` tests: serves a folder, honours Range requests,
and can misbehave on purpose.

  --drop PATH=BYTES   the first GET of PATH sends the full Content-Length, then BYTES of the
                      body, then closes the connection (a dropped download)
  --corrupt PATH      PATH is served with one byte changed (same size, wrong checksum)
  --log FILE          one line per request: path and Range header

Prints the port it listens on (127.0.0.1) as its first line.
"""
import argparse
import http.server
import os
import sys
import threading

parser = argparse.ArgumentParser()
parser.add_argument("--root", required=True)
parser.add_argument("--drop", action="append", default=[])
parser.add_argument("--corrupt", action="append", default=[])
parser.add_argument("--log", required=True)
args = parser.parse_args()

drops = {p.split("=")[0]: int(p.split("=")[1]) for p in args.drop}
dropped = set()
corrupt = set(args.corrupt)
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        path = self.path.lstrip("/")
        rng = self.headers.get("Range", "")
        with lock, open(args.log, "a") as log:
            log.write(f"{path} range={rng}\n")
        full = os.path.join(args.root, path)
        if ".." in path or not os.path.isfile(full):
            self.send_error(404)
            return
        with open(full, "rb") as f:
            body = bytearray(f.read())
        if path in corrupt and body:
            body[len(body) // 2] ^= 0xFF
        start = 0
        if rng.startswith("bytes="):
            start = int(rng[6:].split("-")[0])
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        part = bytes(body[start:])
        self.send_header("Content-Length", str(len(part)))
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        with lock:
            drop = drops.get(path) if path not in dropped else None
            if drop is not None:
                dropped.add(path)
        if drop is not None:
            self.wfile.write(part[:drop])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)
            return
        self.wfile.write(part)


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
