"""Refusing hostile or unusable files before any spreadsheet parser sees them.

An ``.xlsx`` is a zip of XML parts. The guard looks at the zip's directory, ``[Content_Types].xml``, the
relationship parts (parsed by ``safexml``: expat, no DTD) and the first bytes of every part, and refuses: what is
not a zip (an encrypted or old ``.xls`` workbook is an OLE file), archives too large compressed or once
decompressed, compression-ratio bombs, too many parts, macros, external links and content types a response
template never holds. Python's zipfile never decompresses past a member's declared size (and a member that lies
fails its CRC), so the declared sizes checked here bound what the reader will inflate. The parts the reader parses
whole are decompressed once, here, and kept for it (``Archive.part``).
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException

from tenderscore.sheets import safexml

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGIC = b"PK\x03\x04"
_OOXML = "application/vnd.openxmlformats-officedocument."
ALLOWED_CONTENT_TYPES = frozenset(
    content_type.lower()
    for content_type in {
        "application/xml",
        "application/vnd.openxmlformats-package.relationships+xml",
        "application/vnd.openxmlformats-package.core-properties+xml",
        _OOXML + "extended-properties+xml",
        _OOXML + "custom-properties+xml",
        _OOXML + "customXmlProperties+xml",
        _OOXML + "theme+xml",
        _OOXML + "themeOverride+xml",
        _OOXML + "drawing+xml",
        _OOXML + "drawingml.chart+xml",
        _OOXML + "vmlDrawing",
        _OOXML + "spreadsheetml.sheet.main+xml",
        _OOXML + "spreadsheetml.template.main+xml",
        _OOXML + "spreadsheetml.worksheet+xml",
        _OOXML + "spreadsheetml.sharedStrings+xml",
        _OOXML + "spreadsheetml.styles+xml",
        _OOXML + "spreadsheetml.calcChain+xml",
        _OOXML + "spreadsheetml.comments+xml",
        _OOXML + "spreadsheetml.table+xml",
        _OOXML + "spreadsheetml.sheetMetadata+xml",
        _OOXML + "spreadsheetml.volatileDependencies+xml",
        _OOXML + "spreadsheetml.printerSettings",
        "application/vnd.ms-excel.person+xml",
        "application/vnd.ms-excel.threadedcomments+xml",
        "application/vnd.ms-office.chartstyle+xml",
        "application/vnd.ms-office.chartcolorstyle+xml",
        "application/vnd.ms-office.classificationlabels+xml",  # sensitivity labels, common in public bodies
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/x-emf",
        "image/x-wmf",
    }
)
HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
_MACRO_HINTS = (
    "macroenabled", "vbaproject", "activex", "oleobject", "controlproperties", "macrosheet", "dialogsheet",
    "attachedtoolbars", "keymapcustomizations", "vbadata",
)  # fmt: skip
_EXTERNAL_HINTS = ("externallink", "connections", "querytable", "attachedtemplate")
_MACRO_HINT = re.compile("|".join(map(re.escape, _MACRO_HINTS)))  # one search instead of a loop per part
_EXTERNAL_HINT = re.compile("|".join(map(re.escape, _EXTERNAL_HINTS)))
# Relationship types that load code, embedded programs or outside data, by the last segment of the type URI
# (transitional, strict and Microsoft namespaces alike), refused wherever they appear whatever the target's name.
_MACRO_RELATIONSHIPS = frozenset(
    kind.lower()
    for kind in (
        "vbaProject", "vbaProjectSignature", "vbaProjectSignatureAgile", "vbaProjectSignatureV3", "wordVbaData",
        "oleObject", "package", "activeX", "activeXControl", "activeXControlBinary", "control", "ctrlProp",
        "xlMacrosheet", "xlIntlMacrosheet", "macrosheet", "dialogsheet", "attachedToolbars", "keyMapCustomizations",
        "extensibility", "customUI", "webextension", "webextensiontaskpanes",
    )
)  # fmt: skip
_EXTERNAL_RELATIONSHIPS = frozenset(
    kind.lower()
    for kind in (
        "externalLink", "externalLinkPath", "xlPathMissing", "xlStartup", "xlAlternateStartup", "xlLibrary",
        "attachedTemplate", "connections", "queryTable", "frame", "subDocument", "oleLink", "ddeLink",
    )
)  # fmt: skip
_WEB_SCHEMES = ("http://", "https://", "mailto:")
_IMAGE_MAGIC = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
}
CONTENT_TYPES = "[Content_Types].xml"


# the parts parsed whole (relationships by the guard, the rest by the reader): decompressed once, by the guard's
# content check, and kept
_KEPT_TYPES = frozenset(
    {"application/vnd.openxmlformats-package.relationships+xml"}
    | {
        _OOXML + kind
        for kind in (
            "spreadsheetml.sheet.main+xml",
            "spreadsheetml.template.main+xml",
            "spreadsheetml.worksheet+xml",
            "spreadsheetml.sharedStrings+xml",
            "spreadsheetml.styles+xml",
        )
    }
)


# what reading and parsing a part may raise for a damaged or hostile one (zlib's own error included: zipfile lets a
# corrupt deflate stream's error through)
_UNREADABLE = (safexml.ExpatError, DefusedXmlException, ValueError, zipfile.BadZipFile, OSError, EOFError, zlib.error)


class WorkbookRejected(ValueError):
    """A file that cannot be read as a response workbook. The message is for the bidder (a 4xx, never a 500)."""


class Archive(zipfile.ZipFile):
    """A zip whose directory passed the guard's limits. ``part`` gives a part's bytes, decompressed once: the parts
    the guard reads whole (relationships, and the workbook, worksheets, styles and shared strings whose first bytes
    it checks) are kept, until the archive is closed, for the reader. The limits bound what is kept."""

    def __init__(self, data: bytes) -> None:
        self._kept: dict[str, bytes] = {}  # first: a zip that fails to open is still closed
        self._trees: dict[str, Element] = {}
        super().__init__(io.BytesIO(data))

    def part(self, name: str) -> bytes:
        """The bytes of the part ``name``; raises ``KeyError`` if there is none, zipfile's errors if damaged."""
        found = self._kept.get(name)
        if found is None:
            found = self._kept[name] = self.read(name)
        return found

    def head(self, info: zipfile.ZipInfo, kept: bool) -> bytes:
        """The first 8 bytes of a part: read whole and kept if ``kept`` (or if it was already), else only them."""
        found = self._kept.get(info.filename)
        if found is not None or kept:
            return (found if found is not None else self.part(info.filename))[:8]
        with self.open(info) as stream:
            return stream.read(8)

    def tree(self, name: str) -> Element:
        """The part ``name`` parsed by ``safexml.tree``, once (the guard and the reader both read the relationships);
        raises what ``part`` and ``safexml.tree`` raise. The tree is shared: its users never change it."""
        found = self._trees.get(name)
        if found is None:
            found = self._trees[name] = safexml.tree(self.part(name))
        return found

    def close(self) -> None:
        self._kept.clear()
        self._trees.clear()
        super().close()


