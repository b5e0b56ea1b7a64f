"""keylint.scanner.delta: the part of a new version that a history scan reads again."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from keylint.scanner.delta import CONTEXT, change, has_pem

LINES = st.lists(st.sampled_from([b"a = 1\n", b"b = 2\n", b"key\n", b"\n", b"x"]), max_size=30)


@given(LINES, LINES)
def test_everything_outside_the_change_is_the_old_text(old_lines: list[bytes],
                                                       new_lines: list[bytes]) -> None:
    old, new = b"".join(old_lines), b"".join(new_lines)
    c = change(old, new)
    assert 0 <= c.start <= c.end <= len(new)
    assert new[:c.prefix] == old[:c.prefix]
    assert new[len(new) - c.suffix:] == old[len(old) - c.suffix:]
    assert c.prefix + c.suffix <= min(len(old), len(new))
    # Whatever differs lies inside the scanned part, which starts at a line start.
    assert c.start <= c.prefix and c.end >= len(new) - c.suffix
    assert c.start == 0 or new[c.start - 1:c.start] == b"\n"
    # A span of the old text outside the change is found at its new place, byte for byte.
    for s in range(len(old) + 1):
        for e in range(s, min(len(old), s + 6) + 1):
            moved = c.carried(s, e, len(old))
            if moved is not None:
                assert new[moved:moved + e - s] == old[s:e]


def test_an_edit_in_a_long_file_rescans_only_nearby_lines() -> None:
    old = b"".join(b"line %d\n" % n for n in range(1000))
    new = old.replace(b"line 500\n", b"line 500 changed\n")
    c = change(old, new)
    scanned = new[c.start:c.end].splitlines()
    assert scanned == [b"line %d" % n for n in range(500 - CONTEXT, 500)] + [b"line 500 changed"] \
        + [b"line %d" % n for n in range(501, 501 + CONTEXT)]


def test_an_edit_inside_a_pem_block_rescans_the_whole_block() -> None:
    body = [b"QUJD%04d" % n * 8 for n in range(30)]
    head = b"# config\n" * 40 + b"-----BEGIN RSA PRIVATE KEY-----\n"
    tail = b"-----END RSA PRIVATE KEY-----\n" + b"# more\n" * 40
    old = head + b"\n".join(body) + b"\n" + tail
    body[15] = body[15][::-1]
    new = head + b"\n".join(body) + b"\n" + tail
    scanned = new[change(old, new).start:change(old, new).end]
    assert scanned.startswith(b"-----BEGIN RSA PRIVATE KEY-----\n")
    assert scanned.endswith(b"-----END RSA PRIVATE KEY-----\n")


def test_identical_versions_leave_only_context() -> None:
    text = b"".join(b"v%d\n" % n for n in range(20))
    c = change(text, text)
    assert (c.prefix, c.suffix) == (len(text), 0)
    assert c.carried(0, 5, len(text)) == 0


PIECES = st.lists(st.sampled_from([b"a", b"\n", b"-----BEGIN", b"-----END", b"-----", b"BEGIN",
                                   b"N", b"k = 1\n"]), max_size=40)


@given(PIECES, PIECES)
def test_the_common_prefix_and_suffix_are_the_longest(old_parts: list[bytes],
                                                      new_parts: list[bytes]) -> None:
    old, new = b"".join(old_parts), b"".join(new_parts)
    c = change(old, new)
    if c.prefix < min(len(old), len(new)):
        assert old[c.prefix] != new[c.prefix]
    room = min(len(old), len(new)) - c.prefix
    if c.suffix < room:
        assert old[len(old) - c.suffix - 1] != new[len(new) - c.suffix - 1]


@given(PIECES, PIECES)
@example([b"-----", b"a"], [b"-----BEGIN"])  # a marker completed after the common prefix
@example([b"a", b"BEGIN"], [b"-----BEGIN"])  # one completed before the common suffix
def test_knowing_the_old_version_has_no_pem_marker_changes_nothing(old_parts: list[bytes],
                                                                   new_parts: list[bytes]) -> None:
    """Without a marker in the old version only the changed part is searched for one: the
    answer is the one a search of the whole new version gives."""
    old, new = b"".join(old_parts), b"".join(new_parts)
    told = change(old, new, has_pem(old))
    assert told == change(old, new) and told.pem == has_pem(new)
