"""Consultant sign-in in Streamlit: the organisation's OpenID Connect provider (``st.login``,
configured under ``[auth]`` in .streamlit/secrets.toml), or a local e-mail and password, or
the bootstrap administrator's password (TANDEM_ADMIN_PASSWORD_HASH). The rules (which
account, which client) are in ``assessment.accounts``; this module only draws and remembers.
"""

from __future__ import annotations

import streamlit as st

from assessment import accounts, auth, console_session, state, ui
from assessment import throttle as throttling
from assessment.i18n import N_, _
from assessment.store import Account

ROLE_LABELS = {"admin": N_("administrator"), "consultant": N_("consultant")}
SESSION = state.CONSOLE_UNLOCKED  # (e-mail, how, key digest) of the signed-in account
_PROVIDER_SEEN = "signin_provider_seen"  # the provider e-mail already recorded in the audit log
_SET_COOKIE = "console_cookie_pending"  # written by the first page drawn after signing in
_SIGNED_OUT = "signed out"


def _secrets_hash() -> str | None:
    try:
        value = st.secrets.get(auth.ENV_VAR)
    except Exception:  # noqa: BLE001 - no secrets file is the normal case
        return None
    return str(value) if value else None


def configured_hash() -> str | None:
    return auth.configured_hash(_secrets_hash())


def provider() -> str | None:
    """``""`` for a single provider configured directly under [auth], its name for
    [auth.<name>], None when [auth] is absent (local sign-in only)."""
    try:
        section = st.secrets.get("auth")
    except Exception:  # noqa: BLE001 - no secrets file
        return None
    if not section:
        return None
    if "client_id" in section:
        return ""
    names = [k for k, v in section.items() if hasattr(v, "get") and "client_id" in v]
    return names[0] if names else None


def _user() -> tuple[bool, str | None, object]:
    try:
        user = st.user
        return bool(user.get("is_logged_in")), user.get("email"), user.get("email_verified")
    except Exception:  # noqa: BLE001 - no auth configured, or no runtime
        return False, None, None


def current_account() -> Account | None:
    """The signed-in account, checked afresh on every run: a disabled account, or one whose
    password changed, is signed out at its next click."""
    store = ui.get_store()
    configured = configured_hash()
    remembered = st.session_state.get(SESSION)
    if provider() is not None:
        logged_in, email, verified = _user()
        if logged_in:
            account = accounts.provider_account(store, email, verified)
            if account is not None:
                if st.session_state.get(_PROVIDER_SEEN) != account.email:
                    st.session_state[_PROVIDER_SEEN] = account.email
                    store.accounts.record(account.email, "sign in", account.email, "identity provider")
                st.session_state[SESSION] = (account.email, "provider", "")
                return account
    if remembered and remembered[1] != "provider":
        email, _how, digest = remembered
        account = (
            accounts.BOOTSTRAP
            if email == accounts.BOOTSTRAP.email and configured
            else store.accounts.get(email)
        )
        key = accounts.session_key(store, account, configured) if account is not None else None
        if account is not None and account.enabled and key and _digest(key) == digest:
            return account
    st.session_state.pop(SESSION, None)
    account = accounts.resume_session(store, st.context.cookies.get(console_session.COOKIE), configured)
    if account is not None:
        _remember(store, account, configured)
    return account


def _digest(key: str) -> str:
    import hashlib

    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _remember(store, account: Account, configured: str | None) -> None:  # noqa: ANN001 - Store
    key = accounts.session_key(store, account, configured)
    st.session_state[SESSION] = (account.email, "local", _digest(key or ""))


def require_account(*, admin: bool = False) -> Account:
    """Stop the page unless someone is signed in (and, for ``admin``, is an administrator):
    a signed-out visitor sees the sign-in and nothing else."""
    ui._through_router()  # noqa: SLF001 - same package
    account = current_account()
    if account is None:
        sign_in_panel()
        st.stop()
    if admin and not account.is_admin:
        st.warning(_("This page is for administrators. Ask one if you need something done here."))
        st.stop()
    return account


