"""Keyed pseudonyms of identifiers (假名化): HMAC-SHA-256 over the normalised value.

An agency replaces ID numbers, phone numbers and names by pseudonyms before it hands a file
over (`jiandu sources pseudonymise`); the procuratorate joins sources on the pseudonyms exactly
as on raw keys, and re-identifies a verified clue by recomputing the pseudonym of raw values it
lawfully holds (`jiandu.workflow.reidentify`). The scheme, what it protects against and what
not: docs/security.md, "Pseudonymised sources".

- Normalised first, by the one definition of each key (`jiandu.inputs.identifiers`): 15- and
  18-digit ID numbers, full-width digits, spaces and lower-case x meet. A masked ID number
  (`37280119701****7692`) stands for many people: it is hashed as its own domain (``M``) and never
  equals the pseudonym of a full number. Phones: digits only, ``+86``/``0086`` dropped. Names:
  NFKC, trimmed, inner spaces removed. Passports and other documents: upper case, no separators.
- Domain-separated: the HMAC input is ``<domain>:<value>``, so an ID number and a passport with
  the same characters never collide.
- Format ``P1:<KEY-ID>:<domain>:<32 hex>``: version, the key's id (rotation: pseudonyms under two
  keys are refused together, never silently mismatched), domain (I ID number, M masked ID
  number, D document, T phone, N name) and the first 128 bits of the HMAC.
  With n distinct values in a domain the chance of any collision is about n²/2¹²⁹: for 10¹⁰
  values (every Chinese ID number, phone and name many times over) about 10⁻¹⁹.
- All upper case, so SQL that upper-cases keys (``upper(key)``) leaves pseudonyms unchanged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import secrets
import stat
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from jiandu.inputs.identifiers import (
    ALL_KEY_KINDS,
    Key,
    KeyProblem,
    compact,
    normalize_key,
    normalize_passport,
)

VERSION = "P1"
KEY_ID_PATTERN = r"[A-Z0-9]{1,16}"
PSEUDONYM = re.compile(rf"^P1:(?P<key>{KEY_ID_PATTERN}):(?P<domain>[IMDTN]):(?P<digest>[0-9A-F]{{32}})$")
DIGEST_BYTES = 16  # 128 bits: see the module docstring
MIN_SECRET_BYTES = 32
MAX_KEY_FILE_BYTES = 64 * 1024

# What a source may declare an identifier column to hold, and the domains each may give.
KINDS: dict[str, frozenset[str]] = {
    "id_number": frozenset("IM"),  # 居民身份证号码: 18, 15 digits (upgraded) or masked
    "key": frozenset("IM"),  # a person's ID number or an organisation's code (codes stay as they are)
    "document": frozenset("IMD"),  # 证件号码 of any kind: an ID number, else a passport or permit
    "phone": frozenset("T"),
    "name": frozenset("N"),
}
DOMAIN_ZH = {"I": "身份证号码", "M": "脱敏身份证号码", "D": "证件号码", "T": "电话号码", "N": "姓名"}
KEY_KIND_OF_DOMAIN = {"I": "ric", "M": "ric_masked"}  # what `key_kind` says of a pseudonym
_PERSON_KINDS = frozenset({"ric", "ric15", "ric_masked"})
_ORG_KINDS = frozenset({"uscc", "org_code"})
_PHONE_NOISE = re.compile(r"[\s\-‐‑–—()（）.+]")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{9,11}$")
_ID_SHAPED = re.compile(r"^(\d{17}[\dX]|\d{15})$")


class PseudonymProblem(ValueError):
    """A value that cannot be pseudonymised (or is no valid pseudonym); the message says why."""


class KeyFileProblem(ValueError):
    """A key file that cannot be used; the message says why (never the key)."""


# -- keys ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PseudonymKey:
    """One key: its id (in every pseudonym it makes), creation date and secret (never shown)."""

    id: str
    created: dt.date
    secret: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if not re.fullmatch(KEY_ID_PATTERN, self.id):
            raise KeyFileProblem(f"key id {self.id[:20]!r}: 1–16 upper-case letters and digits")
        if len(self.secret) < MIN_SECRET_BYTES:
            raise KeyFileProblem(f"key {self.id}: the secret must have at least {MIN_SECRET_BYTES} bytes")

    def mac(self) -> Callable[[bytes], bytes]:
        """HMAC-SHA-256 under this key, with the padded key hashed once (RFC 2104): the same
        result as `hmac.new(secret, msg, 'sha256').digest()`, at a fraction of its cost per call."""
        block = self.secret if len(self.secret) <= 64 else hashlib.sha256(self.secret).digest()
        block = block.ljust(64, b"\0")
        inner = hashlib.sha256(bytes(b ^ 0x36 for b in block)).copy
        outer = hashlib.sha256(bytes(b ^ 0x5C for b in block)).copy

        def mac(message: bytes) -> bytes:
            i = inner()
            i.update(message)
            o = outer()
            o.update(i.digest())
            return o.digest()

        return mac


@dataclass(frozen=True)
class KeyRing:
    """The keys of a key file; the newest is the one new pseudonyms are made with."""

    keys: tuple[PseudonymKey, ...]

    def get(self, key_id: str) -> PseudonymKey:
        for key in self.keys:
            if key.id == key_id:
                return key
        known = ", ".join(k.id for k in self.keys)
        raise KeyFileProblem(f"the key file has no key {key_id!r} (it has {known})")

    @property
    def current(self) -> PseudonymKey:
        return max(self.keys, key=lambda k: (k.created, self.keys.index(k)))


def _read_key_bytes(path: Path) -> bytes:
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise KeyFileProblem(f"cannot open key file {path}: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise KeyFileProblem(f"key file {path} is not a regular file")
        if info.st_mode & 0o007 or info.st_mode & 0o020:
            raise KeyFileProblem(
                f"key file {path} is readable or writable by others (mode {stat.filemode(info.st_mode)}): "
                f"refused; run chmod 600 {path}"
            )
        data = handle.read(MAX_KEY_FILE_BYTES + 1)
    if len(data) > MAX_KEY_FILE_BYTES:
        raise KeyFileProblem(f"key file {path} is larger than {MAX_KEY_FILE_BYTES} bytes")
    return data


def load_key_file(path: Path) -> KeyRing:
    """Read a key file: JSON ``{"keys": [{"id", "created", "secret" (hex)}]}``. Refused when it
    is a link, not a regular file, or readable by others; messages never contain the secret."""
    return key_ring_from_bytes(_read_key_bytes(path), str(path))


def key_ring_from_bytes(data: bytes, path: str = "(uploaded)") -> KeyRing:
    """A key file's content as a key ring (a file uploaded for one re-identification, never
    stored); ``path`` names it in messages, which never contain the secret."""
    if len(data) > MAX_KEY_FILE_BYTES:
        raise KeyFileProblem(f"key file {path} is larger than {MAX_KEY_FILE_BYTES} bytes")
    try:
        raw = json.loads(data.decode("utf-8"))
        entries = raw["keys"]
        keys = tuple(
            PseudonymKey(
                str(e["id"]), dt.date.fromisoformat(str(e["created"])), bytes.fromhex(str(e["secret"]))
            )
            for e in entries
        )
    except KeyFileProblem:
        raise
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise KeyFileProblem(
            f"key file {path} is not a key file (JSON with keys: id, created, secret in hex)"
        ) from None
    if not keys:
        raise KeyFileProblem(f"key file {path} holds no key")
    if len({k.id for k in keys}) != len(keys):
        raise KeyFileProblem(f"key file {path} has two keys with the same id")
    return KeyRing(keys)


def add_key(path: Path, key_id: str, today: dt.date | None = None) -> PseudonymKey:
    """Create the key file (mode 0600) or add a new key to it (rotation); returns the new key."""
    key = PseudonymKey(key_id, today or dt.date.today(), secrets.token_bytes(32))
    entries: list[dict[str, str]] = []
    if path.exists() or path.is_symlink():
        ring = load_key_file(path)
        if any(k.id == key_id for k in ring.keys):
            raise KeyFileProblem(f"the key file already has a key {key_id!r}")
        entries = [
            {"id": k.id, "created": k.created.isoformat(), "secret": k.secret.hex()} for k in ring.keys
        ]
    entries.append({"id": key.id, "created": key.created.isoformat(), "secret": key.secret.hex()})
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump({"keys": entries}, handle, indent=1)
    os.replace(tmp, path)
    return key


# -- normalisation ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Normalised:
    """A value ready to hash: its domain and normalised text, and what an ID number shows."""

    domain: str | None  # None: an organisation's code, kept as it is (public, not personal)
    value: str
    key: Key | None = None

    @property
    def birth_date(self) -> str | None:
        if self.domain != "I":
            return None
        return f"{self.value[6:10]}-{self.value[10:12]}-{self.value[12:14]}"


def normalise_phone(value: str) -> str:
    """Digits only: a mobile as its 11 digits (``+86``, ``0086``, ``86`` dropped), a landline with
    its area code; else `PseudonymProblem`."""
    digits = _PHONE_NOISE.sub("", unicodedata.normalize("NFKC", value))
    if not digits.isdigit() or not digits.isascii():
        raise PseudonymProblem("not a phone number (digits, spaces, dashes, brackets, +86)")
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and _MOBILE.match(digits[len(prefix) :]):
            digits = digits[len(prefix) :]
    if _MOBILE.match(digits) or _LANDLINE.match(digits):
        return digits
    raise PseudonymProblem("not a phone number (11-digit mobile or landline with area code)")


def normalise_name(value: str) -> str:
    """NFKC, every space removed (``张 三`` and ``张三`` meet)."""
    name = "".join(unicodedata.normalize("NFKC", value).split())
    if not name:
        raise PseudonymProblem("empty name")
    return name


def _person_key(value: str, accept: frozenset[str]) -> Normalised:
    key = normalize_key(value, accept)
    if key.kind in _ORG_KINDS:
        return Normalised(None, key.value, key)
    return Normalised("M" if key.kind == "ric_masked" else "I", key.value, key)


def normalise(kind: str, value: str) -> Normalised:
    """The domain and normalised form of ``value`` declared as ``kind`` (`KINDS`)."""
    try:
        if kind == "id_number":
            return _person_key(value, _PERSON_KINDS)
        if kind == "key":
            return _person_key(value, ALL_KEY_KINDS)
        if kind == "document":
            try:
                return _person_key(value, _PERSON_KINDS)
            except KeyProblem:
                if _ID_SHAPED.match(compact(value)):
                    raise  # an ID number that fails its check is no passport
                return Normalised("D", normalize_passport(value))
        if kind == "phone":
            return Normalised("T", normalise_phone(value))
        if kind == "name":
            return Normalised("N", normalise_name(value))
    except KeyProblem as exc:
        raise PseudonymProblem(str(exc)) from None
    raise PseudonymProblem(f"unknown identifier kind {kind!r}; known: {', '.join(KINDS)}")


# -- pseudonyms ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pseudonym:
    """A parsed pseudonym."""

    text: str
    key_id: str
    domain: str


def parse_pseudonym(text: str) -> Pseudonym:
    """The parts of a pseudonym; `PseudonymProblem` when ``text`` is none (the message never
    repeats the value: it may be a raw identifier sent by mistake)."""
    m = PSEUDONYM.match(text)
    if m is None:
        raise PseudonymProblem("not a pseudonym (P1:<key id>:<I|M|D|T|N>:<32 hex>)")
    return Pseudonym(text, m["key"], m["domain"])


def is_pseudonym(text: str | None) -> bool:
    return bool(text) and PSEUDONYM.match(text or "") is not None


class Pseudonymiser:
    """Pseudonyms under one key; each distinct (kind, value) is normalised and hashed once."""

    def __init__(self, key: PseudonymKey, cache_limit: int = 2_000_000) -> None:
        self.key = key
        self._mac = key.mac()
        self._prefix = f"{VERSION}:{key.id}:"
        self._cache: dict[tuple[str, str], tuple[str, Normalised]] = {}
        self._limit = cache_limit

    def of_normalised(self, normalised: Normalised) -> str:
        """The pseudonym of a normalised value (an organisation's code is returned as it is)."""
        if normalised.domain is None:
            return normalised.value
        digest = self._mac(f"{normalised.domain}:{normalised.value}".encode())
        return f"{self._prefix}{normalised.domain}:{digest[:DIGEST_BYTES].hex().upper()}"

    def pseudonymise(self, kind: str, value: str) -> tuple[str, Normalised]:
        """(pseudonym, normalised value) of a raw value; raises `PseudonymProblem`."""
        cached = self._cache.get((kind, value))
        if cached is not None:
            return cached
        normalised = normalise(kind, value)
        result = (self.of_normalised(normalised), normalised)
        if len(self._cache) < self._limit:
            self._cache[(kind, value)] = result
        return result

    def pseudonym(self, kind: str, value: str) -> str:
        return self.pseudonymise(kind, value)[0]

    def candidates(self, values: Iterable[str]) -> dict[str, str]:
        """Pseudonym → raw value for every value that normalises as any kind (re-identification
        tries each raw value it holds in every domain it fits)."""
        found: dict[str, str] = {}
        for value in values:
            for kind in ("id_number", "document", "phone", "name"):
                try:
                    pseudonym, normalised = self.pseudonymise(kind, value)
                except PseudonymProblem:
                    continue
                if normalised.domain is not None:
                    found.setdefault(pseudonym, value)
        return found

    def array(self, kind: str, values: pa.Array) -> tuple[pa.Array, list[tuple[int, str]]]:
        """Pseudonyms of a string column (nulls and blanks stay null), each distinct value once;
        and (position, reason) of the values that could not be pseudonymised."""
        encoded = pc.dictionary_encode(values.cast(pa.string()))
        out: list[str | None] = []
        bad: list[str | None] = []
        for value in encoded.dictionary.to_pylist():
            text = (value or "").strip()
            if not text:
                out.append(None)
                bad.append(None)
                continue
            try:
                out.append(self.pseudonym(kind, text))
                bad.append(None)
            except PseudonymProblem as exc:
                out.append(None)
                bad.append(str(exc))
        indices = encoded.indices
        problems = []
        if any(bad):
            failed = pc.fill_null(pa.array([b is not None for b in bad]).take(indices), False)
            problems = [(i, bad[indices[i].as_py()] or "") for i in pc.indices_nonzero(failed).to_pylist()]
        return pa.array(out, pa.string()).take(indices), problems
