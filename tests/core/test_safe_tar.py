"""Backups are unpacked without letting a crafted archive write outside its folder."""

from __future__ import annotations

import io
import tarfile

import pytest

from solidarity.core.safe_tar import UnsafeArchive, extract_all


def archive_with(tmp_path, name: str, data: bytes = b"x"):
    path = tmp_path / "in.tar"
    with tarfile.open(path, "w") as tar:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return path


def test_plain_members_are_unpacked(tmp_path) -> None:
    into = tmp_path / "out"
    into.mkdir()
    extract_all(archive_with(tmp_path, "publiclog/entries.jsonl", b"{}\n"), into)
    assert (into / "publiclog" / "entries.jsonl").read_bytes() == b"{}\n"


@pytest.mark.parametrize("name", ["../escaped.txt", "publiclog/../../escaped.txt"])
def test_a_member_outside_the_folder_is_refused(tmp_path, name) -> None:
    into = tmp_path / "out"
    into.mkdir()
    with pytest.raises(UnsafeArchive):
        extract_all(archive_with(tmp_path, name), into)
    assert not (tmp_path / "escaped.txt").exists()
