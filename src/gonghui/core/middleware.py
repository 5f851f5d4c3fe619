from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Chinese unless the user picked another language in the menu.

    The browser's Accept-Language is ignored on purpose: the platform's users work in Chinese
    whatever their browser was installed with, and English is a choice, not a guess.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen not in dict(settings.LANGUAGES):
            chosen = settings.LANGUAGE_CODE
        translation.activate(chosen)
        request.LANGUAGE_CODE = translation.get_language()


class RequestSizeLimitMiddleware:
    """Refuses a request whose declared body is larger than the largest upload the platform
    takes, before a byte of it is read (``core.files``); the rest is bounded by the upload
    handler as it reads."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from gonghui.core.files import max_request_bytes

        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > max_request_bytes():
            from gonghui.core.views import error_response

            return error_response(request, 413)
        return self.get_response(request)
