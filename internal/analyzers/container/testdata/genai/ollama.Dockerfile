# Ollama on every interface: no authentication at all.
FROM ollama/ollama:0.3.14@sha256:3b4f7a8d5c1e2f6a9b0c7d8e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c
ENV OLLAMA_HOST=0.0.0.0:11434
USER 1000
EXPOSE 11434
# want-next: exposure/llm-api-no-auth@high "Ollama listens on all interfaces"
ENTRYPOINT ["/bin/ollama"]
CMD ["serve"]
