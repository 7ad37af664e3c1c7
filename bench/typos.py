"""Benchmark of the builtin typo engine (TY001, TY002, TY004) on the shared corpus.

Prints, never asserts:

* recall on listed misspellings: codespell entries injected into prose of
  ``../shared/corpus/jbranchaud-til`` (one per file, at a real occurrence of the correct word);
* recall on held-out edits: one random insertion, deletion, substitution or transposition
  applied to a common word (Zipf >= 3.5, five letters or more) of the prose, keeping only
  results that are on no misspelling list and are not English words (below Zipf 1.5 in
  wordfreq, which is noisy and lists many typos itself);
* false positives per 10,000 prose words on the untouched corpus, after removing the
  adjudicated genuine typos listed in ``GENUINE`` (each one checked by hand);
* the wall time of a whole-corpus typo pass (``--jobs`` worker processes).

Run: ``python bench/typos.py [--jobs 2] [--samples 400] [--seed 7] [--show]``
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tillint.checks import CheckContext
from tillint.checks.typos_lexicon import match_case, misspellings, zipf
from tillint.checks.typos_lookup import classify, prose_of
from tillint.config import Settings, validate_family_options
from tillint.document import Document
from tillint.engine import run
from tillint.finding import Finding

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "jbranchaud-til"
RULES = frozenset({"TY001", "TY002", "TY004"})
# Genuine typos of the untouched corpus (file, word), checked by hand: not false positives.
GENUINE = {
    ("README.md", "Assocation"),
    ("README.md", "Oprhaned"),
    ("README.md", "Wih"),
    ("ansible/loop-over-a-list-of-dictionaries.md", "dictonary"),
    ("chrome/search-tabs-with-the-vimium-vomnibar.md", "tedius"),
    ("css/filter-blur-requires-expensive-calculation.md", "noticable"),
    ("css/let-pointer-events-pass-through-an-element.md", "recieving"),
    ("devops/check-for-cached-site-association-file-for-ios.md", "Assocation"),
    ("devops/check-for-cached-site-association-file-for-ios.md", "Univeral"),
    ("docker/prevent-containers-from-running-on-startup.md", "Inpsecting"),
    ("docker/prevent-containers-from-running-on-startup.md", "becaue"),
    ("git/better-diffs-with-delta.md", "configred"),
    ("git/better-diffs-with-delta.md", "ths"),
    ("git/clean-out-working-copy-with-patched-restore.md", "commited"),
    ("git/display-all-git-log-entries-in-my-local-timezone.md", "across"),
    ("git/extend-git-with-custom-commands.md", "varity"),
    ("git/list-all-git-aliases-from-gitconfig.md", "commmit"),
    ("git/list-untracked-files.md", "at"),
    ("git/restore-file-from-one-branch-to-the-current.md", "overlayed"),
    ("go/format-date-and-time-with-time-constants.md", "Janary"),
    ("go/write-a-custom-scan-function-for-file-io.md", "thi"),
    ("heroku/deploy-a-review-app-to-a-different-stack.md", "it"),
    ("javascript/check-if-file-exists-before-reading-it.md", "existant"),
    ("javascript/ensure-shell-can-find-global-npm-binaries.md", "globablly"),
    ("javascript/format-a-decimal-to-a-fixed-number-of-digits.md", "deliniate"),
    ("javascript/make-truly-deep-clone-with-structured-clone.md", "comparse"),
    ("javascript/parse-a-date-from-a-timestamp.md", "millenia"),
    ("javascript/parse-a-date-from-a-timestamp.md", "suprising"),
    ("javascript/sorting-arrays-of-objects-with-lodash.md", "indpendently"),
    ("javascript/test-timing-based-code-with-jest-fake-timers.md", "efficently"),
    ("javascript/write-a-javascript-object-to-a-json-file.md", "conver"),
    ("jj/find-system-wide-config-file-for-user.md", "commond"),
    ("mac/add-a-bunch-of-cli-utilities-with-coreutils.md", "ons"),
    ("mac/capture-screenshot-to-clipboard-from-cli.md", "Screenshoot"),
    ("mac/keyboard-shortcuts-for-interacting-with-text-areas.md", "shorcuts"),
    ("mac/prevent-sleep-with-the-caffeinate-command.md", "programatically"),
    ("mac/read-the-lid-angle-sensor-for-a-macbook.md", "degress"),
    ("mac/start-amphetamine-session-with-applescript.md", "fo"),
    ("mac/start-amphetamine-session-with-applescript.md", "programatically"),
    ("mac/start-amphetamine-session-with-applescript.md", "segement"),
    ("mise/list-the-files-being-loaded-by-mise.md", "parellel"),
    ("mysql/ignore-duplicates-when-inserting-records.md", "statment"),
    ("neovim/run-a-lua-statement-from-the-command-prompt.md", "preceeding"),
    ("neovim/run-nvim-with-factory-defaults.md", "labryinth"),
    ("nextjs/create-files-and-directories-for-dynamic-routes.md", "dynmically"),
    ("nextjs/make-environment-variable-publicly-available.md", "avilable"),
    ("pnpm/list-the-installed-version-of-a-specific-package.md", "isntalled"),
    ("postgres/compute-median-instead-of-average.md", "aggregiate"),
    ("postgres/install-postgres-with-uuid-ossp-using-asdf.md", "extention"),
    ("postgres/the-nullif-function.md", "inversation"),
    ("postgres/unable-to-infer-data-type-in-production.md", "occuring"),
    ("postgres/use-variables-in-an-anonymous-function.md", "anoymous"),
    ("python/dedent-common-whitespace-from-multiline-string.md", "mutliline"),
    ("python/get-quotient-and-remainder-in-one-operation.md", "Euclidian"),
    ("python/test-a-function-with-pytest.md", "preceeded"),
    ("rails/add-timestamptz-columns-with-the-migration-dsl.md", "abondoning"),
    ("rails/assert-two-arrays-have-the-same-items-with-rspec.md", "fickering"),
    ("rails/cast-common-boolean-like-values-to-booleans.md", "thsoe"),
    ("rails/check-the-current-named-log-level.md", "LABLE"),
    ("rails/comparing-datetimes-down-to-second-precision.md", "expecationa"),
    ("rails/customize-paths-and-helpers-for-devise-routes.md", "Wih"),
    ("rails/ensure-migrations-use-the-latest-schema.md", "informtion"),
    ("rails/ensure-migrations-use-the-latest-schema.md", "scema"),
    ("rails/flipper-discards-actors-when-feature-fully-enabled.md", "evalutes"),
    ("rails/flipper-discards-actors-when-feature-fully-enabled.md", "eventully"),
    ("rails/format-specific-html-erb-template-files.md", "agressive"),
    ("rails/handle-named-arguments-in-a-rake-task.md", "beginngin"),
    ("rails/mask-an-activerecord-attribute.md", "retreives"),
    ("rails/mask-an-activerecord-attribute.md", "througout"),
    ("rails/order-matters-for-rescue-from-blocks.md", "execeptions"),
    ("rails/parameterize-a-string-with-underscores.md", "paramterize"),
    ("rails/parameterize-a-string-with-underscores.md", "verride"),
    ("rails/pretend-generations.md", "to"),
    ("rails/prevent-mailer-previews-from-cluttering-database.md", "assocations"),
    ("rails/prevent-writes-with-a-sandboxed-rails-console.md", "accumlates"),
    ("rails/provide-fake-form-helper-to-controllers.md", "recieve"),
    ("rails/rounding-numbers-with-precision.md", "signficant"),
    ("rails/set-the-default-development-port.md", "envionrment"),
    ("reason/create-a-map-of-strings.md", "to"),
    ("ruby/add-linux-as-a-bundler-platform.md", "incompatability"),
    ("ruby/block-syntaxes-have-different-precedence.md", "interchangable"),
    ("ruby/multi-line-comments.md", "inbetween"),
    ("ruby/refer-to-implicit-block-argument-with-it.md", "explictly"),
    ("ruby/return-the-thing-being-printed.md", "priting"),
    ("ruby/specify-dependencies-for-a-rake-task.md", "prerequesite"),
    ("ruby/unpacking-strings-into-binary.md", "seprarately"),
    ("ruby/what-to-do-when-you-dont-rescue.md", "differentiatee"),
    ("ruby/wrap-things-in-an-array-even-hashes.md", "Kernal"),
    ("sed/equivalence-classes-of-repetition-metachars.md", "preceeding"),
    ("sed/extract-value-from-command-output-with-sed.md", "Postges"),
    ("sed/extract-value-from-command-output-with-sed.md", "substituation"),
    ("sed/grab-all-the-method-names-defined-in-a-ruby-file.md", "againts"),
    ("sed/output-only-lines-involved-in-a-substitution.md", "supress"),
    ("sed/use-an-alternative-delimiter-in-a-substitution.md", "substute"),
    ("typescript/interfaces-with-the-same-name-are-merged.md", "declartion"),
    ("unix/browse-and-search-help-docs.md", "more"),
    ("unix/count-the-lines-in-a-csv-where-a-column-is-empty.md", "seach"),
    ("unix/count-the-number-of-ripgrep-pattern-matches.md", "seperator"),
    ("unix/display-free-disk-space.md", "on"),
    ("unix/enable-multi-select-of-results-with-fzf.md", "directoris"),
    ("unix/enable-multi-select-of-results-with-fzf.md", "multile"),
    ("unix/fix-unlinked-node-binaries-with-asdf.md", "necesarily"),
    ("unix/interactively-browse-availabile-node-versions.md", "agains"),
    ("unix/load-env-vars-in-bash-script.md", "variabls"),
    ("unix/manually-pass-two-git-files-to-delta.md", "Similiarly"),
    ("unix/pid-of-the-current-shell.md", "Paramaters"),
    ("unix/undo-changes-made-to-current-terminal-prompt.md", "termianl"),
    ("vim/bypass-on-save-tooling-when-writing-file.md", "ouput"),
    ("workflow/forward-stripe-events-to-local-server.md", "foward"),
    ("workflow/temporarily-hide-cleanshot-x-capture-previews.md", "butto"),
    ("workflow/view-nicely-formatted-markdown-from-terminal.md", "at"),
}
_ALPHABET = "abcdefghijklmnopqrstuvwxyz"


def settings_for(root: Path, jobs: int) -> Settings:
    """Settings selecting the builtin typo rules, as the CLI would build them."""
    options = validate_family_options({"typos": {}}, "bench")
    return Settings(root=root, selected=RULES, options=options, offline=True, jobs=jobs)


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished worker processes."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def lint(root: Path, jobs: int) -> tuple[list[Finding], float, float]:
    """Findings, wall seconds and CPU seconds of one uncached run over ``root``."""
    started, cpu = time.perf_counter(), _cpu_seconds()
    findings = run([root], settings_for(root, jobs), cwd=root, use_cache=False).findings
    return findings, time.perf_counter() - started, _cpu_seconds() - cpu


def prose_words(doc: Document, settings: Settings) -> Iterator[tuple[int, int, str]]:
    """(start, end, text) of the plain prose words TY001/TY002 look at."""
    ctx = CheckContext("typos", settings)
    for token in prose_of(doc, ctx).words:
        for item in classify(doc, token):
            if not item.identifier:
                yield item.word.start, item.word.end, item.word.text


def single_edit(word: str, rng: random.Random) -> str:
    """One random insertion, deletion, substitution or transposition of a lowercase word."""
    i = rng.randrange(len(word))
    kind = rng.choice(("insert", "delete", "substitute", "transpose"))
    if kind == "insert":
        return word[:i] + rng.choice(_ALPHABET) + word[i:]
    if kind == "delete":
        return word[:i] + word[i + 1 :]
    if kind == "substitute":
        return word[:i] + rng.choice(_ALPHABET.replace(word[i], "")) + word[i + 1 :]
    i = min(i, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def listed_typo(word: str, by_correction: dict[str, list[str]], rng: random.Random) -> str | None:
    typos = by_correction.get(word.lower())
    return match_case(word, rng.choice(typos)) if typos else None


def held_out_typo(word: str, rng: random.Random) -> str | None:
    if len(word) < 5 or not word.isalpha() or zipf(word.lower()) < 3.5:
        return None
    for _ in range(10):
        typo = match_case(word, single_edit(word.lower(), rng))
        lowered = typo.lower()
        if lowered != word.lower() and lowered not in misspellings() and zipf(lowered) < 1.5:
            return typo
    return None


def inject(
    root: Path, kind: str, samples: int, rng: random.Random
) -> dict[tuple[str, int, int], str]:
    """Write one typo into each of ``samples`` files; return (path, line, column) -> typo."""
    by_correction: dict[str, list[str]] = {}
    for listed, entry in misspellings().items():
        if len(entry.corrections) == 1 and listed.isalpha() and len(listed) >= 4:
            by_correction.setdefault(entry.corrections[0], []).append(listed)
    settings = settings_for(root, 1)
    files = sorted(root.rglob("*.md"))
    rng.shuffle(files)
    expected: dict[tuple[str, int, int], str] = {}
    used: set[str] = set()  # each typo once: a typo in two files is the corpus's own word
    for path in files:
        if len(expected) >= samples:
            break
        doc = Document(path, path.relative_to(root).as_posix(), path.read_bytes())
        words = list(prose_words(doc, settings))
        rng.shuffle(words)
        for start, end, text in words:
            typo = (
                listed_typo(text, by_correction, rng)
                if kind == "listed"
                else held_out_typo(text, rng)
            )
            if typo and typo.lower() not in used:
                used.add(typo.lower())
                path.write_text(doc.text[:start] + typo + doc.text[end:], encoding="utf-8")
                line, column = doc.position(start)
                expected[(doc.display_path, line, column)] = f"{text} -> {typo}"
                break
    return expected


def recall(kind: str, samples: int, seed: int, jobs: int, show: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "corpus"
        shutil.copytree(CORPUS, root)
        expected = inject(root, kind, samples, random.Random(seed))
        findings, _, _ = lint(root, jobs)
    found = {(f.path, f.span.line, f.span.column) for f in findings if f.rule != "TY004"}
    missed = [label for key, label in expected.items() if key not in found]
    hits = len(expected) - len(missed)
    print(f"recall on {kind} misspellings: {hits}/{len(expected)} = {hits / len(expected):.1%}")
    if show:
        print("  missed:", ", ".join(sorted(missed)))


def false_positives(jobs: int, show: bool) -> None:
    findings, elapsed, cpu = lint(CORPUS, jobs)
    settings = settings_for(CORPUS, 1)
    words = sum(
        sum(1 for _ in prose_words(Document(p, "", p.read_bytes()), settings))
        for p in CORPUS.rglob("*.md")
    )
    genuine: list[str] = []
    wrong: list[str] = []
    for finding in findings:
        path = finding.path
        line = finding.source_line
        word = line[finding.span.column - 1 : finding.span.end_column - 1]
        (genuine if (path, word) in GENUINE else wrong).append(f"{path}:{finding.span.line} {word}")
    print(
        f"whole-corpus typo pass: {elapsed:.2f} s wall, {cpu:.2f} s CPU, {jobs} job(s), "
        f"{len(findings)} findings"
    )
    print(f"prose words: {words}; genuine typos found: {len(genuine)}")
    rate = len(wrong) / words * 10_000
    print(f"false positives: {len(wrong)} = {rate:.2f} per 10,000 prose words")
    if show:
        print("  false positives:", ", ".join(sorted(wrong)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--samples", type=int, default=400)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show", action="store_true", help="list misses and false positives")
    args = parser.parse_args()
    false_positives(args.jobs, args.show)
    recall("listed", args.samples, args.seed, args.jobs, args.show)
    recall("held-out", args.samples, args.seed, args.jobs, args.show)


if __name__ == "__main__":
    main()
