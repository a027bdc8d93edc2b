"""The command line and the window writing the same database at once: the later writer waits, nothing is lost."""

from __future__ import annotations

import json
import select
import subprocess
import sys

from PySide6.QtCore import Qt

from annotator.store import open_store
from tests.gui.test_labelling import TEXT, add, spans

IMPORT_PAUSED_IN_ITS_TRANSACTION = """
import sys
from annotator import cli


def pause_once(self, done, total):
    if not getattr(self, "paused", False):
        self.paused = True
        print("in transaction", flush=True)
        sys.stdin.readline()  # the parent lets us go on once the window has begun its own write


cli._progress.update = pause_once
cli.main()
"""


def test_a_label_made_while_an_import_holds_the_database_waits_and_both_land(store, make_window, qtbot, tmp_path):
    add(store, TEXT)
    window = make_window(store)
    store.set_busy_wait(30)  # what is tested is that the label waits and lands, not how long: a busy machine commits slowly
    source = tmp_path / "news.jsonl"
    source.write_text("".join(json.dumps({"text": f"Article {i} from the wire."}) + "\n" for i in range(3000)))
    child = subprocess.Popen([sys.executable, "-c", IMPORT_PAUSED_IN_ITS_TRANSACTION, "import", str(source),
                              "--db", store.path], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    ready, _, _ = select.select([child.stdout], [], [], 120)  # a deadline only against a hung child
    assert ready and child.stdout.readline() == "in transaction\n"

    released = []

    def release_the_import(statement: str) -> None:
        if statement == "BEGIN IMMEDIATE" and not released:  # the window is about to meet the import's lock
            child.stdin.write("go\n")
            child.stdin.flush()
            released.append(statement)

    store.conn.set_trace_callback(release_the_import)
    window.view.select(0, 5)
    qtbot.keyClick(window.view, Qt.Key.Key_2)
    store.conn.set_trace_callback(None)
    out, _ = child.communicate(timeout=120)

    assert released and child.returncode == 0 and out.startswith("3,000 new"), out
    assert spans(store) == [(0, 5, "ACTOR", "Japan")]
    assert "could not" not in window.statusBar().currentMessage().lower()
    other = open_store(store.path)
    assert other.article_count() == 3001 and other.integrity_ok()
    assert [(s.start, s.end, s.label) for s in other.spans("a000", "tester")] == [(0, 5, "ACTOR")]
    other.close()
