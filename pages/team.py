"""People and access: invitations to this workspace, sign-in grants, and deleting the workspace."""

from onboarding.access import Action
from ui.guard import workspace_page_setup
from ui.nav import TEAM_PAGE
from ui.safe import friendly_errors
from ui.team_view import render_team

# Everyone who may invite anyone at all may invite a finance reviewer: that right opens the page.
ctx = workspace_page_setup(TEAM_PAGE, Action.INVITE_FINANCE_REVIEWER)

with friendly_errors():
    render_team(ctx)
