"""REST (grpc-gateway) routes of zrChain's Query services, as data.

zrChain declares these with ``google.api.http`` options in its query.proto files; our
.proto files leave that option out (it is not on the wire), so the routes live here. Keys
are full gRPC method names, values are ``(HTTP method, path template)``. A ``{field}``
placeholder names a field of the request message, filled from that path segment; all
other request fields come from the query string (grpc-gateway v1 rules: proto field
names, ``pagination.limit`` style for nested fields, repeated fields by repetition).
A path placeholder bound to a repeated field (``{prefixes}``, ``{creators}``) takes a
comma-separated list.

None of these RPCs has ``additional_bindings`` upstream, so each maps to one route.
"""

from __future__ import annotations

import re

Route = tuple[str, str]

REST_ROUTES: dict[str, Route] = {
    # x/identity
    "/zrchain.identity.Query/Params": ("GET", "/zrchain/identity/params"),
    "/zrchain.identity.Query/Workspaces": ("GET", "/zrchain/identity/workspaces"),
    "/zrchain.identity.Query/WorkspaceByAddress": (
        "GET",
        "/zrchain/identity/workspace_by_address/{workspace_addr}",
    ),
    "/zrchain.identity.Query/Keyrings": ("GET", "/zrchain/identity/keyrings"),
    "/zrchain.identity.Query/KeyringByAddress": (
        "GET",
        "/zrchain/identity/keyring_by_address/{keyring_addr}",
    ),
    # x/policy
    "/zrchain.policy.Query/Params": ("GET", "/zrchain/policy/params"),
    "/zrchain.policy.Query/Actions": ("GET", "/zrchain/policy/actions"),
    "/zrchain.policy.Query/Policies": ("GET", "/zrchain/policy/policies"),
    "/zrchain.policy.Query/PolicyById": ("GET", "/zrchain/policy/policy_by_id/{id}"),
    "/zrchain.policy.Query/SignMethodsByAddress": (
        "GET",
        "/zrchain/policy/sign_methods_by_address/{address}",
    ),
    "/zrchain.policy.Query/PoliciesByCreator": (
        "GET",
        "/zrchain/policy/policies_by_creator/{creators}",
    ),
    "/zrchain.policy.Query/ActionDetailsById": (
        "GET",
        "/zrchain/policy/action_details_by_id/{id}",
    ),
    # x/treasury
    "/zrchain.treasury.Query/Params": ("GET", "/zrchain/treasury/params"),
    "/zrchain.treasury.Query/KeyRequests": ("GET", "/zrchain/treasury/key_requests"),
    "/zrchain.treasury.Query/KeyRequestByID": ("GET", "/zrchain/treasury/key_request_by_id/{id}"),
    "/zrchain.treasury.Query/Keys": ("GET", "/zrchain/treasury/keys"),
    "/zrchain.treasury.Query/KeyByID": (
        "GET",
        "/zrchain/treasury/key_by_id/{id}/{wallet_type}/{prefixes}",
    ),
    "/zrchain.treasury.Query/SignatureRequests": ("GET", "/zrchain/treasury/signature_requests"),
    "/zrchain.treasury.Query/SignatureRequestByID": (
        "GET",
        "/zrchain/treasury/signature_request_by_id/{id}",
    ),
    # Singular "request" in the path, as upstream.
    "/zrchain.treasury.Query/SignTransactionRequests": (
        "GET",
        "/zrchain/treasury/sign_transaction_request",
    ),
    "/zrchain.treasury.Query/SignTransactionRequestByID": (
        "GET",
        "/zrchain/treasury/sign_transaction_request_by_id/{id}",
    ),
    "/zrchain.treasury.Query/ZrSignKeys": ("GET", "/zrchain/treasury/zr_sign_keys"),
    "/zrchain.treasury.Query/KeyByAddress": ("GET", "/zrchain/treasury/key_by_address/{address}"),
    "/zrchain.treasury.Query/ZenbtcWallets": ("GET", "/zrchain/treasury/zenbtc_wallets"),
    "/zrchain.treasury.Query/DctWallets": ("GET", "/zrchain/treasury/dct_wallets"),
}

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.]*)\}")


def path_fields(template: str) -> list[str]:
    """Request field names bound by the placeholders of a path template, in order."""
    return _PLACEHOLDER.findall(template)
