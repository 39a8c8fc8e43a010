# The revision argument defaults to a branch, and the second one has no
# default at all: neither pins what is downloaded.
FROM python:3.11-slim@sha256:2ec5a4a5c3e919570f57675471f081d6299668d909feabd8d4803c6c61af666c
ARG MODEL_REVISION=main
ARG RERANKER_REVISION
RUN useradd -m -u 10001 svc
USER 10001
# want-next: supply-chain/model-fetch-unverified@medium
RUN huggingface-cli download sentence-transformers/all-MiniLM-L6-v2 --revision ${MODEL_REVISION} --local-dir /models/minilm
# want-next: supply-chain/model-fetch-unverified@medium
RUN huggingface-cli download BAAI/bge-reranker-base --revision=$RERANKER_REVISION --local-dir /models/reranker
CMD ["python", "-m", "embedder"]
