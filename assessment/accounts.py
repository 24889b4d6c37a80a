"""Who may see and do what: accounts, roles, client ownership and sharing, sign-in, and the
audit record of each consultant action. No Streamlit here: pages and the command line call
these functions, and every check that guards a client's data is made here, not in a page.

Rules:
- An administrator sees every client, manages accounts, imports, releases, backups, branding.
- A consultant sees the clients they own (they created them, or an administrator assigned
  them) or that were shared with them; the owner (or an administrator) shares a client.
- Organisations made before accounts existed, and public self-assessments, are owned by nobody:
  administrators alone see them until one is assigned (`python -m assessment users assign`).
- A disabled account sees nothing and cannot sign in; its sessions end at the next rerun.
- The bootstrap administrator (the TANDEM_ADMIN_PASSWORD_HASH password) is an administrator
  with no row in the accounts table; what it creates is owned by nobody.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assessment import auth, console_session
from assessment.i18n import _
from assessment.questionnaire import Questionnaire
from assessment.store import Account, InvalidInputError, Organisation, Round, Store
from assessment.store.accounts import ROLES
from assessment.text import one_line

BOOTSTRAP = Account(email="bootstrap administrator", name="Bootstrap administrator", role="admin")
CLI = "command line"  # the audit log's actor for the operator's commands
RESPONDENT = "respondent"
MAX_EMAIL = 254
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class AccessDenied(InvalidInputError):
    """This account may not see or change that client; the message says so, without details."""


def normalise_email(text: str | None) -> str:
    email = one_line(text or "").strip().lower()
    if not email or len(email) > MAX_EMAIL or not _EMAIL.fullmatch(email):
        if not email:
            raise InvalidInputError(_("An empty e-mail is not an e-mail address."))
        raise InvalidInputError(_("{email} is not an e-mail address.").format(email=email))
    return email


def actor_of(account: Account | str) -> str:
    return account if isinstance(account, str) else account.email


# seeing clients -----------------------------------------------------------------------------


def can_see(store: Store, account: Account | None, organisation_id: str) -> bool:
    """The one rule for a client's rounds, codes, exports and reports."""
    if account is None or not account.enabled:
        return False
    if account.is_admin:
        return True
    if store.accounts.owner(organisation_id) == account.email:
        return True
    return account.email in store.accounts.shared_with(organisation_id)


def can_share(store: Store, account: Account | None, organisation_id: str) -> bool:
    """The owner and administrators share a client; someone it was shared with does not."""
    if account is None or not account.enabled:
        return False
    return account.is_admin or store.accounts.owner(organisation_id) == account.email


def visible(
    store: Store, account: Account | None, organisations: Iterable[Organisation]
) -> list[Organisation]:
    if account is None or not account.enabled:
        return []
    if account.is_admin:
        return list(organisations)
    mine = store.accounts.visible_organisation_ids(account.email)
    return [o for o in organisations if o.id in mine]


def require(store: Store, account: Account | None, organisation_id: str) -> None:
    if not can_see(store, account, organisation_id):
        raise AccessDenied(_("This client is not yours or shared with you."))


def require_admin(account: Account | None) -> None:
    if account is None or not account.enabled or not account.is_admin:
        raise AccessDenied(_("Only an administrator may do this."))


def _round(store: Store, account: Account | None, round_id: str) -> Round:
    rnd = store.round(round_id)
    if rnd is None:
        raise InvalidInputError(_("That round does not exist."))
    require(store, account, rnd.organisation_id)
    return rnd


# consultant actions, checked and recorded -----------------------------------------------------


def create_organisation(
    store: Store, account: Account, name: str, industry: str, size_band: str, region: str
) -> Organisation:
    """The creator owns the new client (the bootstrap administrator's are owned by nobody)."""
    if account is None or not account.enabled:
        raise AccessDenied(_("Sign in to create a client."))
    owner = None if account == BOOTSTRAP else account.email

    def own(cur, org: Organisation) -> None:  # noqa: ANN001 - the store's cursor
        store.accounts.set_owner(org.id, owner, actor=account.email, action="create organisation", cur=cur)

    return store.create_organisation(name, industry, size_band, region, then=own)


def create_round(store: Store, account: Account, organisation_id: str, name: str, q: Questionnaire) -> Round:
    require(store, account, organisation_id)
    rnd = store.create_round(organisation_id, name, q, kind="consultant")
    store.accounts.record(account.email, "open round", rnd.id, f"{organisation_id}: {rnd.name}")
    return rnd


def close_round(store: Store, account: Account, round_id: str) -> None:
    rnd = _round(store, account, round_id)
    store.engagements.close_round(round_id)
    store.accounts.record(account.email, "close round", round_id, f"{rnd.organisation_id}: {rnd.name}")


