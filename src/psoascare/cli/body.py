"""`psoascare body`: psoas and iliacus lengths and moment arms in a posture (parses and prints only).

The body model (and numpy) is imported when the command runs, not when the CLI starts.
"""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from psoascare.body.muscle_data import DEFAULT_MODEL
from psoascare.body.postures import UnknownPosture, load_postures


def _fail(message: str) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(code=2)


def body(
    posture: str = typer.Argument("standing", help="Posture name (see --list)."),
    hip_flexion: float | None = typer.Option(None, "--hip-flexion", help="Hip flexion, degrees (+ flexion)."),
    hip_adduction: float | None = typer.Option(None, "--hip-adduction", help="Hip adduction, degrees."),
    hip_rotation: float | None = typer.Option(None, "--hip-rotation", help="Hip internal rotation, degrees."),
    side: str = typer.Option("both", "--side", help="Which hip the angle options set: r, l or both."),
    model: str = typer.Option(DEFAULT_MODEL, "--model", help="gait2392 or rajagopal2016."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    list_postures: bool = typer.Option(False, "--list", help="List the named postures and exit."),
) -> None:
    """Psoas and iliacus lengths, change against standing and hip-flexion moment arms in a posture."""
    from psoascare.body.model import MUSCLES
    from psoascare.body.report import body_report

    console = Console()
    if list_postures:
        table = Table(title="Postures")
        table.add_column("name")
        table.add_column("title")
        table.add_column("hip flexion R/L (°)", justify="right")
        for name, item in load_postures().items():
            table.add_row(name, item.title, f"{item.hip_flexion_r:g} / {item.hip_flexion_l:g}")
        console.print(table)
        return
    try:
        report = body_report(
            posture,
            hip_flexion=hip_flexion,
            hip_adduction=hip_adduction,
            hip_rotation=hip_rotation,
            side=side,
            model=model,
        )
    except (UnknownPosture, ValueError) as error:  # PostureError is a ValueError
        raise _fail(str(error)) from None
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2))
        return
    angles = report.posture
    table = Table(
        title=f"{angles.title} — {model} (hip flexion R {angles.hip_flexion_r:g}°, L {angles.hip_flexion_l:g}°)"
    )
    for heading in ("muscle", "length (mm)", "vs standing (mm)", "vs standing (%)", "moment arm (mm)"):
        table.add_column(heading, justify="left" if heading == "muscle" else "right")
    for muscle in MUSCLES:
        values = report.muscles[muscle]
        table.add_row(
            muscle.replace("_r", " right").replace("_l", " left"),
            f"{values['length_mm']:.1f}",
            f"{values['change_mm']:+.1f}",
            f"{values['change_pct']:+.1f}",
            f"{values['moment_arm_mm']:.1f}",
        )
    console.print(table)
    for note in report.caveats:
        console.print(f"[yellow]Note:[/yellow] {note}" if "artefact" in note else f"[dim]{note}[/dim]")


def register(app: typer.Typer) -> None:
    """Adds `psoascare body`."""
    app.command("body")(body)
