"""Many small `mkdocs build`s (and pytest runs) of copied projects from one warmed-up interpreter,
forked per job.

A reduced build spends about half its time importing MkDocs, Material, numpy, sympy, scipy and
matplotlib. The server below imports those libraries once (never the project: each build
imports its own copy's snippets), then forks one child per build; the child is `mkdocs build`
as the command line runs it (the same click entry point, arguments, environment, working
directory and PYTHONPATH), with its output in files. The fault matrix makes dozens of builds.
A test run (`run_tests`) is `python -m pytest` the same way: pytest's own `main`, in the copy,
importing the copy's tests and snippets; the drift tests run one per mutation.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from sitebuild import build_env

SERVER = r"""
import json, os, sys
import matplotlib.figure, mkdocs.__main__, material, markdown, markdown_exec, numpy, pymdownx.superfences
import scipy.stats, sympy  # third-party only: the project is imported by each build, from its copy
import bs4, pytest, sybil

for line in sys.stdin:
    job = json.loads(line)
    sys.stdout.flush(); sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.chdir(job["cwd"])
            os.environ.clear(); os.environ.update(job["env"])
            sys.path.insert(0, job["cwd"])
            for fd, name in ((1, "stdout"), (2, "stderr")):
                os.dup2(os.open(job[name], os.O_WRONLY | os.O_CREAT | os.O_TRUNC), fd)
            if job["tool"] == "pytest":
                sys.argv = ["pytest", *job["args"]]
                code = int(pytest.main(job["args"]))
            else:
                try:
                    mkdocs.__main__.cli(args=job["args"], prog_name="mkdocs")
                    code = 0
                except SystemExit as stop:
                    code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        finally:
            sys.stdout.flush(); sys.stderr.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    print(json.dumps(os.waitstatus_to_exitcode(status)), flush=True)
"""


class ForkBuilder:
    """Start the server on first use; `build` runs one `mkdocs build` and returns its result."""

    def __init__(self) -> None:
        self._server: subprocess.Popen[str] | None = None
        self._outputs = Path(tempfile.mkdtemp(prefix="forkbuild-"))
        self._count = 0

    def _start(self) -> subprocess.Popen[str]:
        env = build_env()
        env.pop("PYTHONPATH", None)  # the server imports no project code
        return subprocess.Popen(
            [sys.executable, "-c", SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True, env=env, cwd=self._outputs, start_new_session=True,
        )

    def build(
        self, project: Path, site_dir: Path, *flags: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """`mkdocs build --strict --clean <flags>` of `project` into `site_dir`."""
        args = ["build", "--strict", "--clean", "--site-dir", str(site_dir), *flags]
        return self._run("mkdocs", project, args, env)

    def run_tests(self, project: Path, *args: str) -> subprocess.CompletedProcess[str]:
        """`python -m pytest -q -n 0 <args>` inside a copied project, importing its own tests and snippets."""
        return self._run("pytest", project, ["-q", "-p", "no:cacheprovider", "-n", "0", *args], None)

    def _run(
        self, tool: str, project: Path, args: list[str], env: dict[str, str] | None
    ) -> subprocess.CompletedProcess[str]:
        if self._server is None or self._server.poll() is not None:
            self._server = self._start()
        self._count += 1
        stdout, stderr = (self._outputs / f"{self._count}.{n}" for n in ("out", "err"))
        job_env = build_env() | (env or {})
        job_env["PYTHONPATH"] = str(project)
        job = {"tool": tool, "cwd": str(project), "env": job_env, "args": args,
               "stdout": str(stdout), "stderr": str(stderr)}
        try:
            self._server.stdin.write(json.dumps(job) + "\n")
            self._server.stdin.flush()
            answer = self._server.stdout.readline()
        except BaseException:
            # Interrupted (a test's timeout): the job may still run and would hold up every later
            # one, so the server and its forked job go, and the next job starts a fresh server.
            self._kill()
            raise
        if not answer:
            raise RuntimeError(f"the build server died (exit {self._server.wait()}) building {project}")
        returncode = json.loads(answer)
        result = subprocess.CompletedProcess(
            [tool, *args], returncode,
            stdout.read_text(encoding="utf-8"), stderr.read_text(encoding="utf-8"),
        )
        stdout.unlink()
        stderr.unlink()
        return result

    def _kill(self) -> None:
        """End the server and any job it forked (its own session), at once."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._server.pid, signal.SIGKILL)
        self._server.wait()
        self._server = None

    def close(self) -> None:
        if self._server is not None:
            self._server.stdin.close()
            self._server.wait(timeout=60)
            self._server = None
        for leftover in self._outputs.iterdir():
            leftover.unlink()
        os.rmdir(self._outputs)
