"""Keywords of sweep() as flags of `plateau run`, one generic rule so that every flag the CLI
has (and every flag it gains) is reachable without a list kept here: `name_with_underscores`
becomes `--name-with-underscores`; True is a bare flag, False and None leave it out; a
timedelta is seconds (`90s`); a range of step 1 is `A..B`; other lists, tuples and ranges are
comma-separated; anything else is its str(). The CLI itself judges every value, so a refusal
is its own sentence."""

import datetime

# Flags sweep() sets itself: the pool of the function, and the folder it reads back.
RESERVED = {"persistent", "mode", "json", "emit_results", "resume"}


def _value(value):
    if isinstance(value, datetime.timedelta):
        return f"{value.total_seconds():g}s"
    if isinstance(value, range) and value.step == 1 and len(value) > 1:
        return f"{value.start}..{value.stop - 1}"
    if isinstance(value, (list, tuple, range, set, frozenset)):
        items = sorted(value) if isinstance(value, (set, frozenset)) else value
        return ",".join(str(v) for v in items)
    return str(value)


def to_flags(options):
    """The `plateau run` arguments of keyword options, in their given order."""
    args = []
    for key, value in options.items():
        if key in RESERVED:
            raise ValueError(f"sweep() sets --{key.replace('_', '-')} itself; leave out {key}=")
        if value is None or value is False:
            continue
        flag = "--" + key.replace("_", "-")
        args += [flag] if value is True else [flag, _value(value)]
    return args


def seconds(value):
    """A duration keyword given as a number of seconds or a timedelta, as the CLI writes it;
    a string passes through (e.g. "2m")."""
    if isinstance(value, bool):
        raise ValueError(f"a duration must be seconds or a timedelta, not {value!r}")
    if isinstance(value, (int, float)):
        return f"{value:g}s"
    return value
