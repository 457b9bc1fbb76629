"""The `sekisho` command: a thin layer over Screener and the list registry."""

from __future__ import annotations

import contextlib
import csv
import json
import logging
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sekisho import __version__, settings, stop
from sekisho.errors import InternalError, Interrupted, InvalidInput, SekishoError

app = typer.Typer(help="Screen parties against US, Japanese and UN restricted lists.", no_args_is_help=True,
                  add_completion=False)
lists_app = typer.Typer(help="Show, import and update lists.", invoke_without_command=True)
eval_app = typer.Typer(help="Measure matching quality on labelled data.", no_args_is_help=True)
app.add_typer(lists_app, name="lists")
app.add_typer(eval_app, name="eval")
out = Console()
err = Console(stderr=True, soft_wrap=True)  # one line per message, also in logs

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
ThresholdOpt = Annotated[float | None, typer.Option("--threshold", "-t", min=0.0, max=1.0,
                                                    help="Score at or above which a candidate is a hit.")]
TypeOpt = Annotated[str | None, typer.Option("--type", help="person or organization (also vessel, aircraft).")]


def _screener() -> Any:
    from sekisho.screen import Screener

    return Screener.default()


def _split(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


@app.command()
def screen(
    name: Annotated[str | None, typer.Argument(help="Name to screen (or use --file).")] = None,
    country: Annotated[str | None, typer.Option(help="Country of the party (ISO code or name).")] = None,
    type: TypeOpt = None,
    birth_date: Annotated[str | None, typer.Option("--dob", help="Date or year of birth.")] = None,
    identifier: Annotated[list[str] | None, typer.Option("--id", help="Identifier (passport, IMO …).")] = None,
    lists: Annotated[str | None, typer.Option(help="Comma-separated list ids (default: all).")] = None,
    threshold: ThresholdOpt = None,
    json_out: JsonOpt = False,
    file: Annotated[Path | None, typer.Option("--file", help="Parties file: .csv .xlsx .parquet .jsonl")] = None,
    out_path: Annotated[Path | None, typer.Option("--out", help="Results file (format by extension).")] = None,
    name_column: Annotated[str, typer.Option(help="Column holding the name.")] = "name",
    country_column: Annotated[str | None, typer.Option(help="Column holding the country.")] = None,
    type_column: Annotated[str | None, typer.Option(help="Column holding person/organization.")] = None,
    dob_column: Annotated[str | None, typer.Option(help="Column holding the date of birth.")] = None,
    id_column: Annotated[str | None, typer.Option(help="Column holding an identifier.")] = None,
    encoding: Annotated[str | None, typer.Option(help="Encoding of a CSV/JSONL --file (default: UTF-8, "
                                                 "else detected; e.g. cp932).")] = None,
    workers: Annotated[int | None, typer.Option(help="Processes (default: SEKISHO_WORKERS, 0 = cores).")] = None,
    engine: Annotated[str, typer.Option(help="Batch engine for --file: local (processes on this machine) "
                                        "or dask (pip install 'sekisho[dask]').")] = "local",
    scheduler: Annotated[str | None, typer.Option(help="With --engine dask: the scheduler, tcp://HOST:PORT "
                                                  "(default: a local cluster of --workers processes).")] = None,
) -> None:
    """Screen one NAME, or every row of --file into --out."""
    if file is not None:
        import tempfile

        from sekisho.parties import Columns, PartyFile

        source = PartyFile(file, encoding)  # a file that cannot be read fails before anything is written
        cols = Columns(name_column, country_column, type_column, dob_column, id_column)
        n_workers = settings.get_int("SEKISHO_WORKERS") if workers is None else workers
        batch = {"engine": engine, "workers": n_workers, "scheduler": scheduler}
        screener = _screener()
        _warn_stale(screener)
        if out_path is not None:
            raise typer.Exit(_screen_file(screener, source, out_path, cols, _split(lists), threshold, batch))
        with tempfile.TemporaryDirectory(prefix="sekisho-") as folder:
            target = Path(folder) / "results.jsonl"
            code = _screen_file(screener, source, target, cols, _split(lists), threshold, batch,
                                "the table below (--out FILE keeps them)")
            _print_file_hits(target)
            side = target.with_name(target.name + ".skipped.csv")
            if side.exists():
                kept = Path.cwd() / f"{file.name}.skipped.csv"
                side.replace(kept)
                err.print(f"skipped rows: {kept}")
        raise typer.Exit(code)
    if not name:
        raise InvalidInput("give a NAME or --file")
    from sekisho.screen import Party

    screener = _screener()
    _warn_stale(screener)
    options = screener.options(threshold, _split(lists))
    hits = screener.screen(name, country=country, type=type, birth_date=birth_date,
                           identifiers=identifier or (), threshold=threshold, lists=_split(lists))
    if json_out:
        party = Party(name, country, type, birth_date, tuple(identifier or ()))
        print(json.dumps({"query": name, "hits": [h.to_dict() for h in hits],
                          "provenance": screener.provenance(options, party)}, ensure_ascii=False))
        return
    if not hits:
        out.print(f"[green]No hits[/] for {name!r} at threshold {options.threshold:.2f}.")
        return
    table = Table(title=f"Hits for {name!r}")
    for col in ("score", "list", "entity"):
        table.add_column(col, no_wrap=True)  # ids are never cut, whatever the terminal's width
    for col in ("list name", "matched name", "why"):
        table.add_column(col, overflow="fold")
    for h in hits:
        why = ", ".join(f"{f['feature']} {f['value']:+.2f}" if f["feature"] != "name" else f"name {f['value']:.2f}"
                        for f in h.explanation["features"])
        table.add_row(f"{h.score:.3f}", h.list, h.entity_id, h.name, h.matched_name, why)
    out.print(table)


def _print_file_hits(results: Path) -> None:
    """Without --out: a table of every hit, one line per (row, hit)."""
    table = Table(title="Hits")
    for col in ("row", "score", "list", "entity"):
        table.add_column(col, no_wrap=True)
    for col in ("input name", "list name", "matched name"):
        table.add_column(col, overflow="fold")
    with results.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            first = next(iter(rec["input"].values()), "")
            for h in rec["hits"]:
                table.add_row(str(rec["row"]), f"{h['score']:.3f}", h["list"], h["entity_id"], str(first), h["name"],
                              h["matched_name"])
    out.print(table)


def _screen_file(screener: Any, source: Any, out_path: Path, cols: Any, lists: list[str] | None,
                 threshold: float | None, batch: dict[str, Any], shown_as: str | None = None) -> int:
    """Screen every row of `source` into `out_path`; every row ends in the results or in the
    skipped-rows file. Exit code 2 when any row was skipped."""
    from sekisho.batch import ENGINES, screen_batch
    from sekisho.parties import BadRow, cell_text
    from sekisho.results import ResultWriter, result_record, skipped_path
    from sekisho.screen import Party

    options = screener.options(threshold, lists)
    if batch["engine"] not in ENGINES:  # before anything is written
        raise InvalidInput(f"--engine {batch['engine']!r}: use one of {', '.join(ENGINES)}")
    pending: dict[int, Any] = {}  # rows sent to be screened, by row number
    file = source.path

    checked = False

    def parties() -> Any:
        nonlocal checked
        for row in source.rows():
            if isinstance(row, BadRow):
                writer.skip(row)
                continue
            if not checked and cols.name not in row.values and source.format != ".jsonl":
                raise InvalidInput(f"{file}: no column {cols.name!r}; columns are {list(row.values)} "
                                   f"(choose one with --name-column)")
            checked = True
            name = cell_text(row.values.get(cols.name)) or ""
            if "\n" in name and source.format == ".csv" and row.lines[0] != row.lines[1]:
                writer.skip(BadRow(row.index, row.lines, "the name runs over a line break: a quote left open "
                                   "in the file may have joined rows", cols.name))
                continue
            pending[row.index] = row

            def get(c: str | None, _values: dict[str, Any] = row.values) -> str | None:
                return cell_text(_values.get(c)) if c else None

            ident = get(cols.identifier)
            yield row.index, Party(name, get(cols.country), get(cols.type), get(cols.birth_date),
                                   (ident,) if ident else ())

    n_hits = 0
    start = time.perf_counter()
    progress = Progress(TextColumn("screening"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=err, disable=not err.is_terminal)
    with _interruptible(f"no results written; {out_path} is as it was"), \
            ResultWriter(out_path, inputs=[file], provenance={
                **screener.provenance(options), "engine": {k: v for k, v in batch.items() if v is not None}}
            ) as writer, progress:
        task = progress.add_task("screening", total=None)
        for index, result in screen_batch(screener.index, parties(), options, **batch,
                                          on_progress=lambda n: progress.advance(task, n)):
            row = pending.pop(index)
            if not isinstance(result, list):  # screen.Skipped
                writer.skip(BadRow(index, row.lines, result.reason, cols.name))
                continue
            n_hits += bool(result)
            writer.write(result_record(index, row.values, [h.to_dict() for h in result]))
    elapsed = time.perf_counter() - start
    read_as = f" (read as {source.encoding}, detected)" if source.encoding_how == "detected" else ""
    err.print(f"{writer.rows + writer.skipped} rows read{read_as}: {writer.rows} screened in {elapsed:.1f}s, "
              f"{n_hits} with hits, {writer.skipped} skipped -> {shown_as or out_path}")
    if writer.skipped:
        side = skipped_path(out_path)
        with side.open(encoding="utf-8", newline="") as fh:
            for rec in list(csv.DictReader(fh))[:20]:
                where = (f"line{'s' if '-' in rec['line'] else ''} {rec['line']}" if rec["line"]
                         else f"row {rec['row']}")
                err.print(f"[yellow]skipped[/] {file}, {where}: {rec['reason']}")
        if shown_as is None:
            err.print(f"all skipped rows: {side}")
        return 2
    return 0


@app.command()
def compare(
    name_a: Annotated[str, typer.Argument(help="First name (the query).")],
    name_b: Annotated[str, typer.Argument(help="Second name (as if on a list).")],
    type: TypeOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Score two names against each other, with the explanation."""
    score, explanation = _screener().compare(name_a, name_b, type)
    if json_out:
        print(json.dumps({"score": score, "explanation": explanation}, ensure_ascii=False))
        return
    out.print(f"score [bold]{score:.3f}[/]")
    for t in explanation["tokens"]:
        out.print(f"  {t['query'] or '—':>20} ~ {t['list'] or '—':<20} sim {t['similarity']:.2f} weight {t['weight']}")
    for f in explanation["features"]:
        out.print(f"  {f['feature']}: {f['value']:+.3f}  {f['detail']}")


@contextlib.contextmanager
def _interruptible(outcome: str) -> Iterator[None]:
    """A SIGTERM or Ctrl-C (stop.install, in main) ends the block with one line saying what was left."""
    try:
        yield
    except Interrupted as exc:
        raise Interrupted(f"{exc.message}: {outcome}", exc.exit_code) from None


def _warn_stale(screener: Any) -> None:
    from sekisho.lists.status import list_status

    stale = [s for s in list_status(screener.index.lists) if s["stale"]]
    if stale:
        err.print(f"[bold red]WARNING[/]: {len(stale)} list(s) older than {settings.get('SEKISHO_STALE_DAYS')} days: "
                  + ", ".join(f"{s['id']} ({s['date']})" for s in stale)
                  + ". Run `sekisho lists update` before relying on results.")


@lists_app.callback()
def lists_show(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """Show every list: source, jurisdiction, date, entities, names, content hash, staleness."""
    if ctx.invoked_subcommand is not None:
        return
    from sekisho.lists.status import list_status

    status = list_status(_screener().index.lists)
    if json_out:
        print(json.dumps(status, ensure_ascii=False))
        return
    table = Table(title="Lists")
    for col in ("id", "jurisdiction", "date", "age (days)", "entities", "names", "set aside", "sha256"):
        table.add_column(col, no_wrap=col in ("id", "date"))
    for s in status:
        age = f"[bold red]{s['age_days']} STALE[/]" if s["stale"] else str(s["age_days"])
        table.add_row(s["id"], s["jurisdiction"], s["date"], age, str(s["entities"]), str(s["names"]),
                      str(s["set_aside"] or ""), s["sha256"][:12])
    out.print(table)
    if any(s["set_aside"] for s in status):
        out.print("set aside: entries another list has in a newer copy of the same official list "
                  "(one hit per listing, from the newer copy)")
    stale = [s for s in status if s["stale"]]
    if stale:
        err.print(f"[bold red]WARNING[/]: {len(stale)} of {len(status)} lists are older than "
                  f"{settings.get('SEKISHO_STALE_DAYS')} days (SEKISHO_STALE_DAYS). "
                  "Run `sekisho lists update`.")


@lists_app.command("import")
def lists_import(
    file: Annotated[Path, typer.Argument(help="CSV: id, name, aliases (';'), type, country, …")],
    name: Annotated[str, typer.Option("--name", help="List id to create or replace.")],
    source: Annotated[str, typer.Option("--source", help="Only 'custom' is supported.")] = "custom",
    encoding: Annotated[str | None, typer.Option(help="The file's encoding (default: UTF-8, else detected; "
                                                 "e.g. cp932).")] = None,
) -> None:
    """Import (or replace) a custom block-list. The whole file is checked before anything is kept."""
    from datetime import date

    from sekisho.fileops import remove_stale, temp_name
    from sekisho.lists import registry
    from sekisho.lists.custom import load_custom, parse_custom
    from sekisho.lists.diff import diff_entities
    from sekisho.lists.model import Jurisdiction, ListVersion
    from sekisho.textfile import read_text

    if source != "custom":
        raise InvalidInput("--source must be 'custom'")
    if not registry.CUSTOM_NAME.fullmatch(name) or name in registry.SPECS:
        raise InvalidInput(f"--name {name!r}: use 2-41 lower-case letters, digits, '-' or '_', not an official id")
    if not file.is_file():
        raise InvalidInput(f"{file}: {'is a folder, not a file' if file.is_dir() else 'no such file'}")
    text, read_as = read_text(file, encoding)
    version = ListVersion(name, Jurisdiction.CUSTOM, name, date.today().isoformat(), "", (str(file),))
    entities = parse_custom(name, version, file, text)
    target = registry.custom_dir() / f"{name}.csv"
    previous = load_custom(name, version, target) if target.exists() else None
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(target, "tmp")
    tmp = temp_name(target, "tmp")
    tmp.write_text(text, "utf-8")  # kept as UTF-8, whatever it was read as
    tmp.replace(target)
    how = f" (read as {read_as})" if read_as not in ("utf-8", "utf-8-sig") else ""
    if previous is None:
        out.print(f"imported {len(entities)} entities into list {name!r}{how}")
    else:
        change = diff_entities(previous, entities)
        out.print(f"replaced list {name!r}: {len(previous)} -> {len(entities)} entities "
                  f"({change.summary()}){how}")


@lists_app.command("update")
def lists_update(
    ids: Annotated[list[str] | None, typer.Argument(help="List ids (default: all with a download address).")] = None,
    allow_shrink: Annotated[bool, typer.Option("--allow-shrink", help="Accept a list that lost more entities "
                                               "than SEKISHO_MAX_SHRINK allows.")] = False,
    allow_older: Annotated[bool, typer.Option("--allow-older", help="Accept a list dated before the current "
                                              "copy.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Accept whatever parses: skip every plausibility "
                                        "check.")] = False,
) -> None:
    """Download the official files (needs network). A download that fails, does not parse or is
    implausible (shrunk, older, cut short) keeps the current copy."""
    from sekisho.lists import registry
    from sekisho.lists.fetch import update

    overrides = settings.list_url_overrides()
    chosen = ids or [i for i, s in registry.SPECS.items() if s.files and (s.files[0].url or i in overrides)]
    chosen = list(dict.fromkeys(registry.owner(i) for i in chosen))  # the CSL's lists: the CSL, once
    failed = 0
    for list_id in chosen:
        try:
            with _interruptible(f"{list_id} not updated; the current copy is kept"):
                result = update(list_id, allow_shrink=allow_shrink, allow_older=allow_older, force=force)
        except Interrupted:
            raise
        except SekishoError as exc:
            failed += 1
            err.print(f"[red]{list_id}[/]: {exc.message}")
            continue
        prev = result["previous"]
        if prev is None:
            out.print(f"[green]updated[/] {list_id}: first copy, {result['date']} ({result['date_source']}), "
                      f"{result['entities']:,} entities")
        elif result["status"] == "unchanged":
            out.print(f"[green]unchanged[/] {list_id}: the download is the copy in use ({prev['date']}, "
                      f"{prev['entities']:,} entities)")
        else:
            out.print(f"[green]updated[/] {list_id}: {prev['date']} -> {result['date']} ({result['date_source']}), "
                      f"{prev['entities']:,} -> {result['entities']:,} entities")
    if failed:
        raise typer.Exit(1)


@lists_app.command("history")
def lists_history(
    list_id: Annotated[str, typer.Argument(help="An official list id.")],
    json_out: JsonOpt = False,
) -> None:
    """Every version of a list kept here: the bundled snapshot and each download, oldest first."""
    from sekisho.lists.versions import history

    versions = history(list_id)
    if json_out:
        print(json.dumps([v.to_dict() for v in versions], ensure_ascii=False))
        return
    if not versions:
        out.print(f"No versions of {list_id} here yet: `sekisho lists update {list_id}` fetches one.")
        return
    table = Table(title=f"Versions of {list_id}")
    for col in ("version", "date", "dated by", "entities", "sha256", "in use"):
        table.add_column(col, no_wrap=col in ("version", "date"))
    for v in versions:
        table.add_row(v.name, v.date, v.date_source, "" if v.entities is None else f"{v.entities:,}",
                      v.sha256[:12], "yes" if v.current else "")
    out.print(table)


@lists_app.command("diff")
def lists_diff(
    list_id: Annotated[str, typer.Argument(help="An official list id.")],
    old: Annotated[str, typer.Argument(help="Older version: bundled, previous, a date or a version name.")] = "",
    new: Annotated[str, typer.Argument(help="Newer version (default: the one in use).")] = "current",
    old_files: Annotated[list[Path] | None, typer.Option("--old", help="Compare files instead: the older "
                                                         "version's file(s), in the list's file order.")] = None,
    new_files: Annotated[list[Path] | None, typer.Option("--new", help="The newer version's file(s).")] = None,
    json_out: JsonOpt = False,
    limit: Annotated[int, typer.Option(help="Entities shown per kind of change in the table.")] = 50,
) -> None:
    """Entities added, removed and changed (field by field) between two versions of a list."""
    from sekisho.lists import versions
    from sekisho.lists.diff import diff_entities

    if old_files or new_files:
        if not (old_files and new_files):
            raise InvalidInput("give both --old and --new files")
        before = versions.load_given_files(list_id, old_files)
        after = versions.load_given_files(list_id, new_files)
        labels = (", ".join(map(str, old_files)), ", ".join(map(str, new_files)))
    else:
        a, b = versions.find(list_id, old or "previous"), versions.find(list_id, new)
        before, after = versions.load(list_id, a), versions.load(list_id, b)
        labels = (f"{a.name} ({a.date})", f"{b.name} ({b.date})")
    change = diff_entities(before.entities, after.entities)
    if json_out:
        print(json.dumps({"list": list_id, "old": labels[0], "new": labels[1],
                          "old_entities": len(before.entities), "new_entities": len(after.entities),
                          **change.to_dict()}, ensure_ascii=False, default=str))
        return
    out.print(f"{list_id}: {labels[0]} -> {labels[1]}: {len(before.entities):,} -> {len(after.entities):,} "
              f"entities; {change.summary()}", soft_wrap=True)
    table = Table()
    for col in ("change", "entity"):
        table.add_column(col, no_wrap=True)
    for col in ("name", "fields"):
        table.add_column(col, overflow="fold")
    for kind, ids in (("added", change.added), ("removed", change.removed), ("changed", list(change.changed))):
        for ident in ids[:limit]:
            fields = change.changed.get(ident, {})
            detail = "; ".join(f"{k}: {o!r} -> {n!r}" for k, (o, n) in fields.items())
            table.add_row(kind, ident, change.names[ident], detail)
        if len(ids) > limit:
            table.add_row(kind, f"… {len(ids) - limit:,} more", "", "(--json lists them all)")
    if not change.unchanged:
        out.print(table)


@eval_app.command("pairs")
def eval_pairs_cmd(
    file: Annotated[Path, typer.Argument(help="CSV with name1, name2, is_match (and optional type).")],
    threshold: ThresholdOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Precision, recall and F1 on labelled pairs, and every miss."""
    from sekisho.evaluate import eval_pairs

    screener = _screener()
    result = eval_pairs(screener, file, screener.options(threshold).threshold)
    if json_out:
        print(json.dumps(result, ensure_ascii=False))
        return
    out.print(f"pairs {result['pairs']}  precision {result['precision']:.3f}  recall {result['recall']:.3f}  "
              f"F1 {result['f1']:.3f}  (threshold {result['threshold']:.2f})")
    for m in result["misses"]:
        kind = "missed match" if m["is_match"] else "false match"
        out.print(f"  row {m['row']}: {kind}: {m['name1']!r} ~ {m['name2']!r} score {m['score']:.3f}")


@app.command("settings")
def settings_cmd() -> None:
    """Every setting, its current value and what it does."""
    table = Table(title="Settings (environment variables)")
    for col in ("name", "value", "default", "help"):
        table.add_column(col)
    for s in settings.SETTINGS:
        table.add_row(s.name, settings.get(s.name), s.default, s.help)
    out.print(table)


class _Messages(logging.Handler):
    """The library's progress and warnings (logger "sekisho") as lines on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        style = "yellow" if record.levelno >= logging.WARNING else "dim"
        err.print(f"[{style}]{record.getMessage()}[/]", highlight=False)


def main() -> None:
    log = logging.getLogger("sekisho")
    log.addHandler(_Messages())
    log.setLevel(logging.INFO)
    log.propagate = False
    stop.install()
    # the command-line parser's own errors; newer Typer releases carry their own copy of click
    try:
        from typer._click.exceptions import ClickException, UsageError
    except ImportError:
        from click.exceptions import ClickException, UsageError  # type: ignore[assignment]

    try:
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except UsageError as exc:  # an option the command line rejects: a usage error, as InvalidInput is
        exc.show()
        sys.exit(InvalidInput.exit_code)
    except ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.exit(130)
    except Interrupted as exc:
        err.print(f"[red]{exc.message}[/]")
        sys.exit(exc.exit_code)
    except SekishoError as exc:
        err.print(f"[red]error:[/] {exc.message}", soft_wrap=True)
        sys.exit(exc.exit_code)
    except Exception as exc:  # a bug: say so, with what a report needs
        import traceback

        bug = InternalError(f"internal error ({type(exc).__name__}: {exc}). This is a bug in sekisho "
                            f"{__version__}: please report it with the command you ran and the trace above.")
        traceback.print_exc()
        err.print(f"[red]error:[/] {bug.message}", soft_wrap=True)
        sys.exit(bug.exit_code)