def rename_organisation(store: Store, account: Account, organisation_id: str, name: str) -> None:
    require(store, account, organisation_id)
    before = store.organisation(organisation_id).name
    store.engagements.rename_organisation(organisation_id, name)
    after = store.organisation(organisation_id).name
    store.accounts.record(account.email, "rename organisation", organisation_id, f"{before} -> {after}")


def set_targets(store: Store, account: Account, round_id: str, targets: dict[str, float]) -> None:
    _round(store, account, round_id)
    store.engagements.set_targets(round_id, targets)
    detail = ", ".join(f"{d} {v:g}" for d, v in sorted(targets.items()))
    store.accounts.record(account.email, "set targets", round_id, detail)


def issue_code(store: Store, account: Account, round_id: str) -> str:
    rnd = _round(store, account, round_id)
    code = store.engagements.rotate_join_code(round_id)
    store.accounts.record(
        account.email, "issue join code", round_id, f"{rnd.organisation_id}; old code stops"
    )
    return code


def revoke_code(store: Store, account: Account, round_id: str) -> None:
    rnd = _round(store, account, round_id)
    store.engagements.revoke_join_code(round_id)
    store.accounts.record(account.email, "revoke join code", round_id, rnd.organisation_id)


def export_responses(store: Store, account: Account, round_id: str) -> bytes:
    from assessment import formats

    rnd = _round(store, account, round_id)
    frame = store.responses_frame(round_id)
    store.accounts.record(
        account.email, "export responses", round_id, f"{rnd.organisation_id}: {len(frame)} rows"
    )
    return formats.format_responses_csv(frame)


def report_downloaded(store: Store, account: Account | None, round_id: str, fmt: str) -> None:
    """Recorded when a report is built for download (a consultant's, or a respondent's own)."""
    if account is None:
        store.accounts.record(RESPONDENT, "download report", round_id, fmt)
        return
    rnd = _round(store, account, round_id)
    store.accounts.record(account.email, "download report", round_id, f"{rnd.organisation_id}: {fmt}")


def set_archived(store: Store, account: Account, organisation_id: str, archived: bool) -> None:
    require(store, account, organisation_id)
    store.operations.set_archived(organisation_id, archived, actor=account.email)


def share(store: Store, account: Account, organisation_id: str, email: str) -> str:
    if not can_share(store, account, organisation_id):
        raise AccessDenied(_("Only the client's owner or an administrator can share it."))
    email = normalise_email(email)
    colleague = store.accounts.get(email)
    if colleague is None or not colleague.enabled:
        raise InvalidInputError(
            _("There is no enabled account for {email}: ask your administrator to add one.").format(email=email)
        )
    if email == store.accounts.owner(organisation_id):
        raise InvalidInputError(_("{email} owns this client already.").format(email=email))
    store.accounts.share(organisation_id, email, actor=account.email)
    return email


def unshare(store: Store, account: Account, organisation_id: str, email: str) -> None:
    if not can_share(store, account, organisation_id):
        raise AccessDenied(_("Only the client's owner or an administrator can stop sharing it."))
    store.accounts.unshare(organisation_id, email, actor=account.email)


def assign_owner(store: Store, actor: Account | str, organisation_id: str, email: str | None) -> None:
    """An administrator (or the command line) gives a client to an account, e.g. one created
    before accounts existed."""
    if not isinstance(actor, str):
        require_admin(actor)
    if email is not None:
        email = normalise_email(email)
        if store.accounts.get(email) is None:
            raise InvalidInputError(_("There is no account for {email}.").format(email=email))
    store.accounts.set_owner(organisation_id, email, actor=actor_of(actor))


def audit(store: Store, account: Account | str, action: str, subject: str, detail: str = "") -> None:
    """Record an action made elsewhere (a release, an import, a consent)."""
    store.accounts.record(actor_of(account), action, subject, detail)


# managing accounts ---------------------------------------------------------------------------


def add_account(
    store: Store,
    actor: Account | str,
    email: str,
    role: str,
    name: str | None = None,
    password: str | None = None,
) -> Account:
    if not isinstance(actor, str):
        require_admin(actor)
    if role not in ROLES:
        raise InvalidInputError(_("Role must be one of: {options}.").format(options=", ".join(ROLES)))
    email = normalise_email(email)
    clean = one_line(name or "").strip()[:80] or None
    hashed = auth.hash_password(password) if password else None
    return store.accounts.add(email, clean, role, hashed, actor=actor_of(actor))


