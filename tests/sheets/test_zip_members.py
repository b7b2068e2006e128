"""``Archive`` reads a member's bytes itself (zlib on the bytes in memory) for the plain members every program
writes: the same bytes as zipfile's, and a refusal wherever zipfile refuses, whatever was done to the file."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable

import pytest

from tenderscore.sheets.guard import Archive
from tests.sheets.xlsx_tools import build, parts

Fill = Callable[..., bytes]
REFUSED = (zipfile.BadZipFile, EOFError, zlib.error, ValueError, OSError, NotImplementedError, KeyError)
SHEET = "xl/worksheets/sheet3.xml"


def _local_header(data: bytes, name: str) -> int:
    return zipfile.ZipFile(io.BytesIO(data)).getinfo(name).header_offset


def _central_entry(data: bytes, name: str) -> int:
    start = 0
    while (found := data.find(b"PK\x01\x02", start)) >= 0:
        length = struct.unpack_from("<H", data, found + 28)[0]
        if data[found + 46 : found + 46 + length] == name.encode():
            return found
        start = found + 4
    raise AssertionError(name)


def _changed(data: bytes, how: str) -> bytes:
    out = bytearray(data)
    if how == "stored":
        return build(parts(data), zipfile.ZIP_STORED)
    if how == "local name":  # the local header names another part (same length)
        offset = _local_header(data, SHEET) + 30
        out[offset + len(SHEET) - 5] ^= 0x01
    elif how == "crc":
        struct.pack_into("<I", out, _central_entry(data, SHEET) + 16, 0x12345678)
    elif how in ("larger", "smaller"):  # declared size, central directory and local header alike
        entry, local = _central_entry(data, SHEET), _local_header(data, SHEET)
        size = struct.unpack_from("<I", out, entry + 24)[0]
        new = size + 1000 if how == "larger" else 100
        struct.pack_into("<I", out, entry + 24, new)
        struct.pack_into("<I", out, local + 22, new)
    elif how == "garbled":
        local = _local_header(data, SHEET)
        start = local + 30 + sum(struct.unpack_from("<HH", data, local + 26))
        for i in range(start + 20, start + 60):
            out[i] ^= 0x5A
    elif how == "bad signature":
        out[_local_header(data, SHEET) + 1] ^= 0x01
    elif how == "zero size":
        entry, local = _central_entry(data, SHEET), _local_header(data, SHEET)
        struct.pack_into("<I", out, entry + 24, 0)
        struct.pack_into("<I", out, local + 22, 0)
    return bytes(out)


def _outcome(read: Callable[[str], bytes], name: str) -> tuple[str, bytes]:
    try:
        return "read", read(name)
    except REFUSED:
        return "refused", b""


@pytest.mark.parametrize(
    "how", ["as is", "stored", "local name", "crc", "larger", "smaller", "garbled", "bad signature", "zero size"]
)
def test_every_member_reads_as_zipfile_reads_it(fill: Fill, how: str) -> None:
    data = _changed(fill(), how)
    reference = zipfile.ZipFile(io.BytesIO(data))
    with Archive(data) as archive:
        for info in archive.infolist():
            ours = _outcome(archive.part, info.filename)
            theirs = _outcome(reference.read, info.filename)
            assert ours == theirs, (how, info.filename)
            if info.filename != SHEET or how == "as is":
                assert ours[0] == "read"


@pytest.mark.parametrize("how", ["as is", "stored", "crc"])
def test_the_first_bytes_of_a_member_are_zipfiles(fill: Fill, how: str) -> None:
    data = _changed(fill(), how)
    reference = zipfile.ZipFile(io.BytesIO(data))
    with Archive(data) as archive:
        for info in archive.infolist():
            with reference.open(info) as stream:
                assert archive.head(info, kept=False) == stream.read(8), info.filename
