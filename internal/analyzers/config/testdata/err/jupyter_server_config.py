# Jupyter config for the shared GPU box.
c = get_config()  # noqa

c.ServerApp.ip = '0.0.0.0'
c.ServerApp.port = 8888
c.ServerApp.open_browser = False
# want-next: exposure/jupyter-no-auth@critical
c.ServerApp.token = ''  # the box is "internal"
c.ServerApp.password = ''
c.ServerApp.allow_origin = '*'  # want: exposure/jupyter-insecure-option@medium
c.ServerApp.disable_check_xsrf = True  # want: exposure/jupyter-insecure-option@medium
c.ServerApp.allow_root = True  # want: exposure/jupyter-insecure-option@medium
c.ServerApp.allow_remote_access = True  # want: exposure/jupyter-insecure-option@medium
