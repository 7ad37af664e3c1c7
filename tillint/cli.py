"""The ``tillint`` command line: ``check``, ``rules``, ``explain``.

Exit codes: 0 no findings at or above the fail level, 1 findings, 2 usage, configuration or
internal error, 130 interrupted (Ctrl-C: the first stops the run cleanly, a second exits at
once). A reader that closes the pipe early (``| head``) ends the output without a traceback.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace
from pathlib import Path
from types import FrameType
from typing import NoReturn

import click

from tillint import __version__
from tillint.catalog import DOC_SECTIONS, Rule, load_catalog, rules_by_alias
from tillint.config import CliOverrides, Settings, load_settings
from tillint.engine import RunInterrupted, Shard
from tillint.errors import UsageError
from tillint.finding import SEVERITIES, Finding
from tillint.report import FORMATS, TERMINAL_FORMATS, ReportContext, reporter
from tillint.report.routing import plan_reports

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130
LANGUAGETOOL_RULE = "TY003"


def _exit_now(signum: int, frame: FrameType | None) -> None:
    os._exit(EXIT_INTERRUPTED)


def _first_interrupt(signum: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGINT, _exit_now)
    raise KeyboardInterrupt


@contextmanager
def _interrupt_handling() -> Iterator[None]:
    """The first Ctrl-C raises ``KeyboardInterrupt`` (the run unwinds, no file is left partly
    written); a second one, while it unwinds, exits at once with 130."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, _first_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _interrupted(fixes_applied: int) -> NoReturn:
    fixed = f"{fixes_applied} fix{'es' if fixes_applied != 1 else ''} written before the interrupt"
    click.echo(f"Interrupted: {fixed}; no file was left partly written.", err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    # Exit now: a request still in flight on a link-checking thread must not hold the exit
    # until its socket times out. Files are written atomically and caches are committed.
    os._exit(EXIT_INTERRUPTED)


def _write_output(text: str, color: bool) -> None:
    """Write the report to stdout; a closed pipe (``| head``) silently ends the output."""
    try:
        click.echo(text, nl=False, color=color)
        sys.stdout.flush()
    except BrokenPipeError:
        # Python would complain again when it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _selectors(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _use_color(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and "NO_COLOR" not in os.environ


def _fails(findings: list[Finding], settings: Settings) -> bool:
    threshold = SEVERITIES.index(settings.fail_level)
    return any(SEVERITIES.index(f.severity) <= threshold for f in findings)


def _summary(findings: list[Finding], fixed: int) -> str:
    if not findings and not fixed:
        return "All checks passed!"
    count = f"Found {len(findings)} finding{'s' if len(findings) != 1 else ''}"
    if fixed:
        count += f" ({fixed} fixed, {len(findings)} remaining)"
    fixable = sum(1 for f in findings if f.fix is not None)
    if fixable:
        count += f".\n{fixable} fixable with --fix (some may need --unsafe-fixes)"
    return count + "."


def _statistics(findings: list[Finding]) -> str:
    catalog = load_catalog()
    counts = Counter(f.rule for f in findings)
    rows = []
    for rule_id, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        rule = catalog[rule_id]
        mark = "[*]" if rule.fixable else "   "
        rows.append(f"{count:>6}  {rule_id}  {mark} {rule.name}")
    return "\n".join(rows) + ("\n" if rows else "")


def _render(fmt: str, findings: list[Finding], context: ReportContext, quiet: bool) -> str:
    """One report; the terminal formats end with the summary unless ``--quiet``."""
    text = reporter(fmt)(findings, context)
    if fmt in TERMINAL_FORMATS and not quiet:
        text += ("\n" if text else "") + _summary(findings, context.fixes_applied) + "\n"
    return text


def _parse_shard(ctx: click.Context, param: click.Parameter, value: str | None) -> Shard | None:
    if value is None:
        return None
    index, _, count = value.partition("/")
    if not (index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count)):
        raise click.BadParameter("expected K/N with 1 <= K <= N, e.g. 2/4")
    return Shard(int(index), int(count))


