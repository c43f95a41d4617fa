from __future__ import annotations

from django.urls import path

from psoascare.web.accounts import views

app_name = "accounts"
urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("invite/", views.invite, name="invite"),
    path("invite/<int:pk>/resend/", views.resend_invitation, name="resend_invitation"),
    path("invite/<int:pk>/revoke/", views.revoke_invitation, name="revoke_invitation"),
    path("invite/<str:token>/", views.accept, name="accept"),
]
