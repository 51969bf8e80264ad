"""The HTTP contract, with the training backend replaced by a scripted one (no GPU, no weights)."""
import hashlib
import json
import threading
import time
import urllib.error
import urllib.request
import uuid

import pytest

from raglab_trainer.jobs import Cancelled
from raglab_trainer.server import serve

TRAIN = b'{"messages": [{"role": "user", "content": "Refund window?"}, {"role": "assistant", "content": "30 days."}]}\n'
VALID = b'{"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Shipping?"}, {"role": "assistant", "content": "3-5 days."}]}\n'
CONFIG = {"baseModel": "Qwen/Qwen2.5-1.5B-Instruct", "hyperparameters": {"rank": 8, "epochs": 1}}


class ScriptedBackend:
    """Reports three metric steps and writes two files; can fail, or wait until cancelled."""

    def __init__(self):
        self.fail = None
        self.hold = threading.Event()
        self.hold.set()
        self.received = []

    def __call__(self, job, train, validation, output_dir):
        self.received.append((job.config, train, validation))
        job.report(step=0, total_steps=3)
        for step in range(1, 4):
            if not self.hold.is_set():
                while not job.should_stop():
                    time.sleep(0.01)
                raise Cancelled()
            if self.fail and step == 2:
                raise RuntimeError(self.fail)
            job.report(step=step, metric={"step": step, "epoch": step / 3, "trainLoss": 2.0 / step, "learningRate": 2e-4})
        with open(f"{output_dir}/config.json", "w") as file:
            file.write('{"architectures": ["Qwen2ForCausalLM"]}')
        with open(f"{output_dir}/model.safetensors", "wb") as file:
            file.write(bytes(range(256)) * 8)


@pytest.fixture
def service(tmp_path):
    backend = ScriptedBackend()
    server = serve("127.0.0.1", 0, str(tmp_path), backend=backend, gpu_info=lambda: None)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", backend
    server.shutdown()
    server.server_close()


def request(url, method="GET", body=None, content_type=None):
    req = urllib.request.Request(url, data=body, method=method)
    if content_type:
        req.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def multipart(fields):
    boundary = uuid.uuid4().hex
    body = b""
    for name, (filename, content) in fields.items():
        body += f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"".encode()
        body += (f"; filename=\"{filename}\"" if filename else "").encode() + b"\r\n\r\n" + content + b"\r\n"
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def submit(base, config=CONFIG, train=TRAIN, valid=VALID):
    body, content_type = multipart({"config": (None, json.dumps(config).encode()), "train": ("train.jsonl", train), "validation": ("validation.jsonl", valid)})
    return request(f"{base}/jobs", "POST", body, content_type)


def wait_for(base, job_id, statuses):
    deadline = time.time() + 30
    while time.time() < deadline:
        status, body = request(f"{base}/jobs/{job_id}")
        job = json.loads(body)
        if job["status"] in statuses:
            return job
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} never reached {statuses}")


def test_health_reports_status_and_gpu(service):
    base, _ = service
    status, body = request(f"{base}/health")
    assert status == 200
    assert json.loads(body) == {"status": "ok", "gpu": None}


def test_a_job_runs_reports_metrics_and_serves_checked_artifacts(service):
    base, backend = service
    status, body = submit(base)
    assert status == 202
    accepted = json.loads(body)
    assert accepted["status"] == "queued"

    job = wait_for(base, accepted["id"], {"succeeded", "failed"})
    assert job["status"] == "succeeded", job.get("error")
    assert (job["step"], job["totalSteps"]) == (3, 3)
    assert [m["step"] for m in job["metrics"]] == [1, 2, 3]
    assert job["metrics"][0]["trainLoss"] == 2.0
    config, train, valid = backend.received[0]
    assert (config.base_model, config.rank, config.alpha, config.epochs) == ("Qwen/Qwen2.5-1.5B-Instruct", 8, 32, 1)
    assert train[0]["messages"][-1]["content"] == "30 days." and len(valid) == 1

    assert [a["name"] for a in job["artifacts"]] == ["config.json", "model.safetensors"]
    for artifact in job["artifacts"]:
        status, content = request(f"{base}/jobs/{accepted['id']}/artifacts/{artifact['name']}")
        assert status == 200
        assert len(content) == artifact["bytes"]
        assert hashlib.sha256(content).hexdigest() == artifact["sha256"]


def test_a_backend_error_fails_the_job_with_its_reason(service):
    base, backend = service
    backend.fail = "CUDA out of memory"
    _, body = submit(base)
    job = wait_for(base, json.loads(body)["id"], {"succeeded", "failed"})
    assert job["status"] == "failed"
    assert "CUDA out of memory" in job["error"]
    assert job["artifacts"] == []


def test_cancel_stops_a_running_job_and_a_finished_one_is_refused(service):
    base, backend = service
    backend.hold.clear()
    _, body = submit(base)
    job_id = json.loads(body)["id"]
    wait_for(base, job_id, {"running"})

    status, _ = request(f"{base}/jobs/{job_id}/cancel", "POST", b"")
    assert status == 202
    assert wait_for(base, job_id, {"cancelled", "failed", "succeeded"})["status"] == "cancelled"
    status, body = request(f"{base}/jobs/{job_id}/cancel", "POST", b"")
    assert status == 409
    assert "cancelled" in json.loads(body)["error"]


@pytest.mark.parametrize("config, train, message", [
    ({"hyperparameters": {}}, TRAIN, "baseModel"),
    ({"baseModel": "x", "hyperparameters": {"rank": 0}}, TRAIN, "rank must be between"),
    ({"baseModel": "x", "hyperparameters": {"learning_rate": 1e-4}}, TRAIN, "unknown hyperparameters"),
    (CONFIG, b'{"messages": [{"role": "user", "content": "hi"}]}\nnot json\n', "line 1: the last message must be the assistant's answer; line 2: not valid JSON"),
])
def test_bad_jobs_are_refused_with_the_reason(service, config, train, message):
    base, _ = service
    status, body = submit(base, config=config, train=train)
    assert status == 400
    assert message in json.loads(body)["error"]


def test_unknown_jobs_and_artifacts_are_404_and_names_cannot_leave_the_job_folder(service):
    base, _ = service
    assert request(f"{base}/jobs/nope")[0] == 404
    _, body = submit(base)
    job_id = json.loads(body)["id"]
    wait_for(base, job_id, {"succeeded"})
    assert request(f"{base}/jobs/{job_id}/artifacts/..%2F..%2Fetc%2Fpasswd")[0] == 404
    assert request(f"{base}/jobs/{job_id}/artifacts/missing.bin")[0] == 404
