# Sentence-embedding service. The model revision is a build argument whose
# default is a full commit SHA, so the download is pinned.
FROM python:3.11-slim@sha256:2ec5a4a5c3e919570f57675471f081d6299668d909feabd8d4803c6c61af666c AS download
ARG MODEL_REVISION=4d33b01d79672f27f001f6abade33f22d993b151
RUN pip install --no-cache-dir huggingface_hub==0.22.2
RUN huggingface-cli download sentence-transformers/all-MiniLM-L6-v2 --revision ${MODEL_REVISION} --local-dir /models/minilm

FROM download AS tokenizer
ENV TOKENIZER_REVISION=0b2e6b4e1b1a4b6d8f0c2a4e6b8d0f2a4c6e8b0d
RUN hf download sentence-transformers/all-MiniLM-L6-v2 tokenizer.json --revision "$TOKENIZER_REVISION" --local-dir /models/tok

FROM python:3.11-slim@sha256:2ec5a4a5c3e919570f57675471f081d6299668d909feabd8d4803c6c61af666c
RUN useradd -m -u 10001 svc
COPY --from=download --chown=svc /models /models
COPY requirements.lock .
RUN pip install --no-cache-dir --no-deps -r requirements.lock
USER 10001
CMD ["uvicorn", "app:api", "--host", "0.0.0.0", "--port", "8000"]
