"""Side by side with Label Studio 1.23.2 on the same 10,000 news-like articles: import, export, cold start, memory (issue 11)."""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, load_note, run_child, table, write_section  # noqa: E402
from corpus import OUT, make_corpus_jsonl  # noqa: E402

sys.path.insert(0, str(ROOT))
from tests.label_studio_server import VERSION, Server, label_studio  # noqa: E402

# argv: the annotator command line. Runs it in this process, so run_child can read its peak memory.
OURS = """
from annotator.cli import cli
try:
    cli.main(sys.argv[1:], prog_name="annotator", standalone_mode=False)
except SystemExit as stop:
    if stop.code not in (0, None):
        raise
RESULT = {}
"""


def ours(*args: str) -> dict:
    """Seconds (from process start to exit) and peak memory of one `annotator` command."""
    env = {"QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(OUT / "ls-config")}
    start = time.perf_counter()
    result = run_child(OURS, *args, env=env)
    return {**result, "seconds": time.perf_counter() - start}


def tree_peak_mb(leader: int) -> float:
    """The sum of VmHWM (peak resident memory) over the processes of Label Studio's process group."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[2]) != leader:
                continue
            total += int(next(line for line in (stat.parent / "status").read_text().splitlines()
                              if line.startswith("VmHWM")).split()[1])
        except (OSError, StopIteration, ValueError, IndexError):
            continue  # gone meanwhile, or a kernel thread
    return total / 1024


def raw(server: Server, method: str, path: str, body: bytes | None = None) -> bytes:
    """An API call with a body sent as is and the answer read completely, not parsed (so no JSON work is timed here)."""
    request = urllib.request.Request(f"http://127.0.0.1:{server.port}{path}", method=method, data=body,
                                     headers={"Authorization": f"Token {server.token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=3600) as response:
        return response.read()


def project_page(server: Server, project: int, login: dict) -> bool:
    """Log in as a user would and fetch the project's data page; True once it answers 200 (not the login page)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{server.port}"
    try:
        opener.open(f"{base}/user/login/", timeout=5).read()
        token = next(c.value for c in jar if c.name == "csrftoken")
        form = {**login, "csrfmiddlewaretoken": token}
        opener.open(urllib.request.Request(f"{base}/user/login/", data=urllib.parse.urlencode(form).encode(),
                                           headers={"Referer": f"{base}/user/login/"}), timeout=30).read()
        with opener.open(f"{base}/projects/{project}/data", timeout=30) as page:
            return page.status == 200 and "/user/login" not in page.url
    except (OSError, StopIteration):
        return False


def label_studio_run(command: Path, tasks: Path, config: str, folder: Path) -> dict:
    """Label Studio: first start, project, import (timed), JSON export (timed); then a second, cold start to the page."""
    found = {}
    with Server(command, folder / "data") as server:
        found["first_start_mb"] = tree_peak_mb(server.process.pid)
        project = server.call("POST", "/api/projects", {"title": "bench", "label_config": config})["id"]
        body = tasks.read_bytes()
        start = time.perf_counter()
        answer = json.loads(raw(server, "POST", f"/api/projects/{project}/import", body))
        found["import_s"] = time.perf_counter() - start
        counted = server.call("GET", f"/api/projects/{project}/")
        found["tasks"], found["annotations"] = counted["task_number"], counted["total_annotations_number"]
        found["import_answer"] = {k: answer.get(k) for k in ("task_count", "annotation_count")}
        found["import_mb"] = tree_peak_mb(server.process.pid)
        start = time.perf_counter()
        exported = raw(server, "GET", f"/api/projects/{project}/export?exportType=JSON&download_all_tasks=true")
        found["export_s"] = time.perf_counter() - start
        found["export_mb"] = tree_peak_mb(server.process.pid)
        found["exported_tasks"] = len(json.loads(exported))
        token = server.token
        args = server.process.args  # the user made by the first start: a later start keeps it (and its password)
        login = {"email": args[args.index("--username") + 1], "password": args[args.index("--password") + 1]}
    cold = Server(command, folder / "data")  # the same data folder: its user, token and project exist
    cold.token = token
    start = time.perf_counter()
    with cold:
        while not project_page(cold, project, login):
            time.sleep(0.1)
        found["cold_s"] = time.perf_counter() - start
        found["cold_mb"] = tree_peak_mb(cold.process.pid)
    return found


def measure(n: int, folder: Path) -> tuple[dict, dict]:
    """Our figures and Label Studio's on the same `n` articles."""
    source = make_corpus_jsonl(OUT / f"corpus-{n}-10.jsonl", n, 10)
    db = str(folder / "ours.db")
    us = {"import": ours("import", str(source), "--db", db, "--annotator", "bench"),
          "index": ours("index", "--db", db),
          "jsonl": ours("export", "--db", db, "--format", "jsonl", "--out", str(folder / "ours.jsonl")),
          "labelstudio": ours("export", "--db", db, "--format", "label-studio", "--out", str(folder / "tasks.json"))}
    us["gui"] = min((ours("gui", "--db", db, "--screenshot", str(folder / "window.png")) for _ in range(3)),
                    key=lambda r: r["seconds"])
    config = (folder / "tasks.config.xml").read_text("utf-8")
    them = label_studio_run(label_studio(), folder / "tasks.json", config, folder)
    if them["tasks"] != n or them["exported_tasks"] != n:
        raise RuntimeError(f"Label Studio stored {them['tasks']} and exported {them['exported_tasks']} of {n} tasks")
    return us, them


def report(n: int, us: dict, them: dict, load: float) -> str:
    def row(what, mine, theirs, mine_mb, theirs_mb):
        return (what, f"{mine:.2f} s", f"{theirs:.2f} s", f"**{theirs / mine:.1f}x**", f"{mine_mb:.0f} MB",
                f"{theirs_mb:.0f} MB", f"{theirs_mb / mine_mb:.1f}x")

    both = us["import"]["seconds"] + us["index"]["seconds"]
    rows = [
        row("**import**: `annotator import` jsonl into a new database (labelling can start) vs LS `POST /api/projects/{id}/import`",
            us["import"]["seconds"], them["import_s"], us["import"]["peak_mb"], them["import_mb"]),
        ("… our search index afterwards (`annotator index`; LS builds none)", f"{us['index']['seconds']:.2f} s", "", "",
         f"{us['index']['peak_mb']:.0f} MB", "", ""),
        row("… import and search index together vs LS import", both, them["import_s"],
            max(us["import"]["peak_mb"], us["index"]["peak_mb"]), them["import_mb"]),
        row("**export**: `annotator export --format jsonl` vs LS JSON export (`/api/projects/{id}/export?exportType=JSON`)",
            us["jsonl"]["seconds"], them["export_s"], us["jsonl"]["peak_mb"], them["export_mb"]),
        row("… `annotator export --format label-studio` vs LS JSON export", us["labelstudio"]["seconds"], them["export_s"],
            us["labelstudio"]["peak_mb"], them["export_mb"]),
        row("**cold start**: `annotator gui --screenshot` from process start to exit (best of 3) vs LS `start` "
            "to the project's data page answering 200 after logging in", us["gui"]["seconds"], them["cold_s"],
            us["gui"]["peak_mb"], them["cold_mb"]),
    ]
    header = ("what (ours vs Label Studio)", "ours", "Label Studio", "LS / ours (time)", "our peak", "LS peak",
              "LS / ours (memory)")
    return (
        f"The same {n:,} articles of `bench/corpus.py`'s news-like corpus (10 spans each, the corpus bench_store "
        f"uses), in one run, against Label Studio {VERSION} (`.venv-label-studio`, started by "
        "`tests/label_studio_server.py` on 127.0.0.1 with a throw-away data folder and SQLite). Label Studio gets "
        "our `label-studio` export of those articles (tasks with their annotations) in one import call, timed until "
        f"it returns; the tasks are then counted in the project ({them['tasks']:,} tasks, {them['annotations']:,} "
        "annotations) and its JSON export is timed until the whole answer is read. Ours are the `annotator` "
        "commands, each a fresh process timed from its start to its exit. Label Studio has no full-text index, so "
        "its import compares with our import (after which labelling can start; the window builds the index in the "
        "background); the index row and the sum are shown too. Peaks are VmHWM: ours of the command's process; "
        "Label Studio's summed over its server's process group, read after the import, after the export and "
        "after the cold start (the import row: the server's peak from its first start up to the end of the "
        "import). The cold start is a second start of the server on the same data folder (user, project and "
        f"tasks exist), polled every 0.1 s.\n\n{table(rows, header)}\n\nAim (issue 11): import 10x faster than "
        f"Label Studio. Load average when the run started: {load:.1f} on {os.cpu_count()} cores (a machine shared "
        f"by several sessions). {load_note()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=10_000)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=OUT) as folder:
        us, them = measure(args.articles, Path(folder))
    print(json.dumps({"ours": us, "label_studio": them}, indent=2))
    write_section(f"Side by side with Label Studio {VERSION}", report(args.articles, us, them, load))


if __name__ == "__main__":
    main()
