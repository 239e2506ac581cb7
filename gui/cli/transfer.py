"""`gatepost import FILE… --into DIR` and `gatepost export`: other tools' files in and out.

Import prints what was made and every item that needs attention (or one JSON document
with --json). Exit status: 0 imported clean, 3 imported with items needing attention,
2 a file could not be read or the command is wrong (nothing written), 1 the collection
could not be written. A folder that is not empty is written into only with --yes, or
when the person answers yes on a terminal.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import deferred

if TYPE_CHECKING:
    import argparse

    from ..core.importers import ImportResult

EXIT_OK, EXIT_WRITE, EXIT_USAGE, EXIT_ATTENTION = 0, 1, 2, 3


def add_commands(commands: Any) -> None:
    """The `import` and `export` sub-commands, on gatepost's sub-parser action."""
    imp = commands.add_parser(
        "import", help="make a collection from other tools' files (Postman, …)",
        description="Read each FILE (its format found from its content) and write one "
                    "collection into DIR: a collection file's requests and folders, and "
                    "every environment and globals file given with it. Secrets go to the "
                    "keychain, never into the files. Nothing is written when a file cannot "
                    "be read. Exit status: 0 clean, 3 imported with items that need "
                    "attention, 2 could not read (or usage), 1 could not write.")
    imp.add_argument("files", nargs="+", metavar="FILE", help="a file to import")
    imp.add_argument("--into", required=True, metavar="DIR",
                     help="the new collection's folder (made if needed); an existing "
                          "collection's folder for environment and globals files alone")
    imp.add_argument("--json", action="store_true", help="print one JSON document")
    imp.add_argument("-y", "--yes", action="store_true",
                     help="write into DIR even when it is not empty (nothing there is "
                          "overwritten)")
    exp = commands.add_parser(
        "export", help="write a collection (or one folder) for another tool",
        description="Export a collection, or one of its folders, as a Postman Collection "
                    "v2.1 file. Secret values are left out (the file says where), and "
                    "what cannot be expressed is listed on standard error.")
    exp.add_argument("--collection", required=True, metavar="DIR",
                     help="the collection folder")
    exp.add_argument("--folder", metavar="NAME", help="only this folder (its names in the "
                     "tree, 'Parent/Child', or its directory)")
    exp.add_argument("--format", choices=["postman"], default="postman",
                     help="the file format (postman: Collection v2.1)")
    exp.add_argument("-o", "--output", required=True, metavar="FILE",
                     help="the file to write; - for standard output")


def run(args: argparse.Namespace) -> int:
    return _import(args) if args.command == "import" else _export(args)


def _err(message: str) -> None:
    print(f"gatepost: {message}", file=sys.stderr)


def _import(args: argparse.Namespace) -> int:
    results: list[ImportResult] = []
    failures: list[str] = []
    for name in args.files:
        try:
            result = deferred.importers.read(name)
        except deferred.importers.ImportFailed as exc:
            failures.append(str(exc))
            continue
        if len(args.files) > 1:
            for notice in result.notices:
                notice.where = f"{Path(name).name}: {notice.where}".rstrip(": ")
        results.append(result)
    if failures:
        return _failed(args, failures, "nothing was written")
    try:
        result = deferred.import_write.combine(results)
    except deferred.importers.ImportFailed as exc:
        return _failed(args, [str(exc)], "nothing was written")
    into = Path(args.into).expanduser()
    existing = (into / "collection.yaml").is_file()
    if result.root is None and not existing:
        return _failed(args, [f"{', '.join(args.files)} holds no requests (environments or "
                              "globals only): give an existing collection's folder as "
                              "--into to add them to it."], "nothing was written")
    problem = deferred.import_write.target_problem(into) if result.root is not None else None
    if problem and into.is_dir() and not existing and not args.yes and not _confirm(
            args, f"{problem} Write the collection in it anyway (nothing there is "
                  "overwritten)?"):
        return _failed(args, [f"{problem} Use --yes to write into it, or choose an empty "
                              "or new folder."], "nothing was written")
    store = deferred.keychain.SecretStore()
    try:
        collection = deferred.import_write.write(result, into, store, allow_nonempty=True) \
            if result.root is not None else deferred.import_write.add_to(result, into, store)
    except deferred.importers.ImportFailed as exc:
        fails_to_read = result.root is not None and (existing or (problem is not None and
                                                                  not into.is_dir()))
        return _failed(args, [str(exc)], "nothing was written",
                       EXIT_USAGE if fails_to_read else EXIT_WRITE)
    warnings = [f"{store.problem} The imported secret values are not kept after this "
                "command: enter them again in the window."] if store.problem else []
    status = EXIT_ATTENTION if result.notices or warnings else EXIT_OK
    if args.json:
        _print_json({"ok": True, "status": status, "collection": str(collection.path),
                     "source": result.source, "name": result.name,
                     "summary": result.summary(), "counts": _counts(result),
                     "notices": [{"where": n.where, "message": n.message}
                                 for n in result.notices], "warnings": warnings})
        return status
    print(result.summary())
    print(f"Written to {collection.path}")
    if result.notices:
        print("\nNeeds attention:")
        for notice in result.notices:
            print(f"  - {notice}")
        print(f"\nScripts and descriptions are kept in {collection.path / 'IMPORT-NOTES.md'}.")
    for warning in warnings:
        _err(warning)
    return status


def _counts(result: ImportResult) -> dict[str, int]:
    root = result.root
    return {"requests": len(root.requests()) if root else 0,
            "folders": len(root.folders()) if root else 0,
            "environments": len(result.environments), "globals": len(result.globals),
            "notices": len(result.notices)}


def _confirm(args: argparse.Namespace, question: str) -> bool:
    """Asked on a terminal only; without one (or with --json) the answer is no."""
    if args.json or sys.stdin is None or not sys.stdin.isatty():
        return False
    try:
        answer = input(f"gatepost: {question} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def _failed(args: argparse.Namespace, messages: list[str], outcome: str,
            status: int = EXIT_USAGE) -> int:
    if getattr(args, "json", False):
        _print_json({"ok": False, "status": status, "errors": messages, "outcome": outcome})
    for message in messages:
        _err(message)
    _err(f"{outcome}.")
    return status


def _print_json(data: dict[str, Any]) -> None:
    deferred.json.dump(data, sys.stdout, indent=2)
    sys.stdout.write("\n")


def _export(args: argparse.Namespace) -> int:
    try:
        data, notes = deferred.postman_export.export(args.collection, args.folder)
    except deferred.postman_export.ExportFailed as exc:
        _err(str(exc))
        return EXIT_USAGE
    text = deferred.json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        try:
            deferred.atomic.write_atomic(Path(args.output).expanduser(), text.encode("utf-8"))
        except OSError as exc:
            _err(f"{args.output} could not be written: {exc.strerror or exc}")
            return EXIT_WRITE
        print(f"Exported {_count(data)} to {args.output}", file=sys.stderr)
    for note in notes:
        _err(note)
    return EXIT_OK


def _count(data: dict[str, Any]) -> str:
    def requests(items: list[dict[str, Any]]) -> int:
        return sum(requests(i["item"]) if "item" in i else 1 for i in items)

    n = requests(data.get("item", []))
    return f"{n} request{'s' * (n != 1)}"
