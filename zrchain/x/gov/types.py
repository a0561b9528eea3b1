"""x/gov facts: the module account (the authority of every ``MsgUpdateParams``), its errors
(codespace ``gov``, the SDK v0.50 codes) and default params (the SDK's, in ``urock``)."""

from __future__ import annotations

from typing import Protocol

from cosmpy.protos.cosmos.base.v1beta1.coin_pb2 import Coin
from cosmpy.protos.cosmos.gov.v1 import gov_pb2
from google.protobuf.duration_pb2 import Duration

from zrchain.codec.address import acc_bytes, acc_string, module_address
from zrchain.codec.coins import Coins
from zrchain.codec.dec import ONE, Dec
from zrchain.errors import ChainError, ErrInvalidAddress, register

MODULE = "gov"
STORE_KEY = "gov"
# The one authority of every module's MsgUpdateParams / MsgSoftwareUpgrade (docs/gov.md).
GOV_ADDRESS = module_address(MODULE)
GOV_AUTHORITY = acc_string(GOV_ADDRESS)

ErrUnknownProposal = register(MODULE, 2, "unknown proposal")
ErrInactiveProposal = register(MODULE, 3, "inactive proposal")
ErrInvalidProposalContent = register(MODULE, 5, "invalid proposal content")
ErrInvalidVote = register(MODULE, 7, "invalid vote option")
ErrUnroutableProposalMsg = register(MODULE, 10, "proposal message not recognized by router")
ErrNoProposalMsgs = register(MODULE, 11, "no messages proposed")
ErrInvalidProposalMsg = register(MODULE, 12, "invalid proposal message")
ErrInvalidSigner = register(MODULE, 13, "expected gov account as only signer for proposal message")
ErrMetadataTooLong = register(MODULE, 15, "metadata too long")
ErrMinDepositTooSmall = register(MODULE, 16, "minimum deposit is too small")
ErrInvalidProposer = register(MODULE, 18, "invalid proposer")
ErrVotingPeriodEnded = register(MODULE, 20, "voting period already ended")
ErrInvalidProposal = register(MODULE, 21, "invalid proposal")
ErrInvalidDepositDenom = register(MODULE, 23, "invalid deposit denom")


def require_gov(authority: str) -> None:
    """The check of every gov-only Msg (``MsgUpdateParams``, upgrades): gov/13 otherwise."""
    if authority != GOV_AUTHORITY:
        raise ErrInvalidSigner.wrap(f"invalid authority; expected {GOV_AUTHORITY}, got {authority}")


class HasAuthority(Protocol):
    authority: str


def validate_authority_address(msg: HasAuthority) -> None:
    """A gov-only Msg's stateless check: its authority is an account address (sdk/7)."""
    try:
        acc_bytes(msg.authority)
    except ChainError as exc:
        raise ErrInvalidAddress.wrap(f"invalid authority address: {exc.context}") from None


MAX_METADATA_LEN = 255  # the SDK's default config
MAX_TITLE_LEN = 255
MAX_SUMMARY_LEN = 10200

DEFAULT_PARAMS = gov_pb2.Params(
    min_deposit=[Coin(denom="urock", amount="10000000")],
    max_deposit_period=Duration(seconds=172800),
    voting_period=Duration(seconds=172800),
    quorum="0.334000000000000000",
    threshold="0.500000000000000000",
    veto_threshold="0.334000000000000000",
    min_initial_deposit_ratio="0.000000000000000000",
    proposal_cancel_ratio="0.500000000000000000",
    proposal_cancel_dest="",
    expedited_voting_period=Duration(seconds=86400),
    expedited_threshold="0.667000000000000000",
    expedited_min_deposit=[Coin(denom="urock", amount="50000000")],
    burn_vote_quorum=False,
    burn_proposal_deposit_prevote=False,
    burn_vote_veto=True,
    min_deposit_ratio="0.010000000000000000",
)


def duration_ns(d: Duration) -> int:
    return int(d.seconds) * 10**9 + int(d.nanos)


def dec(text: str, what: str) -> Dec:
    try:
        return Dec.parse(text)
    except Exception:
        raise ValueError(f"invalid {what} string: {text!r}") from None


def _min_deposit(coins: object, what: str) -> Coins:
    try:
        parsed = Coins.from_protos(coins)  # type: ignore[arg-type]
    except ChainError:
        parsed = Coins()
    if not parsed:
        shown = ",".join(f"{c.amount}{c.denom}" for c in coins)  # type: ignore[attr-defined]
        raise ValueError(f"invalid {what}: {shown}")
    return parsed


def _fraction(text: str, what: str, name: str, positive: bool, ratio: bool = False) -> Dec:
    """A decimal in (0, 1] (``positive``) or [0, 1], with the SDK's messages (its ratio
    params word them "must be positive" / "is too large")."""
    d = dec(text, what)
    if (positive and not d.is_positive()) or (ratio and d.is_negative()):
        raise ValueError(f"{name} must be positive: {d}")
    if d.is_negative():
        raise ValueError(f"{name} cannot be negative: {d}")
    if d > ONE:
        raise ValueError(f"{name} {'is ' if ratio else ''}too large: {d}")
    return d


def validate_params(p: gov_pb2.Params) -> None:
    """Raise ValueError with the SDK v0.50's wording (v1 ``Params.ValidateBasic``)."""
    min_deposit = _min_deposit(p.min_deposit, "minimum deposit")
    expedited = _min_deposit(p.expedited_min_deposit, "expedited minimum deposit")
    if min_deposit.is_all_gte(expedited):  # sdk.Coins.IsAllLTE
        raise ValueError(
            f"expedited minimum deposit must be greater than minimum deposit: {expedited}"
        )
    if duration_ns(p.max_deposit_period) <= 0:
        raise ValueError("maximum deposit period must be positive")
    _fraction(p.quorum, "quorum", "quorom", positive=False)  # sic, the SDK's spelling
    threshold = _fraction(p.threshold, "threshold", "vote threshold", positive=True)
    fast = _fraction(
        p.expedited_threshold, "expedited threshold", "expedited vote threshold", positive=True
    )
    if fast <= threshold:
        raise ValueError(
            f"expedited vote threshold {fast}, must be greater than the regular threshold "
            f"{threshold}"
        )
    _fraction(p.veto_threshold, "vetoThreshold", "veto threshold", positive=True)
    if duration_ns(p.voting_period) <= 0:
        raise ValueError("voting period must be positive")
    if duration_ns(p.expedited_voting_period) <= 0:
        raise ValueError("expedited voting period must be positive")
    if duration_ns(p.expedited_voting_period) >= duration_ns(p.voting_period):
        raise ValueError(
            "expedited voting period must be strictly less that the regular voting period"
        )
    initial = "mininum initial deposit ratio of proposal"  # sic
    _fraction(p.min_initial_deposit_ratio, initial, initial, positive=False, ratio=True)
    cancel = "burn rate of cancel proposal"
    _fraction(p.proposal_cancel_ratio, cancel, cancel, positive=False, ratio=True)
    if p.proposal_cancel_dest:
        try:
            acc_bytes(p.proposal_cancel_dest)
        except ChainError:
            raise ValueError(
                f"deposits destination address is invalid: {p.proposal_cancel_dest}"
            ) from None
    ratio = "min deposit ratio"  # not checked by the SDK; a bad one would fail every deposit
    _fraction(p.min_deposit_ratio, ratio, ratio, positive=False, ratio=True)
