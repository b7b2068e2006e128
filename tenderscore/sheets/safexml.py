"""XML from strangers, parsed by expat itself with no document type declaration allowed at all.

Every part of a workbook is XML written by whoever sent it. The parser here refuses what defusedxml refuses
(entity declarations, unparsed entities, external references), raising defusedxml's own exceptions, and more: any
``<!DOCTYPE``, before a single declaration in it is read. An OOXML part never has one. Without a DTD no entity can be
declared, so there is nothing to expand (billion laughs, quadratic blow-up) and nothing outside to fetch; expat
still checks that the document is well formed.

Why not ``defusedxml.ElementTree``: it is the pure-Python ``XMLParser`` with a Python callback for every start tag,
end tag and text (about three times the cost of the parse itself). Here expat calls the C ``TreeBuilder`` directly
(``tree``), or the caller's own handlers (``parser``), so a part is parsed once, at C speed, into what is needed.

Names are expat's: ``uri}local`` for a namespaced element or attribute, ``local`` without a namespace, so ``local``
(everything after the last ``}``) accepts any namespace, transitional or strict.
"""

from __future__ import annotations

import pyexpat
from xml.etree.ElementTree import Element, TreeBuilder

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

ExpatError = pyexpat.ExpatError
NAMESPACE_SEPARATOR = "}"


def _refuse_doctype(name: str, system_id: str | None, public_id: str | None, _internal: bool) -> None:
    raise DTDForbidden(name, system_id, public_id)


def _refuse_entity(name: str, _is_parameter: bool, value: str | None, base: str | None, system_id: str | None,
                   public_id: str | None, notation: str | None) -> None:  # fmt: skip
    raise EntitiesForbidden(name, value, base, system_id, public_id, notation)


def _refuse_unparsed_entity(name: str, base: str | None, system_id: str | None, public_id: str | None,
                            notation: str | None) -> None:  # fmt: skip
    raise EntitiesForbidden(name, None, base, system_id, public_id, notation)


def _refuse_external(context: str, base: str | None, system_id: str | None, public_id: str | None) -> int:
    raise ExternalReferenceForbidden(context, base, system_id, public_id)


def parser() -> pyexpat.XMLParserType:
    """A new expat parser that refuses any DTD, entity or external reference; the caller adds its own start, end
    and character handlers. Text is buffered (one call per run of text, split only past 64 kB)."""
    created = pyexpat.ParserCreate(None, NAMESPACE_SEPARATOR)
    created.StartDoctypeDeclHandler = _refuse_doctype
    created.EntityDeclHandler = _refuse_entity
    created.UnparsedEntityDeclHandler = _refuse_unparsed_entity
    created.ExternalEntityRefHandler = _refuse_external
    created.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)
    created.buffer_text = True
    created.buffer_size = 65536
    return created


def tree(data: bytes) -> Element:
    """``data`` parsed into an ElementTree; raises ``ExpatError`` or a defusedxml exception. For the small parts
    (content types, relationships, the workbook, styles, shared strings): a worksheet is streamed by its reader."""
    builder = TreeBuilder()
    expat = parser()
    expat.StartElementHandler = builder.start
    expat.EndElementHandler = builder.end
    expat.CharacterDataHandler = builder.data
    expat.Parse(data, True)
    root: Element = builder.close()
    return root


def local(name: str) -> str:
    """``uri}c`` -> ``c``."""
    return name.rpartition(NAMESPACE_SEPARATOR)[2]
