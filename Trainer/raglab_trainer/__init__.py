"""RagLab's local LoRA trainer: a small HTTP service around TRL + PEFT supervised fine-tuning."""
