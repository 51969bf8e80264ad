"""The job config of POST /jobs, checked before anything runs."""
from dataclasses import dataclass, asdict
import json

DEFAULTS = {
    "rank": 16,
    "alpha": 32,
    "dropout": 0.05,
    "learningRate": 2e-4,
    "epochs": 2,
    "batchSize": 4,
    "gradientAccumulation": 4,
    "maxSeqLength": 2048,
}

RANGES = {
    "rank": (1, 512, int),
    "alpha": (1, 1024, int),
    "dropout": (0.0, 0.999, float),
    "learningRate": (1e-8, 1.0, float),
    "epochs": (1, 20, int),
    "batchSize": (1, 256, int),
    "gradientAccumulation": (1, 256, int),
    "maxSeqLength": (128, 131072, int),
}


class ConfigError(ValueError):
    """A config a user must fix; the message says what and how."""


@dataclass(frozen=True)
class JobConfig:
    base_model: str
    rank: int
    alpha: int
    dropout: float
    learning_rate: float
    epochs: int
    batch_size: int
    gradient_accumulation: int
    max_seq_length: int

    def to_dict(self):
        return asdict(self)


def parse_config(text):
    """Parses the `config` part: {"baseModel": "<Hugging Face id>", "hyperparameters": {...}}; missing hyperparameters take the defaults."""
    try:
        data = json.loads(text)
    except (TypeError, ValueError) as error:
        raise ConfigError(f"config is not valid JSON: {error}") from error
    if not isinstance(data, dict):
        raise ConfigError("config must be a JSON object with baseModel and hyperparameters")
    base = data.get("baseModel")
    if not isinstance(base, str) or not base.strip():
        raise ConfigError('config needs "baseModel", a Hugging Face model id such as "Qwen/Qwen2.5-1.5B-Instruct"')
    given = data.get("hyperparameters") or {}
    if not isinstance(given, dict):
        raise ConfigError('"hyperparameters" must be an object')
    unknown = sorted(set(given) - set(DEFAULTS))
    if unknown:
        raise ConfigError(f"unknown hyperparameters {unknown}; known: {sorted(DEFAULTS)}")
    values = {}
    for name, default in DEFAULTS.items():
        value = given.get(name, default)
        low, high, kind = RANGES[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (kind is int and float(value) != int(value)):
            raise ConfigError(f"{name} must be {'an integer' if kind is int else 'a number'} (got {value!r})")
        value = kind(value)
        if not low <= value <= high:
            raise ConfigError(f"{name} must be between {low} and {high} (got {value})")
        values[name] = value
    return JobConfig(base.strip(), values["rank"], values["alpha"], values["dropout"], values["learningRate"], values["epochs"],
                     values["batchSize"], values["gradientAccumulation"], values["maxSeqLength"])


def read_chat_jsonl(data, part):
    """Reads chat JSONL ({"messages": [{"role", "content"}]} per line); raises ConfigError naming every bad line."""
    examples, errors = [], []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{part} is not UTF-8 text")
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as error:
            errors.append(f"line {number}: not valid JSON ({error.msg})")
            continue
        messages = record.get("messages") if isinstance(record, dict) else None
        if not isinstance(messages, list) or not messages:
            errors.append(f'line {number}: no "messages" array')
            continue
        if any(not isinstance(m, dict) or m.get("role") not in ("system", "user", "assistant") or not isinstance(m.get("content"), str) for m in messages):
            errors.append(f"line {number}: every message needs a role (system, user, assistant) and a string content")
            continue
        if messages[-1]["role"] != "assistant":
            errors.append(f"line {number}: the last message must be the assistant's answer")
            continue
        examples.append({"messages": messages})
    if errors:
        raise ConfigError(f"{part}: " + "; ".join(errors[:20]) + (f"; and {len(errors) - 20} more" if len(errors) > 20 else ""))
    return examples