@dataclass(frozen=True)
class GuardLimits:
    """How big a workbook may be. A filled response template is well under 1 MB."""

    max_compressed: int = 10 * 1024 * 1024
    max_uncompressed: int = 50 * 1024 * 1024
    max_member: int = 20 * 1024 * 1024
    max_xml_member: int = 8 * 1024 * 1024  # XML is parsed in Python: a filled template's largest part is ~200 kB
    max_ratio: int = 100  # uncompressed / compressed, for members above ratio_floor
    ratio_floor: int = 1024 * 1024
    max_parts: int = 300


DEFAULT_LIMITS = GuardLimits()


def check_defusedxml() -> None:
    """Fail start-up clearly unless defusedxml is installed and openpyxl uses it."""
    try:
        import defusedxml  # noqa: F401
        import openpyxl
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise RuntimeError(f"defusedxml and openpyxl must be installed to read workbooks safely: {exc}") from exc
    if not getattr(openpyxl, "DEFUSEDXML", False):
        raise RuntimeError(
            "openpyxl is not using defusedxml (is OPENPYXL_DEFUSEDXML set to something other than True?): "
            "workbooks cannot be read safely"
        )


def guard_workbook(data: bytes, limits: GuardLimits = DEFAULT_LIMITS) -> None:
    """Raise ``WorkbookRejected`` unless ``data`` looks like a plain ``.xlsx`` workbook within ``limits``."""
    with open_archive(data, limits) as archive:
        check_archive(archive)


