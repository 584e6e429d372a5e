"""`/`: the org at a glance for people watching a demo — campaigns and members, leads, contacts, API calls."""

from __future__ import annotations

from html import escape
from typing import Any

_STYLE = """<style>body{font-family:system-ui,sans-serif;margin:0;background:#f3f6f9;color:#181818}
header{background:#032d60;color:#fff;padding:12px 24px}header h1{margin:0;font-size:18px}
header p{margin:4px 0 0;font-size:12px;opacity:.8}main{padding:16px 24px;display:grid;gap:16px}
section{background:#fff;border:1px solid #d8dde6;border-radius:6px;padding:12px 16px}
h2{font-size:15px;margin:0 0 8px;color:#032d60}h3{font-size:14px;margin:12px 0 4px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:4px 8px;
border-bottom:1px solid #eef1f6}th{color:#706e6b;font-weight:600}.pill{display:inline-block;padding:1px 8px;
border-radius:10px;background:#e5f2fc;font-size:12px;margin-right:4px}.resp{background:#e3f4e3}
.err{color:#ba0517}.muted{color:#706e6b;font-size:12px}</style>"""


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    if not rows:
        return "<p class='muted'>None yet.</p>"
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(c) if c is not None else '')}</td>" for c in row) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _campaigns(emulator: Any) -> str:
    statuses = emulator.records("CampaignMemberStatus")
    members = emulator.records("CampaignMember")
    parts = []
    for campaign in emulator.records("Campaign"):
        own = sorted(
            (s for s in statuses if s["CampaignId"] == campaign["Id"]), key=lambda s: s["SortOrder"] or 0
        )
        pills = "".join(
            f"<span class='pill{' resp' if s['HasResponded'] else ''}'>{escape(s['Label'])}"
            f"{' (default)' if s['IsDefault'] else ''}</span>"
            for s in own
        )
        rows = [
            [
                m["FirstName"],
                m["LastName"],
                m["Email"],
                "Contact" if m["ContactId"] else "Lead",
                m["Status"],
                "yes" if m["HasResponded"] else "no",
                m["LastModifiedDate"],
            ]
            for m in members
            if m["CampaignId"] == campaign["Id"]
        ]
        parts.append(
            f"<h3>{escape(campaign['Name'])} <span class='muted'>{campaign['Id']}</span></h3>"
            f"<div>{pills}</div>"
            + _table(
                ["First name", "Last name", "Email", "Type", "Status", "Responded", "Last modified"], rows
            )
        )
    return "".join(parts)


def render(emulator: Any) -> str:
    leads = [
        [r["Name"], r["Email"], r["Company"], r["Status"], "yes" if r["IsConverted"] else "", r["Id"]]
        for r in emulator.records("Lead")
    ]
    contacts = [[r["Name"], r["Email"], r["Title"], r["Id"]] for r in emulator.records("Contact")]
    calls = [[when, method, path, status] for when, method, path, status in list(emulator.usage.recent)]
    usage = emulator.usage
    return f"""<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<title>{escape(emulator.org.name)} — Salesforce emulator</title>{_STYLE}</head><body>
<header><h1>{escape(emulator.org.name)}</h1><p>Salesforce emulator · org {emulator.org.id} ·
API calls today {usage.api_calls} / {usage.daily_api_limit} · refreshes every 5 s</p></header><main>
<section><h2>Campaigns</h2>{_campaigns(emulator)}</section>
<section><h2>Leads</h2>{_table(["Name", "Email", "Company", "Status", "Converted", "Id"], leads)}</section>
<section><h2>Contacts</h2>{_table(["Name", "Email", "Title", "Id"], contacts)}</section>
<section><h2>Recent API calls</h2>{_table(["Time", "Method", "Path", "Status"], calls)}</section>
</main></body></html>"""
