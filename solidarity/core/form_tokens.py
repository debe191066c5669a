"""Cookie-free protection for the public forms (donate, receipt check, monthly gift, help
request): nothing is left on the donor's or the family's device.

Django's CSRF defence needs a cookie, and a one-year `csrftoken` on a phone tells whoever
searches it that its owner opened a donation or help form. Instead each form carries, in a
hidden field, a token signed with `TimestampSigner` (salt per form) that binds the form's
name, the page's path (as a digest) and a random nonce, and expires after
`SOLIDARITY_FORM_TOKEN_MAX_AGE` seconds. A POST is accepted only if

- `Sec-Fetch-Site`, when the browser sends it, is `same-origin` (or `none`: typed by the
  person), and `Origin`, when sent, is this site's own: a cross-site POST is refused;
- the token is present, genuine, unexpired and issued for this form on this page;
- its nonce was not used before. Used nonces are remembered in the cache until the token
  would have expired anyway, with the first submission's result (where it redirected, or
  a page the view names): a repeated submission — a reload, a double click, back and
  send again — is answered with that result and changes nothing.

A refusal renders `forms/refused.html` ("please send the form again", in the page's
language) with 400, or 403 for a cross-site POST: never a bare 403, never a 500. Staff
pages keep Django's own CSRF check and session cookie.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt

FIELD_NAME = "form_token"
_IN_PROGRESS = "\x00in-progress"
_SUBMISSION_ATTRIBUTE = "_solidarity_form_submission"
# How long a repeat waits for the first submission of the same form to finish (a double click).
_WAIT_FOR_FIRST_SECONDS = 10.0

REASONS = {
    "missing": _("This form arrived without its security token."),
    "invalid": _("This form's security token is not valid."),
    "expired": _("This form was open for too long and has expired."),
    "other_form": _("This form's security token belongs to another page."),
    "cross_site": _("This form was sent from another website."),
    "in_progress": _("This form is already being sent."),
}


class FormTokenRefused(Exception):
    """The POST is refused; `reason` is one of REASONS."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    @property
    def status(self) -> int:
        return 403 if self.reason == "cross_site" else 400


def max_age() -> int:
    return int(settings.SOLIDARITY_FORM_TOKEN_MAX_AGE)


def token_salt(form: str) -> str:
    return f"solidarity.core.form_tokens:{form}"


def _path_digest(path: str) -> str:
    return hashlib.sha256(path.encode()).hexdigest()[:32]


def _nonce_key(nonce: str) -> str:
    return "form-nonce:" + hashlib.sha256(nonce.encode()).hexdigest()


def issue_form_token(request: HttpRequest, form: str) -> str:
    """A fresh token for `form` on this page (a new nonce each time the page is drawn)."""
    payload = {"f": form, "p": _path_digest(request.path), "n": secrets.token_urlsafe(18)}
    return signing.dumps(payload, salt=token_salt(form), compress=False)


def _same_origin(request: HttpRequest) -> bool:
    fetch_site = request.headers.get("Sec-Fetch-Site", "")
    if fetch_site and fetch_site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    if origin is None:
        return True  # an older browser: the signed token alone decides
    own = f"{'https' if request.is_secure() else 'http'}://{request.get_host()}"
    return origin == own or origin in settings.CSRF_TRUSTED_ORIGINS


def _checked_nonce(request: HttpRequest, form: str) -> str:
    if not _same_origin(request):
        raise FormTokenRefused("cross_site")
    token = request.POST.get(FIELD_NAME, "")
    if not token:
        raise FormTokenRefused("missing")
    try:
        payload = signing.loads(token[:500], salt=token_salt(form), max_age=max_age())
    except signing.SignatureExpired as exc:
        raise FormTokenRefused("expired") from exc
    except signing.BadSignature as exc:
        # Signed for another form (another salt) or forged: either way not this form's.
        raise FormTokenRefused("invalid") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("n"), str):
        raise FormTokenRefused("invalid")
    if payload.get("f") != form or payload.get("p") != _path_digest(request.path):
        raise FormTokenRefused("other_form")
    return str(payload["n"])


@dataclass
class FormSubmission:
    """One accepted submission of a public form. `first_result` is set when this is a
    repeat: where the first submission of the same token led."""

    nonce: str
    first_result: str = ""
    settled: bool = field(default=False, repr=False)

    def remember(self, result_url: str) -> None:
        """A repeat of this submission is sent to `result_url` (303)."""
        cache.set(_nonce_key(self.nonce), result_url, timeout=max_age() + 60)
        self.settled = True

    def release(self) -> None:
        """Nothing was done: the same token may be sent again (e.g. after a form error)."""
        cache.delete(_nonce_key(self.nonce))
        self.settled = True


def accept_form_token(request: HttpRequest, form: str, *, single_use: bool = True) -> FormSubmission:
    """Check a POST of `form`; raises FormTokenRefused. For a single-use form, a repeat of an
    earlier submission comes back with its `first_result`."""
    nonce = _checked_nonce(request, form)
    if not single_use:
        return FormSubmission(nonce=nonce, settled=True)
    key = _nonce_key(nonce)
    if cache.add(key, _IN_PROGRESS, timeout=max_age() + 60):
        return FormSubmission(nonce=nonce)
    deadline = time.monotonic() + _WAIT_FOR_FIRST_SECONDS
    while True:
        first = cache.get(key)
        if first is None:  # the first one was released meanwhile: this one goes ahead
            if cache.add(key, _IN_PROGRESS, timeout=max_age() + 60):
                return FormSubmission(nonce=nonce)
        elif first != _IN_PROGRESS:
            return FormSubmission(nonce=nonce, first_result=str(first), settled=True)
        if time.monotonic() > deadline:
            raise FormTokenRefused("in_progress")
        time.sleep(0.05)  # a double click: the first submission is still being handled


def current_submission(request: HttpRequest) -> FormSubmission | None:
    """The submission the `public_form` decorator accepted for this request, if any."""
    submission = getattr(request, _SUBMISSION_ATTRIBUTE, None)
    return submission if isinstance(submission, FormSubmission) else None


def remember_first_result(request: HttpRequest, result_url: str) -> None:
    """For a view that renders its result: send repeats of this submission to `result_url`."""
    submission = current_submission(request)
    if submission is not None and not submission.settled:
        submission.remember(result_url)


def refused_response(request: HttpRequest, refusal: FormTokenRefused) -> HttpResponse:
    context = {"reason": REASONS.get(refusal.reason, REASONS["invalid"]), "form_url": request.path}
    return render(request, "forms/refused.html", context, status=refusal.status)


def public_form(
    form: str, *, single_use: bool = True
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Protect a public form view with a form token instead of Django's CSRF cookie.

    A POST runs the view only with an acceptable token; a repeat gets the first result.
    After the view, a redirect is remembered as the result unless the view named one
    (`remember_first_result`); any other answer (a form error) releases the token.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt  # the check below replaces Django's, which needs a cookie
        @functools.wraps(view)
        def protected(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method != "POST":
                return view(request, *args, **kwargs)
            try:
                submission = accept_form_token(request, form, single_use=single_use)
            except FormTokenRefused as refusal:
                return refused_response(request, refusal)
            if submission.first_result:
                return HttpResponseRedirect(submission.first_result, status=303)
            setattr(request, _SUBMISSION_ATTRIBUTE, submission)
            try:
                response = view(request, *args, **kwargs)
            except BaseException:
                submission.release()
                raise
            if not submission.settled:
                if 300 <= response.status_code < 400 and response.has_header("Location"):
                    submission.remember(response["Location"])
                else:
                    submission.release()
            return response

        return protected

    return decorator
