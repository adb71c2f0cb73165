"""Exports: CSV and XLSX of the filtered list, with the filters and export time in the file."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from gaung.store.reports import MentionFilters, MentionRow
from gaung.web.export import to_csv, to_xlsx

pytestmark = pytest.mark.usefixtures("clients")


def test_csv_export_carries_filters(viewer: TestClient) -> None:
    response = viewer.get("/mentions/export.csv", params={"site": "liputan6.com", "q": "NOT zzzz"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    comments = [line for line in text.splitlines() if line.startswith("# ")]
    assert "# query: NOT zzzz" in comments and "# filter_site: liputan6.com" in comments
    assert any(line.startswith("# exported_at_utc: ") for line in comments)
    rows = list(csv.DictReader(line for line in text.splitlines() if not line.startswith("# ")))
    assert len(rows) == 15 and {r["site"] for r in rows} == {"liputan6.com"}
    assert "# rows: 15" in comments


def test_xlsx_export_has_data_and_filter_sheets(viewer: TestClient) -> None:
    response = viewer.get("/mentions/export.xlsx", params={"tone": "positive"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Pemberitaan", "Filter"]
    data = list(book["Pemberitaan"].values)
    assert data[0][0] == "id" and all(row[5] == "positive" for row in data[1:])
    about = dict(list(book["Filter"].values)[1:])
    assert about["filter_tone"] == "positive" and int(about["rows"]) == len(data) - 1


def test_bad_filter_export_is_a_400_page(viewer: TestClient) -> None:
    assert viewer.get("/mentions/export.csv", params={"q": "AND"}).status_code == 400


def test_formulas_in_titles_stay_text() -> None:
    row = MentionRow(
        1, '=HYPERLINK("http://evil","klik")', "x", None, datetime(2025, 6, 18), "id", None, [], None, 0, 1
    )
    filters = MentionFilters(q="=1+1")
    text = to_csv([row], filters).decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    book = load_workbook(io.BytesIO(to_xlsx([row], filters)))
    cell = list(book["Pemberitaan"].values)[1][3]
    assert cell == '=HYPERLINK("http://evil","klik")' and book["Pemberitaan"]["D2"].data_type == "s"
