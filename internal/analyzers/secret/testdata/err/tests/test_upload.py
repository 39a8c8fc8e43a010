def test_upload(monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "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")  # want: secret/hardcoded-token@low "Hugging Face"
