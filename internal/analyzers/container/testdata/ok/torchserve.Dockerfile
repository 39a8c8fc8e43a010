FROM pytorch/torchserve:0.11.0-cpu@sha256:a3f1000000000000000000000000000000000000000000000000000000000007
USER root
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
USER model-server
COPY --chown=model-server config.properties /home/model-server/config.properties
COPY --chown=model-server model_store/ /home/model-server/model-store/
EXPOSE 8080
CMD ["torchserve", "--start", "--ncs", "--model-store", "/home/model-server/model-store", "--ts-config", "/home/model-server/config.properties", "--models", "resnet=resnet-18.mar"]
