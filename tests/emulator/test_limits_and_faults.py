"""§3 counting and limits, §6 fault injection and inspection, §7 the page, persistence across restarts."""

import pytest
import requests
from simple_salesforce import (
    SalesforceExpiredSession,
    SalesforceGeneralError,
    SalesforceMalformedRequest,
    SalesforceRefusedRequest,
)

from salesforce_emulator.server import EmulatorServer


def test_every_counted_response_carries_the_usage_header_and_limits_agree(sf, http, salesforce_emulator):
    sf.query("SELECT Id FROM Lead")
    assert sf.api_usage["api-usage"].used == 1 and sf.api_usage["api-usage"].total == 15000
    error = http.get(f"{http.base}/sobjects/Lead/00QEm0000000000AAA")
    assert error.status_code == 404 and error.headers["Sforce-Limit-Info"] == "api-usage=2/15000"
    assert sf.limits()["DailyApiRequests"] == {"Max": 15000, "Remaining": 14997}  # counted before it answers
    assert salesforce_emulator.stats()["by_endpoint"]["GET /query"] == 1


def test_past_the_daily_limit_calls_are_refused_with_403(sf, salesforce_emulator):
    salesforce_emulator.set_faults(api_calls_used=15000)
    with pytest.raises(SalesforceRefusedRequest) as raised:
        sf.query("SELECT Id FROM Lead")
    assert raised.value.content == [
        {"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}
    ]


def test_fail_next_answers_500_empty_then_503_server_unavailable(sf, salesforce_emulator):
    salesforce_emulator.set_faults(fail_next=1, status=500)
    with pytest.raises(SalesforceGeneralError) as raised:
        sf.query("SELECT Id FROM Lead")
    assert raised.value.status == 500
    salesforce_emulator.set_faults(fail_next=1, status=503)
    with pytest.raises(SalesforceGeneralError) as raised:
        sf.query("SELECT Id FROM Lead")
    assert raised.value.content[0]["errorCode"] == "SERVER_UNAVAILABLE"
    assert sf.query("SELECT Id FROM Lead")["totalSize"] == 3


def test_timeout_next_hangs_past_the_client_timeout(salesforce_emulator, http):
    salesforce_emulator.set_faults(timeout_next=1, timeout_seconds=5)
    with pytest.raises(requests.exceptions.ReadTimeout):
        http.get(f"{http.base}/limits/", timeout=0.5)
    assert http.get(f"{http.base}/limits/", timeout=5).status_code == 200


def test_expire_sessions_gives_401_to_existing_tokens_only(sf, salesforce_emulator):
    salesforce_emulator.set_faults(expire_sessions=True)
    with pytest.raises(SalesforceExpiredSession):
        sf.query("SELECT Id FROM Lead")
    assert salesforce_emulator.client().query("SELECT Id FROM Lead")["totalSize"] == 3


def test_control_endpoints_over_http(salesforce_emulator, sf):
    session, url = salesforce_emulator.session(), salesforce_emulator.url
    sf.Lead.create({"LastName": "Seen", "Company": "C"})
    assert session.get(f"{url}/__emulator__/stats").json()["api_calls"] == 1
    leads = session.get(f"{url}/__emulator__/records/Lead").json()
    assert any(r["LastName"] == "Seen" for r in leads)
    state = session.post(
        f"{url}/__emulator__/faults", json={"latency_ms": 1, "duplicate_rules": "block"}
    ).json()
    assert state["faults"]["latency_ms"] == 1 and state["settings"]["duplicate_rules"] == "block"
    assert session.post(f"{url}/__emulator__/faults", json={"nonsense": 1}).status_code == 400
    session.post(f"{url}/__emulator__/reset")
    assert session.get(f"{url}/__emulator__/stats").json()["api_calls"] == 0
    assert not any(r["LastName"] == "Seen" for r in session.get(f"{url}/__emulator__/records/Lead").json())
    assert session.get(f"{url}/__emulator__/faults").json()["settings"]["duplicate_rules"] == "allow"


def test_page_shows_campaigns_members_and_recent_calls(salesforce_emulator, sf):
    sf.query("SELECT Id FROM Lead")
    page = salesforce_emulator.session().get(salesforce_emulator.url + "/").text
    assert "World Tour Paris 2026" in page and "amelie.durand@example.com" in page and "/query/" in page


def test_sqlite_data_survives_a_restart(tmp_path):
    options = {"cert_dir": tmp_path / "certs", "data_path": tmp_path / "org.sqlite3"}
    with EmulatorServer(**options) as server:
        sf = server.client()
        sf.Lead.create({"LastName": "Durable", "Company": "C"})
        token = server.issue_token()
        ca = server.ca_path.read_bytes()
    with EmulatorServer(**options) as server:
        assert server.ca_path.read_bytes() == ca  # the CA is reused, so clients keep trusting it
        assert any(r["LastName"] == "Durable" for r in server.records("Lead"))
        session = server.session()
        response = session.get(
            f"{server.url}/services/data/v62.0/limits/", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200


def test_keep_alive_clients_in_parallel(salesforce_emulator):
    from concurrent.futures import ThreadPoolExecutor

    def work(_: int) -> int:
        sf = salesforce_emulator.client()
        return sum(sf.query("SELECT Id FROM Campaign")["totalSize"] for _ in range(10))

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(work, range(8))) == [40] * 8
    assert salesforce_emulator.stats()["api_calls"] == 80


def test_campaign_member_uniqueness_holds_after_a_restart_and_not_after_a_reset(tmp_path):
    def member(server: EmulatorServer) -> dict:
        paris = next(c["Id"] for c in server.records("Campaign") if c["Name"] == "World Tour Paris 2026")
        lead = next(r["Id"] for r in server.records("Lead") if r["Email"] == "jp.lefevre@example.fr")
        return {"CampaignId": paris, "LeadId": lead, "Status": "Registered"}

    options = {"cert_dir": tmp_path / "certs", "data_path": tmp_path / "org.sqlite3"}
    with EmulatorServer(**options) as server:
        server.client().CampaignMember.create(member(server))
    with EmulatorServer(**options) as server:
        with pytest.raises(SalesforceMalformedRequest) as refused:
            server.client().CampaignMember.create(member(server))
        assert refused.value.content[0]["errorCode"] == "DUPLICATE_VALUE"
        server.reset()  # back to the org file (records seeded afresh), where the lead is no member
        assert server.client().CampaignMember.create(member(server))["success"]


def test_emulator_controls_refuse_a_request_a_web_page_sent_from_another_origin(salesforce_emulator):
    session, url = salesforce_emulator.session(), salesforce_emulator.url
    forged = session.post(f"{url}/__emulator__/faults", json={"expire_sessions": True},
                          headers={"Origin": "http://evil.example"})
    assert forged.status_code == 403
    assert session.get(f"{url}/__emulator__/faults").json()["faults"].get("expire_sessions") in (None, False)
