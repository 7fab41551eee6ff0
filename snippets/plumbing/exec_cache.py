"""Opt-in cache of executed blocks for live preview (`EXEC_CACHE=1`), and per-block timings.

A block's output is reused only when everything it could depend on is unchanged:

- the block itself: its code, its options (including the `docs/<page>:<line>` id it is given),
  its page and its position there;
- every block before it on the same page, and every earlier block of its session, with the
  state of the files each of those read (the key is a chain), so state a block hands on (its
  session namespace, module state, random generators) is accounted for;
- the page context it starts from (figure counter, the page's prose values);
- the project, as each build starts: every file under `snippets/` (all modules a block can
  import, and their data), `requirements.lock`, `package-lock.json`, `pyproject.toml`,
  `mkdocs.yml`, the list of files in `docs/`, the installed distributions and their versions,
  the Python version, and the environment (less a short list of shell noise); a block that runs
  after a file under `snippets/` changed is not stored;
- every other file the block opened or directory it listed while it ran (recorded with an audit
  hook and compared by content on every reuse): that is how the ledger and page summaries,
  which read the prose values of every page, re-run when any page's prose values change.

On reuse the block's effects are restored: the page context it left (figure numbers), the global
random generators, markdown-exec's id counter. A block that warned or failed, or whose output adds
headings to the table of contents, is never stored. When a block must run after earlier blocks
of its session were reused, those blocks are first re-executed silently if the block reads any
name they bind. In one long-lived process (`mkdocs serve`), a change to a question module
reloads the question modules; a change to the plumbing or the locked dependencies turns the cache
off for that process (restart the server), so code loaded before an edit never fills the cache.

`EXEC_TIMINGS=<file>` appends one JSON line per block: page, line, seconds, and whether it was
reused. Neither variable is set by `make site`, `make test` or CI, which always execute everything.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import hashlib
import importlib.metadata
import json
import logging
import os
import pickle
import platform
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from snippets.plumbing import failures, page_context

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SNIPPETS = PROJECT_ROOT / "snippets"
PLUMBING = SNIPPETS / "plumbing"
CACHE_DIR = Path(os.environ.get("EXEC_CACHE_DIR") or PROJECT_ROOT / "build" / "exec-cache")
PROJECT_FILES = ("requirements.lock", "package-lock.json", "pyproject.toml", "mkdocs.yml")
FORMAT = 1  # bump when the entry layout or the key's recipe changes

# Variables that differ between shells and never reach a block's output. Everything else in the
# environment is part of the key (a block or a library may read any variable).
ENV_NOISE = {
    "_", "OLDPWD", "PWD", "SHLVL", "TERM", "COLORTERM", "TERM_PROGRAM", "TERM_PROGRAM_VERSION",
    "DISPLAY", "WINDOWID", "SSH_AUTH_SOCK", "SSH_CLIENT", "SSH_CONNECTION", "SSH_TTY", "TMUX",
    "TMUX_PANE", "LS_COLORS", "HISTFILE", "HISTSIZE", "PS1", "PS2", "MAKEFLAGS", "MAKELEVEL",
    "MFLAGS", "MAKE_TERMOUT", "MAKE_TERMERR", "EXEC_CACHE", "EXEC_CACHE_DIR", "EXEC_TIMINGS",
    "EXEC_CACHE_EXPLAIN", "EXEC_DIGESTS",
    "PYTEST_CURRENT_TEST", "PYTEST_VERSION", "PYTEST_XDIST_WORKER",
}
DYNAMIC_ACCESS = {"globals", "locals", "vars", "dir", "eval", "exec"}

log = logging.getLogger("mkdocs.extensions.exec_cache")


def enabled() -> bool:
    return os.environ.get("EXEC_CACHE", "").lower() in {"1", "on", "true", "yes"}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_digest(path: Path) -> str:
    try:
        return _sha(path.read_bytes())
    except FileNotFoundError:
        return "absent"
    except (IsADirectoryError, PermissionError, OSError):
        return "unreadable"


def _listing_digest(path: Path) -> str:
    try:
        return _sha("\n".join(sorted(os.listdir(path))).encode())
    except OSError:
        return "absent"


def snippet_files() -> dict[str, str]:
    """Every file under snippets/ (modules and data), relative path -> content digest."""
    found = {}
    for path in sorted(SNIPPETS.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            found[path.relative_to(PROJECT_ROOT).as_posix()] = _file_digest(path)
    return found


_distributions: tuple[tuple, str] | None = None


def _installed() -> str:
    """Installed distributions and versions (what the lock file should say, checked anyway).

    Listed again only when a folder on sys.path changed (an install touches site-packages).
    """
    global _distributions
    stamp = []
    for entry in sys.path:
        try:
            stamp.append((entry, os.stat(entry or ".").st_mtime_ns))
        except OSError:
            stamp.append((entry, None))
    if _distributions is None or _distributions[0] != tuple(stamp):
        names = sorted(
            f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions()
        )
        _distributions = (tuple(stamp), _sha("\n".join(names).encode()))
    return _distributions[1]


def project_fingerprint(docs_dir: Path | None) -> dict[str, Any]:
    """What every block depends on: project sources, locked and installed versions, environment."""
    docs = []
    if docs_dir is not None and docs_dir.is_dir():
        docs = sorted(p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob("*") if p.is_file())
    return {
        "format": FORMAT,
        "python": [sys.version, sys.implementation.name, platform.machine(), platform.system()],
        "snippets": snippet_files(),
        "project": {name: _file_digest(PROJECT_ROOT / name) for name in PROJECT_FILES},
        "installed": _installed(),
        "docs_files": docs,
        "env": {k: v for k, v in sorted(os.environ.items()) if k not in ENV_NOISE},
    }


def _digest(value: Any) -> str:
    return _sha(json.dumps(value, sort_keys=True, default=repr).encode())


# --- what a block reads while it runs -------------------------------------------------------

# (kind, path, digest when opened): compared with the digest after the block ran, so a file
# saved while a block was reading it never gets stored with an output made from other content.
_recording: list[tuple[str, str, str]] | None = None
_hashing = False
_SNIPPETS_REAL = os.path.realpath(SNIPPETS)
_IGNORED_PREFIXES: tuple[str, ...] = ()


def _ignored_prefixes() -> tuple[str, ...]:
    prefixes = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    prefixes.update(p for p in sys.path if p and "site-packages" in p)
    prefixes.update({"/proc", "/sys", "/dev", str(SNIPPETS), str(CACHE_DIR)})
    prefixes.add(str(PROJECT_ROOT / "node_modules"))  # the pinned KaTeX: package-lock.json
    return tuple(os.path.realpath(p) + os.sep for p in prefixes if p)


def _audit(event: str, args: tuple) -> None:
    if _recording is None or event not in {"open", "os.listdir", "os.scandir"}:
        return
    target = args[0] if args else None
    if event == "open":  # (path, mode, flags): only reads are inputs
        mode = args[1] if len(args) > 1 else None
        flags = args[2] if len(args) > 2 else 0
        if isinstance(mode, str):
            if any(c in mode for c in "wax+"):
                return
        elif isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR):
            return
    if target is None:
        target = "."
    if isinstance(target, bytes):
        target = os.fsdecode(target)
    if not isinstance(target, str | os.PathLike):
        return
    path = os.path.realpath(os.path.abspath(os.fspath(target)))
    if path.endswith(".pyc") or "__pycache__" in path or path.startswith(_IGNORED_PREFIXES):
        return
    if path == _SNIPPETS_REAL:  # its listing is part of the project fingerprint
        return
    global _hashing
    if _hashing:  # our own read of the file, below
        return
    kind = "file" if event == "open" else "dir"
    _hashing = True
    try:
        _recording.append((kind, path, _state(kind, Path(path))))
    finally:
        _hashing = False


_hook_installed = False


def _install_hook() -> None:
    global _hook_installed, _IGNORED_PREFIXES
    if not _hook_installed:
        _IGNORED_PREFIXES = _ignored_prefixes()
        sys.addaudithook(_audit)
        _hook_installed = True


def _state(kind: str, path: Path) -> str:
    return _file_digest(path) if kind == "file" and not path.is_dir() else _listing_digest(path)


def _dependency_digests(reads: list[tuple[str, str, str]]) -> dict[str, str] | None:
    """What the block read, by content now; None if something changed while the block ran."""
    deps: dict[str, str] = {}
    for kind, path, when_opened in reads:
        now = deps.setdefault(f"{kind}:{path}", _state(kind, Path(path)))
        if now != when_opened:
            return None
    return deps


def _deps_unchanged(deps: dict[str, str]) -> bool:
    for key, digest in deps.items():
        kind, path = key.split(":", 1)
        if _state(kind, Path(path)) != digest:
            return False
    return True


# --- state a block hands on -----------------------------------------------------------------

_SKIP_CONTEXT = {"src_uri", "docs_dir"}


def _context_state() -> dict[str, Any]:
    current = page_context.page()
    return {
        f.name: copy.deepcopy(getattr(current, f.name))
        for f in dataclasses.fields(current)
        if f.name not in _SKIP_CONTEXT
    }


def _set_context_state(state: dict[str, Any]) -> None:
    current = page_context.page()
    for name, value in state.items():
        setattr(current, name, copy.deepcopy(value))


def _rng_state() -> dict[str, Any]:
    state: dict[str, Any] = {"random": random.getstate()}
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        state["numpy"] = numpy.random.get_state()
    return state


def _rng_digest(state: dict[str, Any]) -> str:
    return _sha(pickle.dumps(state))


def _set_rng_state(state: dict[str, Any]) -> None:
    random.setstate(state["random"])
    if "numpy" in state:
        import numpy

        numpy.random.set_state(state["numpy"])


def _converter_counter() -> int | None:
    try:
        from markdown_exec._internal.rendering import MarkdownConverter
    except ImportError:  # a markdown-exec without this internal: ids then come from `id=` only
        return None
    return MarkdownConverter.counter


def _advance_converter_counter(delta: int) -> None:
    try:
        from markdown_exec._internal.rendering import MarkdownConverter
    except ImportError:
        return
    MarkdownConverter.counter += delta


def _session_globals() -> dict[str, dict] | None:
    try:
        from markdown_exec._internal.formatters.python import _sessions_globals
    except ImportError:
        return None
    return _sessions_globals


def names_read(code: str) -> set[str] | None:
    """Names a block may read from its session before binding them itself (None: any name)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    first_binding: dict[str, int] = {}
    for index, statement in enumerate(tree.body):
        names: list[str] = []
        if isinstance(statement, ast.Import | ast.ImportFrom):
            names = [(a.asname or a.name).split(".")[0] for a in statement.names]
        elif isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names = [statement.name]
        elif isinstance(statement, ast.Assign) and all(
            isinstance(t, ast.Name) for t in statement.targets
        ):
            names = [t.id for t in statement.targets]
        for name in names:
            first_binding.setdefault(name, index)
    read: set[str] = set()
    for index, statement in enumerate(tree.body):
        for node in ast.walk(statement):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                if node.id in DYNAMIC_ACCESS:
                    return None
                # Bound unconditionally by an earlier statement of this block: not read from the session.
                if first_binding.get(node.id, index) < index:
                    continue
                if node.id in first_binding and first_binding[node.id] == index and isinstance(
                    statement, ast.Import | ast.ImportFrom
                ):
                    continue
                read.add(node.id)
            elif isinstance(node, ast.Global | ast.Nonlocal):
                read.update(node.names)
    # Builtins stay in: an earlier block may have rebound one (`sum = ...`).
    return read


