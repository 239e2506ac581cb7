"""The Workspace's prompts say truly where an answer is kept."""

from keyring.backends.fail import Keyring as NoKeyring

from gui.core.model import RequestSpec
from gui.core.storage.keychain import SecretStore
from gui.core.workspace import Workspace
from tests.fakes import MemoryKeyring


def _ask_for_global_secret(store, data_dir):
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "globals.yaml").write_text(
        "name: Globals\nvariables:\n  - name: token\n    value: {secret: keychain}\n")
    asked = []
    workspace = Workspace(store, ask=lambda prompt: asked.append(prompt) or "t0ken-value")
    plan = workspace.plan(RequestSpec(url="http://127.0.0.1:9/?t={{token}}"))
    assert plan.spec.url.endswith("t=t0ken-value") and "t0ken-value" in plan.secrets
    return asked[0].message


def test_a_prompt_says_the_keychain_when_there_is_one(data_dir):
    message = _ask_for_global_secret(SecretStore(MemoryKeyring()), data_dir)
    assert "system keychain" in message and "in memory" not in message


def test_a_prompt_says_memory_when_there_is_no_keychain(data_dir):
    store = SecretStore(NoKeyring())
    assert store.problem
    message = _ask_for_global_secret(store, data_dir)
    assert "kept in memory until Gatepost quits" in message
    assert "system keychain" not in message