def set_role(store: Store, actor: Account | str, email: str, role: str) -> None:
    if not isinstance(actor, str):
        require_admin(actor)
        if normalise_email(email) == actor.email and role != "admin":
            raise InvalidInputError(_("You cannot take away your own administrator role."))
    store.accounts.set_role(normalise_email(email), role, actor=actor_of(actor))


def set_enabled(store: Store, actor: Account | str, email: str, enabled: bool) -> None:
    if not isinstance(actor, str):
        require_admin(actor)
        if normalise_email(email) == actor.email and not enabled:
            raise InvalidInputError(_("You cannot disable your own account."))
    store.accounts.set_enabled(normalise_email(email), enabled, actor=actor_of(actor))


def set_password(store: Store, actor: Account | str, email: str, password: str | None) -> None:
    """A new password (or none: provider sign-in only) ends the account's signed-in sessions."""
    if not isinstance(actor, str) and actor.email != normalise_email(email):
        require_admin(actor)
    hashed = auth.hash_password(password) if password else None
    store.accounts.set_password_hash(normalise_email(email), hashed, actor=actor_of(actor))


# signing in ------------------------------------------------------------------------------------


def bootstrap_hash(store: Store, configured: str | None) -> str | None:
    """The hash that checks the bootstrap administrator's password (an upgraded one, if any)."""
    if configured is None:
        return None
    return store.operations.upgraded_console_hash(configured) or configured


def local_sign_in(
    store: Store, email: str, password: str, configured: str | None, *, client: str = ""
) -> Account | None:
    """Check an e-mail and password (an empty e-mail: the bootstrap administrator's password).
    Success and failure are both recorded; a weaker stored hash is upgraded on success."""
    typed = one_line(email or "").strip().lower()
    where = f"local password from {client}" if client else "local password"
    if not typed:
        current = bootstrap_hash(store, configured)
        if current is not None and auth.verify_password(password, current):
            if auth.needs_upgrade(current):
                store.operations.save_upgraded_console_hash(configured, auth.hash_password(password, check_length=False))
            store.accounts.record(BOOTSTRAP.email, "sign in", BOOTSTRAP.email, where)
            return BOOTSTRAP
        store.accounts.record("unknown", "failed sign-in", BOOTSTRAP.email, where)
        return None
    account = store.accounts.get(typed) if _EMAIL.fullmatch(typed) and len(typed) <= MAX_EMAIL else None
    ok = (
        account is not None
        and account.enabled
        and account.password_hash is not None
        and auth.verify_password(password, account.password_hash)
    )
    if not ok:
        # The typed e-mail is named only when it is an account's: a password typed into the
        # e-mail field must not end up in the log.
        reason = (
            "no such account"
            if account is None
            else ("disabled" if not account.enabled else "wrong password")
        )
        store.accounts.record(
            "unknown",  # not signed in: the account tried is the subject, not the actor
            "failed sign-in",
            account.email if account else "",
            f"{where}: {reason}",
        )
        return None
    if auth.needs_upgrade(account.password_hash):
        store.accounts.upgrade_password_hash(
            account.email, account.password_hash, auth.hash_password(password, check_length=False)
        )
        account = store.accounts.get(account.email)
    store.accounts.record(account.email, "sign in", account.email, where)
    return account


def provider_account(store: Store, email: str | None, email_verified: object = None) -> Account | None:
    """The enabled account for an e-mail the identity provider vouched for. A provider that
    says the e-mail is unverified is not trusted; one that says nothing is (many omit it)."""
    if not email or email_verified is False or str(email_verified).lower() == "false":
        return None
    try:
        account = store.accounts.get(normalise_email(email))
    except InvalidInputError:
        return None
    return account if account is not None and account.enabled else None


def session_key(store: Store, account: Account, configured: str | None) -> str | None:
    """What a local sign-in's cookie is signed with: the account's password hash (a new
    password ends its sessions), or the bootstrap administrator's configured hash."""
    if account == BOOTSTRAP or account.email == BOOTSTRAP.email:
        return configured
    return account.password_hash


def issue_session(store: Store, account: Account, configured: str | None) -> str | None:
    key = session_key(store, account, configured)
    return console_session.issue(key, account.email) if key else None


def resume_session(store: Store, token: str | None, configured: str | None) -> Account | None:
    """The account a browser's session cookie stands for, if it is still valid: unexpired,
    signed with the account's current password hash, and the account enabled."""
    email = console_session.claimed_email(token)
    if email is None:
        return None
    account = BOOTSTRAP if email == BOOTSTRAP.email and configured else store.accounts.get(email)
    if account is None or not account.enabled:
        return None
    key = session_key(store, account, configured)
    return account if key and console_session.valid(token, key) else None
