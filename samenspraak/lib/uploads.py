"""An upload handler that refuses a request's files beyond SAMENSPRAAK_MAX_UPLOAD_BYTES.

It sits first in FILE_UPLOAD_HANDLERS, so it sees every chunk before Django's memory and
temporary-file handlers do. Once a request holds too much file data it skips the file:
nothing more reaches the handlers behind it, their temporary file is closed (and so
removed), and the rest of the file is read and thrown away. It marks the request with
`upload_too_large = True`; the view then says so instead of "choose a file".

A request that announces its size (Content-Length) above the limit is refused before a
single byte of file data is handled. The reverse proxy should refuse such requests even
earlier (e.g. nginx `client_max_body_size`), so the body never reaches Django at all.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile


class LimitedUploadHandler(FileUploadHandler):
    def __init__(self, request=None):
        super().__init__(request)
        self.limit: int = settings.SAMENSPRAAK_MAX_UPLOAD_BYTES
        self.received = 0
        self.too_large = False

    def _refuse(self) -> None:
        self.too_large = True
        if self.request is not None:
            self.request.upload_too_large = True

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > self.limit:
            self._refuse()
        return None  # let the normal parser read the form fields

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        if self.too_large:
            # SkipFile rather than StopUpload: the form fields after the file still
            # arrive, so the page can show what the person typed.
            raise SkipFile

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self._refuse()
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the handlers behind this one build the file


def explain_too_large(request, form, field: str = "file") -> None:
    """A skipped oversized file reaches the form as a missing one: say what happened."""
    if getattr(request, "upload_too_large", False):
        from django.utils.translation import gettext as _

        form.fields[field].error_messages["required"] = _(
            "The file is larger than %(max)d MB and has not been saved."
        ) % {"max": settings.SAMENSPRAAK_MAX_UPLOAD_BYTES // (1024 * 1024)}
