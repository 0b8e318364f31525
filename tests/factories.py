"""Builders of synthetic source responses for tests that need many items."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

BASE = datetime(2026, 11, 22, tzinfo=timezone.utc)


def sedia_row(i: int, *, deadline_days: int = 60) -> dict:
    """One modern SEDIA topic row, shaped like the recorded ones."""
    deadline = (BASE + timedelta(days=deadline_days + i % 200)).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    ident = f"SYNTH-2027-TOPIC-{i:06d}"
    return {"reference": f"{70000000 + i}TOPICSen",
            "url": f"https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/opportunities/topic-details/{ident}",
            "summary": f"Synthetic topic {i}", "language": "en",
            "metadata": {"type": ["1"], "identifier": [ident], "title": [f"Synthetic topic {i} on skolutveckling"],
                         "status": ["31094502"], "DATASOURCE": ["SEDIA"],
                         "startDate": ["2026-10-01T00:00:00.000+0000"], "deadlineDate": [deadline],
                         "frameworkProgramme": ["43353764"],
                         "descriptionByte": [f"<p>Description of synthetic topic {i}.</p>"]}}


def sedia_page(rows: list[dict], *, total: int | None = None, page: int = 1,
               page_size: int = 100) -> bytes:
    return json.dumps({"apiVersion": "2.137", "totalResults": len(rows) if total is None else total,
                       "pageNumber": page, "pageSize": page_size, "results": rows}).encode()


def sources_toml(url: str, *, name: str = "eu-funding", page_size: int = 100) -> str:
    return (f'[[source]]\nname = "{name}"\nkind = "sedia"\nurl = "{url}"\n'
            f"page_size = {page_size}\n")
