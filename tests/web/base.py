"""One base test case that builds a small cast of users in code, as every web test needs them."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import TestCase

from psoascare.knowledge.content import red_flags
from psoascare.web.accounts.models import create_client, create_therapist
from psoascare.web.journal.models import RedFlagScreening
from psoascare.web.programs.models import Assignment

PASSWORD = "correct horse battery staple"
RED_FLAG_SLUGS = [sign.slug for sign in red_flags().all_signs]
# The PSFS form re-asks the cauda equina questions; "no" to each of them.
RECHECK_NO = {f"flag-{sign.slug}": "no" for sign in red_flags().recheck_signs}


def open_at_any_hour(client: User) -> None:
    """Moves the client's morning slot to midnight: an item opens an hour before its time, so one due at midnight
    can be ticked whatever the hour the test runs (the routine's 07:30 cannot before 06:30)."""
    Assignment.objects.filter(client=client).update(times=["00:00", "21:30"])


class BaseTestCase(TestCase):
    """Therapist X has clients A and B (A on the bed-edge routine); therapist Y has client C; plus an admin."""

    therapist_x: User
    therapist_y: User
    client_a: User
    client_b: User
    client_c: User
    admin: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.therapist_x = create_therapist("xena", "xena@example.org", PASSWORD)
        cls.therapist_y = create_therapist("yuri", "yuri@example.org", PASSWORD)
        cls.client_a = create_client("alice", "alice@example.org", PASSWORD, therapist=cls.therapist_x)
        cls.client_b = create_client("bob", "bob@example.org", PASSWORD, therapist=cls.therapist_x)
        cls.client_c = create_client("carol", "carol@example.org", PASSWORD, therapist=cls.therapist_y)
        cls.admin = User.objects.create_superuser("admin", "admin@example.org", PASSWORD)
        Assignment.assign(cls.client_a, cls.therapist_x, "bed-edge")
        # The cast has answered the first-log-in safety questions with no red flags.
        for client in (cls.client_a, cls.client_b, cls.client_c):
            RedFlagScreening.objects.create(
                client=client, trigger="first-login", answers=dict.fromkeys(RED_FLAG_SLUGS, False), outcome="clear"
            )
