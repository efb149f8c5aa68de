"""The live view's pieces: server-sent events framing and the rows as the table shows them."""

import pytest

from web.entrypoints.routes.orga_live import _partials, rows_of, sse

pytestmark = pytest.mark.unit

VIEW = {
    "items": [
        {
            "participation_id": "p1",
            "first_name": "Zoé",
            "last_name": "Abel",
            "status": "STARTED",
            "answer_count": 3,
            "progression": 0.286,
            "started_at": "2026-11-20T09:00:00Z",
            "last_answer_at": "2026-11-20T09:05:00Z",
            "stuck_minutes": 7,
        },
        {
            "participation_id": "p2",
            "first_name": "<b>Léo</b>",
            "last_name": "Martin",
            "status": "SHARED",
            "answer_count": 12,
            "progression": 1.0,
            "started_at": "2026-11-20T09:00:00Z",
            "last_answer_at": None,
            "stuck_minutes": None,
        },
    ],
    "total": 2,
    "started": 1,
    "stuck": 1,
    "stuck_after_minutes": 5,
    "at": "2026-11-20T09:12:00Z",
}


def test_every_line_of_an_event_is_a_data_line() -> None:
    assert sse("update", "<tr>\n<td>a</td>\n</tr>") == (
        "event: update\ndata: <tr>\ndata: <td>a</td>\ndata: </tr>\n\n"
    )
    assert sse("end", "") == "event: end\ndata: \n\n"


def test_rows_carry_labels_percentages_and_paris_hours() -> None:
    abel, martin = rows_of(VIEW, {"type": "ASSESSMENT"})
    assert (abel["name"], abel["status_label"], abel["percent"]) == ("Zoé Abel", "En cours", 29)
    assert abel["last_answer"] == "10 h 05"  # Europe/Paris in November: UTC+1
    assert martin["status_label"] == "Résultats reçus" and martin["last_answer"] is None
    assert rows_of(VIEW, {"type": "PROFILES_COLLECTION"})[1]["status_label"] == "Profil reçu"


def test_the_table_body_escapes_names_and_shows_the_stuck_badge() -> None:
    parts = _partials(VIEW, {"type": "ASSESSMENT"})
    assert "Bloqué depuis 7 min" in parts["rows"]
    assert "&lt;b&gt;Léo&lt;/b&gt;" in parts["rows"] and "<b>" not in parts["rows"]
    assert "<strong>2</strong> participants" in parts["summary"]
    empty = _partials({**VIEW, "items": [], "total": 0, "started": 0, "stuck": 0}, {})
    assert "Aucun participant pour le moment" in empty["rows"]
