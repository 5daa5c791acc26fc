"""The People and access page: invite links for this workspace, sign-in grants, and deleting the workspace.

What is offered follows onboarding.access: a customer admin may invite customer admins and finance
reviewers to their own workspace; only an implementation manager grants sign-ins and deletes.
"""

from __future__ import annotations

from urllib.parse import urlparse

import streamlit as st

from onboarding.access import Action, invite_action
from onboarding.access_mode import AccessMode
from onboarding.identity import Role
from onboarding.invite import DEFAULT_HOURS, InviteBook
from onboarding.store import InvalidInput
from onboarding.workspace_deletion import delete_workspace
from ui import workspaces
from ui.guard import PageContext
from ui.nav import TEAM_PAGE
from ui.resources import data_dir, get_invite_book, get_people
from ui.safe import guarded
from ui.sign_in import access_mode

FALLBACK_BASE_URL = "http://localhost:8501"


def _base_url() -> str:
    """The address people reach this app at, as this browser sees it."""
    seen = urlparse(st.context.url or "")
    if not seen.scheme or not seen.netloc:
        return FALLBACK_BASE_URL
    path = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"{seen.scheme}://{seen.netloc}" + (f"/{path}" if path else "")


def _invitable_roles(ctx: PageContext) -> list[Role]:
    return [role for role in Role if ctx.may(invite_action(role))]


@guarded
def _create_invite(ctx: PageContext, keys: dict[str, str]) -> None:
    state = st.session_state
    try:
        invite, token = get_invite_book().create(
            ctx.actor,
            state.get(keys["role"]),
            ctx.ws_id,
            hours=float(state.get(keys["hours"]) or DEFAULT_HOURS),
            label=state.get(keys["label"], ""),
        )
    except InvalidInput as problem:
        state[keys["error"]] = problem.message
        return
    state.pop(keys["error"], None)
    state[keys["link"]] = InviteBook.link(token, _base_url())
    state[keys["label"]] = ""


def _invite_form(ctx: PageContext) -> None:
    st.subheader("Invite someone")
    roles = _invitable_roles(ctx)
    keys = {name: f"team_invite_{name}_{ctx.ws_id}" for name in ("role", "label", "hours", "error", "link")}
    with st.form(f"team_invite_form_{ctx.ws_id}", border=False):
        st.selectbox("Role", roles, format_func=lambda role: role.label, key=keys["role"])
        st.text_input(
            "Who is it for",
            key=keys["label"],
            max_chars=80,
            placeholder="e.g. Dana Whitfield, finance lead",
            help="Shown in the audit trail next to everything done with this link.",
        )
        st.number_input(
            "Valid for (hours)", min_value=1, max_value=720, value=int(DEFAULT_HOURS), key=keys["hours"]
        )
        st.form_submit_button(
            "Create invitation link", type="primary", on_click=_create_invite, args=(ctx, keys)
        )
    if st.session_state.get(keys["error"]):
        st.error(st.session_state[keys["error"]])
    link = st.session_state.get(keys["link"])
    if link:
        if ctx.screen_share:
            st.success(
                "Invitation created. The link stays hidden while screen-share mode is on: turn it off when "
                "nobody is watching, and the link appears here.",
                icon=":material/visibility_off:",
            )
        else:
            st.success(
                "Invitation created. Send this link to the person, and only to them:", icon=":material/mail:"
            )
            st.code(link, language=None)
    st.caption(
        "Each link opens this workspace only, in the role chosen, until it expires or you withdraw it. "
        "It is a key: anyone holding it gets in, so send it to one person."
    )


@guarded
def _revoke(ctx: PageContext, invite_id: str) -> None:
    get_invite_book().revoke(ctx.actor, invite_id)


