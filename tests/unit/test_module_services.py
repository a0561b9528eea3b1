"""Services are bound to their proto descriptors by RPC name: a missing handler, a public
method that is no RPC, or an ``absent`` entry that lies stops the node at start-up."""

from __future__ import annotations

import pytest
from cosmpy.protos.cosmos.bank.v1beta1 import bank_pb2, query_pb2
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from cosmpy.protos.cosmos.base.v1beta1.coin_pb2 import Coin

from zrchain.codec.services import handler_name, path_fields, rest_routes, signers_of
from zrchain.module import (
    BindError,
    Module,
    MsgServer,
    QueryServer,
    Registry,
    RestRoute,
    validate_basic,
)

QUERY = query_pb2.DESCRIPTOR.services_by_name["Query"]
MSG = bank_tx.DESCRIPTOR.services_by_name["Msg"]


@pytest.mark.parametrize(
    ("rpc", "method"),
    [
        ("NewWorkspace", "new_workspace"),
        ("KeyRequestByID", "key_request_by_id"),
        ("PolicyById", "policy_by_id"),
        ("ABCIQuery", "abci_query"),
        ("Bech32Prefix", "bech32_prefix"),
        ("NewICATransactionRequest", "new_ica_transaction_request"),
        ("GetTxsEvent", "get_txs_event"),
        ("ZrSignKeys", "zr_sign_keys"),
    ],
)
def test_handler_names_are_the_rpc_names_in_snake_case(rpc: str, method: str) -> None:
    assert handler_name(rpc) == method


def _check(msg: object) -> None:
    return None


class Bank(MsgServer):
    descriptor = MSG
    absent = {"UpdateParams": "gov", "SetSendEnabled": "gov"}

    @validate_basic(_check)
    def send(self, ctx, msg):  # type: ignore[no-untyped-def]
        return bank_tx.MsgSendResponse()

    def multi_send(self, ctx, msg):  # type: ignore[no-untyped-def]
        return bank_tx.MsgMultiSendResponse()

    def _helper(self) -> None:  # private: not an RPC, allowed
        return None


def test_a_msg_server_binds_type_urls_signers_and_checks() -> None:
    routes = {r.type_url: r for r in Bank().routes()}
    assert set(routes) == {"/cosmos.bank.v1beta1.MsgSend", "/cosmos.bank.v1beta1.MsgMultiSend"}
    send = routes["/cosmos.bank.v1beta1.MsgSend"]
    assert send.msg_class is bank_tx.MsgSend
    assert send.response_class is bank_tx.MsgSendResponse
    assert send.validate is _check
    assert send.module == "bank"
    assert send.rpc == "/cosmos.bank.v1beta1.Msg/Send"
    assert send.signers(bank_tx.MsgSend(from_address="zen1a", to_address="zen1b")) == ["zen1a"]
    assert routes["/cosmos.bank.v1beta1.MsgMultiSend"].validate is None


def test_nested_signer_fields_defer_to_their_own_option() -> None:
    """MsgMultiSend's signer is ``inputs``; each Input names ``address``."""
    msg = bank_tx.MsgMultiSend(
        inputs=[bank_pb2.Input(address="zen1a", coins=[Coin(denom="u", amount="1")])],
        outputs=[bank_pb2.Output(address="zen1b")],
    )
    assert signers_of(bank_tx.MsgMultiSend.DESCRIPTOR)(msg) == ["zen1a"]


def test_a_missing_handler_fails() -> None:
    class NoMulti(MsgServer):
        descriptor = MSG
        absent = {"UpdateParams": "gov", "SetSendEnabled": "gov"}

        def send(self, ctx, msg):  # type: ignore[no-untyped-def]
            return None

    with pytest.raises(BindError, match=r"RPC MultiSend \(expected method multi_send"):
        NoMulti().routes()


def test_an_extra_handler_fails() -> None:
    class Extra(Bank):
        def burn(self, ctx, msg):  # type: ignore[no-untyped-def]
            return None

    with pytest.raises(BindError, match="without an RPC: burn"):
        Extra().routes()


def test_absent_must_name_rpcs_without_handlers() -> None:
    class Lies(Bank):
        absent = {"UpdateParams": "gov", "SetSendEnabled": "gov", "Send": "no"}

    with pytest.raises(BindError, match="Send is listed as absent but has handler send"):
        Lies().routes()

    class Typo(Bank):
        absent = {"UpdateParams": "gov", "SetSendEnabled": "gov", "Sned": "typo"}

    with pytest.raises(BindError, match="'absent' names no RPC: Sned"):
        Typo().routes()


def test_an_unserved_rpc_without_a_reason_fails() -> None:
    class Silent(Bank):
        absent = {"UpdateParams": "gov"}

    with pytest.raises(BindError, match="no handler for RPC SetSendEnabled"):
        Silent().routes()


def test_a_module_with_a_broken_service_stops_the_registry() -> None:
    class Broken(MsgServer):
        descriptor = MSG

    class M(Module):
        def services(self):  # type: ignore[no-untyped-def]
            return [Broken()]

    with pytest.raises(BindError):
        Registry([M(name="m")])


def test_query_routes_carry_the_proto_rest_routes() -> None:
    rpc = QUERY.methods_by_name["DenomMetadata"]
    path = "/cosmos/bank/v1beta1/denoms_metadata/{denom=**}"
    assert rest_routes(rpc) == (RestRoute("GET", path),)
    assert path_fields("/x/{id}/{wallet_type}/{prefixes}") == ["id", "wallet_type", "prefixes"]
    assert path_fields("/x/{denom=**}") == ["denom"]

    names = [m.name for m in QUERY.methods]

    class Q(QueryServer):
        descriptor = QUERY
        absent = {n: "test" for n in names if n != "Params"}

        def params(self, ctx, req):  # type: ignore[no-untyped-def]
            return query_pb2.QueryParamsResponse()

    (route,) = Q().routes()
    assert route.method == "/cosmos.bank.v1beta1.Query/Params"
    assert route.request_class is query_pb2.QueryParamsRequest
    assert route.rest == (RestRoute("GET", "/cosmos/bank/v1beta1/params"),)
    assert route.needs_state


def test_a_query_service_is_not_a_msg_service() -> None:
    class Wrong(MsgServer):
        descriptor = QUERY

    with pytest.raises(BindError, match=r"not a cosmos\.msg\.v1 Msg service"):
        Wrong().routes()
