"""Exact and near-duplicate (syndication) detection for mentions.

Three layers, cheapest first, each catching what the previous one cannot:

1. `canonicalize_url`: the same page reached through tracking links, mobile/AMP hosts or a stray
   trailing slash gets one key (`mentions.canonical_url`), so a re-crawl never makes a second row.
2. `content_hash`: the same body under two URLs (a press release pasted verbatim by two outlets, an
   article moved to a new slug) hashes alike once case, spacing, punctuation and the outlet's own
   dateline ("JAKARTA, KOMPAS.com -") are ignored. Look-ups go through `ix_mentions_content_hash`.
3. `minhash_signature` + `SyndicationIndex`: bodies that differ a little (an updated paragraph, a
   different "Simak juga Video" insert, an edited lead) are found by MinHash-LSH over word shingles,
   and `assign_group` decides whether the best candidate is the same story.

Short texts (fewer than `SHORT_TEXT_WORDS` words: photo captions, paywall stubs, live-stream notices)
are not trusted to MinHash: a handful of shingles gives a noisy estimate, and many unrelated short
pages share the very same stub ("Baca selengkapnya di Koran Tempo"). For those the title decides,
together with the exact hash; see `assign_group`.

Every function works on the same truncation as the labelled pair set (`MAX_TEXT_CHARS`), which also
bounds the cost per article.
"""

from __future__ import annotations

import hashlib
import re
import struct
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from difflib import SequenceMatcher
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
from datasketch import MinHash, MinHashLSH

__all__ = [
    "DEDUP_VERSION",
    "DUP_JACCARD",
    "LSH_THRESHOLD",
    "MAX_TEXT_CHARS",
    "NUM_PERM",
    "SHINGLE_WORDS",
    "SHORT_TEXT_WORDS",
    "SHORT_TITLE_SIMILARITY",
    "StoryFingerprint",
    "SyndicationIndex",
    "assign_group",
    "canonicalize_url",
    "content_hash",
    "fingerprint",
    "minhash_signature",
    "minhash_signatures",
    "normalize_text",
    "pack_signature",
    "strip_dateline",
    "title_similarity",
    "unpack_signature",
]

# Recorded next to derived fields (DESIGN: each derived field records the rule version).
DEDUP_VERSION = "dedup-1"

# --- thresholds and sizes (measured with gaung/analyze/dedup_eval.py on gaung/data/eval/dedup_pairs.jsonl,
# calibration half; P/R quoted on the held-out evaluation half) ---

# Only the first 2,000 characters are compared: that is how the labelled pair set is truncated, the
# lead paragraphs are what syndicated copies share, and it caps the per-article cost.
MAX_TEXT_CHARS = 2000
# 5-word shingles: the usual choice for near-duplicate news; short shingles (k=3) let stock Indonesian
# phrases ("kata dia di", "pada hari ini") pull unrelated same-outlet stories together, while one edited
# word only breaks k shingles. Not swept on the pair set (only DUP_JACCARD was).
SHINGLE_WORDS = 5
# 128 permutations: standard error of the Jaccard estimate ~ sqrt(J(1-J)/128), about 0.035 at J=0.8,
# small against the gap between copies (J > 0.9) and rewrites (J < 0.75); 512 bytes per stored signature.
NUM_PERM = 128
# Fewer words than this and MinHash over 5-shingles is unreliable: fall back to hash + title.
SHORT_TEXT_WORDS = 40
# Same story: estimated Jaccard of 5-shingle sets at or above this.
# Swept 0.30-0.95 on the calibration half, best F1 at 0.60 (P=0.947, R=0.947); 0.80 gives P=0.988, R=0.872.
# Every false positive left is a daily template page (prayer times, match schedules, TV listings) or a
# "Terpopuler"/"Top 3" round-up reprinting an earlier lead.
DUP_JACCARD = 0.6  # syndication: chosen on the scraped-2025 corpus, held-out P=0.924, R=0.960, F1=0.942
# Short texts: titles must be at least this similar (difflib ratio on normalised titles).
SHORT_TITLE_SIMILARITY = 0.8  # set by hand, not swept: the pair set holds too few short copies to tune it
# The LSH band threshold sits below DUP_JACCARD so candidates near the decision line are not lost to the
# banding's S-curve; the exact decision is made afterwards on the estimated Jaccard.
LSH_THRESHOLD = 0.5
# Copies of one story appear within days; a candidate further apart in time is a template, not a copy
# (daily prayer times, match schedules). Only applied when both sides know their publication time.
SYNDICATION_WINDOW = timedelta(days=7)

