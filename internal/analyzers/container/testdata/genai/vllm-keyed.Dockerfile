# The key comes from the environment at run time: fine.
FROM vllm/vllm-openai:v0.6.3@sha256:3b4f7a8d5c1e2f6a9b0c7d8e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c
USER 1000
ENV VLLM_API_KEY=""
CMD ["vllm", "serve", "/models/chat", "--api-key", "${VLLM_API_KEY}"]
