"""Helpers for the authz unit tests (in-process chain, ``zrchain.testing.inproc``)."""

from __future__ import annotations

import hashlib
from typing import Any

from cosmpy.protos.cosmos.authz.v1beta1 import authz_pb2
from cosmpy.protos.cosmos.authz.v1beta1 import query_pb2 as aq
from cosmpy.protos.cosmos.authz.v1beta1 import tx_pb2 as atx
from cosmpy.protos.cosmos.bank.v1beta1 import authz_pb2 as bauthz
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as btx
from cosmpy.protos.cosmos.base.v1beta1.coin_pb2 import Coin
from google.protobuf.timestamp_pb2 import Timestamp

from zrchain.codec.any import pack
from zrchain.testing.inproc import GENESIS_TIME, Chain

AQ = "/cosmos.authz.v1beta1.Query/"
SEND_URL = "/cosmos.bank.v1beta1.MsgSend"


def generic(url: str) -> Any:
    return pack(authz_pb2.GenericAuthorization(msg=url))


def send_auth(limit: str, allow: list[str] | None = None) -> Any:
    amount, denom = int(limit.rstrip("urock")), "urock"
    return pack(
        bauthz.SendAuthorization(
            spend_limit=[Coin(denom=denom, amount=str(amount))], allow_list=allow or []
        )
    )


def grant_msg(granter: str, grantee: str, auth: Any, expiration: int | None = None) -> Any:
    g = authz_pb2.Grant(authorization=auth)
    if expiration is not None:
        g.expiration.CopyFrom(Timestamp(seconds=expiration))
    return atx.MsgGrant(granter=granter, grantee=grantee, grant=g)


def msg_send(frm: str, to: str, amount: int) -> Any:
    return btx.MsgSend(
        from_address=frm, to_address=to, amount=[Coin(denom="urock", amount=str(amount))]
    )


def exec_msg(grantee: str, *msgs: Any) -> Any:
    return atx.MsgExec(grantee=grantee, msgs=[pack(m) for m in msgs])


def block_time(chain: Chain, height: int | None = None) -> int:
    """Seconds of the block at ``height`` (the next block by default): inproc blocks are one
    second apart."""
    return GENESIS_TIME + (chain.height + 1 if height is None else height)


def grants(chain: Chain, granter: str, grantee: str, url: str = "", **page: Any) -> Any:
    req = aq.QueryGrantsRequest(granter=granter, grantee=grantee, msg_type_url=url)
    if page:
        req.pagination.CopyFrom(_page(**page))
    return chain.q(AQ + "Grants", req, aq.QueryGrantsResponse)


def granter_grants(chain: Chain, granter: str, **page: Any) -> Any:
    req = aq.QueryGranterGrantsRequest(granter=granter)
    if page:
        req.pagination.CopyFrom(_page(**page))
    return chain.q(AQ + "GranterGrants", req, aq.QueryGranterGrantsResponse)


def grantee_grants(chain: Chain, grantee: str, **page: Any) -> Any:
    req = aq.QueryGranteeGrantsRequest(grantee=grantee)
    if page:
        req.pagination.CopyFrom(_page(**page))
    return chain.q(AQ + "GranteeGrants", req, aq.QueryGranteeGrantsResponse)


def _page(**kw: Any) -> Any:
    from cosmpy.protos.cosmos.base.query.v1beta1.pagination_pb2 import PageRequest

    return PageRequest(**kw)


def store_digest(chain: Chain, *modules: str) -> str:
    h = hashlib.sha256()
    kv = chain.app.store.version().kv
    for m in modules:
        prefix = m.encode() + b"/"
        for k, v in kv.iterate(prefix, prefix[:-1] + b"0"):
            h.update(len(k).to_bytes(4, "big") + k + len(v).to_bytes(4, "big") + v)
    return h.hexdigest()


def store_keys(chain: Chain, prefix: bytes) -> list[bytes]:
    kv = chain.app.store.version().kv
    p = b"authz/" + prefix
    end = p[:-1] + bytes([p[-1] + 1])
    return [k[len(b"authz/") :] for k, _ in kv.iterate(p, end)]
