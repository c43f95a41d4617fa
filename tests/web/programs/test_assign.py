from __future__ import annotations

from psoascare.web.programs.models import Assignment, AssignmentChange, ProgrammeTemplate
from tests.web.base import BaseTestCase

ALL_DAYS = [str(d) for d in range(7)]
WORK_DAYS = [str(d) for d in range(5)]


def assign_data(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "template": "bed-edge",
        "times": "07:30, 21:30",
        "days": ALL_DAYS,
        "move_every_minutes": "60",
        "switch_seconds": "15",
        "work_start": "09:00",
        "work_end": "17:00",
        "work_days": WORK_DAYS,
        "doses-TOTAL_FORMS": "0",
        "doses-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


class ProgrammeTemplateTestCase(BaseTestCase):
    def _post(self, **items: str) -> object:
        data = {
            "title": "Psoas care",
            "summary": "",
            "times": "07:00, 21:00",
            "days": ALL_DAYS,
            "move_every_minutes": "45",
            "items-TOTAL_FORMS": "2",
            "items-INITIAL_FORMS": "0",
            **items,
        }
        return self.client.post("/programmes/templates/", data)

    def test_it_builds_a_template_from_the_library(self) -> None:
        self.client.force_login(self.therapist_x)
        response = self._post(
            **{
                "items-0-exercise": "bed-edge-hang",
                "items-0-hold_seconds": "45",
                "items-1-exercise": "dead-bug",
                "items-1-reps": "8",
            }
        )
        self.assertRedirects(response, "/programmes/templates/")
        programme = ProgrammeTemplate.objects.get()
        routine = programme.as_routine()
        self.assertEqual([item.exercise for item in routine.items], ["bed-edge-hang", "dead-bug"])
        self.assertEqual(routine.dose(routine.items[0]).hold_seconds, 45)
        self.assertEqual(routine.move_every_minutes, 45)

    def test_it_shows_the_cores_error_for_a_bad_template(self) -> None:
        self.client.force_login(self.therapist_x)
        self.assertContains(self._post(), "has no exercises", status_code=400)
        response = self._post(**{"items-0-exercise": "dead-bug", "items-0-hold_seconds": "30"})
        self.assertContains(response, "done in reps", status_code=400)
        self.assertFalse(ProgrammeTemplate.objects.exists())

    def test_it_keeps_templates_private_to_their_therapist(self) -> None:
        programme = ProgrammeTemplate.objects.create(
            therapist=self.therapist_x, title="X's", items=[{"exercise": "bed-edge-hang"}]
        )
        self.client.force_login(self.therapist_y)
        self.assertEqual(self.client.get(f"/programmes/templates/{programme.pk}/").status_code, 404)
        self.assertNotContains(self.client.get("/programmes/templates/"), "X&#x27;s")


class AssignTestCase(BaseTestCase):
    def test_it_assigns_with_per_client_changes_and_keeps_the_history(self) -> None:
        self.client.force_login(self.therapist_x)
        response = self.client.post(f"/programmes/clients/{self.client_b.pk}/", assign_data(times="06:45, 22:00"))
        self.assertRedirects(response, f"/programmes/clients/{self.client_b.pk}/")
        assignment = Assignment.objects.get(client=self.client_b)
        self.assertEqual(assignment.times, ["06:45", "22:00"])
        dose = {
            "doses-TOTAL_FORMS": "1",
            "doses-INITIAL_FORMS": "1",
            "doses-0-exercise": "bed-edge-hang",
            "doses-0-doses_for": "bed-edge",
            "doses-0-hold_seconds": "45",
            "doses-0-sets": "3",
        }
        self.client.post(f"/programmes/clients/{self.client_b.pk}/", assign_data(times="06:45, 22:00", **dose))
        assignment.refresh_from_db()
        template = assignment.template()
        self.assertEqual(
            (template.dose(template.items[0]).hold_seconds, template.dose(template.items[0]).sets), (45, 3)
        )
        changes = list(AssignmentChange.objects.filter(assignment=assignment).order_by("changed_at"))
        self.assertEqual(len(changes), 2)
        self.assertEqual(changes[1].changes["item_overrides"][1], {"bed-edge-hang": {"sets": 3, "hold_seconds": 45}})
        page = self.client.get(f"/programmes/clients/{self.client_b.pk}/")
        self.assertContains(
            page, "Hold of Bed-edge hang (Thomas position) changed from the routine&#x27;s dose to 45 s"
        )
        self.assertContains(page, "Times set to 06:45, 22:00")
        self.assertNotContains(page, "item_overrides")

    def test_it_shows_the_routines_doses_from_the_first_save_and_keeps_them(self) -> None:
        self.client.force_login(self.therapist_x)
        url = f"/programmes/clients/{self.client_b.pk}/"
        page = self.client.get(url)  # no programme yet: the rows of the routine offered first, with its doses
        self.assertContains(page, 'name="doses-0-hold_seconds"')
        self.assertContains(page, 'placeholder="30"')
        first = {
            "doses-TOTAL_FORMS": "1",
            "doses-INITIAL_FORMS": "1",
            "doses-0-exercise": "bed-edge-hang",
            "doses-0-doses_for": "bed-edge",
            "doses-0-hold_seconds": "40",
        }
        self.client.post(url, assign_data(**first))
        template = Assignment.objects.get(client=self.client_b).template()
        self.assertEqual(template.dose(template.items[0]).hold_seconds, 40)
        # Doses shown for one routine never land on another chosen in the same save.
        self.client.post(url, assign_data(template="psoas-care", **first))
        self.assertEqual(Assignment.objects.get(client=self.client_b).item_overrides, {})

    def test_it_refuses_bad_doses_and_times(self) -> None:
        self.client.force_login(self.therapist_x)
        url = f"/programmes/clients/{self.client_a.pk}/"
        bad = {
            "doses-TOTAL_FORMS": "1",
            "doses-INITIAL_FORMS": "1",
            "doses-0-exercise": "bed-edge-hang",
            "doses-0-hold_seconds": "-5",
        }
        self.assertEqual(self.client.post(url, assign_data(**bad)).status_code, 400)
        self.assertContains(self.client.post(url, assign_data(times="25:00")), "not a time of day", status_code=400)
        self.assertContains(
            self.client.post(url, assign_data(move_every_minutes="5")), "greater than or equal to 20", status_code=400
        )
        self.assertContains(
            self.client.post(url, assign_data(template="nope")), "Select a valid choice", status_code=400
        )
        self.assertEqual(Assignment.objects.get(client=self.client_a).item_overrides, {})
        self.assertFalse(AssignmentChange.objects.exists())

    def test_it_assigns_a_therapists_own_template(self) -> None:
        programme = ProgrammeTemplate.objects.create(
            therapist=self.therapist_x,
            title="Psoas care",
            items=[{"exercise": "bed-edge-hang"}, {"exercise": "dead-bug"}],
        )
        self.client.force_login(self.therapist_x)
        self.client.post(f"/programmes/clients/{self.client_b.pk}/", assign_data(template=programme.slug))
        assignment = Assignment.objects.get(client=self.client_b)
        self.assertEqual(assignment.programme, programme)
        self.client.force_login(self.client_b)
        labels = [item.due.label for item in self.client.get("/today/").context["today"].items]
        self.assertTrue(any(label.startswith("Dead bug") for label in labels), labels)

    def test_it_refuses_another_therapists_client(self) -> None:
        self.client.force_login(self.therapist_y)
        self.assertEqual(self.client.post(f"/programmes/clients/{self.client_a.pk}/", assign_data()).status_code, 404)