# Pinned so that signatures stored in `mentions.minhash` stay comparable across datasketch upgrades.
_MINHASH_SEED = 1
_MINHASH_SCHEME = "affine32"
_PACK_MAGIC = (
    b"GMH1"  # format tag of packed signatures: magic, uint16 num_perm, uint32[num_perm] little-endian
)
_PACK_HEADER = struct.Struct("<4sH")

# --- URLs ---

_TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "igshid",
        "twclid",
        "ttclid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "ref",
        "ref_src",
        "ref_url",
        "cmpid",
        "spm",
        "amp",  # ?amp / ?amp=1 / ?amp=true: the AMP rendering of the same article
        "outputtype",  # ?outputType=amp
        "_branch_match_id",
        "_branch_referrer",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")
# Leftmost host labels that only select a rendering of the same site (desktop/mobile/AMP).
_RENDERING_HOST_LABELS = ("www.", "m.", "amp.", "mobile.")
_DEFAULT_PORTS = frozenset({80, 443})


def canonicalize_url(url: str) -> str:
    """The key one page is stored under, whatever link led to it.

    Lowercases scheme and host, maps http to https (outlets serve both, feeds mix them), drops the
    fragment, user info, default ports, tracking parameters and AMP markers, strips www./m./amp.
    hosts, sorts the remaining query parameters and removes a trailing slash. Strings that are not
    http(s) URLs (``urn:sha256:…``, paths) come back stripped but otherwise unchanged; this function
    never raises. Idempotent: ``canonicalize_url(canonicalize_url(u)) == canonicalize_url(u)``.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            return url
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:  # malformed netloc (bad port, unbalanced IPv6 bracket): keep as given
        return url
    host = _strip_rendering_labels(host)
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port is None or port in _DEFAULT_PORTS else f"{host}:{port}"
    path = _normalize_path(parts.path)
    query = _normalize_query(parts.query)
    # stripped again: a path of only whitespace would otherwise survive once and vanish on the next call
    return urlunsplit(("https", netloc, path, query, "")).strip()


def _strip_rendering_labels(host: str) -> str:
    # Loop to a fixed point so that "www.m.example.com" and its output canonicalise alike; keep at
    # least one dot so "m.id" does not collapse into a bare top-level domain.
    changed = True
    while changed:
        changed = False
        for label in _RENDERING_HOST_LABELS:
            rest = host[len(label) :]
            if host.startswith(label) and "." in rest:
                host, changed = rest, True
    return host


def _normalize_path(path: str) -> str:
    # AMP variants: liputan6 "/amp/6055946/slug", detik/okezone ".../amp". Fixed-point loop keeps it
    # idempotent on paths like "/x/amp/amp/".
    previous = None
    while path != previous:
        previous = path
        if path.endswith("/") and len(path) > 1:
            path = path.rstrip("/") or "/"
        if path.lower().endswith("/amp"):
            path = path[: -len("/amp")]
        if path.lower().startswith("/amp/") and len(path) > len("/amp/"):
            path = path[len("/amp") :]
    return path or "/"


def _normalize_query(query: str) -> str:
    if not query:
        return ""
    kept = [
        (key, value)
        for key, value in parse_qsl(query, keep_blank_values=True)
        if key.lower() not in _TRACKING_PARAMS and not key.lower().startswith(_TRACKING_PREFIXES)
    ]
    return urlencode(sorted(kept))


# --- text normalisation ---

# One dateline token: an outlet domain ("KOMPAS.com", "REPUBLIKA.CO.ID"), a place name in capitals or
# title case ("JAKARTA", "Banyuwangi"), or a wire-agency tag ("(ANTARA)").
_DATELINE_TOKEN = r"(?:[A-Za-z0-9]+(?:\.[A-Za-z]{2,})+|[A-Z](?:[A-Z]+|[a-z]+)|\([A-Za-z]+\))"
_DATELINE = re.compile(
    rf"^\s*{_DATELINE_TOKEN}(?:[\s,]+{_DATELINE_TOKEN}){{0,3}}\s*(?:-{{1,2}}|–|—)\s*"
    # Liputan6 sometimes loses the dash and glues the place to the first word: "Liputan6.com, JakartaKita".
    r"|^\s*[A-Za-z0-9]+(?:\.[A-Za-z]{2,})+\s*,\s*[A-Z][a-z]+(?=[A-Z])"
)
_NON_WORD = re.compile(r"[\W_]+")


def strip_dateline(text: str) -> str:
    """Remove the outlet's own dateline prefix ("JAKARTA, KOMPAS.com -", "Liputan6.com, Jakarta -").

    Two outlets carrying one press release differ first of all in this prefix; without removing it
    a verbatim copy would never hash alike.
    """
    return _DATELINE.sub("", text, count=1)


def normalize_text(text: str) -> str:
    """Case-, spacing- and punctuation-insensitive form of a text (NFKC, casefolded, single spaces)."""
    return _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def _body_words(text: str) -> list[str]:
    return normalize_text(strip_dateline(text[:MAX_TEXT_CHARS])).split()


def content_hash(title: str | None, text: str) -> str:
    """sha256 (hex) of the normalised body, for exact-duplicate look-ups.

    The title is left out when the body is long enough, so that one press release under two outlets'
    headlines still hashes alike. Short bodies (paywall stubs, captions) are shared by unrelated
    pages, so there the normalised title is hashed too.
    """
    words = normalize_text(strip_dateline(text)).split()
    payload = " ".join(words)
    if len(words) < SHORT_TEXT_WORDS:
        payload = normalize_text(title or "") + "\n" + payload
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def title_similarity(title_a: str | None, title_b: str | None) -> float:
    """Similarity of two titles in [0, 1] (difflib ratio of normalised titles; 0 when either is empty)."""
    a, b = normalize_text(title_a or ""), normalize_text(title_b or "")
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


# --- MinHash signatures ---


# Signatures are computed here with numpy rather than through `MinHash.update`: every word is hashed
# once (cached) and word hashes are combined into shingle hashes. Measured on the 5,774 corpus articles
# (CPU time, 2-core machine under load): ~1,550 articles/s, against ~1,465 articles/s for datasketch's
# `MinHash.bulk` over the same shingles, so the gain is small; what it buys is one code path with no
# per-object permutation setup. The result is an ordinary affine32-tagged `MinHash` (`jaccard`,
# `MinHashLSH`, pickling work); do not `update()` it with datasketch's own hashing, the values would
# not be comparable.
_MASK32 = np.uint64(0xFFFFFFFF)
_SHINGLE_CHUNK = 16384  # shingles permuted per numpy step: bounds the temporary to 16384 x NUM_PERM x 8 bytes
_WORD_CACHE_LIMIT = 500_000  # the news vocabulary is bounded; clearing beats an LRU's bookkeeping here
_word_hashes: dict[str, int] = {}
# One random 64-bit key per permutation: permutation i is fmix64(shingle_hash XOR key_i), high 32 bits
# kept. Checked against exact Jaccard on 570 edited corpus articles: bias +0.0002, sd 0.040 (datasketch's
# own sha1/affine32 MinHash: sd 0.037), and it is faster than multiply-shift permutations here.
_PERM_KEYS = np.random.default_rng(_MINHASH_SEED).integers(0, 2**63, NUM_PERM, dtype=np.uint64) * np.uint64(2)
# Odd constant for combining the words of a shingle in order (the 64-bit golden ratio).
_SHINGLE_BASE = np.uint64(0x9E3779B97F4A7C15)


def _word_values(words: Sequence[str]) -> np.ndarray:
    lookup = _word_hashes.get
    values = [lookup(word) for word in words]
    if None in values:
        if len(_word_hashes) >= _WORD_CACHE_LIMIT:
            _word_hashes.clear()
        for position, word in enumerate(words):
            if values[position] is None:
                digest = hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest()
                values[position] = _word_hashes[word] = int.from_bytes(digest, "little")
    return np.array(values, dtype=np.uint64)


def _fmix64(values: np.ndarray) -> np.ndarray:
    # MurmurHash3's finaliser: spreads the linear combination of word hashes over all 64 bits.
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(0xFF51AFD7ED558CCD)
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(0xC4CEB9FE1A85EC53)
    return values ^ (values >> np.uint64(33))


def _shingle_hashes(words: Sequence[str]) -> np.ndarray:
    """64-bit hashes of the word SHINGLE_WORDS-grams (one shingle of all words when there are fewer)."""
    if not words:
        return np.empty(0, dtype=np.uint64)
    word_values = _word_values(words)
    width = min(SHINGLE_WORDS, len(words))
    count = len(words) - width + 1
    combined = word_values[:count].copy()
    for offset in range(1, width):
        combined = combined * _SHINGLE_BASE + word_values[offset : offset + count]
    return _fmix64(combined)


def minhash_signature(text: str) -> MinHash:
    """MinHash of the text's word 5-shingles (first `MAX_TEXT_CHARS` characters, dateline removed).

    An empty text gives an empty signature (`MinHash.is_empty()`), which the index refuses: all empty
    texts would otherwise look identical.
    """
    return minhash_signatures([text])[0]


def minhash_signatures(texts: Iterable[str]) -> list[MinHash]:
    """Signatures for many texts at once; batches the numpy work, so prefer it for bulk (re)processing."""
    per_text = [_shingle_hashes(_body_words(text)) for text in texts]
    hashvalues = np.full((len(per_text), NUM_PERM), _MASK32, dtype=np.uint64)
    # Process whole texts in chunks of about _SHINGLE_CHUNK shingles; minimum per text via reduceat.
    start = 0
    while start < len(per_text):
        stop, total = start, 0
        while stop < len(per_text) and (total == 0 or total + len(per_text[stop]) <= _SHINGLE_CHUNK):
            total += len(per_text[stop])
            stop += 1
        chunk = [(row, values) for row, values in enumerate(per_text[start:stop], start) if len(values)]
        if chunk:
            stacked = np.concatenate([values for _, values in chunk])
            permuted = _fmix64(stacked[:, None] ^ _PERM_KEYS) >> np.uint64(32)
            boundaries = np.cumsum([0] + [len(values) for _, values in chunk[:-1]])
            minima = np.minimum.reduceat(permuted, boundaries, axis=0)
            hashvalues[[row for row, _ in chunk]] = minima
        start = stop
    return [_as_minhash(row) for row in hashvalues.astype(np.uint32)]


_template: MinHash | None = None


def _as_minhash(hashvalues: np.ndarray) -> MinHash:
    # Reuse one set of (unused) datasketch permutation parameters: generating them per object cost
    # more than computing the signature itself.
    global _template
    if _template is None:
        _template = MinHash(num_perm=NUM_PERM, seed=_MINHASH_SEED, scheme=_MINHASH_SCHEME)
    return MinHash(
        seed=_MINHASH_SEED, hashvalues=hashvalues, permutations=_template.permutations, scheme=_MINHASH_SCHEME
    )


def pack_signature(signature: MinHash) -> bytes:
    """Bytes for the `mentions.minhash` column (4 + 2 + 4·num_perm bytes)."""
    values = np.asarray(signature.hashvalues, dtype="<u4")
    return _PACK_HEADER.pack(_PACK_MAGIC, len(values)) + values.tobytes()


def unpack_signature(data: bytes) -> MinHash:
    """Inverse of `pack_signature`; raises ValueError on bytes it did not write."""
    if len(data) < _PACK_HEADER.size:
        raise ValueError(f"packed MinHash too short ({len(data)} bytes); was it written by pack_signature?")
    magic, num_perm = _PACK_HEADER.unpack_from(data)
    if magic != _PACK_MAGIC or len(data) != _PACK_HEADER.size + 4 * num_perm:
        raise ValueError("not a packed gaung MinHash (bad header or length); recompute it from the text")
    if num_perm != NUM_PERM:
        raise ValueError(
            f"packed MinHash has {num_perm} permutations, this version uses {NUM_PERM}; recompute it"
        )
    return _as_minhash(np.frombuffer(data, dtype="<u4", offset=_PACK_HEADER.size).astype(np.uint32))


# --- the decision ---


@dataclass(frozen=True)
class StoryFingerprint:
    """What the same-story decision needs to know about one mention."""

    title: str | None
    content_hash: str
    word_count: int  # words in the compared (truncated, dateline-free) body
    signature: MinHash

    @property
    def is_short(self) -> bool:
        """True when MinHash is not trusted for this text."""
        return self.word_count < SHORT_TEXT_WORDS


def fingerprint(title: str | None, text: str) -> StoryFingerprint:
    """Everything `assign_group` compares, computed once per mention."""
    return StoryFingerprint(
        title=title,
        content_hash=content_hash(title, text),
        word_count=len(_body_words(text)),
        signature=minhash_signature(text),
    )


def assign_group(
    new: StoryFingerprint, best_match: StoryFingerprint | None, jaccard: float | None = None
) -> bool:
    """Whether `new` is a copy of the same story as `best_match` (and joins its syndication group).

    `best_match` is the strongest candidate from `SyndicationIndex.query` or from a content-hash
    look-up; `jaccard` its estimated Jaccard (computed from the signatures when omitted).
    - Equal content hashes are the same story (for short texts the hash already includes the title).
    - When either text is short, MinHash is not trusted: the titles must be similar and the bodies
      must agree word for word (hash) or nearly (estimated Jaccard at least `DUP_JACCARD`).
    - Otherwise the estimated Jaccard must reach `DUP_JACCARD`.
    """
    if best_match is None:
        return False
    if new.content_hash == best_match.content_hash:
        return True
    if new.word_count == 0 or best_match.word_count == 0:
        return False  # nothing to compare but titles, and unrelated photo pages share none of their text
    if jaccard is None:
        jaccard = new.signature.jaccard(best_match.signature)
    if new.is_short or best_match.is_short:
        return (
            jaccard >= DUP_JACCARD and title_similarity(new.title, best_match.title) >= SHORT_TITLE_SIMILARITY
        )
    return jaccard >= DUP_JACCARD


# --- the index ---


class SyndicationIndex:
    """In-memory MinHash-LSH over recent mentions, rebuilt from `mentions.minhash` at start-up.

    Holds one signature (NUM_PERM uint32 values, 512 bytes) per mention; `prune` drops what falls out
    of `SYNDICATION_WINDOW` so a long-running monitor does not grow without bound.
    """

    def __init__(self) -> None:
        self._lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        self._signatures: dict[int, MinHash] = {}
        self._published_at: dict[int, datetime | None] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def __contains__(self, mention_id: object) -> bool:
        return mention_id in self._signatures

    def add(self, mention_id: int, signature: MinHash, published_at: datetime | None = None) -> bool:
        """Index one mention; returns False (and indexes nothing) for an empty signature or a known id."""
        if signature.is_empty() or mention_id in self._signatures:
            return False
        self._lsh.insert(mention_id, signature)
        self._signatures[mention_id] = signature
        self._published_at[mention_id] = published_at
        return True

    def remove(self, mention_id: int) -> None:
        """Forget one mention (deleted, or re-analysed with a new text)."""
        if mention_id in self._signatures:
            self._lsh.remove(mention_id)
            del self._signatures[mention_id]
            del self._published_at[mention_id]

    def query(self, signature: MinHash, published_at: datetime | None = None) -> list[tuple[int, float]]:
        """Candidates as (mention_id, estimated Jaccard), best first.

        Candidates published more than `SYNDICATION_WINDOW` away from `published_at` are left out
        when both times are known. The caller passes the best one to `assign_group`.
        """
        if signature.is_empty():
            return []
        found: list[tuple[int, float]] = []
        for mention_id in self._lsh.query(signature):
            other_time = self._published_at[mention_id]
            if (
                published_at is not None
                and other_time is not None
                and abs(_naive_utc(published_at) - _naive_utc(other_time)) > SYNDICATION_WINDOW
            ):
                continue
            found.append((mention_id, signature.jaccard(self._signatures[mention_id])))
        found.sort(key=lambda item: (-item[1], item[0]))
        return found

    def prune(self, published_before: datetime) -> int:
        """Drop mentions published before the given time; returns how many were dropped."""
        cutoff = _naive_utc(published_before)
        old = [
            mention_id
            for mention_id, published_at in self._published_at.items()
            if published_at is not None and _naive_utc(published_at) < cutoff
        ]
        for mention_id in old:
            self.remove(mention_id)
        return len(old)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[int, bytes | None, datetime | None]]) -> SyndicationIndex:
        """Rebuild from stored (mention id, packed signature, published_at) rows; skips rows without one."""
        index = cls()
        for mention_id, packed, published_at in rows:
            if packed:
                index.add(mention_id, unpack_signature(packed), published_at)
        return index


def _naive_utc(moment: datetime) -> datetime:
    # The store keeps naive UTC and the models carry aware datetimes; compare them on one footing.
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)
