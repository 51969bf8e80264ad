"""The pieces of the training backend that need no torch: what it hands to PEFT and TRL, and how it reads logs."""
from raglab_trainer.config import parse_config
from raglab_trainer.training import as_prompt_completion, gpu_info, lora_settings, metric_from_log, sft_settings

CONFIG = parse_config('{"baseModel": "Qwen/Qwen2.5-1.5B-Instruct"}')


def test_defaults_are_the_documented_ones():
    assert (CONFIG.rank, CONFIG.alpha, CONFIG.dropout, CONFIG.learning_rate) == (16, 32, 0.05, 2e-4)
    assert (CONFIG.epochs, CONFIG.batch_size, CONFIG.gradient_accumulation, CONFIG.max_seq_length) == (2, 4, 4, 2048)


def test_lora_targets_all_linear_projections():
    settings = lora_settings(CONFIG)
    assert settings["target_modules"] == "all-linear"
    assert (settings["r"], settings["lora_alpha"], settings["lora_dropout"]) == (16, 32, 0.05)


def test_sft_stops_early_on_validation_loss_only_when_there_is_validation():
    with_validation = sft_settings(CONFIG, "/tmp/x", True, True)
    assert with_validation["eval_strategy"] == "epoch" and with_validation["load_best_model_at_end"]
    assert with_validation["metric_for_best_model"] == "eval_loss" and with_validation["greater_is_better"] is False
    assert with_validation["max_length"] == 2048 and with_validation["learning_rate"] == 2e-4
    without = sft_settings(CONFIG, "/tmp/x", False, False)
    assert without["eval_strategy"] == "no" and not without["load_best_model_at_end"]


def test_the_answer_is_the_completion():
    example = {"messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}
    converted = as_prompt_completion(example)
    assert [m["role"] for m in converted["prompt"]] == ["system", "user"]
    assert converted["completion"] == [{"role": "assistant", "content": "a"}]


def test_trainer_logs_become_contract_metrics():
    assert metric_from_log({"loss": 1.25, "learning_rate": 1e-4}, 10, 0.5) == {"step": 10, "epoch": 0.5, "trainLoss": 1.25, "learningRate": 1e-4}
    assert metric_from_log({"eval_loss": 1.5}, 20, 1.0) == {"step": 20, "epoch": 1.0, "validLoss": 1.5}
    assert metric_from_log({"train_runtime": 12.0}, 20, 1.0) is None


def test_no_torch_means_no_gpu():
    # On the build machines torch is absent or has no CUDA device: health must say null, not fail.
    assert gpu_info() is None
