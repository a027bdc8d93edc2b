"""Where the window's trained models go, for a database file and for a PostgreSQL URL."""

from pathlib import Path

import platformdirs

from annotator.paths import models_folder


def test_beside_a_database_file(tmp_path):
    assert models_folder(tmp_path / "news.db") == tmp_path / "news-models"


def test_a_postgresql_database_gets_a_folder_named_after_host_and_database(monkeypatch, tmp_path):
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *args, **kwargs: str(tmp_path))
    assert models_folder("postgresql://alice@db.example.org:5433/news") == tmp_path / "models" / "db.example.org-5433-news"
    assert models_folder("postgres://alice@db.example.org/news") == tmp_path / "models" / "db.example.org-news"


def test_a_unix_socket_url_names_its_socket_folder_safely(monkeypatch, tmp_path):
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *args, **kwargs: str(tmp_path))
    folder = models_folder("postgresql://bob@/team?host=/tmp/pg socket")
    assert folder == tmp_path / "models" / "tmp_pg_socket-team"
    assert folder.parent == tmp_path / "models" and "/" not in folder.name and Path(folder.name).name == folder.name
