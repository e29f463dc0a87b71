"""Where the Spark engine keeps its tables (and ingest stages its Parquet): a folder given as a
local path or a URI.

A local path (``/data/jiandu/spark-warehouse``) or a Hadoop-compatible URI (``file:///…``,
``hdfs://namenode:8020/…``, ``s3a://bucket/…``). Spark reads and writes the table folders
through the URI itself (its Hadoop filesystem); the driver's own small files (each table's
``_jiandu_schema.json``), folder renames and deletions go through `pyarrow.fs`, chosen by the
URI's scheme (``s3a`` is S3 for pyarrow). Paths handed to this class are relative to the
warehouse and use ``/``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

__all__ = ["Warehouse"]

_PYARROW_SCHEMES = {"s3a": "s3", "s3n": "s3"}


class Warehouse:
    """A warehouse folder on a local disk, HDFS or object storage."""

    def __init__(self, location: Path | str) -> None:
        text = str(location)
        if "://" in text:
            scheme, rest = text.split("://", 1)
            self.uri = text.rstrip("/")
            fs, root = pafs.FileSystem.from_uri(f"{_PYARROW_SCHEMES.get(scheme, scheme)}://{rest}")
        else:
            root = str(Path(text).resolve())
            self.uri = root
            fs = pafs.LocalFileSystem()
        self.fs: pafs.FileSystem = fs
        self.root = root.rstrip("/") or "/"

    def __str__(self) -> str:
        return self.uri

    @property
    def is_local(self) -> bool:
        """True when the warehouse is on this machine's own file system."""
        return isinstance(self.fs, pafs.LocalFileSystem)

    def _path(self, relative: str) -> str:
        return f"{self.root}/{relative}" if relative else self.root

    def spark_path(self, relative: str) -> str:
        """What Spark is given to read or write ``relative`` (a local path or a URI)."""
        return f"{self.uri}/{relative}" if relative else self.uri

    def make_dir(self, relative: str = "") -> None:
        self.fs.create_dir(self._path(relative), recursive=True)

    def make_private_dir(self, relative: str = "") -> None:
        """A folder for case data: on a local disk readable by its owner only (on HDFS or object
        storage access is the store's own permissions' business)."""
        self.make_dir(relative)
        if self.is_local:
            os.chmod(self._path(relative), 0o700)

    def exists(self, relative: str) -> bool:
        return self.fs.get_file_info(self._path(relative)).type != pafs.FileType.NotFound

    def folders(self, relative: str = "") -> list[str]:
        """Names of the folders directly inside ``relative``, sorted."""
        infos = self.fs.get_file_info(pafs.FileSelector(self._path(relative), allow_not_found=True))
        return sorted(i.base_name for i in infos if i.type == pafs.FileType.Directory)

    def files(self, relative: str) -> list[str]:
        """Names of the files directly inside ``relative``, sorted."""
        infos = self.fs.get_file_info(pafs.FileSelector(self._path(relative), allow_not_found=True))
        return sorted(i.base_name for i in infos if i.type == pafs.FileType.File)

    def read_text(self, relative: str) -> str:
        with self.fs.open_input_stream(self._path(relative)) as stream:
            return bytes(stream.readall()).decode("utf-8")

    def write_text(self, relative: str, text: str) -> None:
        with self.fs.open_output_stream(self._path(relative)) as stream:
            stream.write(text.encode("utf-8"))

    def open_output(self, relative: str) -> pafs.NativeFile:
        """A new file (replacing any of that name) to write bytes to, such as a Parquet writer's."""
        return self.fs.open_output_stream(self._path(relative))

    def read_parquet(self, relative: str) -> pa.Table:
        """One Parquet file of the warehouse, read in this process."""
        return pq.read_table(self._path(relative), filesystem=self.fs)

    def move(self, source: str, target: str) -> None:
        """Rename a folder or file (one rename on a local disk or HDFS)."""
        self.fs.move(self._path(source), self._path(target))

    def delete_dir(self, relative: str) -> None:
        """Remove a folder and its contents; nothing when it does not exist."""
        if self.exists(relative):
            self.fs.delete_dir(self._path(relative))

    def copy_out(self, relative: str, target: Path) -> None:
        """Copy one file of the warehouse to a local file."""
        pafs.copy_files(
            self._path(relative), str(target),
            source_filesystem=self.fs, destination_filesystem=pafs.LocalFileSystem(),
        )
