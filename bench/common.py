"""What every benchmark shares: the machine's description, child-process measurement, docs/benchmarks.md."""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
HEADER = """# Benchmarks

Measured by `make bench` (the scripts in `bench/`), never by timed tests. Each section is rewritten
by its script: `bench/run.py` runs them all. Ratios compare with a baseline measured in the same run.
"""


def machine() -> str:
    """One line naming the machine the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, AttributeError):
        pass
    return (f"{platform.machine()}, {os.cpu_count()} cores{memory}, {cpu}; "
            f"Python {platform.python_version()}, SQLite {__import__('sqlite3').sqlite_version}")


def load_note() -> str:
    """The machine's load as this bench ends, said beside its figures (instead of assuming how busy it was)."""
    return (f"Load average over the last minute of the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
            "with other work on the cores absolute times are noisy, the ratios less so.")


def run_child(code: str, *args: str, env: dict | None = None) -> dict:
    """Run `code` in a fresh Python; it prints one JSON object last. Adds its peak memory in MB.

    The peak is VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec from a large parent.
    """
    script = "import json, sys, time\n" + code + (
        "\nRESULT['peak_mb'] = [int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM')][0] / 1024"
        "\nprint(json.dumps(RESULT))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, **(env or {})},
    )
    if done.returncode != 0:
        raise RuntimeError(f"benchmark child failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def write_section(title: str, body: str) -> None:
    """Replace (or add) the `## title` section of docs/benchmarks.md."""
    text = DOC.read_text("utf-8") if DOC.exists() else HEADER
    section = f"## {title}\n\n_Measured {date.today().isoformat()} on {machine()}._\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(lambda _: section + "\n", text) if pattern.search(text) else text.rstrip() + "\n\n" + section
    DOC.write_text(text.rstrip() + "\n", "utf-8")


def table(rows: list[tuple], header: tuple) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def ratio_text(ours: float, baseline: float) -> str:
    """`ours` as a multiple of `baseline`, as the tables print it."""
    return f"{ours / baseline:.1f}x" if baseline > 0 else "n/a"


def plain_widget_like(view):
    """The baseline of the window benches: a read-only QPlainTextEdit of the view's size and font, shown."""
    from PySide6.QtWidgets import QPlainTextEdit

    plain = QPlainTextEdit()
    plain.setReadOnly(True)
    plain.resize(view.size())
    plain.setFont(view.font())
    plain.show()
    return plain
