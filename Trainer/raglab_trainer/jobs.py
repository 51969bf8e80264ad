"""Training jobs: one at a time on the GPU, each in a folder of its own, with status, metrics and artifacts."""
import hashlib
import os
import threading
import traceback
import uuid


class Cancelled(Exception):
    """Raised inside a backend when the job was cancelled."""


class Job:
    def __init__(self, job_id, config, directory):
        self.id = job_id
        self.config = config
        self.directory = directory
        self.status = "queued"
        self.step = 0
        self.total_steps = 0
        self.metrics = []
        self.error = None
        self.artifacts = []
        self.cancel_event = threading.Event()
        self.lock = threading.Lock()

    def report(self, step=None, total_steps=None, metric=None):
        """Called by the backend as training goes (any thread)."""
        with self.lock:
            if step is not None:
                self.step = step
            if total_steps is not None:
                self.total_steps = total_steps
            if metric is not None:
                self.metrics.append(metric)

    def should_stop(self):
        return self.cancel_event.is_set()

    def to_dict(self):
        with self.lock:
            body = {
                "id": self.id,
                "status": self.status,
                "step": self.step,
                "totalSteps": self.total_steps,
                "metrics": list(self.metrics),
                "artifacts": list(self.artifacts),
            }
            if self.error:
                body["error"] = self.error
            return body


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class JobRunner:
    """Runs jobs one after another on a worker thread with `backend(job, train, validation, output_dir)`."""

    def __init__(self, backend, work_directory):
        self.backend = backend
        self.work_directory = work_directory
        self.jobs = {}
        self.queue = []
        self.condition = threading.Condition()
        self.thread = threading.Thread(target=self._work, name="trainer", daemon=True)
        self.thread.start()

    def submit(self, config, train, validation):
        job_id = uuid.uuid4().hex[:16]
        directory = os.path.join(self.work_directory, job_id)
        os.makedirs(os.path.join(directory, "output"), exist_ok=True)
        job = Job(job_id, config, directory)
        with self.condition:
            self.jobs[job_id] = job
            self.queue.append((job, train, validation))
            self.condition.notify()
        return job

    def get(self, job_id):
        return self.jobs.get(job_id)

    def cancel(self, job):
        """True when the job was still queued or running; a queued job is cancelled at once."""
        with self.condition:
            if job.status in ("succeeded", "failed", "cancelled"):
                return False
            job.cancel_event.set()
            if job.status == "queued":
                self.queue = [entry for entry in self.queue if entry[0] is not job]
                job.status = "cancelled"
            return True

    def artifact_path(self, job, name):
        """The file of a listed artifact, or None; names are checked against the list, so no path leaves the job's folder."""
        if name not in {a["name"] for a in job.artifacts}:
            return None
        return os.path.join(job.directory, "output", name)

    def _work(self):
        while True:
            with self.condition:
                while not self.queue:
                    self.condition.wait()
                job, train, validation = self.queue.pop(0)
                job.status = "running"
            self._run(job, train, validation)

    def _run(self, job, train, validation):
        output = os.path.join(job.directory, "output")
        try:
            self.backend(job, train, validation, output)
            if job.should_stop():
                raise Cancelled()
            artifacts = []
            for name in sorted(os.listdir(output)):
                path = os.path.join(output, name)
                if os.path.isfile(path):
                    artifacts.append({"name": name, "bytes": os.path.getsize(path), "sha256": sha256_of(path)})
            if not artifacts:
                raise RuntimeError("training wrote no files to import")
            with job.lock:
                job.artifacts = artifacts
                job.status = "succeeded"
        except Cancelled:
            with job.lock:
                job.status = "cancelled"
        except Exception as error:  # the job fails with the reason; the service keeps serving
            traceback.print_exc()
            with job.lock:
                job.error = f"{type(error).__name__}: {error}"
                job.status = "failed"
