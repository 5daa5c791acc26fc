"""Mapping Intacct GL accounts to Routable categories: defaults, suggestions, versions, checks, approval.

``from onboarding.mapping import suggest`` is the public entry point other tools call.
"""

from onboarding.mapping.suggestions import Suggestion, suggest

__all__ = ["Suggestion", "suggest"]
