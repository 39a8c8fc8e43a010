# Notebook image: the Jupyter stacks image runs as jovyan, but the token is emptied.
# want-next: supply-chain/image-not-pinned@low
FROM quay.io/jupyter/scipy-notebook:2024-05-27
# want-next: exposure/jupyter-no-auth@critical exposure/jupyter-insecure-option@medium
CMD ["start-notebook.py", "--IdentityProvider.token=", "--ServerApp.allow_origin=*"]
