"""Question modules import all or nothing: their checks and values register only if the import succeeds.

A module under `snippets/` (not the plumbing) is executed by a loader that stages what `check`
and `value` register while the module runs, and commits it when the module finished. If the
module raises (a RuntimeError, a SyntaxError, a missing data file), the staged registrations are
dropped, the failure is reported once with the module's own traceback and file:line, and every
later import of that module raises `ModuleFailedEarlier`, which names the first failure instead
of running the broken module again. The registries never hold half a module, and what depended
on the module says it did not run, and why.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys

from snippets.plumbing import failures, module_users

# One list per module being imported now (imports nest): (registry, key, item) staged by it.
_STAGES: list[list[tuple[dict, str, object]]] = []
FAILED: dict[str, failures.Failure] = {}  # module name -> the failure of its import
DISCARDED: dict[str, str] = {}  # check id or value key -> the module whose failed import held it


class ModuleFailedEarlier(ImportError):
    """An import of a question module whose first import failed (reported then, not again)."""

    def __init__(self, name: str, failure: failures.Failure) -> None:
        super().__init__(f"{name} failed to import earlier: {failure.brief()}", name=name)
        self.failure = failure


def register(registry: dict, key: str, item: object) -> None:
    """Put `item` in `registry` now, or when the module importing at the moment has finished."""
    if _STAGES:
        _STAGES[-1].append((registry, key, item))
    else:
        registry[key] = item


def registered(registry: dict, key: str) -> object | None:
    """The item registered (or staged by a module still importing) under `key`, if any."""
    for stage in reversed(_STAGES):
        for staged_registry, staged_key, item in stage:
            if staged_registry is registry and staged_key == key:
                return item
    return registry.get(key)


def failure_behind(key: str) -> failures.Failure | None:
    """Why `key` (a check id or value key) is not registered: the failed import that held it.

    When the module that would have registered it failed before reaching it, the key was never
    staged; then any failed import of a question module is the likely reason, and is returned.
    """
    if key in DISCARDED:
        return FAILED.get(DISCARDED[key])
    return next(iter(FAILED.values()), None)


def _users(name: str) -> tuple[str | None, str]:
    """The page a failed import is reported on: the first page using the module, when the build
    loaded it for another (the first block of the build loads every check for the ledger)."""
    here = failures.page_place()
    users = module_users.pages_using(failures.PROJECT_ROOT, name.removeprefix("snippets."))
    if not users or any(here.split(":")[0] == user.split(":")[0] for user in users):
        return None, ""
    shown = ", ".join(users[:4]) + (f" and {len(users) - 4} more" if len(users) > 4 else "")
    return users[0], f"\nused on {shown}; imported while building {here}"


class _StagingLoader(importlib.machinery.SourceFileLoader):
    def exec_module(self, module) -> None:
        _STAGES.append([])
        try:
            super().exec_module(module)
        except BaseException as error:
            staged = _STAGES.pop()
            DISCARDED.update({key: module.__name__ for _, key, _ in staged})
            earlier = getattr(error, "failure", None)  # a module it imports failed: reported then
            if earlier is not None:
                FAILED[module.__name__] = failures.report(
                    f"{module.__name__} did not import: {failures.describe(error)}",
                    source=failures.source_of(error), because=earlier, kind="import",
                )
            else:
                page, loaded_by = _users(module.__name__)
                FAILED[module.__name__] = failures.report_exception(
                    error,
                    context=f"while importing {module.__name__}: its checks and values are not registered"
                    + loaded_by,
                    page=page,
                    kind="import",
                )
                try:
                    error.failure = FAILED[module.__name__]  # whoever catches it knows it was reported
                except AttributeError:  # an exception type without a __dict__
                    pass
            raise
        for registry, key, item in _STAGES.pop():
            registry[key] = item


class _QuestionModules(importlib.abc.MetaPathFinder):
    """Finds `snippets.<module>` (not the plumbing) with the staging loader."""

    def find_spec(self, name, path, target=None):
        if not name.startswith("snippets.") or name.startswith("snippets.plumbing"):
            return None
        if name in FAILED:
            raise ModuleFailedEarlier(name, FAILED[name])
        spec = importlib.machinery.PathFinder.find_spec(name, path, target)
        if spec is None or type(spec.loader) is not importlib.machinery.SourceFileLoader:
            return spec
        spec.loader = _StagingLoader(name, spec.origin)
        return spec


def install() -> None:
    """Put the finder first on sys.meta_path (once); `snippets/__init__.py` calls this."""
    if not any(isinstance(finder, _QuestionModules) for finder in sys.meta_path):
        sys.meta_path.insert(0, _QuestionModules())


def forget() -> None:
    """Let failed modules be imported afresh (a new build in the same process, a reload)."""
    FAILED.clear()
    DISCARDED.clear()


failures._on_reset.append(forget)
