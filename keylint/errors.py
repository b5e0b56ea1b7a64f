"""The one error type people see: caught at the CLI boundary, printed on one line, exit 2."""

from __future__ import annotations


class KeylintError(Exception):
    """A problem the user must act on (bad usage, config, baseline or input)."""


_CRASH_DETAIL = 200  # characters of the exception's own message: one line, not a dump


def crash_message(exc: BaseException) -> str:
    """One line for an unexpected exception (a bug): the file being handled when known, and what
    broke, secrets masked. For the last-resort handler of every entry point, which then exits 2
    (never 1: that means findings) without a traceback."""
    try:
        from keylint.masking import shown_path

        path = _path_of(exc)
        where = f"{shown_path(path)}: " if path else ""
    except Exception:  # the masking itself broke: name nothing that may hold a key
        where = ""
    return f"{where}{internal_error(exc)}"


def internal_error(exc: BaseException) -> str:
    """`internal error (Type: message); please report it`: what broke, on one line, secrets
    masked (only the type when the masking itself breaks). Also a file's reason in a scan that
    goes on past it."""
    try:
        from keylint.masking import redact_text

        detail = " ".join(str(exc).split())
        if len(detail) > _CRASH_DETAIL:
            detail = detail[:_CRASH_DETAIL] + "..."
        what = f"{type(exc).__name__}: {redact_text(detail)}" if detail else type(exc).__name__
    except Exception:
        what = type(exc).__name__
    return f"internal error ({what}); please report it"


def _path_of(exc: BaseException) -> str | None:
    """The file `exc` concerns: its `filename` (OSError, SyntaxError), else the innermost
    keylint frame's file variable (a scan target, a path)."""
    import os

    filename = getattr(exc, "filename", None)
    if isinstance(filename, (str, bytes, os.PathLike)) and filename:
        return os.fsdecode(filename)
    frames = []
    tb = exc.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    for frame in reversed(frames):
        if not str(frame.f_globals.get("__name__", "")).startswith("keylint."):
            continue
        for name in ("target", "display", "path", "filename"):
            value = frame.f_locals.get(name)
            value = getattr(value, "display", value)  # a scanner Target: the path as shown
            if isinstance(value, (str, os.PathLike)) and value:
                return os.fsdecode(value)
    return None
