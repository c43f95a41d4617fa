from __future__ import annotations

import csv
import io
import re
import zipfile

from psoascare.web.journal.models import PainRecord
from tests.web.base import BaseTestCase
from tests.web.privacy.helpers import is_login_redirect
from tests.web.privacy.records import DAY, give_records

URL = "/privacy/export.zip"


class ExportZipTests(BaseTestCase):
    def setUp(self) -> None:
        give_records(self.client_a, "alice")
        give_records(self.client_b, "bob")
        self.client.force_login(self.client_a)

    def archive(self) -> zipfile.ZipFile:
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/zip")
        self.assertIn("attachment", response["Content-Disposition"])
        return zipfile.ZipFile(io.BytesIO(response.content))

    def read_table(self, archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(archive.read(f"{name}.csv").decode("utf-8"))))

    def test_it_has_one_csv_per_table_with_the_same_tables_as_the_json(self) -> None:
        names = {name.removesuffix(".csv") for name in self.archive().namelist()}
        tables = set(self.client.get("/privacy/export.json").json()["tables"])
        self.assertEqual(names, tables)

    def test_it_has_the_clients_rows_and_not_other_clients(self) -> None:
        archive = self.archive()
        self.assertEqual([row["note"] for row in self.read_table(archive, "Pain")], ["alice pain note"])
        self.assertEqual([row["detail"] for row in self.read_table(archive, "Desk timer events")], ["alice desk event"])
        for name in archive.namelist():
            self.assertNotIn("bob", archive.read(name).decode("utf-8"), name)

    def test_it_writes_a_header_row_even_for_an_empty_table(self) -> None:
        archive = self.archive()
        header = archive.read("Articles and videos.csv").decode("utf-8").splitlines()
        self.assertEqual(len(header), 1)
        self.assertIn("title", header[0].split(","))

    def test_it_keeps_non_ascii_text_in_utf8(self) -> None:
        PainRecord.record(self.client_a, DAY, 5, note="Rücken steif — ça va")
        rows = self.read_table(self.archive(), "Pain")
        self.assertEqual(rows[0]["note"], "Rücken steif — ça va")

    def test_it_quotes_text_that_a_spreadsheet_would_run_as_a_formula(self) -> None:
        PainRecord.record(self.client_a, DAY, 5, note='=HYPERLINK("http://example.org","x")')
        rows = self.read_table(self.archive(), "Pain")
        self.assertEqual(rows[0]["note"], '\'=HYPERLINK("http://example.org","x")')
        self.assertEqual(rows[0]["score"], "5")

    def test_it_has_no_password_or_token_column(self) -> None:
        archive = self.archive()
        for name in archive.namelist():
            header = archive.read(name).decode("utf-8").splitlines()[0].lower()
            for word in ("password", "token", "hash"):
                self.assertNotIn(word, header, name)

    def test_it_sends_anonymous_users_to_log_in(self) -> None:
        self.client.logout()
        self.assertTrue(is_login_redirect(self.client.get(URL)))

    def test_it_names_its_files_in_words_not_model_names(self) -> None:
        names = self.archive().namelist()
        self.assertIn("Pain.csv", names)
        self.assertIn("Safety answers.csv", names)
        self.assertEqual([name for name in names if re.match(r"^[a-z_]+\.[A-Z]", name)], [])
