"""Raw WordprocessingML helpers for what python-docx has no API for, kept in the schema's order."""

from __future__ import annotations

from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

# Word refuses a file whose property children are out of the schema's order, so every element added
# by hand goes before the first of its successors already present. Each list starts at the first
# element this package adds by hand.
_ORDER = {
    "w:sectPr": "pgBorders lnNumType pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi"
    " rtlGutter docGrid printerSettings sectPrChange",
    "w:tblPr": "tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription",
    "w:pPr": "pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE"
    " autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap"
    " jc textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange",
}


def _local(tag: str) -> str:
    """ "{namespace}pBdr" -> "w:pBdr"."""
    return "w:" + tag.split("}")[1]


def insert(parent: Any, element: Any) -> Any:
    """Insert `element` into a w:sectPr, w:tblPr or w:pPr at its place in the schema order."""
    order = ["w:" + name for name in _ORDER[_local(parent.tag)].split()]
    successors = order[order.index(_local(element.tag)) + 1 :]
    parent.insert_element_before(element, *successors)
    return element


def element(tag: str, children: tuple[Any, ...] = (), **attributes: str) -> Any:
    """Build an element with w: attributes, e.g. element("w:tblInd", w="0", type="dxa")."""
    result = OxmlElement(tag)
    for key, value in attributes.items():
        result.set(qn(f"w:{key}"), value)
    for child in children:
        result.append(child)
    return result
