# Notebook image: the Jupyter stacks image runs as jovyan, but the token is emptied.
# want-next: container/unpinned-base-image
FROM quay.io/jupyter/scipy-notebook:2024-05-27
# want-next: config/jupyter-no-auth config/jupyter-insecure-option
CMD ["start-notebook.py", "--IdentityProvider.token=", "--ServerApp.allow_origin=*"]
