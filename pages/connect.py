"""Step 6: sign in to Sage Intacct live, pick the entity, and check every permission."""

from onboarding.steps import StepKey
from ui.connect_view import render_connect
from ui.guard import page_heading, page_setup
from ui.safe import friendly_errors

ctx = page_setup(StepKey.CONNECT)

with friendly_errors():
    page_heading(ctx, show_attention=False)
    render_connect(ctx)
