FROM ghcr.io/dask/dask:2024.8.0@sha256:3b4f7a8d5c1e2f6a9b0c7d8e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c
USER 1000
# want-next: exposure/compute-cluster-no-auth@critical "Dask scheduler"
CMD dask scheduler --port 8786
