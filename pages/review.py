"""Step 9: a finance lead reviews the account mapping and approves it."""

from onboarding.steps import StepKey
from ui.guard import page_heading, page_setup
from ui.review_view import render_review
from ui.safe import friendly_errors

ctx = page_setup(StepKey.REVIEW)

with friendly_errors():
    page_heading(ctx)
    render_review(ctx)
