"""Hostile inputs against the back-office: the time, peak memory and answer of each; prints one JSON line.

    .venv/bin/python bench/hostile_inputs.py [--project PATH [--python PATH]] [--timeout SECONDS] [CASE ...]

Each case runs in its own child process (so its peak memory, ru_maxrss minus the child's own after set-up
and one warm-up request per page, is its own) on a throw-away SQLite database in a temporary directory,
through django.test.Client: the public registration page, the participant import, the mapping checks, the
grid search and the login.
A child is stopped after --timeout seconds (reported as "timeout") and limited to 3 GB of address space
(a MemoryError is reported as such). `--project` runs the same cases against another checkout of this
project with that checkout's virtualenv or --python (e.g. the code before a change, exported with
`git archive COMMIT | tar -x -C /tmp/before`), without writing into it: the
database, the secrets and the cache live in the temporary directory and the environment."""

import argparse
import io
import json
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEMORY_LIMIT = 3 * 1024**3
PASSWORD = "bench-organizer-password"


def _xlsx(sheet_xml: bytes) -> bytes:
    """A minimal .xlsx around one sheet's XML (written directly: a million rows in a second)."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
            '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
            '"application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships"><sheets><sheet name="Participants" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return buffer.getvalue()


def _sheet(rows: int) -> bytes:
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>email</t></is></c></row>'
    )
    body = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>p%d@example.org</t></is></c></row>' % (n, n, n)
        for n in range(2, rows + 2)
    )
    return head + body + b"</sheetData></worksheet>"


def _big_csv() -> bytes:
    lines = ["email,first_name,last_name,company,job_title"]
    lines += [f"person{i}@example.org,Firstname{i},Lastname{i},Company {i},Job {i}" for i in range(212_000)]
    return ("\n".join(lines) + "\n").encode()


# name -> (kind, payload factory)
CASES = {
    "public number 1e400000": ("register", lambda: {"score": "1e400000"}),
    "public number 1e800000": ("register", lambda: {"score": "1e800000"}),
    "public number 1e999999999999": ("register", lambda: {"score": "1e999999999999"}),
    "public number nan": ("register", lambda: {"score": "nan"}),
    "public text 2,000,000 characters": ("register", lambda: {"motto": "x" * 2_000_000}),
    "30 public registrations from one IP": ("register_many", lambda: 30),
    "import csv number 1e5000": ("import", lambda: ("a.csv", b"email,score\na@example.org,1e5000\n")),
    "import csv 17 MB": ("import", lambda: ("big.csv", _big_csv())),
    "import xlsx 1,000,000 rows": ("import", lambda: ("rows.xlsx", _xlsx(_sheet(1_000_000)))),
    "import xlsx broken sheet xml": ("import", lambda: ("broken.xlsx", _xlsx(_sheet(50)[:2000] + b"<<&&"))),
    "import csv NUL byte": ("import", lambda: ("nul.csv", b"email,first_name\na@example.org,An\x00a\n")),
    "mapping nested 100,000 deep": ("mapping", lambda: '{"a": ' * 100_000 + '"x"' + "}" * 100_000),
    "mapping 64,000 keys": ("mapping", lambda: json.dumps({f"k{i}": "Title" for i in range(64_000)})),
    "grid search 1,900 words": ("search", lambda: " ".join(f"w{i}" for i in range(1_900))),
    "login 25 wrong passwords then the right one": ("login", lambda: 25),
}


def _setup(project: Path, work: Path):
    sys.path.insert(0, str(project))
    os.chdir(project)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="backoffice.settings",
        VAR_DIR=str(work),
        DATABASE_URL=f"sqlite:///{work / 'db.sqlite3'}",
        SECRET_KEY="bench-" + "k" * 50,
        FIELD_ENCRYPTION_KEY="bxQ2vZ7m1mZ0yYF0h8k8s2J5hQk0m2eL8yq3cQfH2mE=",
        REGISTRATION_RATE_PER_IP="10/m",
        REGISTRATION_RATE_PER_EVENT="120/m",
        LOG_LEVEL="ERROR",
    )
    import django
    from django.conf import settings

    django.setup()
    # No Redis needed here: the cache is in process memory (the rate limits then count per process).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.ALLOWED_HOSTS = ["testserver"]
    from django.core.management import call_command

    if not (work / "db.sqlite3").exists() or os.environ.get("BENCH_FRESH_DB"):
        call_command("migrate", verbosity=0)


def _fixtures():
    from django.contrib.auth.models import User

    from accounts.services import account_ensure, event_give
    from events.models import Event, ParticipantField

    user, created = User.objects.get_or_create(username="bench")
    if created:
        user.set_password(PASSWORD)
        user.save()
    account = account_ensure(slug="bench", name="Bench")
    event, _ = Event.objects.get_or_create(slug="bench", defaults={"name": "Bench", "account": account})
    event_give(event=event, user=user)
    for key, label, kind in (("score", "Score", "Number"), ("motto", "Motto", "Text")):
        ParticipantField.objects.get_or_create(event=event, key=key, defaults={"label": label, "type": kind})
    return user, event


def _warm_up(user, event) -> None:
    """One ordinary request per page first: imports, templates and URL resolving are not what is timed."""
    from django.test import Client

    Client().get(f"/register/{event.slug}/")
    Client().get("/accounts/login/")
    client = Client()
    client.force_login(user)
    client.get(f"/events/{event.slug}/participants/import/")
    client.get(f"/events/{event.slug}/participants/", {"q": "warm"})


def _run_case(kind: str, payload, user, event) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    client = Client(raise_request_exception=False)
    if kind == "register":
        response = client.post(f"/register/{event.slug}/", {"email": "eve@example.org", **payload})
        return {"status": response.status_code}
    if kind == "register_many":
        statuses = [
            client.post(f"/register/{event.slug}/", {"email": f"r{i}@example.org"}).status_code
            for i in range(payload)
        ]
        return {"status": sorted(set(statuses)), "accepted": statuses.count(302)}
    if kind == "import":
        name, content = payload
        client.force_login(user)
        upload = SimpleUploadedFile(name, content)
        response = client.post(f"/events/{event.slug}/participants/import/", {"file": upload})
        return {"status": response.status_code, "file_bytes": len(content)}
    if kind == "mapping":
        from connector.mapping_validation import mapping_validate
        from events.selectors import event_fields

        try:
            report = mapping_validate(object_name="Lead", text=payload, fields=event_fields(event=event),
                                      describe=None)
        except RecursionError:
            return {"status": "RecursionError"}
        return {"status": "errors" if report.errors else "valid", "first": str(report.errors[:1])[:120]}
    if kind == "search":
        client.force_login(user)
        response = client.get(f"/events/{event.slug}/participants/", {"q": payload})
        return {"status": response.status_code}
    if kind == "login":
        statuses = [
            client.post("/accounts/login/", {"username": "bench", "password": "wrong"}).status_code
            for _ in range(payload)
        ]
        last = client.post("/accounts/login/", {"username": "bench", "password": PASSWORD})
        return {"status": last.status_code, "logged_in": "_auth_user_id" in client.session,
                "failures": sorted(set(statuses))}
    raise ValueError(kind)


def child(project: Path, work: Path, name: str) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    _setup(project, work)
    user, event = _fixtures()
    _warm_up(user, event)
    kind, _ = CASES[name]
    payload = pickle.loads((work / "payload.pickle").read_bytes())  # made by the parent: not counted here
    from events.models import Participant

    saved_before = Participant.objects.count()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu = time.perf_counter(), time.process_time()
    try:
        outcome = _run_case(kind, payload, user, event)
    except MemoryError:
        outcome = {"status": "MemoryError"}
    outcome.update(
        seconds=round(time.perf_counter() - started, 3),
        cpu_seconds=round(time.process_time() - cpu, 3),
        peak_mb_added=round((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024, 1),
        participants_saved=Participant.objects.count() - saved_before,
    )
    Participant.objects.all().delete()
    print("RESULT " + json.dumps(outcome), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--project", type=Path, default=ROOT)
    parser.add_argument("--python", type=Path, help="the interpreter (default: the project's .venv)")
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("cases", nargs="*")
    args = parser.parse_args()
    project = args.project.resolve()
    if args.child:
        child(project, args.work, args.child)
        return
    python = args.python or project / ".venv" / "bin" / "python"
    results = {}
    with tempfile.TemporaryDirectory(prefix="hostile-") as work:
        for name in args.cases or list(CASES):
            (Path(work) / "payload.pickle").write_bytes(pickle.dumps(CASES[name][1]()))
            command = [str(python), __file__, "--project", str(project), "--work", work, "--child", name]
            print(f"[bench/hostile_inputs] {name}", file=sys.stderr, flush=True)
            try:
                done = subprocess.run(command, capture_output=True, text=True, timeout=args.timeout)
            except subprocess.TimeoutExpired:
                results[name] = {"status": f"timeout after {args.timeout:g} s"}
                continue
            lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
            results[name] = json.loads(lines[-1][7:]) if lines else {"status": "crashed",
                                                                      "stderr": done.stderr[-300:]}
    print(json.dumps({"project": str(project), "results": results}))


if __name__ == "__main__":
    main()