def run_and_exit() -> NoReturn:
    """The ``tillint`` command: ``main``, then an exit that skips tearing Python down.

    By then every report is written, every file tillint wrote is closed and renamed into
    place, and the caches are committed and closed: freeing every module and object one by
    one would only cost 15-20 ms, a tenth of a run over one file (``_interrupted`` exits the
    same way). An exception other than ``SystemExit`` (a bug) ends the process the usual way.
    """
    code: object = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    if code is not None and not isinstance(code, int):
        click.echo(code, err=True)  # as Python does for sys.exit("message")
        code = 1
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError):  # closed (| head): nothing more can be written
            stream.flush()
    os._exit(code or 0)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tillint")
def main() -> None:
    """Lint Markdown knowledge bases: front matter, chronology, footnotes, links, encoding,
    typos."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--select", multiple=True, help="Rules to check (ids, prefixes, aliases, ALL).")
@click.option("--extend-select", multiple=True, help="Rules to add to the selection.")
@click.option("--ignore", multiple=True, help="Rules to skip.")
@click.option(
    "--format",
    "output_formats",
    type=click.Choice(FORMATS),
    multiple=True,
    help="Report format; repeat it to print one and write another to --output-file "
    "(default: github inside GitHub Actions, else full).",
)
@click.option(
    "--output-file",
    type=click.Path(path_type=Path),
    help="Write the last non-terminal --format here (the others are still printed).",
)
@click.option("--statistics", is_flag=True, help="Show the number of findings per rule.")
@click.option("--quiet", "-q", is_flag=True, help="Print findings only, no summary.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--fix", is_flag=True, help="Apply safe fixes.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix, also apply unsafe fixes.")
@click.option("--offline", is_flag=True, help="Skip every check that needs the network.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes.")
@click.option("--fail-level", type=click.Choice(SEVERITIES), help="Lowest failing severity.")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--typos-engine",
    type=click.Choice(["builtin", "languagetool"]),
    help="Spelling engine (overrides [tool.tillint.typos] engine).",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write any cache.")
@click.option("--shard", callback=_parse_shard, help="Check only shard K of N (e.g. 2/4).")
def check(
    paths: tuple[Path, ...],
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    output_formats: tuple[str, ...],
    output_file: Path | None,
    statistics: bool,
    quiet: bool,
    exit_zero: bool,
    fix: bool,
    unsafe_fixes: bool,
    offline: bool,
    jobs: int | None,
    fail_level: str | None,
    config_file: Path | None,
    typos_engine: str | None,
    no_cache: bool,
    shard: Shard | None,
) -> None:
    """Check Markdown files under PATHS (default: the current directory)."""
    from tillint.engine import run

    targets = list(paths) or [Path(".")]
    overrides = CliOverrides(
        select=_selectors(select) if select else None,
        extend_select=_selectors(extend_select),
        ignore=_selectors(ignore),
        offline=offline,
        fix=fix,
        unsafe_fixes=unsafe_fixes,
        jobs=jobs,
        fail_level=fail_level,
        config_file=config_file,
        family_options={"typos": {"engine": typos_engine}} if typos_engine else {},
    )
    try:
        plan = plan_reports(output_formats, to_file=output_file is not None)
        settings = load_settings(targets, overrides)
        service_error = _languagetool_problem(settings)
        if service_error:  # the other rules carry on; the run still ends with exit code 2
            settings = replace(settings, selected=settings.selected - {LANGUAGETOOL_RULE})
        with _interrupt_handling():
            result = run(targets, settings, use_cache=not no_cache, shard=shard)
    except UsageError as exc:
        click.echo(f"tillint: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    except RunInterrupted as exc:
        _interrupted(exc.fixes_applied)
    except KeyboardInterrupt:
        _interrupted(0)
    for problem in result.problems:
        click.echo(f"tillint: warning: {problem}", err=True)
    context = ReportContext(False, result.files_checked, result.fixes_applied, result.paths)
    if output_file is not None and plan.file is not None:
        with click.open_file(str(output_file), "w", encoding="utf-8") as stream:
            stream.write(_render(plan.file, result.findings, context, quiet))
    color = _use_color(sys.stdout)
    terminal = context._replace(color=color)
    if statistics:
        _write_output(_statistics(result.findings), color=False)
    else:
        text = "".join(_render(fmt, result.findings, terminal, quiet) for fmt in plan.terminal)
        _write_output(text, color)
    if service_error:
        click.echo(f"tillint: error: {service_error}", err=True)
    if result.internal_error or service_error:
        sys.exit(EXIT_ERROR)
    if _fails(result.findings, settings) and not exit_zero:
        sys.exit(EXIT_FINDINGS)


def _languagetool_problem(settings: Settings) -> str | None:
    """Why the selected LanguageTool rule cannot run (no server, no local LanguageTool)."""
    engine = settings.family_options("typos").get("engine")
    if LANGUAGETOOL_RULE not in settings.selected or settings.offline or engine != "languagetool":
        return None
    from tillint.services.languagetool import ensure_available

    try:
        ensure_available(settings.family_options("typos"))
    except UsageError as exc:
        return str(exc)
    return None


def _rule_row(rule: Rule) -> dict[str, object]:
    return {
        "id": rule.id,
        "name": rule.name,
        "family": rule.family,
        "severity": rule.severity,
        "fix": rule.fix,
        "enabled": rule.enabled,
        "summary": rule.summary,
    }


@main.command()
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
def rules(output_format: str) -> None:
    """List every rule: id, alias, family, fixability and default severity."""
    catalog = load_catalog()
    if output_format == "json":
        click.echo(json.dumps([_rule_row(r) for r in catalog.values()], indent=2))
        return
    click.echo(f"{'ID':<6}  {'ALIAS':<28}  {'FAMILY':<12}  {'FIX':<6}  {'SEVERITY':<8}  SUMMARY")
    for rule in catalog.values():
        fix = rule.fix if rule.fixable else "-"
        off = "" if rule.enabled else " (off by default)"
        click.echo(
            f"{rule.id:<6}  {rule.name:<28}  {rule.family:<12}  {fix:<6}  "
            f"{rule.severity:<8}  {rule.summary}{off}"
        )


@main.command()
@click.argument("rule_id")
def explain(rule_id: str) -> None:
    """Print the documentation of a rule (by id or alias)."""
    rule = load_catalog().get(rule_id.upper()) or rules_by_alias().get(rule_id)
    if rule is None:
        click.echo(f"tillint: error: unknown rule '{rule_id}'; run `tillint rules`", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(f"# {rule.id} ({rule.name})\n")
    click.echo(f"{rule.summary}\n")
    click.echo(f"Family: {rule.family}. Default severity: {rule.severity}. Fix: {rule.fix}.")
    click.echo(f"Documentation: {rule.url}\n")
    for key, title in DOC_SECTIONS:
        click.echo(f"## {title}\n\n{rule.docs[key]}\n")
    if rule.options:
        click.echo(f"## Options (in [tool.tillint.{rule.family}])\n")
        for option in rule.options:
            default = json.dumps(option.default, ensure_ascii=False)
            click.echo(
                f"- `{option.name}` ({option.type}, default {default}): {option.description}"
            )
        click.echo("")
    for example in rule.fail_examples[:1]:
        click.echo("## Example (fails)\n\n```markdown\n" + example.text.rstrip("\n") + "\n```\n")
    for example in rule.pass_examples[:1]:
        click.echo("## Example (passes)\n\n```markdown\n" + example.text.rstrip("\n") + "\n```")


@main.group()
def words() -> None:
    """Manage the project's vocabulary (the typos words file)."""


@words.command("add")
@click.argument("new_words", nargs=-1, required=True)
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False))
def words_add(new_words: tuple[str, ...], config_file: Path | None) -> None:
    """Add WORDS to the words file, kept sorted and unique."""
    from tillint.checks.typos_words import add_words

    try:
        settings = load_settings([Path(".")], CliOverrides(config_file=config_file))
    except UsageError as exc:
        click.echo(f"tillint: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    words_file = settings.root / settings.family_options("typos")["words_file"]
    added = add_words(words_file, list(new_words))
    click.echo(f"added {added} word{'s' if added != 1 else ''} to {words_file}")