def _invitations(ctx: PageContext) -> None:
    st.subheader("Invitations")
    invites = get_invite_book().list(ctx.actor, ctx.ws_id)
    if not invites:
        st.caption("No invitations for this workspace yet.")
        return
    for invite in invites:
        status = invite.status()
        left, right = st.columns([4, 1])
        who = invite.holder_name + (f" · {invite.bound_email}" if invite.bound_email else "")
        left.markdown(
            f"**{who}** · {invite.role.label} · {status} · until {invite.expires_at:%Y-%m-%d %H:%M} UTC  \n"
            f"Invitation {invite.id}, by {invite.created_by}"
        )
        if status in ("open", "used"):
            right.button("Withdraw", key=f"team_revoke_{invite.id}", on_click=_revoke, args=(ctx, invite.id))


@guarded
def _grant(ctx: PageContext, keys: dict[str, str]) -> None:
    state = st.session_state
    role = Role(state.get(keys["role"]))
    try:
        get_people().assign(
            ctx.actor,
            state.get(keys["email"], ""),
            role,
            None if role is Role.IMPLEMENTATION_MANAGER else ctx.ws_id,
        )
    except InvalidInput as problem:
        state[keys["error"]] = problem.message
        return
    state.pop(keys["error"], None)
    state[keys["email"]] = ""


def _people(ctx: PageContext) -> None:
    st.subheader("Who signs in")
    if access_mode() is not AccessMode.OIDC:
        st.caption("These grants take effect when sign-in (the oidc access mode) is on.")
    keys = {name: f"team_people_{name}_{ctx.ws_id}" for name in ("email", "role", "error")}
    with st.form(f"team_people_form_{ctx.ws_id}", border=False):
        st.text_input("Email address", key=keys["email"], placeholder="dana@acme.com")
        st.selectbox(
            "Role",
            list(Role),
            format_func=lambda role: role.label,
            key=keys["role"],
            help="Customer admins and finance reviewers get this workspace; implementation managers get all.",
        )
        st.form_submit_button("Give access", on_click=_grant, args=(ctx, keys))
    if st.session_state.get(keys["error"]):
        st.error(st.session_state[keys["error"]])
    grants = [g for g in get_people().list(ctx.actor) if g.workspace_id in (None, ctx.ws_id)]
    for grant in grants:
        where = "every workspace" if grant.workspace_id is None else "this workspace"
        st.markdown(f"**{ctx.shown(grant.email)}** · {grant.role.label} · {where} · by {grant.granted_by}")


@guarded
def _delete(ctx: PageContext, confirm_key: str, error_key: str) -> None:
    try:
        name = delete_workspace(
            ctx.store, data_dir(), ctx.ws_id, st.session_state.get(confirm_key, ""), actor=ctx.actor
        )
    except InvalidInput as problem:
        st.session_state[error_key] = problem.message
        return
    st.session_state.pop(error_key, None)
    workspaces.forget_workspace()
    workspaces.leave_notice(f"Workspace '{name}' and everything it held are deleted.")


def _danger_zone(ctx: PageContext) -> None:
    st.subheader("Delete this workspace")
    st.write(
        "Deleting removes the saved Intacct credentials, the synced Intacct data and the account mapping "
        "for good. The audit trail keeps a record that the workspace existed and who deleted it."
    )
    confirm_key, error_key = f"team_delete_confirm_{ctx.ws_id}", f"team_delete_error_{ctx.ws_id}"
    st.text_input(f"Type {ctx.workspace.name} to confirm", key=confirm_key)
    st.button(
        "Delete this workspace for good",
        type="secondary",
        icon=":material/delete_forever:",
        key=f"team_delete_{ctx.ws_id}",
        on_click=_delete,
        args=(ctx, confirm_key, error_key),
    )
    if st.session_state.get(error_key):
        st.error(st.session_state[error_key])


def render_team(ctx: PageContext) -> None:
    st.title(TEAM_PAGE.title)
    st.caption(ctx.workspace.name)
    st.write(TEAM_PAGE.summary)
    _invite_form(ctx)
    _invitations(ctx)
    if ctx.store.may(Action.MANAGE_PEOPLE):
        _people(ctx)
    if ctx.may(Action.DELETE_WORKSPACE):
        _danger_zone(ctx)
