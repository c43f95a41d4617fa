"""The logged-in user as `accounts.backends` loads them: with the therapist, or without where the view's companion
leaves the therapist out (Today), and the therapist's video link either way."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from psoascare.web.accounts.backends import Companion, read_with_user, user_with_profiles
from psoascare.web.accounts.models import Profile, create_client, therapist_video_call_url
from tests.web.base import PASSWORD, BaseTestCase

LINK = "https://video.example.org/xena"


class UserLoadingTests(BaseTestCase):
    def setUp(self) -> None:
        Profile.objects.filter(user=self.therapist_x).update(video_call_url=LINK)

    def load(self, companion: Companion) -> User:
        loaded: list[User | None] = []
        read_with_user(lambda: companion)(lambda request: loaded.append(user_with_profiles(self.client_a.pk)))(None)
        assert loaded[0] is not None
        return loaded[0]

    def test_it_loads_the_therapist_with_the_user_by_default(self) -> None:
        user = self.load(Companion("SELECT 1 AS one", {}))
        with CaptureQueriesContext(connection) as captured:
            self.assertEqual(user.profile.therapist, self.therapist_x)
            self.assertEqual(therapist_video_call_url(user), LINK)
        self.assertEqual(len(captured), 0)
        self.assertEqual(user._companion[1], (1,))  # type: ignore[attr-defined]

    def test_without_the_therapist_the_link_is_one_query_and_the_rest_is_the_same(self) -> None:
        user = self.load(Companion("SELECT 1 AS one", {}, with_therapist=False))
        self.assertEqual(
            (user.username, user.profile.role, user.profile.therapist_id), ("alice", "client", self.therapist_x.pk)
        )
        self.assertEqual(user._companion[1], (1,))  # type: ignore[attr-defined]
        with CaptureQueriesContext(connection) as captured:
            self.assertEqual(therapist_video_call_url(user), LINK)
        self.assertEqual(len(captured), 1)

    def test_a_client_without_a_therapist_has_no_link_and_costs_no_query(self) -> None:
        loner = create_client("loner", "loner@example.org", PASSWORD, therapist=None)
        loaded: list[User | None] = []
        companion = Companion("SELECT 1 AS one", {}, with_therapist=False)
        read_with_user(lambda: companion)(lambda request: loaded.append(user_with_profiles(loner.pk)))(None)
        assert loaded[0] is not None
        with CaptureQueriesContext(connection) as captured:
            self.assertEqual(therapist_video_call_url(loaded[0]), "")
        self.assertEqual(len(captured), 0)
