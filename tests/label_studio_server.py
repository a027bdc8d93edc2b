"""`make interop`: our Label Studio export imported into a real Label Studio server, counted, exported and read back.

Installs label-studio into its own virtualenv (.venv-label-studio), starts it on 127.0.0.1 only with a
throw-away data folder, makes a project from the labelling config we export beside the tasks, imports
the tasks through its HTTP API, checks the task and annotation counts, exports the project again and
imports that with our reader (every span, annotator name, note and relation must come back), stops the
server and writes the result to docs/interop.md.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VERSION = "1.23.2"
VENV = ROOT / ".venv-label-studio"
REPORT = ROOT / "docs" / "interop.md"
GENERATED = 2000
EXTRA = [  # what a real corpus holds that a plain one does not: names people type, emoji, line separators
    {"id": "hard-1", "text": "Jane Doe met 👨🏻\u200d🚒 in 東京\u2028on Friday; Bob, Jr. | said so.",
     "spans": [{"id": 1, "start": 0, "end": 8, "label": "ACTOR", "annotator": "Jane Doe", "note": "first\nsecond"},
               {"id": 2, "start": 13, "end": 18, "label": "ACTOR", "annotator": "Bob, Jr. | QA"},
               {"id": 3, "start": 22, "end": 24, "label": "LOCATION", "annotator": "Jane Doe"},
               {"id": 4, "start": 0, "end": 35, "label": "CLAIM", "annotator": "Jane Doe"}],
     "relations": [{"type": "CLAIMED_BY", "from": 4, "to": 1}, {"type": "ABOUT", "from": 4, "to": 3}]},
    {"id": "hard-2", "text": "Flags 🇯🇵 and text.", "spans": []},
]


WORDS = ["minister", "said", "talks", "in", "Tokyo", "Berlin", "would", "resume", "NATO", "allies", "agreed", "the", "summit", "on", "Friday"]
ANNOTATORS = ["Jane Doe", "bob", "Carol, QA"]


def generated(count: int) -> list[dict]:
    """`count` articles of 40 words, each with two spans by each of three annotators (one span shared) and a CLAIM
    linked to both (CLAIMED_BY an ACTOR, ABOUT a LOCATION)."""
    records = []
    for n in range(count):
        words = [WORDS[(n * 7 + k * 3) % len(WORDS)] for k in range(40)]
        text = " ".join(words) + f" ({n})."
        starts = [sum(len(w) + 1 for w in words[:k]) for k in range(40)]
        spans, relations = [], []
        for a, who in enumerate(ANNOTATORS):
            claim = len(spans)
            spans.append({"id": claim, "start": starts[20], "end": starts[25] + len(words[25]), "label": "CLAIM",
                          "annotator": who})
            for k in (0, 5 + a * 3):
                label = ("ACTOR", "LOCATION")[k % 2]
                spans.append({"id": len(spans), "start": starts[k], "end": starts[k] + len(words[k]), "label": label,
                              "annotator": who})
                relations.append({"type": "CLAIMED_BY" if label == "ACTOR" else "ABOUT", "from": claim, "to": len(spans) - 1})
        records.append({"id": f"gen-{n:05d}", "text": text, "spans": spans, "relations": relations})
    return records


def label_studio() -> Path:
    """The label-studio command of its own virtualenv, installed on first use."""
    command = VENV / "bin" / "label-studio"
    if not command.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "python"), "-m", "pip", "install", "--quiet", f"label-studio=={VERSION}"],
                       check=True)
    return command


def export_corpus(folder: Path) -> tuple[Path, set, set]:
    """The seed corpus and the hard records in a new database, exported as Label Studio tasks; its spans and relations."""
    from annotator.corpus import import_files
    from annotator.exporting import ExportOptions, export
    from annotator.store import open_store

    source = folder / "hard.jsonl"
    source.write_text("".join(json.dumps({**r, "spans": [{**s, "text": r["text"][s["start"]:s["end"]]}
                                                         for s in r["spans"]]}) + "\n" for r in EXTRA + generated(GENERATED)),
                      "utf-8")
    store = open_store(folder / "corpus.db")
    import_files(store, [ROOT / "seeds" / "demo-annotations.jsonl", source], annotator="interop", add_labels=True)
    out = folder / "tasks.json"
    export(store, ExportOptions("label-studio", out))
    return out, spans_of(store), relations_of(store)


def spans_of(store) -> set:
    return {(a.text_sha256, s.start, s.end, s.label, s.annotator, s.note) for a, spans in store.iter_articles()
            for s in spans}


def relations_of(store) -> set:
    """(text sha, type, annotator, from (start, end, label), to (start, end, label)) of every relation."""
    found = set()
    for article, spans in store.iter_articles():
        by_id = {s.id: s for s in spans}
        found |= {(article.text_sha256, r.type, r.annotator, by_id[r.from_id].key, by_id[r.to_id].key)
                  for r in store.relations(article.id)}
    return found


class Server:
    """A Label Studio server on 127.0.0.1, stopped on exit."""

    def __init__(self, command: Path, data: Path):
        data.mkdir(parents=True, exist_ok=True)
        self.port = _free_port()
        self.token = secrets.token_hex(20)
        self.log = open(data / "server.log", "w")  # noqa: SIM115 (closed in __exit__)
        env = {**os.environ, "LABEL_STUDIO_BASE_DATA_DIR": str(data), "DJANGO_DB": "sqlite",
               "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true", "SENTRY_DSN": "", "FRONTEND_SENTRY_DSN": ""}
        self.process = subprocess.Popen(
            [str(command), "start", "--no-browser", "--internal-host", "127.0.0.1", "--port", str(self.port),
             "--data-dir", str(data), "--username", "interop@example.com", "--password", secrets.token_hex(12),
             "--user-token", self.token, "--enable-legacy-api-token"],
            stdout=self.log, stderr=subprocess.STDOUT, env=env, start_new_session=True)

    def __enter__(self):
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.flush()
                tail = Path(self.log.name).read_text(errors="replace")[-3000:]
                raise RuntimeError(f"label-studio exited with status {self.process.returncode}:\n{tail}")
            try:
                if self.call("GET", "/health").get("status") == "UP":
                    return self
            except OSError:
                pass
            time.sleep(1)
        raise RuntimeError(f"label-studio did not answer on 127.0.0.1:{self.port} in 10 minutes")

    def __exit__(self, *exc):
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.log.close()

    def status(self, method: str, path: str, body=None) -> str:
        """The HTTP status (and the start of the answer) of a call that may be refused."""
        try:
            self.call(method, path, body)
            return "200"
        except urllib.error.HTTPError as e:
            answer = e.read().decode("utf-8", "replace")
            with contextlib.suppress(ValueError, AttributeError):
                answer = json.dumps(json.loads(answer).get("validation_errors"), ensure_ascii=False)
            return f"HTTP {e.code}: {answer[:300]}"

    def call(self, method: str, path: str, body=None):
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Token {self.token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=600) as response:
            return json.loads(response.read() or b"{}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check(command: Path, folder: Path) -> dict:
    """Import our export into a project from our config, count, export again, read that back."""
    from annotator.corpus import import_files
    from annotator.store import open_store

    tasks_file, expected, expected_relations = export_corpus(folder)
    tasks = json.loads(tasks_file.read_text("utf-8"))
    config = (folder / "tasks.config.xml").read_text("utf-8")
    with Server(command, folder / "label-studio") as server:
        version = server.call("GET", "/api/version").get("release", "?")
        project = server.call("POST", "/api/projects", {"title": "annotator interop", "label_config": config})
        refused = server.status("POST", f"/api/projects/{project['id']}/import", [  # what we used to write
            {**tasks[0], "annotations": [{**tasks[0]["annotations"][0], "completed_by": {"email": "Jane Doe"}}]}])
        imported = server.call("POST", f"/api/projects/{project['id']}/import", tasks)
        counted = server.call("GET", f"/api/projects/{project['id']}/")
        again = server.call("GET", f"/api/projects/{project['id']}/export?exportType=JSON")
    (folder / "again.json").write_text(json.dumps(again, ensure_ascii=False), "utf-8")
    (folder / "again.config.xml").write_text(config, "utf-8")
    back = open_store(folder / "back.db")
    import_files(back, [folder / "again.json"], fmt="label-studio", annotator="nobody")
    result = {
        "label_studio": version, "old export (completed_by email) answered": refused, "tasks_sent": len(tasks), "annotations_sent": sum(len(t["annotations"]) for t in tasks),
        "import_answer": {k: imported.get(k) for k in ("task_count", "annotation_count", "prediction_count")},
        "project_tasks": counted.get("task_number"), "project_annotations": counted.get("total_annotations_number"),
        "spans_sent": len(expected), "spans_read_back": len(spans_of(back)),
        "same_spans_annotators_notes": spans_of(back) == expected,
        "relations_sent": len(expected_relations), "relations_read_back": len(relations_of(back)),
        "same_relations": relations_of(back) == expected_relations,
    }
    result["passed"] = (result["project_tasks"] == result["tasks_sent"]
                        and int(result["project_annotations"] or 0) == result["annotations_sent"]
                        and result["same_spans_annotators_notes"] and result["same_relations"])
    return result


def write_report(result: dict) -> None:
    """The Label Studio part of docs/interop.md; the sections after it (other tools) are kept."""
    rows = "\n".join(f"| {name} | {value} |" for name, value in result.items())
    old = REPORT.read_text("utf-8") if REPORT.exists() else ""
    others = old[old.index("\n## "):] if "\n## " in old else ""
    REPORT.write_text(
        "# Interoperability: a real Label Studio server\n\n"
        f"_Run by `make interop` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.machine()}, "
        f"Python {platform.python_version()}._\n\n"
        "`tests/label_studio_server.py` installs label-studio into `.venv-label-studio`, starts it on 127.0.0.1 only, "
        "makes a project from the `config.xml` our export writes, imports our `label-studio` export of the seed "
        f"corpus, {GENERATED:,} generated articles labelled by three annotators (`Jane Doe`, `bob`, `Carol, QA`) "
        "and records with names like `Bob, Jr. | QA`, emoji and a U+2028 through "
        "`POST /api/projects/{id}/import`, reads the project's task and annotation counts, exports the project "
        "as JSON and imports that with `annotator import --format label-studio`: every span must come back "
        "with its annotator's name and note, and every relation (a CLAIM linked to an ACTOR or a LOCATION by each "
        "annotator in each article: `relation` results and `<Relations>` in the config) between the same spans. It also sends one task as our export wrote it before (with "
        "`completed_by: {\"email\": \"Jane Doe\"}`) and records Label Studio's answer.\n\n"
        f"| check | result |\n|---|---|\n{rows}\n{others}", "utf-8")


def main() -> int:
    command = label_studio()
    with tempfile.TemporaryDirectory() as folder:
        result = check(command, Path(folder))
    write_report(result)
    print(json.dumps(result, indent=2))
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
