"""The trainer's HTTP contract (README.md). Python's own http.server: the service and its tests need nothing but python3 and
pytest; only training itself needs torch, transformers, peft and trl."""
import argparse
import email.parser
import email.policy
import json
import os
import re
import shutil
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .config import ConfigError, parse_config, read_chat_jsonl
from .jobs import JobRunner

JOB_PATH = re.compile(r"^/jobs/([A-Za-z0-9_-]+)(?:/(cancel|artifacts/([^/]+)))?$")


def parse_multipart(content_type, body):
    """The parts of a multipart/form-data body, by field name, as bytes (the email package parses MIME multipart)."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body)
    if not message.is_multipart():
        raise ConfigError("send multipart/form-data with parts config, train and validation")
    parts = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name:
            parts[name] = part.get_payload(decode=True) or b""
    return parts


def make_handler(runner, gpu_info, max_body_bytes):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # quiet by default; errors still print their traceback
            pass

        def _json(self, status, body):
            data = json.dumps(body).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _error(self, status, message):
            self._json(status, {"error": message})

        def do_GET(self):
            if self.path == "/health":
                return self._json(200, {"status": "ok", "gpu": gpu_info()})
            match = JOB_PATH.match(self.path)
            if not match or match.group(2) == "cancel":
                return self._error(404, f"no route {self.path}")
            job = runner.get(match.group(1))
            if job is None:
                return self._error(404, f"no job {match.group(1)}")
            if match.group(3) is None:
                return self._json(200, job.to_dict())
            path = runner.artifact_path(job, match.group(3))
            if path is None or not os.path.isfile(path):
                return self._error(404, f"job {job.id} has no artifact {match.group(3)}")
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(os.path.getsize(path)))
            self.end_headers()
            with open(path, "rb") as file:
                shutil.copyfileobj(file, self.wfile, 1 << 20)

        def do_POST(self):
            if self.path == "/jobs":
                return self._create()
            match = JOB_PATH.match(self.path)
            if not match or match.group(2) != "cancel":
                return self._error(404, f"no route {self.path}")
            self._drain()
            job = runner.get(match.group(1))
            if job is None:
                return self._error(404, f"no job {match.group(1)}")
            if not runner.cancel(job):
                return self._error(409, f"job {job.id} has already {job.status}")
            return self._json(202, {"id": job.id, "status": job.status})

        def _drain(self):
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _create(self):
            length = int(self.headers.get("Content-Length") or 0)
            if length > max_body_bytes:
                return self._error(413, f"the upload is {length} bytes; the limit is {max_body_bytes}")
            body = self._drain()
            try:
                parts = parse_multipart(self.headers.get("Content-Type", ""), body)
                missing = [name for name in ("config", "train", "validation") if name not in parts]
                if missing:
                    raise ConfigError(f"missing part(s) {missing}; send config (JSON), train and validation (chat JSONL)")
                config = parse_config(parts["config"].decode("utf-8", "replace"))
                train = read_chat_jsonl(parts["train"], "train")
                validation = read_chat_jsonl(parts["validation"], "validation")
                if not train:
                    raise ConfigError("train holds no example")
            except ConfigError as error:
                return self._error(400, str(error))
            job = runner.submit(config, train, validation)
            return self._json(202, {"id": job.id, "status": "queued"})

    return Handler


def serve(host, port, work_directory, backend=None, gpu_info=None, max_body_bytes=1 << 30):
    """Starts the service; returns the server (serve_forever runs it)."""
    if backend is None:
        from .training import train as backend
    if gpu_info is None:
        from .training import gpu_info
    runner = JobRunner(backend, work_directory)
    server = ThreadingHTTPServer((host, port), make_handler(runner, gpu_info, max_body_bytes))
    server.runner = runner
    return server


def main():
    parser = argparse.ArgumentParser(description="RagLab's local LoRA trainer service")
    parser.add_argument("--host", default=os.environ.get("TRAINER_HOST", "0.0.0.0"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--work-dir", default=os.environ.get("TRAINER_WORK_DIR", "./trainer-data"))
    args = parser.parse_args()
    server = serve(args.host, args.port, args.work_dir)
    print(f"RagLab trainer on http://{args.host}:{args.port} (jobs in {os.path.abspath(args.work_dir)})", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