def check_archive(archive: Archive) -> None:
    """The content checks of ``guard_workbook`` on an archive from ``open_archive``."""
    types = _content_types(archive)
    for declared in types.values():
        _check_content_type(declared, "")
    for info in archive.infolist():
        _check_member(info, types)
        _check_content(archive, info, types)
    for info in archive.infolist():
        if info.filename.endswith(".rels"):
            _check_relationships(archive, info)


def open_archive(data: bytes, limits: GuardLimits = DEFAULT_LIMITS) -> Archive:
    """``data`` as an open zip whose directory is within ``limits``; raises ``WorkbookRejected``."""
    if data.startswith(OLE_MAGIC):
        raise WorkbookRejected(
            "This workbook is password-protected (or is an old .xls file) and cannot be read: remove the "
            "password and save it as an Excel Workbook (.xlsx)."
        )
    if len(data) > limits.max_compressed:
        raise WorkbookRejected(
            f"The file is {len(data) / 2**20:.1f} MB; the largest accepted is {limits.max_compressed / 2**20:.0f} MB."
        )
    if not data.startswith(ZIP_MAGIC):
        raise WorkbookRejected("This file is not an Excel workbook: save it as an Excel Workbook (.xlsx).")
    try:
        archive = Archive(data)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise WorkbookRejected("This file is damaged or not an Excel workbook (.xlsx).") from exc
    try:
        _check_directory(archive.infolist(), limits)
    except WorkbookRejected:
        archive.close()
        raise
    return archive


def _check_directory(infos: list[zipfile.ZipInfo], limits: GuardLimits) -> None:
    if len(infos) > limits.max_parts:
        raise WorkbookRejected(f"The workbook has {len(infos)} parts; at most {limits.max_parts} are accepted.")
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        raise WorkbookRejected("The workbook is malformed: it holds two parts with the same name.")
    if "mimetype" in names:
        raise WorkbookRejected("This is an OpenDocument spreadsheet (.ods): save it as an Excel Workbook (.xlsx).")
    if any(info.flag_bits & 0x1 for info in infos):
        raise WorkbookRejected("This workbook is encrypted and cannot be read: remove the password and save again.")
    total = 0
    for info in infos:
        xml = info.filename.lower().endswith((".xml", ".rels"))
        if info.file_size > (limits.max_xml_member if xml else limits.max_member):
            raise WorkbookRejected(f"The part {info.filename} is too large once decompressed.")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor and ratio > limits.max_ratio:
            raise WorkbookRejected(f"The part {info.filename} decompresses {ratio:.0f} times: refused as a zip bomb.")
        total += info.file_size
    if total > limits.max_uncompressed:
        raise WorkbookRejected(
            f"The workbook is {total / 2**20:.0f} MB once decompressed; at most "
            f"{limits.max_uncompressed / 2**20:.0f} MB is accepted."
        )
    if CONTENT_TYPES not in names:
        raise WorkbookRejected("This file is not an Excel workbook (it has no [Content_Types].xml).")


def _xml(archive: Archive, name: str) -> Element:
    try:
        return archive.tree(name)
    except _UNREADABLE as exc:
        raise WorkbookRejected(f"The workbook is damaged or unsafe: its part {name} cannot be read.") from exc


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _content_types(archive: Archive) -> dict[str, str]:
    """Part name (without the leading ``/``, lower case) or ``*.ext`` -> content type."""
    root = _xml(archive, CONTENT_TYPES)
    types: dict[str, str] = {}
    for element in root:
        kind = _local(element.tag)
        content_type = (element.get("ContentType") or "").strip().lower()
        if kind == "Default":
            types["*." + (element.get("Extension") or "").lower()] = content_type
        elif kind == "Override":
            types[(element.get("PartName") or "").lstrip("/").lower()] = content_type
    return types


def _content_type_of(name: str, types: dict[str, str]) -> str | None:
    key = name.lower()
    if key in types:
        return types[key]
    base = posixpath.basename(key)
    return types.get("*." + base.rpartition(".")[2]) if "." in base else None


