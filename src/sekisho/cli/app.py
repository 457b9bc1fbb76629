"""The `sekisho` command: a thin layer over Screener and the list registry."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sekisho import settings
from sekisho.errors import InvalidInput, SekishoError

app = typer.Typer(help="Screen parties against US, Japanese and UN restricted lists.", no_args_is_help=True,
                  add_completion=False)
lists_app = typer.Typer(help="Show, import and update lists.", invoke_without_command=True)
eval_app = typer.Typer(help="Measure matching quality on labelled data.", no_args_is_help=True)
app.add_typer(lists_app, name="lists")
app.add_typer(eval_app, name="eval")
out = Console()
err = Console(stderr=True)

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
    workers: Annotated[int | None, typer.Option(help="Processes (default: SEKISHO_WORKERS, 0 = cores).")] = None,
) -> None:
    """Screen one NAME, or every row of --file into --out."""
    screener = _screener()
    if file is not None:
        import tempfile

        from sekisho.parties import Columns

        cols = Columns(name_column, country_column, type_column, dob_column, id_column)
        target = out_path or Path(tempfile.mkdtemp(prefix="sekisho-")) / "results.jsonl"
        code = _screen_file(screener, file, target, cols, _split(lists), threshold,
                            settings.get_int("SEKISHO_WORKERS") if workers is None else workers)
        if out_path is None:
            _print_file_hits(target)
        raise typer.Exit(code)
    if not name:
        raise InvalidInput("give a NAME or --file")
    hits = screener.screen(name, country=country, type=type, birth_date=birth_date,
                           identifiers=identifier or (), threshold=threshold, lists=_split(lists))
    if json_out:
        print(json.dumps({"query": name, "hits": [h.to_dict() for h in hits]}, ensure_ascii=False))
        return
    _warn_stale(screener)
    if not hits:
        out.print(f"[green]No hits[/] for {name!r} at threshold {screener.options(threshold).threshold:.2f}.")
        return
    table = Table(title=f"Hits for {name!r}")
    for col in ("score", "list", "entity", "list name", "matched name", "why"):
        table.add_column(col)
    for h in hits:
        why = ", ".join(f"{f['feature']} {f['value']:+.2f}" if f["feature"] != "name" else f"name {f['value']:.2f}"
                        for f in h.explanation["features"])
        table.add_row(f"{h.score:.3f}", h.list, h.entity_id, h.name, h.matched_name, why)
    out.print(table)


def _print_file_hits(results: Path) -> None:
    """Without --out: a table of every hit, one line per (row, hit)."""
    table = Table(title="Hits")
    for col in ("row", "input name", "score", "list", "list name", "matched name"):
        table.add_column(col)
    for line in results.read_text("utf-8").splitlines():
        rec = json.loads(line)
        first = next(iter(rec["input"].values()), "")
        for h in rec["hits"]:
            table.add_row(str(rec["row"]), str(first), f"{h['score']:.3f}", h["list"], h["name"], h["matched_name"])
    out.print(table)


def _screen_file(screener: Any, file: Path, out_path: Path, cols: Any, lists: list[str] | None,
                 threshold: float | None, workers: int) -> int:
    from sekisho.batch import screen_many
    from sekisho.parties import ResultWriter, read_rows, result_record
    from sekisho.screen import Party

    options = screener.options(threshold, lists)
    rows: dict[int, dict[str, Any]] = {}
    skipped: list[tuple[int, str]] = []

    def parties() -> Any:
        for i, row in enumerate(read_rows(file)):
            if cols.name not in row:
                raise InvalidInput(f"{file}: no column {cols.name!r}; columns are {list(row)} "
                                   f"(choose one with --name-column)")
            rows[i] = row

            def get(c: str | None, _row: dict[str, Any] = row) -> str | None:
                v = _row.get(c) if c else None
                return None if v is None or str(v).strip() == "" else str(v)

            ident = get(cols.identifier)
            yield i, Party(str(row.get(cols.name) or ""), get(cols.country), get(cols.type), get(cols.birth_date),
                           (ident,) if ident else ())

    writer = ResultWriter(out_path)
    n_hits = n_rows = 0
    start = time.perf_counter()
    progress = Progress(TextColumn("screening"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=err, disable=not err.is_terminal)
    try:
        with progress:
            task = progress.add_task("screening", total=None)
            for row, result in screen_many(screener.index, parties(), options, workers,
                                           on_progress=lambda n: progress.advance(task, n)):
                inputs = rows.pop(row)
                if isinstance(result, str):
                    skipped.append((row, f"field {cols.name!r}: {result}"))
                    continue
                n_rows += 1
                n_hits += bool(result)
                writer.write(result_record(row, inputs, [h.to_dict() for h in result]))
    finally:
        writer.close()
    elapsed = time.perf_counter() - start
    err.print(f"{n_rows} rows screened in {elapsed:.1f}s, {n_hits} with hits, {len(skipped)} skipped -> {out_path}")
    for row, message in skipped[:20]:
        err.print(f"[yellow]skipped[/] {file}, row {row}: {message}")
    if skipped:
        side = out_path.with_name(out_path.name + ".skipped.csv")
        with side.open("w", encoding="utf-8", newline="") as fh:
            fh.write("row,error\n")
            for row, message in skipped:
                fh.write(f"{row},\"{message.replace(chr(34), chr(39))}\"\n")
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


def _warn_stale(screener: Any) -> None:
    from sekisho.lists.status import list_status

    stale = [s for s in list_status(screener.index) if s["stale"]]
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

    status = list_status(_screener().index)
    if json_out:
        print(json.dumps(status, ensure_ascii=False))
        return
    table = Table(title="Lists")
    for col in ("id", "jurisdiction", "date", "age (days)", "entities", "names", "sha256"):
        table.add_column(col)
    for s in status:
        age = f"[bold red]{s['age_days']} STALE[/]" if s["stale"] else str(s["age_days"])
        table.add_row(s["id"], s["jurisdiction"], s["date"], age, str(s["entities"]), str(s["names"]),
                      s["sha256"][:12])
    out.print(table)
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
) -> None:
    """Import (or replace) a custom block-list."""
    import shutil
    from datetime import date

    from sekisho.lists import registry
    from sekisho.lists.custom import load_custom
    from sekisho.lists.model import ListVersion

    if source != "custom":
        raise InvalidInput("--source must be 'custom'")
    if not registry.CUSTOM_NAME.match(name) or name in registry.SPECS:
        raise InvalidInput(f"--name {name!r}: use 2-41 lower-case letters, digits, '-' or '_', not an official id")
    if not file.exists():
        raise InvalidInput(f"{file}: no such file")
    version = ListVersion(name, "CUSTOM", name, date.today().isoformat(), "", (str(file),))
    entities = load_custom(name, version, file)  # validates the whole file before anything is copied
    folder = registry.custom_dir()
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{name}.csv.tmp"
    shutil.copyfile(file, tmp)
    tmp.replace(folder / f"{name}.csv")
    out.print(f"imported {len(entities)} entities into list {name!r}")


@lists_app.command("update")
def lists_update(
    ids: Annotated[list[str] | None, typer.Argument(help="List ids (default: all with a download address).")] = None,
) -> None:
    """Download the official files (needs network); a failed download keeps the current copy."""
    from sekisho.lists import registry
    from sekisho.lists.fetch import update

    overrides = settings.list_url_overrides()
    chosen = ids or [i for i, s in registry.SPECS.items() if s.files[0].url or i in overrides]
    failed = 0
    for list_id in chosen:
        try:
            result = update(list_id)
            out.print(f"[green]updated[/] {list_id}: {result['entities']} entities, {result['date']}")
        except SekishoError as exc:
            failed += 1
            err.print(f"[red]{list_id}[/]: {exc.message}")
    if failed:
        raise typer.Exit(1)


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


def main() -> None:
    try:
        app()
    except SekishoError as exc:
        err.print(f"[red]error:[/] {exc.message}")
        sys.exit(1)
