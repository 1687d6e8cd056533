"""Flask extensions, created here once and bound to the app in ``create_app``."""

from flask_wtf import CSRFProtect

csrf = CSRFProtect()
