"""The matcher: all rules compiled into two passes over a buffer, filters run on candidates only.

Pass 1 runs one alternation of every self-identifying rule (a provider prefix or marker) over the
whole buffer. Pass 2 finds provider words (`twilio`, `MISTRAL_API_KEY`, ...) and runs the bare-shape
rules of those providers on the same line and up to three lines on either side. Only candidates
reach the Python-level checks, so the cost per byte is the regex engine's. RE2 (google-re2) is used when it
is installed: linear time and about 10x faster; the standard `re` gives the same results.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from keylint.rules.checks import CHECKS, is_placeholder, shannon, word_like
from keylint.rules.model import Rule

if TYPE_CHECKING:
    from keylint.scanner.prefilter import Prefilter, Span

from keylint.scanner.context import (
    CREDENTIAL,
    ID_LABEL,
    Anchors,
    Spans,
    cached_is_import,
    in_blob,
    is_bounded,
    left_bounded,
    nearby_lines,
    on_example_line,
    on_reserved_host,
    search_only_key,
    url_path_spans,
    word_edge,
)

try:  # pragma: no cover (depends on the platform's wheels)
    import re2 as _re2

    _FAST: Any = _re2
except ImportError:  # pragma: no cover
    _FAST = None

# A regex group name, not a password.
_SECRET_GROUP = "(?P<secret>"  # nosec B105
_PEM_MAX = 64 * 1024
_SAME_LINE_REACH = 200  # bytes between a provider word and a bare-shape key on one line
# How far past a generic value's end a provider token that starts inside it is looked for: the
# longest trigger (a private key's header line) is ~50 bytes.
_TRIGGER_REACH = 128
_RESTART = 512  # how much of a generic trigger that gave no candidate is re-read
_SIBLING_REACH = 1024  # how far another generic shape tried at a rejected one's start may run
_LONG_LINE = 1000


@dataclass(frozen=True)
class Match:
    """A secret's byte span in a buffer and the rule that found it."""

    rule: Rule
    start: int
    end: int
    secret: str


_COUNT = re.compile(r"\{(\d+)(?:,\d*)?\}")


def _trigger(rule: Rule) -> str:
    """The first-pass pattern of a rule: its `scan_pattern`, else its pattern cut after the
    first counted repeat, shortened to six (every match of the rule starts with a match of it)."""
    pattern = (rule.scan_pattern or rule.pattern).replace(_SECRET_GROUP, "(?:")
    if rule.scan_pattern:
        return pattern
    m = _COUNT.search(pattern)
    if m is None:
        return pattern
    if _open_groups(pattern, m.start()):  # the repeat sits inside a group: keep the whole pattern
        return pattern
    return f"{pattern[:m.start()]}{{{min(int(m.group(1)), 6)}}}"


def _open_groups(pattern: str, end: int) -> int:
    """How many groups `pattern[:end]` opens and does not close (escapes and character classes
    skipped): cutting a pattern there leaves it valid only at zero. (Parsing the cut with `re`
    cost ~5 ms of every start-up for ~170 rules.)"""
    depth, i, in_class = 0, 0, False
    while i < end:
        c = pattern[i]
        if c == "\\":
            i += 1
        elif in_class:
            if c == "]":
                in_class = False
        elif c == "[":
            in_class = True
            # `[]...]` and `[^]...]`: a `]` first in a class is a literal.
            if pattern.startswith("]", i + 1) or pattern.startswith("^]", i + 1):
                i += 1 if pattern[i + 1] == "]" else 2
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        i += 1
    return depth


def _options() -> Any:
    options = _FAST.Options()
    options.max_mem = 256 << 20  # the DFA of ~60 alternated rules outgrows the 8 MiB default
    options.log_errors = False
    # Bytes as `re` reads them: in RE2's default UTF-8 mode `(?i)s` also matched the long s
    # (U+017F) and `(?i)k` the Kelvin sign (U+212A), so `aw<long s>` was a provider word
    # `re` never sees (and no key of the word table: that file's scan crashed), and a class
    # counted a multi-byte character once where `re` counts its bytes.
    options.encoding = _FAST.Options.Encoding.LATIN1
    return options


