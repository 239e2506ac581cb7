"""A collection's and a folder's description: kept in collection.yaml and folder.yaml
(a multi-line one as a YAML block, no key when empty), taken from Postman and Insomnia
imports, written by the Postman export."""

from pathlib import Path

from gui.core import importers
from gui.core.collections import manage as col
from gui.core.exporters.postman import export
from gui.core.importers.write import write
from gui.core.model import RequestSpec

DATA = Path(__file__).parent / "data" / "import"
LONG = "What this API is for.\n\n- ask #team for a key\n- staging first"


def test_descriptions_round_trip_as_blocks_and_vanish_when_empty(tmp_path):
    c = col.new_collection(tmp_path / "api", "API")
    c.description = LONG
    col.save_collection(c)
    users = col.new_folder(c.root, "Users")
    users.description = "Everything about users."
    col.save_folder(users)
    text = c.settings_path.read_text()
    assert "description: |-\n  What this API is for.\n\n  - ask #team" in text
    assert "description: Everything about users." in (users.path / "folder.yaml").read_text()
    again, problems = col.open_collection(c.path)
    assert not problems
    assert again.description == LONG
    assert again.root.children[0].description == "Everything about users."
    # Saved again unchanged: not one byte differs.
    assert not col.save_collection(again) and c.settings_path.read_text() == text
    again.description = ""
    col.save_collection(again)
    assert "description" not in c.settings_path.read_text()


def test_imports_keep_collection_and_folder_descriptions(tmp_path):
    postman = write(importers.read(DATA / "postman" / "full.postman_collection.json"),
                    tmp_path / "shop")
    assert postman.description == "The shop's public API.\n\nAsk #shop-api for a key."
    insomnia = write(importers.read(DATA / "insomnia" / "shop-v4.json"), tmp_path / "ins")
    assert insomnia.description == "The shop's public API."
    folders = [f for f in insomnia.root.walk() if isinstance(f, col.Folder)]
    assert "Everything about users." in [f.description for f in folders]
    reopened, _ = col.open_collection(insomnia.path)
    assert "Everything about users." in [
        f.description for f in reopened.root.walk() if isinstance(f, col.Folder)]


def test_the_postman_export_writes_them(tmp_path):
    c = col.new_collection(tmp_path / "api", "API")
    c.description = LONG
    col.save_collection(c)
    users = col.new_folder(c.root, "Users")
    users.description = "Everything about users."
    col.save_folder(users)
    col.new_request(users, "List", RequestSpec(url="http://example.test/users"))
    data, _ = export(c.path)
    assert data["info"]["description"] == LONG
    assert data["item"][0]["description"] == "Everything about users."
    one, _ = export(c.path, "Users")
    assert one["info"]["description"] == "Everything about users."
