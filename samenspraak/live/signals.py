from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

from samenspraak.live.events import close_session_sockets


@receiver(user_logged_out)
def close_sockets_on_sign_out(sender, request, user, **kwargs):
    if request is not None and request.session.session_key:
        close_session_sockets(request.session.session_key)
