import pytest
from cryptography.fernet import Fernet

from onboarding.store import Store
from onboarding.vault import Vault
from tests.actors import ANA


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "onboarding.db")


@pytest.fixture
def vault():
    return Vault([Fernet.generate_key()])


@pytest.fixture
def workspace(store):
    return store.create_workspace("Acme Corp", actor=ANA)
