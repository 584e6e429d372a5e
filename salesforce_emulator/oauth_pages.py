"""The HTML of the authorize flow: a login form, then an approval page, like login.salesforce.com."""

from __future__ import annotations

from html import escape

AUTHORIZE_PARAMS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "state",
    "scope",
    "code_challenge",
    "code_challenge_method",
    "prompt",
    "display",
    "login_hint",
    "nonce",
)
_STYLE = """<style>body{font-family:system-ui,sans-serif;background:#f3f6f9;margin:0}
main{max-width:360px;margin:60px auto;background:#fff;border:1px solid #d8dde6;border-radius:6px;padding:24px}
h1{font-size:20px;color:#032d60}label{display:block;margin:12px 0 4px;font-size:13px;color:#3e3e3c}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:8px;border:1px solid #c9c9c9;
border-radius:4px}button,input[type=submit]{margin-top:16px;padding:8px 16px;border:0;border-radius:4px;
background:#0176d3;color:#fff;font-size:14px;cursor:pointer}.secondary{background:#fff;color:#0176d3;
border:1px solid #0176d3}.error{color:#ba0517;font-size:13px}.muted{color:#706e6b;font-size:12px}</style>"""


def _page(title: str, body: str) -> str:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title>{_STYLE}</head>"
        f"<body><main>{body}</main></body></html>"
    )


def _hidden(params: dict[str, str]) -> str:
    return "".join(
        f"<input type='hidden' name='{escape(k)}' value='{escape(v)}'>"
        for k, v in params.items()
        if k in AUTHORIZE_PARAMS and v
    )


def login_page(params: dict[str, str], error: str = "") -> str:
    message = f"<p class='error' id='error'>{escape(error)}</p>" if error else ""
    username = escape(params.get("login_hint", ""))
    return _page(
        "Login | Salesforce",
        f"""<h1>Salesforce emulator</h1>{message}
<form id="login_form" method="post" action="/services/oauth2/authorize">{_hidden(params)}
<label for="username">Username</label><input type="text" id="username" name="username" value="{username}">
<label for="password">Password</label><input type="password" id="password" name="pw">
<input type="submit" id="Login" name="Login" value="Log In"></form>
<p class="muted">A local emulator: no real Salesforce account is involved.</p>""",
    )


def approval_page(params: dict[str, str], ticket: str, app_name: str, username: str) -> str:
    return _page(
        "Allow Access? | Salesforce",
        f"""<h1>Allow Access?</h1>
<p><strong>{escape(app_name)}</strong> is asking to access your data as <strong>{escape(username)}</strong>:
manage user data via APIs, perform requests at any time.</p>
<form id="approval_form" method="post" action="/services/oauth2/authorize">{_hidden(params)}
<input type='hidden' name='ticket' value='{escape(ticket)}'>
<input type="submit" id="oadeny" name="deny" value="Deny" class="secondary">
<input type="submit" id="oaapprove" name="allow" value="Allow"></form>""",
    )


def error_page(error: str, description: str) -> str:
    return _page(
        "Error | Salesforce",
        f"""<h1>OAuth Error</h1>
<p>We can't authorize you because of an OAuth error. For more information, contact your Salesforce
administrator.</p><p class="error" id="oauth_error">error={escape(error)}&amp;"""
        f"""error_description={escape(description)}</p>""",
    )
