"""Step 7: copy the customer's Intacct data into Routable, in the background, with live progress."""

from onboarding.steps import StepKey
from ui.guard import page_heading, page_setup
from ui.safe import friendly_errors
from ui.sync_view import render_sync

ctx = page_setup(StepKey.SYNC)

with friendly_errors():
    page_heading(ctx)
    render_sync(ctx)
