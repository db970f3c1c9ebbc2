"""SpeechQA offline evaluation: eval sets, metrics, runner, baselines and reports."""
