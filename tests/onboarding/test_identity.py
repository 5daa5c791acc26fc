from onboarding.identity import LOCAL_IMPLEMENTATION_MANAGER, Identity, Role


def test_local_manager_is_named_and_unverified():
    assert LOCAL_IMPLEMENTATION_MANAGER.role is Role.IMPLEMENTATION_MANAGER
    assert LOCAL_IMPLEMENTATION_MANAGER.verified is False
    assert LOCAL_IMPLEMENTATION_MANAGER.audit_label == "Local implementation manager (Implementation manager)"


def test_audit_label_prefers_email():
    who = Identity(
        key="email:ana@example.com", name="Ana", role=Role.FINANCE_REVIEWER, email="ana@example.com"
    )
    assert who.audit_label == "ana@example.com (Finance reviewer)"
