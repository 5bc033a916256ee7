"""A PostgreSQL server with a fixed capacity of K slots, as a plateau worker task (psycopg 3).

Each task runs one short transaction that takes one of K advisory locks and holds it for
PG_SLOT_MS milliseconds (`pg_sleep`), so at most K tasks make progress at once: the server,
not this machine's CPUs, sets the right pool size. Run it with plateau's Python adapter:

    PYTHONPATH=python:examples/postgres \
        plateau run --persistent --workers 1..12 -- python3 -m plateau_bench.worker slots:task

Settings (environment):
    PG_SLOTS    K, the number of locks (default 4)
    PG_SLOT_MS  how long a task holds its lock, in milliseconds (default 20)
    PGHOST, PGPORT, PGUSER, PGDATABASE (and PGPASSWORD): the standard libpq variables

A task first tries lock `n % K` and the others after it without waiting
(`pg_try_advisory_xact_lock`), and waits on `pg_advisory_xact_lock(n % K)` only when all K are
held. With the plain `pg_advisory_xact_lock(n % K)` alone, two workers whose task numbers are K
apart would queue on one lock while another sat free, and the server would offer fewer than K
slots. The lock ends with the transaction.

Each worker process connects once, when it starts (before plateau's clock). A server that
cannot be reached fails the worker before it says `ready`, with a message naming the variables.
"""

import os

LIBPQ_VARIABLES = ("PGHOST", "PGPORT", "PGUSER", "PGDATABASE")


def _positive(name, default, kind):
    text = os.environ.get(name, str(default))
    try:
        value = kind(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise ValueError(f"{name}={text!r} is not a positive number; unset it for {default}")
    return value


SLOTS = _positive("PG_SLOTS", 4, int)
SLOT_S = _positive("PG_SLOT_MS", 20, float) / 1000.0


def _connect():
    try:
        import psycopg
    except ImportError:
        raise RuntimeError(
            "psycopg 3 is not installed in this Python: pip install 'psycopg[binary]'"
        ) from None
    try:
        return psycopg.connect("", connect_timeout=10, autocommit=True)
    except psycopg.OperationalError as e:
        settings = ", ".join(f"{v}={os.environ.get(v, '(unset)')}" for v in LIBPQ_VARIABLES)
        reason = " ".join(str(e).split())
        raise RuntimeError(
            f"cannot reach PostgreSQL with {settings} ({reason}); set PGHOST, PGPORT, PGUSER "
            "and PGDATABASE (and PGPASSWORD if the server asks for one) to a server that "
            "accepts connections"
        ) from None


_conn = _connect()


def task(n):
    """One transaction: take a free slot (or wait for slot n % K), hold it PG_SLOT_MS ms."""
    first = n % SLOTS
    with _conn.transaction(), _conn.cursor() as cur:
        for i in range(SLOTS):
            slot = (first + i) % SLOTS
            if cur.execute("SELECT pg_try_advisory_xact_lock(%s)", (slot,)).fetchone()[0]:
                break
        else:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (first,))
        cur.execute("SELECT pg_sleep(%s)", (SLOT_S,))
