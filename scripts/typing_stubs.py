#!/usr/bin/env python3
"""Write type stubs for cosmpy's generated protobuf modules into ``.typings/`` (git-ignored).

cosmpy ships its ``*_pb2.py`` without stubs or a ``py.typed`` marker, so to mypy every
cosmpy message class (the ABCI requests and responses, bank, auth, tx...) would be ``Any``.
The stubs are generated from the descriptors cosmpy registers at import, by protoc's own
``--pyi_out`` (grpcio-tools, the version ``scripts/gen_protos.py`` pins), with imports
rewritten to ``cosmpy.protos.*``; they follow the installed cosmpy, so nothing is committed.
``mypy`` finds them through ``mypy_path`` in pyproject.toml. Usage: scripts/typing_stubs.py
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import shutil
import sys
import tempfile
from pathlib import Path

from google.protobuf import descriptor_pb2
from google.protobuf.descriptor import FileDescriptor
from grpc_tools import protoc

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / ".typings"
#: protoc writes a file-level extension as `name: ClassVar[...]`, which only a class may hold.
_MODULE_CLASSVAR = re.compile(r"^(\w+): _ClassVar\[(.*)\]$", re.M)
_BYTES_FIELD = re.compile(r"^\s+bytes: ", re.M)
_BYTES_TYPE = re.compile(r"(?<=: )bytes\b|(?<=\[)bytes\b|(?<=\| )bytes\b")


def _cosmpy_files() -> tuple[list[str], descriptor_pb2.FileDescriptorSet, set[str]]:
    import cosmpy.protos as protos

    names = [m.name for m in pkgutil.walk_packages(protos.__path__, "cosmpy.protos.")]
    modules = [importlib.import_module(n) for n in names if n.endswith("_pb2")]
    files: dict[str, descriptor_pb2.FileDescriptorProto] = {}

    def add(fd: FileDescriptor) -> None:
        if fd.name not in files:
            for dep in fd.dependencies:
                add(dep)
            proto = descriptor_pb2.FileDescriptorProto()
            fd.CopyToProto(proto)
            files[fd.name] = proto

    for module in modules:
        add(module.DESCRIPTOR)
    folder = Path(protos.__path__[0])
    roots = {p.name for p in folder.iterdir() if p.is_dir() and p.name != "__pycache__"}
    targets = [m.DESCRIPTOR.name for m in modules]
    return targets, descriptor_pb2.FileDescriptorSet(file=list(files.values())), roots


def main() -> int:
    targets, fds, roots = _cosmpy_files()
    pattern = re.compile(rf"^(from|import) ({'|'.join(sorted(roots))})(\.| )", re.M)
    with tempfile.TemporaryDirectory(prefix="zrchain-stubs-") as tmp:
        work = Path(tmp)
        (work / "set.pb").write_bytes(fds.SerializeToString())
        (work / "out").mkdir()
        code = protoc.main(
            ["protoc", f"--descriptor_set_in={work / 'set.pb'}", f"--pyi_out={work / 'out'}",
             *targets]
        )
        if code != 0:
            print("error: protoc could not write the cosmpy stubs", file=sys.stderr)
            return 1
        shutil.rmtree(OUT, ignore_errors=True)
        base = OUT / "cosmpy" / "protos"
        for pyi in sorted((work / "out").rglob("*.pyi")):
            rel = pyi.relative_to(work / "out")
            if rel.parts[0] not in roots:
                continue  # google/protobuf: typeshed's types-protobuf covers it
            text = pattern.sub(lambda m: f"{m[1]} cosmpy.protos.{m[2]}{m[3]}", pyi.read_text())
            text = _MODULE_CLASSVAR.sub(r"\1: \2", text)
            if _BYTES_FIELD.search(text):  # a field named `bytes` shadows the type in its class
                text = "import builtins\n" + _BYTES_TYPE.sub("builtins.bytes", text)
            target = base / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        for folder in [OUT / "cosmpy", *(p for p in (OUT / "cosmpy").rglob("*") if p.is_dir())]:
            (folder / "__init__.pyi").touch()
    print(f"wrote {len(targets)} cosmpy stubs to {OUT.relative_to(ROOT)}/", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