def _check_member(info: zipfile.ZipInfo, types: dict[str, str]) -> None:
    name = info.filename
    if name.startswith("/") or "\\" in name or ".." in name.split("/"):
        raise WorkbookRejected(f"The workbook is malformed: a part has an unsafe name ({name!r}).")
    if info.is_dir() or name == CONTENT_TYPES:
        return
    content_type = _content_type_of(name, types)
    _check_content_type(content_type or "", name)
    if content_type is None or content_type.split(";")[0].strip() not in ALLOWED_CONTENT_TYPES:
        raise WorkbookRejected(
            f"This workbook holds a part a response template never has ({name}, {content_type or 'no type'}): "
            "copy your answers into a fresh template."
        )


def _check_content_type(content_type: str, name: str) -> None:
    """Refuse a content type (declared in [Content_Types].xml, used or not) or part name that means macros,
    embedded programs or links to outside data."""
    lowered = name.lower() + " " + content_type.lower()
    if _MACRO_HINT.search(lowered):
        raise _macros(name or content_type)
    if _EXTERNAL_HINT.search(lowered):
        raise WorkbookRejected(
            "This workbook links to other files or data sources, which are not accepted: remove the links "
            "(Data > Edit Links > Break Link) and save again."
        )


def _macros(part: str) -> WorkbookRejected:
    return WorkbookRejected(
        f"This workbook contains macros or embedded objects ({part}), which are not accepted: save it as an Excel "
        "Workbook (.xlsx), not a macro-enabled workbook (.xlsm)."
    )


def _check_content(archive: Archive, info: zipfile.ZipInfo, types: dict[str, str]) -> None:
    """Judge a part by what it holds, not by its name: no OLE compound file (a VBA project, an embedded object
    or ActiveX control, an encrypted package) and no zip (an embedded document) anywhere, and an image is one."""
    if info.is_dir() or info.file_size == 0:
        return
    content_type = (_content_type_of(info.filename, types) or "").split(";")[0].strip()
    try:
        head = archive.head(info, content_type in _KEPT_TYPES)  # kept: read whole once, for the reader too
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, zlib.error) as exc:
        raise WorkbookRejected(f"The workbook is damaged: its part {info.filename} cannot be read.") from exc
    if head.startswith(OLE_MAGIC):
        raise _macros(info.filename)
    if head.startswith(ZIP_MAGIC):
        raise WorkbookRejected(
            f"This workbook holds an embedded file ({info.filename}), which is not accepted: copy your answers "
            "into a fresh template."
        )
    magic = _IMAGE_MAGIC.get(content_type)
    if magic is not None and not head.startswith(magic):
        raise WorkbookRejected(
            f"The workbook's part {info.filename} is not the image its type says ({content_type}): remove the "
            "picture or copy your answers into a fresh template."
        )


def _relationship_kind(element: Element) -> str:
    """``.../relationships/vbaProject`` -> ``vbaproject``."""
    return (element.get("Type") or "").strip().rstrip("/").rpartition("/")[2].lower()


def _check_relationships(archive: Archive, info: zipfile.ZipInfo) -> None:
    root = _xml(archive, info.filename)
    for element in root:
        kind = _relationship_kind(element)
        target = (element.get("Target") or "").strip()
        external = (element.get("TargetMode") or "").strip().lower() == "external"
        if external or ":" in target or "\\" in target:  # outside this package
            if not (external and element.get("Type") == HYPERLINK and target.lower().startswith(_WEB_SCHEMES)):
                raise WorkbookRejected(
                    "This workbook links to an external file or address, which is not accepted: remove the link "
                    "(Data > Edit Links > Break Link) and save again."
                )
            continue  # a web address typed in a cell: inert, never followed
        if kind in _MACRO_RELATIONSHIPS:
            raise _macros(f"a {kind} relationship in {info.filename}")
        if kind in _EXTERNAL_RELATIONSHIPS:
            raise WorkbookRejected(
                f"This workbook links to other files or data sources ({kind}, in {info.filename}), which is not "
                "accepted: remove the links (Data > Edit Links > Break Link) and save again."
            )