def _compile(pattern: bytes, *, fast: bool, flags: int = 0) -> Any:
    if fast and _FAST is not None:
        return _FAST.compile(pattern if not flags else b"(?i)" + pattern, _options())
    return re.compile(pattern, flags)


def _trigger_set(triggers: Iterable[str]) -> Any:
    """The triggers as an anchored RE2 set: which of them match at a hit, in one call."""
    rset = _FAST.Set.MatchSet(_options())
    for t in triggers:
        rset.Add(t.encode())
    rset.Compile()
    return rset


class _Exact:
    """Each rule's exact pattern (Python `re`), compiled on first use: a scan verifies only the
    rules whose triggers or provider words it met, and compiling all ~260 up front was a third
    of a 10-file hook run's CPU."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self._sources = {r.id: r.pattern for r in rules}
        self._compiled: dict[str, re.Pattern[bytes]] = {}

    def __getitem__(self, rule_id: str) -> re.Pattern[bytes]:
        compiled = self._compiled.get(rule_id)
        if compiled is None:
            compiled = self._compiled[rule_id] = re.compile(self._sources[rule_id].encode())
        return compiled

    def compiled(self) -> int:
        """How many patterns were compiled so far."""
        return len(self._compiled)


class Detector:
    """Compiled rules. Build once per process; `find` is pure and thread-safe."""

    def __init__(self, rules: Sequence[Rule], *, fast: bool = True,
                 markers: Sequence[bytes] = ()) -> None:
        self.rules = tuple(rules)
        # Patterns other passes search each buffer for first: an accelerated detector tells
        # which have no match in a buffer (`find_marked`), so those passes can skip it.
        self._markers = tuple(markers)
        self.direct = tuple(r for r in self.rules if not r.needs_context)
        self.contextual = tuple(r for r in self.rules if r.needs_context)
        self.engine = "re2" if fast and _FAST is not None else "re"
        # The first pass matches short triggers (a rule's literal prefix and a few characters),
        # not whole tokens: long counted repeats ({74}, {93}) make every lazily built RE2 DFA
        # state expensive, and building states dominated key-dense files. Rules sharing a
        # trigger are tried in table order with their exact patterns.
        triggers: dict[str, list[Rule]] = {}
        for r in self.direct:
            triggers.setdefault(_trigger(r), []).append(r)
        self._trigger_rules = [tuple(v) for v in triggers.values()]
        master = b"|".join(b"(?P<t%d>%s)" % (i, t.encode()) for i, t in enumerate(triggers))
        self._order = {r.id: i for i, r in enumerate(self.rules)}
        self._generic = tuple(r for r in self.direct if r.generic)
        self._prefixes = tuple(sorted({
            k.encode() for r in self.direct if not r.generic for k in r.keywords
            if len(k) >= 3 and k[-1] in "_-"
        }))
        # Any provider's literal start (`AIza`, `SG.`, `dapi`): a credential-shaped value that
        # starts like one but is not one is a truncated or made-up token.
        self._starts = tuple(sorted({
            k.encode() for r in self.direct if not r.generic for k in r.keywords if len(k) >= 3
        }))
        self._master_source = master
        self._trigger_sources = tuple(triggers)
        self._set: Any = None  # the triggers as an RE2 set, built on the first trigger hit
        self._master: Any = None  # compiled on the first trigger hit (most hook runs have none)
        # The same alternations without groups find the spans: RE2 then needs no submatches
        # (its DFA alone) and the Python wrapper no walk over ~250 groups per match, which cost
        # ~20 us a hit when provider words (`aws`, `token `) hit tens of thousands of times.
        # Only a trigger's hit, rare, is matched again with groups to name its rules.
        plain = b"|".join(b"(?:%s)" % t.encode() for t in triggers)
        self._master_plain = _compile(plain, fast=fast) if self.direct else None
        self._exact = _Exact(self.rules)
        words: dict[bytes, list[Rule]] = {}
        for r in self.contextual:
            for w in r.context:
                words.setdefault(w.lower().encode(), []).append(r)
        self._context_rules = words
        # One pass finds both: provider words are the last alternative, so a token that starts at
        # the same place wins, and a key id such as AKIA... still gives its provider's context.
        self._words_by_len = sorted(words, key=len, reverse=True)
        alternation = b"|".join(re.escape(w) for w in self._words_by_len)
        self._context_providers = {r.provider for r in self.contextual}
        self._words_source = b"(?i:%s)" % alternation if words else b""
        self._words_only: Any = None  # compiled when a trigger first runs over a provider word
        self._fast = fast
        combined_plain = b"|".join(x for x in (plain, b"(?i:%s)" % alternation if words else b"")
                                   if x)
        # The whole first pass, compiled on first use: a prefiltered scan seldom needs it.
        self._combined_source = combined_plain or None
        self._combined_plain: Any = None
        # The first pass's alternatives, for a prefilter that finds where any of them can match.
        self._alternatives = [t.encode() for t in triggers] + (
            [self._words_source] if words else [])
        self._prefilter: Prefilter | None = None

    def accelerate(self) -> bool:
        """Let hyperscan narrow the first pass (`prefilter.py`): for large scans, where RE2's
        lazily built DFA would otherwise be built again in every worker. Same findings; False
        when it is not available (then nothing changes)."""
        if self.engine == "re2" and self._alternatives and self._prefilter is None:
            from keylint.scanner.prefilter import load

            self._prefilter = load(self._alternatives, lambda p: _compile(p, fast=True),
                                   self._markers)
        return self._prefilter is not None

    # ------------------------------------------------------------------ public
    def find(self, data: bytes) -> list[Match]:
        """Every secret in `data`, in order, overlaps resolved (a provider beats a generic shape)."""
        return self.find_marked(data)[0]

    def find_marked(self, data: bytes) -> tuple[list[Match], frozenset[bytes]]:
        """`find(data)`, and the markers known to have no match in `data` (none are known
        unless the prefilter read it)."""
        if self._combined_source is None:
            return [], frozenset()
        scanned = None if self._prefilter is None else self._prefilter.scan(data)
        hits: list[tuple[int, int]] = []  # provider words, for the bare-shape rules
        found = list(self._direct(data, hits, None if scanned is None else scanned[0]))
        if hits:
            found.extend(self._contextual(data, found, hits))
        return _resolve_overlaps(found), frozenset() if scanned is None else scanned[1]

    # ------------------------------------------------------------------ pass 1
    def _direct(self, data: bytes, hits: list[tuple[int, int]],
                spans: list[Span] | None) -> Iterable[Match]:
        for candidate in self._candidates(data, 0, len(data), hits=hits, spans=spans):
            yield from self._judge(data, candidate)

    def _judge(self, data: bytes, candidate: tuple[Rule, int, int]) -> Iterable[Match]:
        """The matches one first-pass candidate gives.

        A generic shape (password, URL) may hold a provider-format token: the token is reported
        under its provider and the generic finding dropped (a token that fails its checksum is
        a fixture, not a password). A generic candidate that is rejected must not hide another
        generic shape at the same place (`secret = <hex token>` is no password but may be a
        token) or a trigger inside its name (`secret_token = ...`): those are tried in turn."""
        pending = [(candidate, True)]
        # Retries of retries reach the same places again (`LINODE_TOKEN=`: the shape starts at
        # every letter of the name): each candidate is judged once, so the work stays linear.
        seen: set[tuple[str, int, int]] = set()
        while pending:
            (rule, start, end), retry = pending.pop()
            if (rule.id, start, end) in seen:
                continue
            seen.add((rule.id, start, end))
            if rule.generic:
                ss, se = self._secret_span(rule, data, start, end) or (start, end)
                inner = [c for c in self._candidates(data, ss, se, bounded=False, reach=True)
                         if not c[0].generic]
                for r, s, e in inner:
                    match = self._accept(r, data, s, e) if is_bounded(data, s, e, r) else None
                    if match is not None:
                        yield match
                if inner or self._provider_prefixed(rule, data, ss, se):
                    continue
            match = self._accept(rule, data, start, end)
            if match is not None:
                yield match
            elif rule.generic and retry:
                # up to the value's first byte: a JWT or another shape may start right there
                later = list(self._candidates(data, start + 1, ss + 1, reach=True))
                pending.extend((c, True) for c in reversed(later))
                pending.extend((c, False) for c in reversed(self._siblings(rule, data, start)))

    def _siblings(self, rule: Rule, data: bytes, start: int) -> list[tuple[Rule, int, int]]:
        """The other generic rules that match at `start` (their triggers lost to `rule`'s)."""
        out = []
        for other in self._generic:
            if other is rule:
                continue
            m = self._exact[other.id].match(data, start, min(len(data), start + _SIBLING_REACH))
            if m is not None and is_bounded(data, start, m.end(), other):
                out.append((other, start, m.end()))
        return out

    def _provider_prefixed(self, rule: Rule, data: bytes, start: int, end: int) -> bool:
        """The value starts like a provider token (`ghp_`, `github_pat_`, `sk-ant-`) but is not
        one: a truncated or made-up token, not a password."""
        value = data[start:end]
        return value.startswith(self._prefixes) or (
            rule.validator == "credential_value" and value.startswith(self._starts))

    def _candidates(
        self, data: bytes, pos: int, endpos: int, *, bounded: bool = True,
        hits: list[tuple[int, int]] | None = None, reach: bool = False,
        spans: list[Span] | None = None, inside: bool = False,
    ) -> Iterable[tuple[Rule, int, int]]:
        """Exact matches of the self-identifying rules (that do not run on into other text).
        With `hits`, the same pass also collects the provider words there. With `reach`, the
        matches start in `[pos, endpos)` but may run past `endpos` (a private key's header
        that starts inside a password-shaped value: ``SECRET = `-----BEGIN ...``).
        With `inside`, the look is inside a trigger glued to the text before it: the triggers
        it finds are looked inside only up to `endpos`, so look-ups within look-ups shrink."""
        whole = hits is not None  # the first pass (triggers and provider words), else triggers
        if not whole:
            regex = self._master_plain
            if regex is None:  # no self-identifying rules
                return
        else:  # with spans, the prefilter's pass: the whole pattern is not needed
            regex = None if spans is not None else self._combined()
        stop, exact_end = endpos, endpos
        if reach:
            # Inside a glued trigger, a match is read at most `_SIBLING_REACH` past it: else a
            # run of glued tokens (`sk.eyJ...` repeated) would be read to its end from each.
            exact_end = min(len(data), stop + _SIBLING_REACH) if inside else len(data)
            endpos = min(len(data), endpos + _TRIGGER_REACH)
        resume = pos  # a trigger inside a token already matched is part of that token
        for tstart, tend, alternative in self._first_pass(regex, data, pos, endpos, spans):
            if tstart >= stop:
                break
            # Triggers come first in the alternation: the hit is a trigger's when one matches
            # it (then it is that trigger's whole match), else it is a provider word. The
            # prefilter's pass knows which alternative it matched; the whole pass asks.
            trigger = None
            if alternative >= 0:
                trigger = alternative if alternative < len(self._trigger_rules) else None
            elif not whole or (
                    self._master_plain is not None
                    and self._master_plain.match(data, tstart, tend) is not None):
                trigger = self._trigger_at(data, tstart, tend)
            if trigger is None:
                assert hits is not None
                hits.append((tstart, tend))
                continue
            if tstart < resume:
                continue
            if hits is not None and self._words_source and tend - tstart > 1:
                # A trigger can run over a provider word (`- name: TWILIO_API_SECRET` then
                # `value:` is one password trigger): the word still gives its context.
                words = self._provider_words().finditer(data, tstart + 1, tend)
                hits.extend(w.span() for w in words)
            group = self._trigger_rules[trigger]
            tried = yielded = unbounded = False
            for rule in group:
                start = tstart
                if rule.extend_back:
                    floor = max(pos, start - rule.extend_back - 1)
                    while start > floor and data[start - 1] in rule.back_chars:
                        start -= 1
                context = hits is not None and rule.provider in self._context_providers
                if bounded and not context and not left_bounded(data, start, rule):
                    # Inside a longer token: the match would be dropped below, and trying it
                    # costs up to the rest of the run for an open-ended rule (`eyJ` or
                    # `pypi-Ag...` repeated): each trigger in a run would read to its end.
                    unbounded = True
                    continue
                tried = True
                exact = self._exact[rule.id].match(data, start, exact_end)
                if exact is None:
                    continue
                end = exact.end()
                if context:
                    word = self._word_at(data, start)
                    if word and hits is not None:
                        hits.append((start, start + len(word)))
                if not bounded or is_bounded(data, start, end, rule):
                    resume = end
                    yielded = True
                    yield rule, start, end
                break
            # Triggers a hit ran over, looked for where they start (in its first `_RESTART`
            # bytes, so the work stays linear), when it gave nothing:
            # - a generic trigger that was tried (`"token": "eyJ...` whose value is too long
            #   for a credential, a URL login past 128 characters) must not hide the JWT or
            #   the `ghs_` token inside it;
            # - a trigger glued to the text before it (`NEXTAUTH_SECRET=`: `AUTH_SECRET=` after
            #   a letter) must not hide one that starts inside it (`SECRET=`). Every look-up
            #   within it stays inside its span, so they shrink (a run of glued `sk.eyJ` or
            #   `aeyJ` is not read again from every trigger in it).
            glued = unbounded and not tried
            if glued or (tried and not yielded and group[0].generic):
                within = inside or glued
                limit = min(tend, tstart + _RESTART, stop if within else tend)
                for c in self._candidates(data, tstart + 1, limit, bounded=bounded, reach=True,
                                          inside=within):
                    resume = max(resume, c[2])
                    yield c

    def _first_pass(self, regex: Any, data: bytes, pos: int, endpos: int,
                    spans: list[Span] | None) -> Iterable[tuple[int, int, int]]:
        """The spans of `regex.finditer(data, pos, endpos)`, each with the alternative that
        matched (-1: not known); over a whole buffer the prefilter has read (`spans`), only
        where hyperscan says a match can be: the same matches (RE2 keeps the text around each
        span as context, and every match lies inside one span), and their alternatives.
        `regex` is then the first pass."""
        if spans is None or self._prefilter is None or pos or endpos != len(data):
            return ((*m.span(), -1)
                    for m in (regex or self._combined()).finditer(data, pos, endpos))
        return self._prefilter.matches(data, spans)

    def _trigger_at(self, data: bytes, start: int, end: int) -> int | None:
        """Which trigger the first-pass hit `data[start:end]` is (the first in the alternation
        that matches there, as the alternation itself chose), or None for a provider word.

        With RE2, one anchored set match names every trigger matching there in C: the grouped
        alternation's `lastgroup` walked ~170 groups in Python, ~40 us a hit, and generic
        triggers (`token`, `secret`) hit thousands of times in a history scan."""
        if self.engine == "re2":
            if self._set is None:
                self._set = _trigger_set(self._trigger_sources)
            matched = self._set.Match(data[start:end])
            if matched:
                return int(min(matched))
            # None: no trigger (a provider word), or the set gave up (out of memory): the
            # grouped alternation answers either way.
        named = self._named_triggers().match(data, start, end)
        if named is None:
            return None
        name = named.lastgroup
        name = name.decode() if isinstance(name, bytes) else name
        return int(name[1:])

    def _combined(self) -> Any:
        """The first pass, compiled on first use."""
        if self._combined_plain is None:
            self._combined_plain = _compile(self._combined_source or b"", fast=self._fast)
        return self._combined_plain

    def _provider_words(self) -> Any:
        """The provider words alone, compiled on first use (a trigger that runs over one)."""
        if self._words_only is None:
            self._words_only = _compile(self._words_source, fast=self._fast)
        return self._words_only

    def _named_triggers(self) -> Any:
        """The first-pass alternation with a group per trigger, compiled on first use."""
        if self._master is None:
            self._master = _compile(self._master_source, fast=self.engine == "re2")
        return self._master

    def _word_at(self, data: bytes, start: int) -> bytes:
        """The provider word a token starts with (AKIA... names AWS), if any."""
        head = data[start:start + len(self._words_by_len[0])].lower() if self._words_by_len else b""
        return next((w for w in self._words_by_len if head.startswith(w)), b"")

    # ------------------------------------------------------------------ pass 2
    def _contextual(
        self, data: bytes, taken: Sequence[Match], hits: Sequence[tuple[int, int]]
    ) -> Iterable[Match]:
        # line start -> {rule id: (distance rank, keyword offset, rule)}
        lines: dict[int, dict[str, tuple[int, int, Rule]]] = {}
        # Provider words come in file order, many to a line in a minified file or a one-line
        # JSON: the lines around one are found once for all the words on its line.
        near: list[tuple[int, int]] = []
        near_start, near_end = 0, -1
        for hs, he in hits:
            if not word_edge(data, hs, he):
                continue
            rules = self._context_rules[data[hs:he].lower()]
            if not near_start <= hs < near_end:
                near, near_end = nearby_lines(data, hs)
                near_start = near[0][1]
            for rank, ls in near:
                slot = lines.setdefault(ls, {})
                for r in rules:
                    old = slot.get(r.id)
                    if old is None or rank < old[0]:
                        slot[r.id] = (rank, hs, r)
        taken_spans = Spans((t.start, t.end) for t in taken if not t.rule.generic)
        anchors: Anchors | None = None  # built on the first shadowing conflict (rare)
        imports: dict[int, bool] = {}
        best: dict[tuple[int, int], tuple[tuple[int, int, int], Match]] = {}
        for ls, slot in lines.items():
            le = data.find(b"\n", ls)
            le = len(data) if le < 0 else le
            if le - ls > _LONG_LINE and all(v[0] for v in slot.values()):
                continue  # a minified bundle: context from another line means nothing there
            credential_line: bool | None = None
            url_paths: Spans | None = None
            for order, (rank, kpos, rule) in enumerate(
                sorted(slot.values(), key=lambda v: self._order[v[2].id])
            ):
                if rank:
                    # The provider is named on another line: this line must itself hold a
                    # credential (api_key, token, Bearer, ...), not an id or a digest, or pass
                    # literals to a call right under the provider SDK's import.
                    if credential_line is None:
                        credential_line = CREDENTIAL.search(data, ls, le) is not None
                    if not credential_line and not (
                        rank == 1 and cached_is_import(imports, data, kpos)
                        and data.find(b"(", ls, le) >= 0
                    ):
                        continue
                for m in self._exact[rule.id].finditer(data, ls, le):
                    start, end = m.span()
                    if rank == 0 and abs(start - kpos) > _SAME_LINE_REACH:
                        continue  # the provider word is far away on a long line
                    if taken_spans.overlaps(start, end):
                        continue
                    if ID_LABEL.search(data, max(ls, start - 40), start):
                        continue  # `--key-id X`, `"request_id": "X"`: an identifier, not a key
                    if url_paths is None:
                        url_paths = url_path_spans(data, ls, le)
                    if url_paths.holds(start):
                        continue  # `docs.aws.amazon.com/AmazonS3/...`: a path, not a key
                    if not is_bounded(data, start, end, rule):
                        continue
                    match = self._accept(rule, data, start, end)
                    if match is None:
                        continue
                    key = (rank, abs(start - kpos) if rank == 0 else 0, order)
                    prior = best.get((start, end))
                    if prior is not None and _shadowing(rule, prior[1].rule):
                        if anchors is None:
                            anchors = Anchors((t.start, t.rule.provider) for t in taken
                                              if not t.rule.generic)
                        if _outranks(match, prior[1], anchors):
                            best[(start, end)] = (key, match)
                    elif prior is None or key < prior[0]:
                        best[(start, end)] = (key, match)
        return [v[1] for v in best.values()]

    # ------------------------------------------------------------------ checks
    def _secret_span(self, rule: Rule, data: bytes, start: int, end: int) -> tuple[int, int] | None:
        """The span of the rule's `secret` group (the whole match when it has none)."""
        if _SECRET_GROUP not in rule.pattern:
            return start, end
        m = self._exact[rule.id].fullmatch(data, start, end)
        return None if m is None else m.span("secret")

    def _accept(self, rule: Rule, data: bytes, start: int, end: int) -> Match | None:
        span = self._secret_span(rule, data, start, end)
        if span is None:
            return None
        start, end = span
        if rule.validator == "pem_block":
            stop = data.find(b"-----END", end, end + _PEM_MAX)
            if stop < 0:
                return None
            close = data.find(b"-----", stop + 8, stop + 80)
            end = close + 5 if close >= 0 else stop + 8
        secret = data[start:end].decode("utf-8", "replace")
        if rule.validator != "pem_block":
            if (rule.validator not in _OWN_PLACEHOLDER_CHECK and is_placeholder(secret)) \
                    or in_blob(data, start, end):
                return None
            if rule.min_entropy and shannon(secret) < rule.min_entropy:
                return None
        if rule.checksum and not CHECKS[rule.checksum](secret):
            return None
        if rule.validator and not CHECKS[rule.validator](secret):
            return None
        if rule.validator in _PASSWORD_CHECKS and word_like(secret) and on_reserved_host(
                data, start, end):
            return None  # `postgres://admin:supersecret@localhost`: a sample, not a leak
        if rule.validator == "credential_value" and (
                on_example_line(data, start, end) or search_only_key(data, start, end, secret)):
            return None  # AWS's `...EXAMPLE` doc ids; a DocSearch/Algolia search-only key
        return Match(rule, start, end, secret)


_PASSWORD_CHECKS = ("password_value", "url_password")
# Validators that judge placeholders themselves: every real X bearer token starts with a run of
# `A`s, which the shared filter takes for a placeholder.
_OWN_PLACEHOLDER_CHECK = ("twitter_bearer",)


def _shadowing(a: Rule, b: Rule) -> bool:
    return a.id in b.shadows or b.id in a.shadows


def _outranks(new: Match, old: Match, anchors: Anchors) -> bool:
    """For one span taken by two rules, one of which `shadows` the other: the narrower shape
    wins (Yandex's `YC` + 38 over AWS's 40 characters: Yandex Object Storage keys are stored
    under AWS's names), unless the wider rule's provider has its own token near the value (an
    `AKIA...` id beside the secret: the pair is AWS's)."""
    narrow, wide = (new, old) if old.rule.id in new.rule.shadows else (old, new)
    paired = anchors.near(wide.rule.provider, new.start, new.end, _SAME_LINE_REACH)
    winner = wide if paired else narrow
    return winner is new


def _resolve_overlaps(found: list[Match]) -> list[Match]:
    """Keep one match per span; where spans overlap, a provider rule beats a generic one.

    Sorted by start, a match can only overlap the last one kept: linear after the sort, so a
    file with thousands of keys stays cheap."""
    found.sort(key=lambda m: (m.start, m.rule.generic, -(m.end - m.start)))
    kept: list[Match] = []
    for m in found:
        if kept and m.start < kept[-1].end:
            if kept[-1].rule.generic and not m.rule.generic:
                kept[-1] = m
            continue
        kept.append(m)
    return kept
