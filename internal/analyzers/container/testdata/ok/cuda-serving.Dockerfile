# syntax=docker/dockerfile:1.7
ARG CUDA_VERSION=12.1.1
FROM nvidia/cuda:${CUDA_VERSION}-cudnn8-devel-ubuntu22.04@sha256:a3f1000000000000000000000000000000000000000000000000000000000007 AS builder
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update && apt-get install -y --no-install-recommends \
        python3.10 python3.10-venv python3-pip git \
    && rm -rf /var/lib/apt/lists/*
RUN python3.10 -m venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"
COPY requirements.txt /tmp/requirements.txt
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install --require-hashes -r /tmp/requirements.txt

FROM nvidia/cuda:${CUDA_VERSION}-cudnn8-runtime-ubuntu22.04@sha256:a3f1000000000000000000000000000000000000000000000000000000000007
RUN apt-get update && apt-get install -y --no-install-recommends python3.10 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid 1000 app && useradd --uid 1000 --gid app --create-home app
COPY --from=builder /opt/venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH" \
    HF_HOME=/home/app/.cache/huggingface \
    TRANSFORMERS_OFFLINE=1
WORKDIR /app
COPY --chown=app:app src/ /app/src/
USER app
EXPOSE 8080
HEALTHCHECK CMD python3 -c "import urllib.request; urllib.request.urlopen('http://localhost:8080/health')"
ENTRYPOINT ["python3", "-m", "src.serve", "--host", "0.0.0.0", "--port", "8080"]