def sign_in_panel() -> None:
    st.title(_("Consultant sign-in"))
    name = provider()
    logged_in, email, _verified = _user()
    if name is not None and logged_in:
        _no_account(email)
        return
    if name is not None:
        label = (
            _("Sign in with {provider}").format(provider=name.title())
            if name
            else _("Sign in with your organisation's account")
        )
        if st.button(label, key="signin_provider", type="primary"):
            st.login(name) if name else st.login()
    configured = configured_hash()
    if name is None and configured is None and not ui.get_store().accounts.any_with_password():
        st.warning(_("The consultant console is locked: no account and no console password has been configured."))
        st.markdown(auth.how_to())
        return
    if name is None or configured is not None:
        if name is not None:
            st.caption(_("Or, with a local Tandem password:"))
        _local_form(configured)


def _no_account(email: str | None) -> None:
    store = ui.get_store()
    shown = email or _("Your sign-in")
    if st.session_state.get(_PROVIDER_SEEN) != f"refused {email}":
        st.session_state[_PROVIDER_SEEN] = f"refused {email}"
        store.accounts.record(
            str(email or "unknown")[:200], "failed sign-in", "", "identity provider: no enabled account"
        )
    st.warning(
        _(
            "**{email} has no Tandem account.** Ask your administrator to add it (Administration page, or "
            "`python -m assessment users add EMAIL --role consultant`), then sign in again."
        ).format(email=ui.md_escape(shown))
    )
    if st.button(_("Sign out"), key="signin_refused_sign_out"):
        st.logout()


def _local_form(configured: str | None) -> None:
    with st.form("console_login"):
        email = st.text_input(
            _("E-mail"),
            key="console_login_email",
            help=_("Leave empty to sign in as the bootstrap administrator (the {variable} password).").format(
                variable=auth.ENV_VAR
            ),
        )
        password = st.text_input(_("Password"), type="password", key="console_login_password")
        submitted = st.form_submit_button(_("Sign in"), type="primary")
    if not submitted:
        return
    if not email.strip() and configured is None:
        st.warning(_("Enter your e-mail: no bootstrap administrator password has been configured."))
        st.markdown(auth.how_to())
        return
    wait = ui.throttle("password")
    if wait:
        ui.too_many(wait, "passwords")
        return
    store = ui.get_store()
    account = accounts.local_sign_in(store, email, password, configured, client=ui.client())
    if account is not None:
        ui.record_success("password")
        _remember(store, account, configured)
        st.session_state[_SET_COOKIE] = accounts.issue_session(store, account, configured)
        st.rerun()
    lock = ui.record_failure("password")
    wrong = _("That e-mail and password are not right.") if email.strip() else _("That password is not right.")
    later = _("Wait {wait} before the next try.").format(wait=throttling.describe_wait(lock)) if lock else ""
    longer = _("Repeated wrong passwords lock this network out for longer.")
    st.error(" ".join(part for part in (wrong, later, longer) if part))


def sign_out(account: Account | None) -> None:
    store = ui.get_store()
    if account is not None:
        store.accounts.record(account.email, "sign out", account.email, "")
    how = (st.session_state.get(SESSION) or ("", "", ""))[1]
    st.session_state.pop(SESSION, None)
    st.session_state.pop(_PROVIDER_SEEN, None)
    st.session_state[_SET_COOKIE] = _SIGNED_OUT
    if how == "provider":
        st.logout()


def console_cookie() -> None:
    """Store a fresh sign-in in the browser, or forget it after signing out; the router calls
    this on every run, so the script reaches the browser on the run after the change."""
    token = st.session_state.pop(_SET_COOKIE, None)
    if token == _SIGNED_OUT:
        st.html(console_session.clear_cookie_script(), unsafe_allow_javascript=True)
    elif token:
        st.html(console_session.set_cookie_script(token), unsafe_allow_javascript=True)


def role_label(role: str) -> str:
    """An account's role as people read it, in this run's language (stored in English)."""
    return _(ROLE_LABELS[role]) if role in ROLE_LABELS else role
