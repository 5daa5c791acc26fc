"""Identities tests act as: a named implementation manager whose label the trail must show."""

from onboarding.identity import LOCAL_IMPLEMENTATION_MANAGER, Identity, Role

ANA = Identity(
    key="email:ana@routable.test", name="Ana", role=Role.IMPLEMENTATION_MANAGER, email="ana@routable.test"
)
LOCAL = LOCAL_IMPLEMENTATION_MANAGER
