"""Settings for a test server that logs everything: Django's own loggers (SQL included)
at DEBUG too, not only the root logger. Used by the anonymity test."""

from samenspraak.settings import *  # noqa: F403
from samenspraak.settings import LOGGING

LOGGING = {  # noqa: F811
    **LOGGING,
    "loggers": {
        name: {"handlers": ["console"], "level": "DEBUG", "propagate": False}
        for name in ("django", "django.db.backends", "django.channels", "channels", "daphne")
    },
}
