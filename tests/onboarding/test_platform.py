import pytest

import intacct
from onboarding.platform import DEMO_ACCOUNTS, Platform, PlatformConfigError, resolve_platform
from onboarding.vault import Secret

CONFIGURED = {"INTACCT_SENDER_ID": "RoutableMPP", "INTACCT_SENDER_PASSWORD": "prod-sender-secret"}


def test_configured_sender_from_the_environment():
    platform = resolve_platform(env=CONFIGURED)
    assert platform.sender_id == "RoutableMPP" and not platform.sandbox
    assert platform.endpoint == intacct.DEFAULT_ENDPOINT
    assert isinstance(platform.sender_password, Secret)
    assert "prod-sender-secret" not in repr(platform)
    assert platform.demo_accounts == []


def test_configured_sender_from_secrets_with_an_endpoint():
    secrets = {
        "intacct_sender_id": "RoutableMPP",
        "intacct_sender_password": "pw",
        "intacct_endpoint": "https://na12.intacct.com/ia/xml/xmlgw.phtml",
    }
    platform = resolve_platform(env={}, secrets=secrets)
    assert platform.endpoint == secrets["intacct_endpoint"]
    client = platform.client(timeout=3.0)
    assert client.endpoint == secrets["intacct_endpoint"] and client.timeout == 3.0
    client.close()


def test_half_configured_sender_names_the_missing_setting_not_the_value():
    with pytest.raises(PlatformConfigError) as info:
        resolve_platform(env={"INTACCT_SENDER_ID": "RoutableMPP"})
    assert "INTACCT_SENDER_PASSWORD" in str(info.value)


def test_plain_http_endpoint_off_this_machine_is_refused():
    with pytest.raises(PlatformConfigError, match="https"):
        resolve_platform(env={**CONFIGURED, "INTACCT_ENDPOINT": "http://example.com/ia/xml/xmlgw.phtml"})


def test_client_options_are_defaults_that_calls_can_override():
    platform = Platform("S", Secret("p"), "http://127.0.0.1:9/x", False, client_options={"timeout": 1.0})
    with platform.client() as client:
        assert client.timeout == 1.0
    with platform.client(timeout=2.0) as client:
        assert client.timeout == 2.0


def test_demo_accounts_cover_the_documented_cases():
    cases = {(a.company_id, a.user_id) for a in DEMO_ACCOUNTS}
    assert {
        ("ACME-DEMO", "routable_ws"),
        ("SOLO-DEMO", "routable_ws"),
        ("NOAUTH-DEMO", "routable_ws"),
    } <= cases
    assert {("ACME-DEMO", "limited_ws"), ("ACME-DEMO", "entity_ws")} <= cases


def test_nothing_configured_starts_one_shared_sandbox_that_accepts_the_demo_accounts():
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        platforms = list(pool.map(lambda _: resolve_platform(env={}, secrets=None), range(4)))
    handles = {id(p.sandbox_handle) for p in platforms}
    assert len(handles) == 1  # Streamlit reruns and threads must not start a second server
    platform = platforms[0]
    assert platform.sandbox and platform.sender_id == "RoutableMPP"
    assert platform.endpoint == platform.sandbox_handle.url
    assert platform.demo_accounts == DEMO_ACCOUNTS
    demo = DEMO_ACCOUNTS[0]
    with platform.client(timeout=5.0) as client:
        session = client.login(demo.company_id, demo.user_id, demo.password)
        assert session.company_id == "ACME-DEMO"
