"""The committed generated code is exactly what scripts/gen_protos.py produces.

If this fails, regenerate with `.venv/bin/python scripts/gen_protos.py` (never edit files
under zrchain/codec/gen by hand). A difference only in the "Protobuf Python Version"
header means a different grpcio-tools/protoc than the committed code was built with.
"""

from __future__ import annotations

import difflib
import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "scripts" / "gen_protos.py"
GEN_DIR = ROOT / "zrchain" / "codec" / "gen"


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_protos", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _generate(out: Path) -> dict[str, bytes]:
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return _load_generator().read_tree(out)


def _diff(rel: str, old: bytes | None, new: bytes | None) -> str:
    a = (old or b"").decode(errors="replace").splitlines(keepends=True)
    b = (new or b"").decode(errors="replace").splitlines(keepends=True)
    lines = difflib.unified_diff(a, b, f"committed/{rel}", f"regenerated/{rel}", n=1)
    return "".join(list(lines)[:40])


def test_committed_code_is_current(tmp_path: Path) -> None:
    fresh = _generate(tmp_path / "gen")
    committed = _load_generator().read_tree(GEN_DIR)
    assert fresh, "generator produced nothing"
    problems = [
        _diff(rel, committed.get(rel), fresh.get(rel))
        for rel in sorted(set(fresh) | set(committed))
        if committed.get(rel) != fresh.get(rel)
    ]
    assert not problems, "stale generated code; run scripts/gen_protos.py\n" + "\n".join(problems)


def test_generation_is_deterministic(tmp_path: Path) -> None:
    generator = _load_generator()
    assert generator.render() == generator.render()
    assert set(_generate(tmp_path / "a")) == set(generator.render())


def test_every_proto_has_its_module() -> None:
    committed = _load_generator().read_tree(GEN_DIR)
    for proto in sorted((ROOT / "proto" / "zrchain").rglob("*.proto")):
        rel = proto.relative_to(ROOT / "proto").with_suffix("").as_posix()
        assert f"{rel}_pb2.py" in committed
        assert f"{rel}_pb2.pyi" in committed
    assert not any(rel.startswith("cosmos/") or "/cosmos/" in rel for rel in committed)
    assert not any(rel.endswith("_grpc.py") for rel in committed)


def test_rewrite_points_imports_at_cosmpy_and_our_package() -> None:
    generator = _load_generator()
    src = (
        "from google.protobuf import any_pb2 as x\n"
        "from cosmos.base.query.v1beta1 import pagination_pb2 as p\n"
        "from zrchain.identity import params_pb2 as q\n"
        "from amino import amino_pb2 as a\n"
        "from google.api import annotations_pb2 as h\n"
        "_builder.BuildTopDescriptorsAndMessages(DESCRIPTOR, 'zrchain.identity.tx_pb2', _globals)\n"
    )
    out = generator.rewrite(src, "t.py")
    assert "from cosmpy.protos.cosmos.base.query.v1beta1 import pagination_pb2 as p\n" in out
    assert "from zrchain.codec.gen.zrchain.identity import params_pb2 as q\n" in out
    assert "'zrchain.codec.gen.zrchain.identity.tx_pb2'" in out
    assert "from google.protobuf import any_pb2 as x\n" in out
    assert "from cosmpy.protos.amino import amino_pb2 as a\n" in out
    assert "from google.api import annotations_pb2 as h\n" in out  # googleapis-common-protos


def test_rewrite_maps_cosmos_option_packages_to_cosmpy() -> None:
    """zrchain/validation imports gogoproto, cosmos_proto and tendermint: cosmpy ships them."""
    generator = _load_generator()
    src = (
        "from gogoproto import gogo_pb2 as g\n"
        "from cosmos_proto import cosmos_pb2 as c\n"
        "from tendermint.types import types_pb2 as t\n"
    )
    out = generator.rewrite(src, "t.py")
    assert "from cosmpy.protos.gogoproto import gogo_pb2 as g\n" in out
    assert "from cosmpy.protos.cosmos_proto import cosmos_pb2 as c\n" in out
    assert "from cosmpy.protos.tendermint.types import types_pb2 as t\n" in out


@pytest.mark.parametrize(
    "line",
    [
        "from validate import validate_pb2 as v\n",
        "import cosmos_proto\n",
        "from google.apis import x_pb2 as x\n",
        "from cosmos.nonexistent.v9 import nothing_pb2 as n\n",
    ],
)
def test_rewrite_rejects_unexpected_imports(line: str) -> None:
    generator = _load_generator()
    with pytest.raises(generator.GenerationError):
        generator.rewrite(line, "t.py")


def test_writer_refuses_a_foreign_directory(tmp_path: Path) -> None:
    generator = _load_generator()
    (tmp_path / "notes.txt").write_text("not generated")
    with pytest.raises(generator.GenerationError):
        generator.write_tree(tmp_path, {"__init__.py": b"x"})
    assert (tmp_path / "notes.txt").read_text() == "not generated"


def test_writer_removes_stale_generated_files(tmp_path: Path) -> None:
    generator = _load_generator()
    files = generator.render()
    generator.write_tree(tmp_path, files)
    stale = tmp_path / "zrchain" / "gone" / "old_pb2.py"
    stale.parent.mkdir()
    stale.write_text("# stale\n")
    changed = generator.write_tree(tmp_path, files)
    assert changed == ["zrchain/gone/old_pb2.py"]
    assert not stale.parent.exists()
    assert generator.read_tree(tmp_path) == files


def test_stubs_agree_with_the_registered_files() -> None:
    assert _load_generator().check_stubs() == []


def test_the_options_the_node_reads_are_in_our_descriptors() -> None:
    """REST routes, signers and the Msg-service marker come from the generated code."""
    from cosmpy.protos.amino import amino_pb2
    from cosmpy.protos.cosmos.msg.v1 import msg_pb2
    from google.api import annotations_pb2

    from zrchain.codec.gen.zrchain.treasury import query_pb2, tx_pb2

    rpc = query_pb2.DESCRIPTOR.services_by_name["Query"].methods_by_name["KeyByID"]
    rule = rpc.GetOptions().Extensions[annotations_pb2.http]
    assert rule.get == "/zrchain/treasury/key_by_id/{id}/{wallet_type}/{prefixes}"
    msg = tx_pb2.DESCRIPTOR.services_by_name["Msg"]
    assert msg.GetOptions().Extensions[msg_pb2.service]
    assert list(tx_pb2.MsgNewKeyRequest.DESCRIPTOR.GetOptions().Extensions[msg_pb2.signer]) == [
        "creator"
    ]
    params = tx_pb2.MsgUpdateParams.DESCRIPTOR.GetOptions()
    assert list(params.Extensions[msg_pb2.signer]) == ["authority"]
    assert params.Extensions[amino_pb2.name].endswith("/x/treasury/MsgUpdateParams")
