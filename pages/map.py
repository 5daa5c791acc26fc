"""Step 8: match each GL account to a Routable category."""

from onboarding.steps import StepKey
from ui.guard import page_heading, page_setup
from ui.map_view import gl_accounts_arrived, render_map
from ui.safe import friendly_errors

# GL accounts sync first, so mapping may start while the rest of the data is still on its way.
ctx = page_setup(StepKey.MAP, ready_early=gl_accounts_arrived)

with friendly_errors():
    page_heading(ctx)
    render_map(ctx)
