"""The personal API tokens page: create (shown once), list and revoke the tokens the CLI and desk timer use."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from psoascare.web.accounts.access import AuthenticatedHttpRequest
from psoascare.web.api.forms import TokenForm
from psoascare.web.api.models import ApiToken
from psoascare.web.forms import bound_data


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TokenForm(bound_data(request))
    new_token = ""
    if request.method == "POST" and form.is_valid():
        new_token = ApiToken.issue(request.user, form.cleaned_data["name"])[1]
        form = TokenForm()
    context = {"form": form, "new_token": new_token, "tokens": ApiToken.objects.filter(user=request.user)}
    return render(request, "api/tokens.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    get_object_or_404(ApiToken, pk=token_id, user=request.user).revoke()
    return redirect("tokens")
