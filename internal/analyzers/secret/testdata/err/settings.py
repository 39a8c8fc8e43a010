"""Django settings for the model registry UI."""
SECRET_KEY = "django-insecure-4a9cea9e4830f96756ed50fdb82222559fec4c9a"  # want: secret/hardcoded-password@medium "Flask or Django secret key"
DEBUG = False

app.secret_key = "4a9cea9e4830f96756ed50fdb82222559fec4c9a3af3fbe2"  # want: secret/hardcoded-password@high "Flask or Django secret key"
app.config["SECRET_KEY"] = os.environ["FLASK_SECRET_KEY"]
