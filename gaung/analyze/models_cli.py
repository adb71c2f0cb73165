"""`gaung models build|eval`: a thin shell over gaung.analyze.training (the lead mounts `models_app`)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

import typer
from rich.console import Console
from rich.table import Table

from gaung.analyze.modelstore import ModelError, load_bundle, models_dir
from gaung.analyze.training import (
    REGRESSION_MARGIN,
    Correction,
    build_models,
    compare_metrics,
    evaluate_models,
    install_models,
    measure_throughput,
)

__all__ = ["models_app", "set_corrections_loader"]

models_app = typer.Typer(help="Build and evaluate the sentiment and tone models.", no_args_is_help=True)
_console = Console()
# The store registers its loader here (set_corrections_loader) so this module does not import the store.
_corrections_loader: Callable[[], Sequence[Correction]] | None = None


def set_corrections_loader(loader: Callable[[], Sequence[Correction]] | None) -> None:
    """Register where `gaung models build` reads analysts' corrections from (the store does this)."""
    global _corrections_loader
    _corrections_loader = loader


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.4f}"


@models_app.command("build")
def build_command(
    force: bool = typer.Option(False, "--force", help="Install even if worse than the current models."),
    seed: int = typer.Option(13, help="Random seed (same data + seed → same metrics)."),
    json_output: bool = typer.Option(False, "--json", help="Print the build report as JSON."),
    ner: bool = typer.Option(
        True, "--ner/--no-ner", help="Also (re)train the entity tagger (about a minute)."
    ),
) -> None:
    """Train from the shipped data (+ analysts' corrections), compare with the current models, install."""
    if ner:
        from gaung.analyze.ner import build_ner, evaluate_ner

        ner_model = build_ner(force=True)
        if not json_output:
            for corpus in ("nergrit", "idner"):
                scores = evaluate_ner(ner_model, corpus)
                _console.print(f"NER {ner_model.version} on {corpus} valid: F1 {scores.f1:.4f}")
    try:
        old = load_bundle()
        report = build_models(_corrections_loader, seed=seed, progress=not json_output)
        old_metrics = evaluate_models(old, seed) if old is not None else {}
        rows = compare_metrics(old_metrics, report.metrics)
        installed = True
        try:
            path = install_models(report, old, force=force)
        except ModelError as exc:
            installed, path = False, None
            message = str(exc)
    except ModelError as exc:
        _console.print(f"[red]Error:[/red] {exc}")
        raise typer.Exit(1) from exc
    if json_output:
        payload = {
            "version": report.bundle.version,
            "installed": installed,
            "path": str(path) if path else None,
            "before": old_metrics,
            "after": report.metrics,
            "info": report.info,
        }
        typer.echo(json.dumps(payload, indent=2))
    else:
        table = Table(title=f"Macro-F1 before/after (margin {REGRESSION_MARGIN})")
        for column in ("validation set", "current", "new", ""):
            table.add_column(column)
        for name, before, after, regressed in rows:
            table.add_row(name, _fmt(before), _fmt(after), "[red]worse[/red]" if regressed else "")
        _console.print(table)
        _console.print(f"version {report.bundle.version}, built in {report.seconds:.0f} s")
        if installed:
            _console.print(f"[green]Installed[/green] {path}")
        else:
            _console.print(f"[yellow]Not installed:[/yellow] {message}")
    if not installed:
        raise typer.Exit(2)


@models_app.command("eval")
def eval_command(
    json_output: bool = typer.Option(False, "--json", help="Print metrics as JSON."),
    throughput: bool = typer.Option(False, "--throughput", help="Also measure articles/s on one core."),
) -> None:
    """Print macro-F1 of the current models on every validation set."""
    try:
        bundle = load_bundle()
        if bundle is None:
            raise ModelError(f"No models in {models_dir()}; run `gaung models build` first.")
        metrics: dict[str, float] = evaluate_models(bundle)
        if throughput:
            metrics["throughput/articles_per_second"] = measure_throughput(bundle)["articles_per_second"]
    except ModelError as exc:
        _console.print(f"[red]Error:[/red] {exc}")
        raise typer.Exit(1) from exc
    if json_output:
        typer.echo(json.dumps({"version": bundle.version, "metrics": metrics}, indent=2))
        return
    table = Table(title=f"Gaung models {bundle.version}")
    table.add_column("validation set")
    table.add_column("macro-F1", justify="right")
    for name, value in metrics.items():
        table.add_row(name, f"{value:.4f}" if "throughput" not in name else f"{value:.0f}/s")
    _console.print(table)
