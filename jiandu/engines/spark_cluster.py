"""A Spark standalone cluster on this machine: one master and N workers, started from the
PySpark installation (``$SPARK_HOME/bin/spark-class``), for tests, benchmarks and a first
deployment without YARN or Kubernetes.

Each daemon is its own process group with its log in the cluster's work folder; the master's
status comes from its JSON endpoint (``http://127.0.0.1:<ui>/json/``). Every daemon binds
127.0.0.1 only. A workspace uses the cluster with ``jiandu init --engine spark --spark-master
spark://127.0.0.1:<port>``; its warehouse is a local folder, which is right here because the
workers share this machine's disk (on a real cluster it is a shared URI, see
``docs/deployment.md``).

``python -m jiandu.engines.spark_cluster --workers 2`` starts one, prints its master URL and
keeps it up until interrupted.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

__all__ = ["ClusterError", "StandaloneCluster", "spark_home"]

START_TIMEOUT_S = 180.0  # JVM start-up on a loaded 2-core machine takes tens of seconds


class ClusterError(RuntimeError):
    """A daemon did not start or the workers did not register in time."""


def spark_home() -> Path:
    """The Spark distribution PySpark ships (bin/spark-class, jars)."""
    env = os.environ.get("SPARK_HOME")
    if env and (Path(env) / "bin" / "spark-class").is_file():
        return Path(env)
    import pyspark

    home = Path(pyspark.__file__).resolve().parent
    if not (home / "bin" / "spark-class").is_file():
        raise ClusterError(f"no bin/spark-class under {home}; set SPARK_HOME to a Spark distribution")
    return home


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class StandaloneCluster:
    """A master and ``workers`` workers of ``cores`` cores and ``memory`` each (a Spark size
    such as ``"1g"``), stopped by `stop` or at the end of a ``with`` block."""

    workers: int = 2
    cores: int = 1
    memory: str = "1g"
    work_dir: Path | None = None
    _procs: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list, init=False)
    _port: int = field(default=0, init=False)
    _ui_port: int = field(default=0, init=False)

    @property
    def master_url(self) -> str:
        return f"spark://127.0.0.1:{self._port}"

    @property
    def status_url(self) -> str:
        return f"http://127.0.0.1:{self._ui_port}/json/"

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["SPARK_HOME"] = str(spark_home())
        env["SPARK_LOCAL_IP"] = "127.0.0.1"
        env.setdefault("PYSPARK_PYTHON", sys.executable)  # executors run this interpreter
        env["SPARK_NO_DAEMONIZE"] = "1"
        return env

    def _spawn(self, name: str, *args: str) -> None:
        assert self.work_dir is not None
        log = (self.work_dir / f"{name}.log").open("wb")
        proc = subprocess.Popen(
            [str(spark_home() / "bin" / "spark-class"), *args],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=self._env(),
            cwd=self.work_dir,
            start_new_session=True,  # its own process group: stop() ends the JVM and its children
        )
        log.close()
        self._procs.append((name, proc))

    def status(self) -> dict[str, object]:
        """The master's JSON status (workers, cores, running applications)."""
        with urllib.request.urlopen(self.status_url, timeout=5) as response:  # loopback only
            return dict(json.loads(response.read().decode("utf-8")))

    def _log_tail(self, name: str) -> str:
        assert self.work_dir is not None
        path = self.work_dir / f"{name}.log"
        lines = path.read_text("utf-8", errors="replace").splitlines() if path.exists() else []
        return "\n".join(lines[-15:])

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        alive = 0
        while time.monotonic() < deadline:
            for name, proc in self._procs:
                if proc.poll() is not None:
                    raise ClusterError(f"Spark {name} exited with {proc.returncode}:\n{self._log_tail(name)}")
            try:
                alive = int(str(self.status().get("aliveworkers", 0)))
            except (OSError, ValueError):  # not listening yet, or its web UI still starting (HTML)
                alive = 0
            if alive >= self.workers:
                return
            time.sleep(0.5)
        raise ClusterError(
            f"{alive} of {self.workers} Spark workers registered with {self.master_url} "
            f"in {START_TIMEOUT_S:.0f} s; master log:\n{self._log_tail('master')}"
        )

    def start(self) -> str:
        """Start the master and the workers; return the master URL once every worker is alive."""
        if self._procs:
            raise ClusterError("this cluster is already started")
        if self.work_dir is None:
            self.work_dir = Path(tempfile.mkdtemp(prefix="jiandu-spark-cluster-"))
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self._port, self._ui_port = _free_port(), _free_port()
        self._spawn(
            "master",
            "org.apache.spark.deploy.master.Master",
            "--host", "127.0.0.1",
            "--port", str(self._port),
            "--webui-port", str(self._ui_port),
        )  # fmt: skip
        try:
            for i in range(1, self.workers + 1):
                worker_dir = self.work_dir / f"worker-{i}"
                worker_dir.mkdir(exist_ok=True)
                self._spawn(
                    f"worker-{i}",
                    "org.apache.spark.deploy.worker.Worker",
                    self.master_url,
                    "--host", "127.0.0.1",
                    "--cores", str(self.cores),
                    "--memory", self.memory,
                    "--work-dir", str(worker_dir),
                    "--webui-port", str(_free_port()),
                )  # fmt: skip
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self.master_url

    def stop(self) -> None:
        """Stop every daemon (workers first), waiting for each to end."""
        for _name, proc in reversed(self._procs):
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
        for _name, proc in reversed(self._procs):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        self._procs.clear()

    def __enter__(self) -> StandaloneCluster:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Run a Spark standalone cluster on this machine.")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cores", type=int, default=1, help="cores per worker")
    parser.add_argument("--memory", default="1g", help="memory per worker, e.g. 2g")
    parser.add_argument("--work-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    cluster = StandaloneCluster(args.workers, args.cores, args.memory, args.work_dir)
    url = cluster.start()
    print(f"Spark master {url} (status {cluster.status_url}, logs {cluster.work_dir})", flush=True)
    print(f"use it: jiandu init --engine spark --spark-master {url}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
