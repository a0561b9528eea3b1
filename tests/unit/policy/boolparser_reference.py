"""zrChain's boolparser as specified in docs/policy-language.md for differential tests only.

Written from a pseudo-code description of zrChain's boolparser/ (differential-tested against
the Go code),
quirks included: float64 values, skipped identifiers, late '!', bottom-of-stack result.
Where Go would loop forever (Q2) or panic (Q4) this raises ``GoWouldFail``.
"""

from __future__ import annotations

import unicodedata

NUMBER, LPAREN, RPAREN, CONSTANT, FUNCTION, OPERATOR, UNARY, WS, ERROR, EOF, PASSKEY = range(11)
_EOF = "\x00"
_OPERATORS = set("+-*/^&|><")
_PREC = {"*": 3, "+": 2, "-": 2, ">": 2, "<": 2, "&": 2, "|": 2}


class GoWouldFail(Exception):
    """zrChain would hang (unclosed group after a word) or panic ('/', '^')."""


def _letter(c: str) -> bool:
    return unicodedata.category(c) in ("Lu", "Ll", "Lt", "Lm", "Lo")


def _digit(c: str) -> bool:
    return unicodedata.category(c) == "Nd"


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text, self.pos, self.can_unread = text, 0, False

    def read(self) -> str:
        if self.pos >= len(self.text):
            self.can_unread = False
            return _EOF
        c = self.text[self.pos]
        self.pos += 1
        self.can_unread = True
        return c

    def unread(self) -> None:
        if self.can_unread:
            self.pos -= 1
            self.can_unread = False

    def scan(self) -> tuple[int, str]:
        c = self.read()
        if c in "pP":
            self.unread()
            t = self.scan_passkey()
            if t[0] != ERROR:
                return t
            self.unread()
        if _digit(c):
            self.unread()
            return self.scan_number()
        if _letter(c):
            self.unread()
            return self.scan_word()
        if c in _OPERATORS:
            return (OPERATOR, c)
        if c == "!":
            return (UNARY, c)
        if c in " \t\n":
            self.unread()
            run = ""
            while True:
                d = self.read()
                if d not in " \t\n" or d == _EOF:
                    self.unread()
                    return (WS, run)
                run += d
        if c == _EOF:
            return (EOF, "")
        if c == "(":
            return (LPAREN, c)
        if c == ")":
            return (RPAREN, c)
        return (ERROR, c)

    def scan_passkey(self) -> tuple[int, str]:
        buf = ""
        for e in "passkey{":
            c = self.read()
            if c.lower() != e:
                return (ERROR, c)
            buf += c
        while True:
            c = self.read()
            if c == _EOF:
                return (ERROR, buf)
            buf += c
            if c == "}":
                return (PASSKEY, buf)

    def scan_word(self) -> tuple[int, str]:
        buf = self.read()
        while True:
            c = self.read()
            if c == _EOF:
                break
            if c == "(":
                depth = 1
                while depth > 0:
                    c2 = self.read()
                    if c2 == _EOF and self.pos >= len(self.text):
                        raise GoWouldFail("unclosed group after a word: Go loops forever")
                    depth += {"(": 1, ")": -1}.get(c2, 0)
            elif not _letter(c) and not _digit(c):
                self.unread()
                break
            else:
                buf += c
        v = buf.upper()
        return (FUNCTION, v) if "(" in v or ")" in v else (CONSTANT, v)

    def scan_number(self) -> tuple[int, str]:
        buf = self.read()
        while True:
            c = self.read()
            if c == _EOF:
                break
            if not _digit(c) and c != ".":
                self.unread()
                break
            buf += c
        return (NUMBER, buf)


def tokens(text: str) -> list[tuple[int, str]]:
    """The parser's token list ; [] on a lexer error."""
    sc = _Scanner(text)
    out: list[tuple[int, str]] = []
    pushed: tuple[int, str] | None = None
    last: tuple[int, str] = (EOF, "")

    def nxt() -> tuple[int, str]:
        nonlocal pushed, last
        if pushed is not None:
            t, pushed = pushed, None
            return t
        last = sc.scan()
        return last

    def nxt_nows() -> tuple[int, str]:
        t = nxt()
        return nxt() if t[0] == WS else t

    while True:
        t = nxt_nows()
        if t[0] == ERROR:
            return []
        if t[0] == EOF:
            return out
        if t == (OPERATOR, "-"):
            prev = out[-1] if out else (NUMBER, "")
            n = nxt_nows()
            if (prev[0] in (OPERATOR, LPAREN) or prev[1] == "") and n[0] == NUMBER:
                out.append((NUMBER, "-" + n[1]))
            else:
                out.append(t)
                pushed = last
        else:
            out.append(t)


def to_postfix(toks: list[tuple[int, str]]) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    ops: list[tuple[int, str]] = []
    un: list[tuple[int, str]] = []
    for t in toks:
        if t[0] == OPERATOR:
            while ops and _PREC.get(t[1], 0) <= _PREC.get(ops[-1][1], 0):
                out.append(ops.pop())
            ops.append(t)
        elif t[0] == UNARY:
            while un:
                out.append(un.pop())
            un.append(t)
        elif t[0] == LPAREN:
            ops.append(t)
        elif t[0] == RPAREN:
            while ops:
                if ops[-1][0] != LPAREN:
                    out.append(ops.pop())
                    if un:
                        out.append(un.pop())
                    continue
                ops.pop()
                break
        else:
            out.append(t)
    out.extend(reversed(un))
    out.extend(reversed(ops))
    return out


def _to_float(s: str) -> float:
    try:
        return float(s)
    except ValueError:
        return 0.0


def _apply(op: str, x: float, y: float) -> float:
    if op == "*":
        return x * y
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == ">":
        return float(x > y)
    if op == "<":
        return float(x < y)
    if op == "&":
        return float(x != 0 and y != 0)
    return float(x != 0 or y != 0)


def solve(text: str) -> float:
    st: list[float] = []

    def pop() -> float:
        return st.pop() if st else 0.0

    for kind, v in to_postfix(tokens(text)):
        if kind == NUMBER:
            st.append(_to_float(v))
        elif kind == UNARY:
            st.append(1.0 if pop() == 0 else 0.0)
        elif kind == OPERATOR:
            y, x = pop(), pop()
            if v in "/^":
                raise GoWouldFail(f"operator {v!r}: Go panics")
            st.append(_apply(v, x, y))
    return st[0] if st else 0.0


def bool_solve(text: str) -> bool:
    return solve(text) != 0


def verify(definition: str, approvers: set[str]) -> bool:
    """Verify as zrChain does it: textual replacement of each approver by ``1``."""
    for a in sorted(approvers):
        definition = definition.replace(a, "1")
    return bool_solve(definition)
