FROM quay.io/jupyter/pytorch-notebook:2024-05-27@sha256:6b8c52e8d6a3a0bb3f07a7f3f7e8e4b06a5d1d0c9e2f1a4b3c5d7e9f0a1b2c3d
COPY requirements.txt /tmp/
RUN pip install -r /tmp/requirements.txt
CMD ["start-notebook.py", "--ServerApp.allow_origin=https://lab.example.com"]
