from __future__ import annotations

import gc
import weakref
from collections.abc import Callable, Iterable
from typing import Any

from django.core.handlers.wsgi import WSGIHandler
from django.test import SimpleTestCase

from psoascare.web.wsgi import FreezeAfterWarmUp


class Cycle:
    def __init__(self) -> None:
        self.itself = self


class FreezeAfterWarmUpTests(SimpleTestCase):
    def setUp(self) -> None:
        self.addCleanup(gc.unfreeze)
        self.cycles: list[weakref.ref[Cycle]] = []

    def app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        self.cycles.append(weakref.ref(Cycle()))  # garbage the collector alone can free
        start_response("200 OK", [])
        return [b"ok"]

    def tracked(self, thing: object) -> bool:
        return any(found is thing for found in gc.get_objects())

    def test_it_freezes_what_lives_on_after_the_first_request(self) -> None:
        application = FreezeAfterWarmUp(self.app, frozenset({1}))
        self.assertEqual(list(application({}, lambda *args: None)), [b"ok"])
        kept: list[list[int]] = [[1]]
        self.assertTrue(self.tracked(kept))
        application({}, lambda *args: None)
        self.assertFalse(self.tracked(kept))  # frozen: full collections no longer walk it
        self.assertGreaterEqual(gc.get_freeze_count(), 1)

    def test_it_collects_the_earlier_requests_garbage_before_freezing(self) -> None:
        gc.disable()  # no automatic collection in between: only the wrapper's may free the cycle
        self.addCleanup(gc.enable)
        application = FreezeAfterWarmUp(self.app, frozenset({1}))
        application({}, lambda *args: None)
        self.assertIsNotNone(self.cycles[0]())
        application({}, lambda *args: None)
        self.assertIsNone(self.cycles[0]())  # collected, not frozen for ever

    def test_it_freezes_nothing_before_or_between_the_chosen_requests(self) -> None:
        application = FreezeAfterWarmUp(self.app, frozenset({2}))
        application({}, lambda *args: None)
        application({}, lambda *args: None)
        self.assertEqual(gc.get_freeze_count(), 0)

    def test_the_servers_application_is_wrapped(self) -> None:
        from psoascare.web.wsgi import application

        self.assertIsInstance(application, FreezeAfterWarmUp)
        self.assertIsInstance(application.application, WSGIHandler)
