"""Bounds on what a user can ask for: numbers in model text, sizes, files.

Each is far above anything a model checker could finish with, and far below
what would make Python or Z3 fail on its own terms (an OverflowError from a
range of 10^23 values, a MemoryError from a tuple of 10^8, a 5000-digit
literal that ``int()`` refuses, an include of ``/dev/zero`` read forever), so
going past one is reported where it was written, never as a traceback.
"""

from __future__ import annotations

import os
import stat

# An integer literal: 32-bit signed, as ints are in the hardware being modelled
# (RMP fields, ASIDs, counters); a wider one is almost certainly a typo.
MAX_INT = 2**31 - 1

# Values of one int range ``lo..hi``: every engine on an instance enumerates
# the range's values (interpreter domains, argument tuples), one Python int
# each; a million costs about 40 MB and seconds, ten times more would not fit
# an engine's default memory limit.
MAX_RANGE_VALUES = 1_000_000

# Elements of one sort in an instance (instance blocks, --size, the gate's
# instances). Ten thousand pages already make a ground encoding of millions of
# constants for a map over two sorts; engines check the total themselves
# (engines.limits.ground_size) and say "too large" there.
MAX_SORT_SIZE = 10_000

# A model, property, configuration or trace file (and each included file):
# the shipped SEV-SNP library is under 100 kB in all; anything past 16 MB is
# not hand-written model text.
MAX_FILE_BYTES = 16 * 1024 * 1024


def too_many_digits(digits: str) -> bool:
    """Does the literal ``digits`` exceed MAX_INT? (Checked on the text, before ``int()``,
    which refuses more than 4300 digits with a ValueError of its own.)"""
    digits = digits.lstrip("0") or "0"
    return len(digits) > len(str(MAX_INT)) or int(digits) > MAX_INT


def literal_text(digits: str) -> str:
    """A literal as a message shows it: in full when short, else by its length."""
    return digits if len(digits) <= 24 else f"{digits[:12]}... ({len(digits)} digits)"


# A time limit, in seconds: finite (nan and inf would switch the limit off
# without saying so), at least 10 ms (the clock's useful resolution here; such
# a limit only ever gives "unknown", which is what it is for), at most about
# eleven days (longer is no limit at all).
MIN_TIMEOUT_S = 0.01
MAX_TIMEOUT_S = 1_000_000.0

# A memory limit, in MB (the address space of one engine process): Python with
# Z3 and the models maps about 100 MB before it starts, so less than 256 MB
# would fail every obligation for a reason that has nothing to do with it.
MIN_MEMORY_MB = 256
MAX_MEMORY_MB = 1 << 24  # 16 TB


def timeout_problem(value: float) -> str | None:
    """Why ``value`` is not a usable time limit, or None."""
    if value != value or value in (float("inf"), float("-inf")):
        return f"must be a finite number of seconds, not {value}"
    if not MIN_TIMEOUT_S <= value <= MAX_TIMEOUT_S:
        return f"must be between {MIN_TIMEOUT_S:g} and {MAX_TIMEOUT_S:,.0f} seconds, not {value:g}"
    return None


def memory_problem(value: int) -> str | None:
    """Why ``value`` is not a usable memory limit in MB, or None."""
    if not MIN_MEMORY_MB <= value <= MAX_MEMORY_MB:
        return f"must be between {MIN_MEMORY_MB} and {MAX_MEMORY_MB:,} MB, not {value:,}"
    return None


class UnreadableFile(Exception):
    """A file that cannot be read as input; the message says why, in user terms."""


_KINDS = {
    stat.S_ISDIR: "a directory",
    stat.S_ISFIFO: "a FIFO (named pipe)",
    stat.S_ISCHR: "a character device",
    stat.S_ISBLK: "a block device",
    stat.S_ISSOCK: "a socket",
}


def read_file(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a regular file of at most MAX_FILE_BYTES, or UnreadableFile saying why
    not. The file's kind is checked before it is opened: opening a FIFO waits for a
    writer, and ``/dev/zero`` never ends."""
    p = os.fspath(path)
    try:
        mode = os.stat(p).st_mode
    except FileNotFoundError:
        raise UnreadableFile(f"no such file: {p}") from None
    except PermissionError:
        raise UnreadableFile(f"permission denied: {p}") from None
    except (OSError, ValueError) as e:
        raise UnreadableFile(f"cannot read {p}: {getattr(e, 'strerror', None) or e}") from None
    if not stat.S_ISREG(mode):
        kind = next((k for test, k in _KINDS.items() if test(mode)), "not a regular file")
        raise UnreadableFile(f"{p} is {kind}, not a regular file")
    try:
        with open(p, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except PermissionError:
        raise UnreadableFile(f"permission denied: {p}") from None
    except OSError as e:
        raise UnreadableFile(f"cannot read {p}: {e.strerror or e}") from None
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile(f"{p} is larger than {MAX_FILE_BYTES >> 20} MB: not an input file")
    return data
