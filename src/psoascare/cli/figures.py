"""`psoascare figures`: render every picture of the body model into the data directory."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

console = Console()


def register(app: typer.Typer) -> None:
    @app.command("figures")
    def figures_command(
        data_dir: Path | None = typer.Option(
            None, "--data-dir", help="Data directory (default: PSOASCARE_DATA_DIR or per-user)."
        ),
        force: bool = typer.Option(False, "--force", help="Render every figure, even those up to date."),
    ) -> None:
        """Render the posture, lumbar close-up, hip-slider and movement figures from the body model."""
        from psoascare.body.figures import Figure, render_all
        from psoascare.paths import figures_dir, use_data_dir

        if data_dir is not None:
            use_data_dir(data_dir)
        out_dir = figures_dir()
        with Progress(
            TextColumn("[bold]Figures[/bold]"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            task = progress.add_task("", total=None)

            def advance(done: int, total: int, figure: Figure) -> None:
                progress.update(task, completed=done, total=total, description=figure.key)

            summary = render_all(out_dir, force=force, progress=advance)
        if summary.fallback_reason:
            console.print(f"[yellow]No 3D rendering here ({summary.fallback_reason}); drew SVG schematics.[/]")
        console.print(
            f"{len(summary.rendered)} figure(s) rendered, {len(summary.skipped)} already up to date "
            f"({summary.file_format.upper()}) in {summary.seconds:.1f} s."
        )
        console.print(f"Figures are in {summary.out_dir}")
