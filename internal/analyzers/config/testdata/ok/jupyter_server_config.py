c = get_config()  # noqa
c.ServerApp.ip = '127.0.0.1'
c.ServerApp.open_browser = False
# A token is generated at start; a hashed password is also accepted.
c.PasswordIdentityProvider.hashed_password = 'argon2:$argon2id$v=19$m=10240,t=10,p=8$abc$def'
c.ServerApp.token = ''
c.ServerApp.allow_origin = 'https://lab.example.com'
c.ServerApp.disable_check_xsrf = False
c.ServerApp.allow_root = False
