"""Words for the shopper, marked for translation where they are written (no Flask here).

Services name a message in English and the web layer says it in the shopper's language (the
``t`` filter, ``app.i18n.translate``). ``N_`` marks a plain message; ``Message`` one with
values in it, or a plural. A ``Message`` is the English text itself (a ``str``), so code and
logs that never translate still read it; ``python -m app.translations extract`` finds all
three by name.
"""

from __future__ import annotations

from typing import Any


def N_(msgid: str) -> str:  # gettext's name for "mark, translate later"
    """Mark a message for translation and return it unchanged."""
    return msgid


class Message(str):
    """A message with values (``%(name)s``), in English, that keeps what it is made of."""

    msgid: str
    plural: str | None
    count: int | None
    params: dict[str, Any]

    def __new__(cls, msgid: str, **params: Any) -> Message:
        """Return ``msgid % params`` that remembers the msgid and the values."""
        made = super().__new__(cls, msgid % params if params else msgid)
        made.msgid, made.plural, made.count, made.params = msgid, None, None, params
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled (a job's payload, say) it is its English text.
        return (str, (str(self),))


def plural_message(singular: str, plural: str, count: int, **params: Any) -> Message:
    """Return a message whose words depend on ``count`` (``%(num)d item``, ``%(num)d items``)."""
    values = {"num": count, **params}
    made = Message(singular if count == 1 else plural, **values)
    made.msgid, made.plural, made.count = singular, plural, count
    return made
