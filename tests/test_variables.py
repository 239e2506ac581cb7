"""{{name}} variables: layering, nesting, cycles, and every place a request holds text."""

import pytest

from gui.core.collections.manage import (
    fill_secrets,
    new_collection,
    new_environment,
    save_environment,
)
from gui.core.model import AuthConfig, Body, BodyKind, RequestSpec, Row
from gui.core.storage.keychain import SecretStore
from gui.core.variables import (
    UnresolvedVariable,
    Variable,
    VariableCycle,
    VariableSpan,
    find_variables,
    layer,
    resolve_spec,
    resolve_text,
    secret_values,
)
from tests.fakes import MemoryKeyring


def test_find_variables_gives_spans_and_names():
    text = "https://{{host}}/x/{{ id }}"
    assert find_variables(text) == [VariableSpan(8, 16, "host"), VariableSpan(19, 27, "id")]
    assert text[19:27] == "{{ id }}"


def test_later_scope_wins_and_disabled_rows_are_left_out():
    scope = layer([Variable("host", "global"), Variable("port", "1")],
                  [Variable("host", "collection")],
                  [Variable("host", "env"), Variable("port", "2", enabled=False)])
    assert scope == {"host": "env", "port": "1"}


def test_nested_references_resolve():
    scope = {"base": "https://{{host}}:{{port}}", "host": "example.org", "port": "8443"}
    assert resolve_text("{{base}}/get", scope) == "https://example.org:8443/get"


def test_unresolved_names_are_all_listed():
    with pytest.raises(UnresolvedVariable) as info:
        resolve_text("{{a}}/{{known}}/{{b}}/{{a}}", {"known": "{{c}}"})
    assert info.value.names == ("a", "c", "b")
    assert "{{a}}, {{c}}, {{b}}" in str(info.value)


def test_a_variable_that_refers_to_itself_is_named():
    with pytest.raises(VariableCycle, match=r"\{\{token\}\} refers to itself"):
        resolve_text("{{token}}", {"token": "x{{token}}"})


def test_a_cycle_through_other_variables_names_the_whole_loop():
    with pytest.raises(VariableCycle) as info:
        resolve_text("{{a}}", {"a": "{{b}}", "b": "{{c}}", "c": "{{a}}"})
    assert info.value.cycle == ("a", "b", "c", "a")
    assert "{{a}} → {{b}} → {{c}} → {{a}}" in str(info.value)


def test_text_without_references_is_untouched():
    assert resolve_text("{not one} {{ }}", {}) == "{not one} {{ }}"


def _templated() -> RequestSpec:
    return RequestSpec(
        url="{{base}}/post", params=[Row("q", "{{q}}")], headers=[Row("X-{{h}}", "{{hv}}")],
        body=Body(BodyKind.FORM, rows=[Row("f", "{{q}}")], text="{{q}}", path="{{q}}"),
        auth=AuthConfig("basic", {"username": "{{user}}", "password": "{{pw}}"}))


def test_resolved_everywhere_including_auth_fields():
    scope = {"base": "http://h", "q": "Q", "h": "H", "hv": "HV", "user": "u", "pw": "p"}
    out = resolve_spec(_templated(), scope)
    assert (out.url, out.params[0].value, out.headers[0].name) == ("http://h/post", "Q", "X-H")
    assert (out.headers[0].value, out.body.rows[0].value, out.body.text) == ("HV", "Q", "Q")
    assert out.body.path == "Q"
    assert out.auth.values == {"username": "u", "password": "p"}


def test_resolve_spec_leaves_the_original_alone_and_lists_every_missing_name():
    spec = _templated()
    with pytest.raises(UnresolvedVariable) as info:
        resolve_spec(spec, {"q": "Q"})
    assert set(info.value.names) == {"base", "h", "hv", "user", "pw"}
    assert spec.url == "{{base}}/post"


def test_secret_variable_from_the_keychain_resolves_into_an_auth_field(tmp_path):
    store = SecretStore(MemoryKeyring())
    env = new_environment(new_collection(tmp_path / "c", "C"), "Prod")
    env.variables = [Variable("pw", "s3cret", secret=True)]
    save_environment(env, store)
    env.variables[0].value = ""  # as after a restart: the file has only the marker
    fill_secrets(env, store)
    out = resolve_spec(RequestSpec(auth=AuthConfig("basic", {"password": "{{pw}}"})),
                       layer(env.variables))
    assert out.auth.values["password"] == "s3cret"
    assert secret_values(env.variables) == ("s3cret",)
    assert b"s3cret" not in env.path.read_bytes()


def test_globals_round_trip_with_secrets_in_the_keychain(data_dir):
    from gui.core.collections.globalvars import globals_file, load_globals, save_globals

    store = SecretStore(MemoryKeyring())
    save_globals([Variable("host", "h"), Variable("key", "k-123", secret=True)], store)
    assert b"k-123" not in globals_file().read_bytes()
    assert load_globals(store) == ([Variable("host", "h"), Variable("key", "k-123", True, True)],
                                   None)


def test_globals_that_do_not_parse_are_reported_and_kept(data_dir):
    from gui.core.collections.globalvars import globals_file, load_globals, save_globals
    from gui.core.collections.manage import CollectionError

    globals_file().parent.mkdir(parents=True, exist_ok=True)
    globals_file().write_text("variables: [\n")
    assert load_globals()[1].path == globals_file()
    with pytest.raises(CollectionError, match="does not parse"):
        save_globals([])
    assert globals_file().read_text() == "variables: [\n"
