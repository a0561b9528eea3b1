"""Helpers for identity/policy tests on the in-process chain (``zrchain.testing.inproc``)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from zrchain.codec.any import pack
from zrchain.codec.gen.zrchain.identity import query_pb2 as iq
from zrchain.codec.gen.zrchain.identity import tx_pb2 as itx
from zrchain.codec.gen.zrchain.policy import policy_pb2
from zrchain.codec.gen.zrchain.policy import query_pb2 as pq
from zrchain.codec.gen.zrchain.policy import tx_pb2 as ptx
from zrchain.testing.inproc import Chain, Wallet, msg_responses

IQ = "/zrchain.identity.Query/"
PQ = "/zrchain.policy.Query/"
ADD_OWNER_URL = "/zrchain.identity.MsgAddWorkspaceOwner"


def ok(res: Any) -> Any:
    assert res.code == 0, f"code {res.code} ({res.codespace}): {res.log}"
    return res


def fails(res: Any, code: int, codespace: str, contains: str = "") -> Any:
    assert res.code == code and res.codespace == codespace, (
        f"expected {codespace}/{code}, got {res.codespace}/{res.code}: {res.log}"
    )
    assert contains in res.log, f"{contains!r} not in {res.log!r}"
    return res


def events(res: Any, type_: str) -> list[dict[str, str]]:
    return [
        {a.key: a.value for a in e.attributes if a.key != "msg_index"}
        for e in res.events
        if e.type == type_
    ]


def response(res: Any, cls: Any, index: int = 0) -> Any:
    return cls.FromString(msg_responses(ok(res))[index].value)


def module_state(chain: Chain, *modules: str) -> str:
    """Digest of every committed key/value under the modules' stores."""
    h = hashlib.sha256()
    kv = chain.app.store.version().kv
    for m in modules or ("identity", "policy"):
        prefix = m.encode() + b"/"
        for k, v in kv.iterate(prefix, prefix[:-1] + b"0"):
            h.update(len(k).to_bytes(4, "big") + k + len(v).to_bytes(4, "big") + v)
    return h.hexdigest()


def bool_policy(definition: str, participants: Sequence[str]) -> policy_pb2.BoolparserPolicy:
    return policy_pb2.BoolparserPolicy(
        definition=definition,
        participants=[policy_pb2.PolicyParticipant(address=p) for p in participants],
    )


def new_workspace(chain: Chain, w: Wallet, *others: str, admin: int = 0, sign: int = 0) -> str:
    msg = itx.MsgNewWorkspace(
        creator=w.address, admin_policy_id=admin, sign_policy_id=sign, additional_owners=others
    )
    return str(response(chain.run(w, [msg]), itx.MsgNewWorkspaceResponse).addr)


def new_policy(
    chain: Chain, w: Wallet, definition: str, participants: Sequence[str], btl: int = 0
) -> int:
    msg = ptx.MsgNewPolicy(
        creator=w.address,
        name="p",
        policy=pack(bool_policy(definition, participants)),
        btl=btl,
    )
    return int(response(chain.run(w, [msg]), ptx.MsgNewPolicyResponse).id)


def new_keyring(chain: Chain, w: Wallet, description: str = "kr", **kw: Any) -> str:
    msg = itx.MsgNewKeyring(creator=w.address, description=description, **kw)
    return str(response(chain.run(w, [msg]), itx.MsgNewKeyringResponse).addr)


def workspace(chain: Chain, addr: str) -> Any:
    return chain.q(
        IQ + "WorkspaceByAddress",
        iq.QueryWorkspaceByAddressRequest(workspace_addr=addr),
        iq.QueryWorkspaceByAddressResponse,
    ).workspace


def keyring(chain: Chain, addr: str) -> Any:
    return chain.q(
        IQ + "KeyringByAddress",
        iq.QueryKeyringByAddressRequest(keyring_addr=addr),
        iq.QueryKeyringByAddressResponse,
    ).keyring


def action(chain: Chain, aid: int) -> Any:
    return chain.q(
        PQ + "ActionDetailsById",
        pq.QueryActionDetailsByIdRequest(id=aid),
        pq.QueryActionDetailsByIdResponse,
    ).action


def actions(chain: Chain, **kw: Any) -> Any:
    return chain.q(PQ + "Actions", pq.QueryActionsRequest(**kw), pq.QueryActionsResponse)


def approve(chain: Chain, w: Wallet, aid: int, action_type: str = ADD_OWNER_URL, **kw: Any) -> Any:
    msg = ptx.MsgApproveAction(creator=w.address, action_type=action_type, action_id=aid, **kw)
    return chain.run(w, [msg])


# -- pytest fixtures (import them into a test module or conftest to use them) -----------------
FUNDS = "100000000000urock"
NAMES = ("alice", "bob", "carol", "dave")


def _make(tmp_path: Any, fee: str | None = None) -> Chain:
    from zrchain.testing.inproc import make_chain

    def edit(state: dict[str, Any]) -> None:
        if fee is not None:
            state["identity"]["params"]["keyring_creation_fee"] = fee

    return make_chain(tmp_path / "db", dict.fromkeys(NAMES, FUNDS), app_state=edit)


@pytest.fixture
def chain(tmp_path: Any) -> Iterator[Chain]:
    """alice, bob, carol, dave with 100000 ROCK each; default identity/policy params."""
    c = _make(tmp_path)
    yield c
    c.app.close()


@pytest.fixture
def free_chain(tmp_path: Any) -> Iterator[Chain]:
    """Like ``chain``, but keyrings cost nothing (keyring_creation_fee 0)."""
    c = _make(tmp_path, fee="0")
    yield c
    c.app.close()
