"""LoRA supervised fine-tuning with TRL and PEFT, then the adapter merged into the base and saved as safetensors with the
tokenizer and config (merged weights import into Ollama whatever its adapter support; see shared/reference/ollama/import.md).
torch, transformers, peft and trl are imported here only, when a job runs."""


def gpu_info():
    """{"name", "memoryGb"} of the first CUDA device, or None (no torch, or no GPU)."""
    try:
        import torch
    except ImportError:
        return None
    if not torch.cuda.is_available():
        return None
    properties = torch.cuda.get_device_properties(0)
    return {"name": properties.name, "memoryGb": round(properties.total_memory / 2**30, 1)}


def lora_settings(config):
    """The PEFT LoraConfig arguments: every linear projection of the model, causal LM."""
    return {
        "r": config.rank,
        "lora_alpha": config.alpha,
        "lora_dropout": config.dropout,
        "target_modules": "all-linear",
        "task_type": "CAUSAL_LM",
        "bias": "none",
    }


def sft_settings(config, output_dir, has_validation, bf16):
    """The TRL SFTConfig arguments: evaluation each epoch with early stopping on it (the loss covers the completion only, see as_prompt_completion)."""
    settings = {
        "output_dir": output_dir,
        "num_train_epochs": config.epochs,
        "learning_rate": config.learning_rate,
        "per_device_train_batch_size": config.batch_size,
        "per_device_eval_batch_size": config.batch_size,
        "gradient_accumulation_steps": config.gradient_accumulation,
        "max_length": config.max_seq_length,
        "completion_only_loss": True,
        "lr_scheduler_type": "cosine",
        "warmup_ratio": 0.03,
        "logging_steps": 1,
        "save_strategy": "epoch" if has_validation else "no",
        "eval_strategy": "epoch" if has_validation else "no",
        "load_best_model_at_end": has_validation,
        "metric_for_best_model": "eval_loss",
        "greater_is_better": False,
        "save_total_limit": 1,
        "gradient_checkpointing": True,
        "bf16": bf16,
        "report_to": "none",
    }
    return settings


def metric_from_log(logs, step, epoch):
    """A contract metric ({step, epoch, trainLoss, validLoss?, learningRate}) from a Trainer log record, or None."""
    if "loss" not in logs and "eval_loss" not in logs:
        return None
    metric = {"step": int(step), "epoch": round(float(epoch or 0), 4)}
    if "loss" in logs:
        metric["trainLoss"] = float(logs["loss"])
    if "eval_loss" in logs:
        metric["validLoss"] = float(logs["eval_loss"])
    if "learning_rate" in logs:
        metric["learningRate"] = float(logs["learning_rate"])
    return metric


def as_prompt_completion(example):
    """TRL's conversational prompt-completion form: the answer to learn is the last (assistant) message, the rest is the prompt."""
    messages = example["messages"]
    return {"prompt": messages[:-1], "completion": messages[-1:]}


def train(job, train_examples, validation_examples, output_dir):
    import torch
    from datasets import Dataset
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, AutoTokenizer, EarlyStoppingCallback, TrainerCallback
    from trl import SFTConfig, SFTTrainer

    from .jobs import Cancelled

    config = job.config
    bf16 = torch.cuda.is_available() and torch.cuda.is_bf16_supported()
    dtype = torch.bfloat16 if bf16 else (torch.float16 if torch.cuda.is_available() else torch.float32)
    tokenizer = AutoTokenizer.from_pretrained(config.base_model)
    model = AutoModelForCausalLM.from_pretrained(config.base_model, dtype=dtype)

    class Report(TrainerCallback):
        def on_train_begin(self, args, state, control, **kwargs):
            job.report(step=0, total_steps=state.max_steps)

        def on_log(self, args, state, control, logs=None, **kwargs):
            metric = metric_from_log(logs or {}, state.global_step, state.epoch)
            job.report(step=state.global_step, metric=metric)

        def on_step_end(self, args, state, control, **kwargs):
            job.report(step=state.global_step)
            if job.should_stop():
                control.should_training_stop = True

    has_validation = bool(validation_examples)
    checkpoints = output_dir + "-checkpoints"
    trainer = SFTTrainer(
        model=model,
        args=SFTConfig(**sft_settings(config, checkpoints, has_validation, bf16)),
        train_dataset=Dataset.from_list([as_prompt_completion(e) for e in train_examples]),
        eval_dataset=Dataset.from_list([as_prompt_completion(e) for e in validation_examples]) if has_validation else None,
        processing_class=tokenizer,
        peft_config=LoraConfig(**lora_settings(config)),
        callbacks=[Report()] + ([EarlyStoppingCallback(early_stopping_patience=1)] if has_validation else []),
    )
    trainer.train()
    if job.should_stop():
        raise Cancelled()

    # Merge in the training dtype and save the whole model: Ollama imports merged safetensors directly.
    merged = trainer.model.merge_and_unload()
    merged.save_pretrained(output_dir, max_shard_size="20GB")
    tokenizer.save_pretrained(output_dir)
    import shutil
    shutil.rmtree(checkpoints, ignore_errors=True)
