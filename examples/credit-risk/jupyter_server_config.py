# Jupyter server configuration for the team's shared GPU box.
# Deliberately vulnerable: see README.md.
c = get_config()  # noqa: F821

c.ServerApp.ip = "0.0.0.0"
c.ServerApp.port = 8888
c.ServerApp.open_browser = False
c.ServerApp.root_dir = "/srv/credit-risk"
c.ServerApp.token = ""  # "it's only on the internal network"
c.ServerApp.allow_root = True
c.ServerApp.disable_check_xsrf = False
c.ServerApp.allow_origin = "https://lab.example-bank.com"
