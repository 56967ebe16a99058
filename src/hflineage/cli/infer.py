"""``hflineage infer``: likely parents for models that declare none, and their evaluation."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click
from click.core import ParameterSource

from hflineage.analytics.infer import clear, evaluate, infer_parents
from hflineage.analytics.output import write_text_atomically
from hflineage.cli.context import AppContext, pass_app
from hflineage.errors import OutputFormatError


@click.command("infer")
@click.option("--top", type=click.IntRange(min=1), default=3, show_default=True,
              help="At most this many likely parents per model, best first.")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=0.2, show_default=True,
              help="Write only predictions at least this confident.")
@click.option("--clear", "clear_only", is_flag=True,
              help="Remove every prediction (LIKELY_DERIVED_FROM edge) and stop.")
@click.option("--evaluate", "evaluate_only", is_flag=True,
              help="Hide some declared parents in an in-memory copy, predict them back and "
                   "score it (Hits@1/5, MRR, precision by confidence, per relation, true "
                   "roots). Never writes to the graph.")
@click.option("--holdout", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              default=0.2, show_default=True, help="With --evaluate: share of declared "
              "children whose parents are hidden.")
@click.option("--seed", type=int, multiple=True, help="With --evaluate: the holdout's random "
              "seed; repeat for several runs (default 0).")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path),
              help="With --evaluate: also write the scores as JSON to this file ('-': stdout "
                   "instead of the table).")
@click.option("--progress/--no-progress", default=False, help="Print each phase as it ends.")
@pass_app
def infer(app: AppContext,  # noqa: PLR0913 (one argument per CLI option)
          top: int, min_confidence: float, clear_only: bool,
          evaluate_only: bool, holdout: float, seed: tuple[int, ...], json_out: Path | None,
          progress: bool) -> None:
    """Predict likely parents for described models that declare none.

    Predictions are LIKELY_DERIVED_FROM edges {relation, confidence, method, evidence, rank},
    never DERIVED_FROM: declared analytics stay declared. Signals: file evidence, names
    without quantization/adapter suffixes, config family, creation order, the author's other
    models, card fields, and the popular declared bases of the family; the ranker learns their
    weights from the graph's own declared edges. A rerun replaces all earlier predictions.

    \b
    Examples:
      hflineage infer
      hflineage infer --top 1 --min-confidence 0.8
      hflineage infer --evaluate --holdout 0.2 --seed 1 --seed 2 --seed 3
      hflineage infer --evaluate --json scores.json
      hflineage infer --clear
    """
    given = {name for name in ("top", "min_confidence", "holdout", "seed", "json_out",
                               "progress")
             if click.get_current_context().get_parameter_source(name)
             is not ParameterSource.DEFAULT}
    _refuse(clear_only and evaluate_only, "--clear and --evaluate do not go together")
    _refuse(clear_only and bool(given), "--clear takes no other option")
    _refuse(not evaluate_only and bool(given & {"holdout", "seed", "json_out"}),
            "--holdout, --seed and --json go with --evaluate")
    _refuse(evaluate_only and "min_confidence" in given,
            "--min-confidence does not go with --evaluate (it scores every confidence)")
    _refuse(evaluate_only and "progress" in given, "--progress does not go with --evaluate")
    if clear_only:
        removed = clear(app.driver, database=app.database, lock=app.conn.load_lock)
        click.echo(f"removed {removed:,} likely parent edges")
        return
    if evaluate_only:
        to_stdout = json_out is not None and str(json_out) == "-"
        if json_out is not None and not to_stdout:
            _writable(json_out)
        runs = evaluate(app.driver, database=app.database, holdout=holdout,
                        seed=list(seed or (0,)), top=top)
        payload = "[\n" + ",\n".join(r.to_json() for r in runs) + "\n]\n"
        if to_stdout:
            click.echo(payload, nl=False)
            return
        click.echo("\n\n".join(r.table() for r in runs))
        if json_out is not None:
            write_text_atomically(json_out, payload, label="--json ")
        return
    summary = infer_parents(app.driver, database=app.database, top=top,
                            min_confidence=min_confidence, lock=app.conn.load_lock,
                            progress=click.echo if progress else None)
    click.echo(summary.line())


def _refuse(wrong: bool, message: str) -> None:
    if wrong:
        raise click.UsageError(message)


def _writable(path: Path) -> None:
    """Fail before minutes of evaluation, not after, when the JSON cannot be written; leaves
    nothing behind."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path.parent):
            pass
    except OSError as e:
        raise OutputFormatError(f"cannot write --json {path}: {e.strerror}") from None
