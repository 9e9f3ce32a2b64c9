"""Well-formed lexical forms: the XSD 1.1 grammar of the common datatypes.

SHACL's sh:datatype asks for a literal that is well-formed for its datatype. rdflib (and so
pySHACL) accepts some lexical forms that XSD does not: "2011-01-01"^^xsd:dateTime (no time),
" 5"^^xsd:integer (spaces). The grammar of XSD 1.1 Part 2 decides, for the datatypes below;
a literal rdflib reads although XSD does not is marked ill-typed (:func:`mark_ill_formed`,
called by :func:`imhgraph.exact.to_rdflib` on every literal read), so that both validation
engines flag it, with its value as written.
"""

from __future__ import annotations

import re

_XSD = "http://www.w3.org/2001/XMLSchema#"
_RX_TZ = r"(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
_RX_YEAR = r"-?([1-9][0-9]{3,}|0[0-9]{3})"
_RX_DATE = _RX_YEAR + r"-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
_RX_TIME = r"(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|24:00:00(\.0+)?)"
_RX_DT = r"(([0-9]+H)([0-9]+M)?([0-9]+(\.[0-9]+)?S)?|([0-9]+M)([0-9]+(\.[0-9]+)?S)?|[0-9]+(\.[0-9]+)?S)"
_RX_YM = r"([0-9]+Y([0-9]+M)?|[0-9]+M)"
_RX_INTEGER = r"[+-]?[0-9]+"
_RX_DECIMAL = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"
_RX_FLOAT = r"([+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([Ee][+-]?[0-9]+)?|[+-]?INF|NaN)"
LEXICAL_SPACE: dict[str, re.Pattern[str]] = {
    _XSD + name: re.compile(pattern)
    for name, pattern in {
        "boolean": r"true|false|1|0",
        "decimal": _RX_DECIMAL,
        "float": _RX_FLOAT,
        "double": _RX_FLOAT,
        "date": _RX_DATE + _RX_TZ,
        "time": _RX_TIME + _RX_TZ,
        "dateTime": _RX_DATE + "T" + _RX_TIME + _RX_TZ,
        "dateTimeStamp": _RX_DATE + "T" + _RX_TIME + r"(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))",
        "gYear": _RX_YEAR + _RX_TZ,
        "gYearMonth": _RX_YEAR + r"-(0[1-9]|1[0-2])" + _RX_TZ,
        "duration": r"-?P(" + _RX_YM + r"([0-9]+D)?(T" + _RX_DT + r")?|[0-9]+D(T" + _RX_DT + r")?|T" + _RX_DT + ")",
        "dayTimeDuration": r"-?P([0-9]+D(T" + _RX_DT + r")?|T" + _RX_DT + ")",
        "yearMonthDuration": r"-?P" + _RX_YM,
        **{
            name: _RX_INTEGER
            for name in (
                "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong", "unsignedShort",
                "unsignedByte",
            )
        },
    }.items()
}


def well_formed(lexical: str, datatype: str) -> bool | None:
    """Whether *lexical* is in the lexical space of the XSD *datatype* (None: a datatype this
    module has no grammar for)."""
    pattern = LEXICAL_SPACE.get(datatype)
    return None if pattern is None else pattern.fullmatch(lexical) is not None


def mark_ill_formed(literal: object) -> object:
    """*literal* (rdflib), marked ill-typed where rdflib reads a lexical form that XSD's
    grammar does not allow (see above); the same literal otherwise."""
    datatype = getattr(literal, "datatype", None)
    if datatype is not None and literal.ill_typed is False:  # type: ignore[attr-defined]
        pattern = LEXICAL_SPACE.get(str(datatype))
        if pattern is not None and pattern.fullmatch(str(literal)) is None:
            literal._ill_typed = True  # type: ignore[attr-defined]
    return literal