def names_bound(code: str) -> set[str] | None:
    """Names a block binds in its namespace (None: it could bind any)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            bound.add(node.id)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                if alias.name == "*":
                    return None
                bound.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.Name) and node.id in DYNAMIC_ACCESS:
            return None
    return bound


# --- the cache ------------------------------------------------------------------------------


@dataclass
class Entry:
    """What a stored block produced: its HTML, what it read, and the state it left behind."""

    output: str
    deps: dict[str, str]
    context_after: dict[str, Any]
    rng_after: dict[str, Any] | None
    counter_delta: int
    seconds: float


@dataclass
class _Served:
    """A block reused in this build: enough to re-execute it if a later block needs its names."""

    page: str
    session: str
    code: str
    block_id: str
    context_before: dict[str, Any]
    rng_before: dict[str, Any]
    bound: set[str] | None


@dataclass
class _Build:
    """Chains and reuse records of one build (a `mkdocs serve` process runs many)."""

    pages_seen: set[str] = field(default_factory=set)
    session_chain: dict[str, str] = field(default_factory=dict)
    served: list[_Served] = field(default_factory=list)
    page_object: object = None
    page_chain: str = ""
    position: int = 0
    fingerprint: str = ""
    snippets: dict[str, str] = field(default_factory=dict)


class ExecCache:
    """The state of the cache in this process."""

    def __init__(self) -> None:
        self.build = _Build()
        self.loaded_snippets: dict[str, str] | None = None  # snippets/ as the process loaded it
        self.loaded_project: dict[str, str] | None = None
        self.disabled_reason = ""
        self.stats = {"hits": 0, "misses": 0, "replayed": 0, "not_stored": 0}

    # Build and page boundaries -------------------------------------------------------------

    def _enter_page(self) -> None:
        current = page_context.page()
        if self.build.page_object is current:
            return
        if current.src_uri in self.build.pages_seen:  # a page seen again: a new build began
            self.build = _Build()
        self.build.pages_seen.add(current.src_uri)
        self.build.page_object = current
        self.build.page_chain = ""
        self.build.position = 0
        if self.build.fingerprint:
            return
        # Once per build, as it starts (computed for each of 49 pages, it took about 0.2 s of a 1.35 s warm
        # rebuild in one process): a snippet saved later in the build is caught by the block that
        # runs after it (`moved` in `run`), and reloaded by the next build, which a server starts
        # on that edit.
        fingerprint = project_fingerprint(current.docs_dir)
        self._check_process(fingerprint)
        self.build.fingerprint = _digest(fingerprint)
        self.build.snippets = fingerprint["snippets"]
        _explain({"page": current.src_uri, "fingerprint": fingerprint})

    def _check_process(self, fingerprint: dict[str, Any]) -> None:
        """In a long-lived process, never store output computed by code loaded before an edit."""
        if self.loaded_snippets is None:
            self.loaded_snippets = fingerprint["snippets"]
            self.loaded_project = {**fingerprint["project"], "installed": fingerprint["installed"]}
            return
        project_now = {**fingerprint["project"], "installed": fingerprint["installed"]}
        changed_project = [k for k in project_now if project_now[k] != self.loaded_project.get(k)]
        changed_project = [k for k in changed_project if k != "mkdocs.yml"]
        changed = sorted(
            set(self.loaded_snippets) ^ set(fingerprint["snippets"])
            | {k for k, v in fingerprint["snippets"].items() if self.loaded_snippets.get(k) != v}
        )
        if not changed and not changed_project:
            return
        plumbing = [c for c in changed if c.startswith("snippets/plumbing/")]
        if plumbing or changed_project:
            if not self.disabled_reason:
                self.disabled_reason = ", ".join(plumbing + changed_project)
                log.info(
                    "exec cache off for this process: %s changed since it started; "
                    "restart `make serve` to reuse outputs again",
                    self.disabled_reason,
                )
            return
        _reload_question_modules()
        self.loaded_snippets = fingerprint["snippets"]

    # The key -------------------------------------------------------------------------------

    def key(self, code: str, options: dict[str, Any], session: str) -> str:
        current = page_context.page()
        parts = {
            "project": self.build.fingerprint,
            "page": current.src_uri,
            "position": self.build.position,
            "code": code,
            "options": _plain_options(options),
            "page_chain": self.build.page_chain,
            "session_chain": self.build.session_chain.get(session, "") if session else "",
            "context": _context_state(),
        }
        key = _digest(parts)
        _explain({"key": key, **parts})
        return key

    # One block -----------------------------------------------------------------------------

    def run(
        self,
        code: str,
        options: dict[str, Any],
        execute: Callable[[], str],
        replay: Callable[[str, str, str], None],
        headings_of: Callable[[str], bool],
    ) -> tuple[str, bool]:
        """The block's HTML, from the cache or from `execute`; and whether it was reused."""
        self._enter_page()
        session = options.get("session") or ""
        key = self.key(code, options, session)
        self.build.position += 1
        active = not self.disabled_reason
        context_before = _context_state()
        rng_before = _rng_state()

        entry = _load(key) if active else None
        if entry is not None:
            _set_context_state(entry.context_after)
            if entry.rng_after is not None:
                _set_rng_state(entry.rng_after)
            _advance_converter_counter(entry.counter_delta)
            self.build.served.append(
                _Served(page_context.page().src_uri, session, code, str(options.get("id", "")),
                        context_before, rng_before, names_bound(code))
            )
            self.stats["hits"] += 1
            self._link(key, entry.deps, session)
            return entry.output, True

        self.stats["misses"] += 1
        if session:
            self._replay_for(code, session, replay)
        global _recording
        counter_before = _converter_counter()
        warnings = _WarningCounter()
        failures_before = len(failures.FAILURES)
        _install_hook()
        _recording = []
        started = time.perf_counter()
        try:
            with warnings:
                output = execute()
        finally:
            reads, _recording = _recording, None
        seconds = time.perf_counter() - started
        deps = _dependency_digests(reads)
        # Snippets saved while the block ran: its output may come from either version.
        moved = snippet_files() != self.build.snippets
        self._link(key, deps if deps is not None else {"changed while running": key}, session)
        failed = len(failures.FAILURES) != failures_before
        storable = (active and deps is not None and not moved and not warnings.count and not failed
                    and not headings_of(output))
        if storable:
            rng_after = _rng_state()
            counter_after = _converter_counter()
            _store(key, Entry(
                output=str(output),
                deps=deps,
                context_after=_context_state(),
                rng_after=rng_after if _rng_digest(rng_after) != _rng_digest(rng_before) else None,
                counter_delta=(counter_after or 0) - (counter_before or 0),
                seconds=seconds,
            ))
        else:
            self.stats["not_stored"] += 1
        return output, False

    def _link(self, key: str, deps: dict[str, str], session: str) -> None:
        """Chain the next block's key to this one's key and to the state of the files it read."""
        link = _digest([key, deps])
        self.build.page_chain = link
        if session:
            self.build.session_chain[session] = link

    def _replay_for(self, code: str, session: str, replay: Callable[[str, str, str], None]) -> None:
        """Re-execute, silently and in order, the reused blocks of `session` if `code` reads their names."""
        earlier = [s for s in self.build.served if s.session == session]
        if not earlier:
            return
        read = names_read(code)
        if read is not None:
            bound: set[str] = set()
            for served in earlier:
                if served.bound is None:
                    bound = None
                    break
                bound |= served.bound
            if bound is not None and not (read & bound):
                return
        saved_context, saved_rng = page_context.current, _rng_state()
        try:
            for served in earlier:
                page_context.current = page_context.PageContext(
                    src_uri=served.page, docs_dir=saved_context.docs_dir, **served.context_before
                )
                _set_rng_state(served.rng_before)
                replay(served.code, session, served.block_id)
                self.stats["replayed"] += 1
        finally:
            page_context.current = saved_context
            _set_rng_state(saved_rng)
        self.build.served = [s for s in self.build.served if s.session != session]


