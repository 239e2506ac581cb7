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


def test_a_working_copy_of_a_request_shares_nothing_that_can_change():
    """Planning copies the request part by part (inherit.working_copy, cheaper than a
    deepcopy): every mutable value of the copy, down to each row, is its own. A field
    added to the model and not copied there fails here."""
    import dataclasses
    import enum

    from gui.core.collections.inherit import working_copy
    from gui.core.model import AuthConfig, Body, BodyKind, Row

    spec = RequestSpec("POST", "https://example.test/{{x}}", params=[Row("a", "1")],
                       headers=[Row("h", "v", False)],
                       body=Body(BodyKind.FORM, rows=[Row("f", "x", is_file=True)]),
                       auth=AuthConfig("basic", {"username": "u", "extra": {"a": [1]}}),
                       omit_headers=["accept"])
    copied = working_copy(spec)
    assert copied == spec

    def distinct(a: object, b: object, where: str) -> None:
        if a is None or isinstance(a, str | int | float | enum.Enum):
            return
        assert a is not b, f"{where} is shared"
        if dataclasses.is_dataclass(a):
            for f in dataclasses.fields(a):
                distinct(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
        elif isinstance(a, dict):
            assert isinstance(b, dict)
            for key in a:
                distinct(a[key], b[key], f"{where}[{key!r}]")
        elif isinstance(a, list):
            assert isinstance(b, list)
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                distinct(x, y, f"{where}[{i}]")
        else:
            raise AssertionError(f"{where}: a {type(a).__name__}, unknown to this test")

    distinct(spec, copied, "spec")
