FROM quay.io/jupyter/scipy-notebook:2024-04-22@sha256:a3f1000000000000000000000000000000000000000000000000000000000007
USER root
RUN apt-get update --yes && apt-get install --yes --no-install-recommends graphviz && apt-get clean && rm -rf /var/lib/apt/lists/*
USER ${NB_UID}
RUN mamba install --yes 'xgboost=2.0.3' 'lightgbm=4.3.0' && mamba clean --all -f -y
WORKDIR "${HOME}"