def _plain_options(options: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in sorted(options.items()) if not callable(v)}


class _WarningCounter(logging.Handler):
    """Counts warnings logged while a block runs (such an output is never stored)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0
        self._loggers = [logging.getLogger(), logging.getLogger("mkdocs")]

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1

    def __enter__(self) -> _WarningCounter:
        for logger in self._loggers:
            logger.addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        for logger in self._loggers:
            logger.removeHandler(self)


VARIANTS = 8  # entries kept per key: one per state of the files the block read


def _key_dir(key: str) -> Path:
    return CACHE_DIR / key[:2] / key


def _load(key: str) -> Entry | None:
    """The stored entry for `key` whose recorded reads still match the files, newest first."""
    try:
        variants = sorted(_key_dir(key).glob("*.pickle"), key=lambda p: -p.stat().st_mtime)
    except OSError:
        return None
    for path in variants:
        try:
            with path.open("rb") as handle:
                entry = pickle.load(handle)
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError):
            continue
        if isinstance(entry, Entry) and _deps_unchanged(entry.deps):
            return entry
    return None


def _store(key: str, entry: Entry) -> None:
    folder = _key_dir(key)
    path = folder / f"{_digest(entry.deps)[:16]}.pickle"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        with temporary.open("wb") as handle:
            pickle.dump(entry, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
        old = sorted(folder.glob("*.pickle"), key=lambda p: -p.stat().st_mtime)[VARIANTS:]
        for stale in old:
            stale.unlink(missing_ok=True)
    except (OSError, pickle.PickleError, TypeError, AttributeError) as error:
        log.info("exec cache: could not store a block (%s)", error)


def _reload_question_modules() -> None:
    """Forget question modules (not the plumbing) so the next import reads the edited files."""
    from snippets.plumbing import checks, snippet_imports, values

    stale = [
        name for name in sys.modules
        if name.startswith("snippets.") and not name.startswith("snippets.plumbing")
    ]
    files = set()
    for name in stale:
        module = sys.modules.pop(name)
        file = Path(getattr(module, "__file__", None) or "/").resolve()
        if file.is_relative_to(PROJECT_ROOT):
            files.add(file.relative_to(PROJECT_ROOT).as_posix())
    for registry in (checks.REGISTRY, values.VALUES):
        for key in [k for k, v in registry.items() if v.file in files]:
            del registry[key]
    snippet_imports.forget()  # a module that failed to import is tried again
    for module in [m for n, m in sys.modules.items() if n.startswith("snippets")]:
        for value in list(vars(module).values()):
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()
    sessions = _session_globals()
    if sessions is not None:
        sessions.clear()
    log.info("exec cache: question modules changed; they are imported afresh")


CACHE = ExecCache()


def _explain(record: dict[str, Any]) -> None:
    """With EXEC_CACHE_EXPLAIN=<file>, write what each key was made of (to see why a block re-ran)."""
    target = os.environ.get("EXEC_CACHE_EXPLAIN")
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, sort_keys=True, default=repr) + "\n")


# --- timings ----------------------------------------------------------------------------------


def record_timing(block_id: str, seconds: float, reused: bool) -> None:
    """Append one block's time to the file named by EXEC_TIMINGS (the benchmark reads it)."""
    target = os.environ.get("EXEC_TIMINGS")
    if not target:
        return
    line = json.dumps({"block": block_id, "seconds": round(seconds, 6), "reused": reused})
    with open(target, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
