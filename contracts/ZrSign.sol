// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.19;

// zrChain's zrSign-compatible request/response contract.
//
// Written for this project from the interface facts in shared/spec/zrsign-bridge.md: the
// external functions, ABI tuples, events and custom errors match zrSign's current (HEAD)
// interface so selectors and topic hashes are identical. The behaviour differs where the
// spec lists upstream defects; contracts/README.md lists every such difference and why.
//
// Two modes, fixed at deployment:
//  * Omni (default in zrChain): requests are only recorded and emitted; zrChain answers them.
//    Signature requests need a key *request* on this contract, never a key *response*.
//    Key requests allocate a fresh index each time; no response gas is escrowed and any
//    payment above the MPC fee is returned in the same transaction.
//  * Direct: an off-chain responder writes answers back with zrKeyRes / zrSignRes, each
//    carrying an EIP-191 authSignature by an MPC_ROLE holder. The user pre-pays the response
//    gas; the responder is reimbursed from it and the owner receives the change.

/// @dev ABI tuples. The library and struct names equal zrSign's so the ABI's internalType
///      strings match as well as the canonical types.
library SignTypes {
    struct ZrKeyReqParams {
        address owner;
        bytes32 walletTypeId;
        uint8 options;
    }

    struct WalletRegistry {
        uint8 status;
        uint8 options;
        uint256 value;
    }

    struct ReqRegistry {
        uint8 status;
        uint256 value;
    }

    struct ZrKeyResParams {
        bytes32 walletTypeId;
        address owner;
        uint256 walletIndex;
        string wallet;
        uint8 options;
        bytes authSignature;
    }

    struct ZrSignParams {
        bytes32 walletTypeId;
        uint256 walletIndex;
        bytes32 dstChainId;
        bytes payload;
        bool broadcast;
    }

    struct SigReqParams {
        bytes32 walletTypeId;
        uint256 walletIndex;
        bytes32 dstChainId;
        bytes payload;
        address owner;
        uint8 zrSignReqType;
        bool broadcast;
    }

    struct SignResParams {
        uint256 traceId;
        address owner;
        bytes metaData;
        bytes signature;
        bool broadcast;
        bytes authSignature;
    }
}

/// @dev BIP-44 (purpose, coinType) of a configured wallet type.
library ZrSignTypes {
    struct ChainInfo {
        uint256 purpose;
        uint256 coinType;
    }
}

contract ZrSign {
    // ------------------------------------------------------------------ constants

    bytes32 public constant DEFAULT_ADMIN_ROLE = 0x00;
    bytes32 public constant MPC_ROLE = keccak256("zenrock.role.mpc");
    bytes32 public constant FEE_ROLE = keccak256("zenrock.role.fee");
    bytes32 public constant PAUSER_ROLE = keccak256("zenrock.role.pauser");

    /// @notice walletTypeId of (44, 60), the EVM wallet type. Informational.
    bytes32 public constant SRC_WALLET_TYPE_ID = keccak256(abi.encode(uint256(44), uint256(60)));
    /// @notice keccak256("eip155:11155111"), kept for interface compatibility only: this
    ///         contract's authSignatures are bound to authDomain() instead.
    bytes32 public constant SRC_CHAIN_ID = keccak256("eip155:11155111");

    uint8 public constant IS_HASH_MASK = 0;
    uint8 public constant IS_TX_MASK = 1;
    uint8 public constant IS_SIMPLE_TX_MASK = 2;

    uint8 public constant WALLET_REQUESTED = 1;
    uint8 public constant WALLET_REGISTERED = 2;

    uint8 public constant OPTIONS_MONITORING = 2;

    uint8 public constant SIG_REQ_IN_PROGRESS = 1;
    uint8 public constant SIG_REQ_ALREADY_PROCESSED = 2;

    /// @notice Coin type whose keys are ed25519 (Solana); hash payloads of other types are
    ///         secp256k1 digests and must be exactly 32 bytes.
    uint256 public constant ED25519_COIN_TYPE = 501;

    /// @notice Gas charged for a response on top of what is metered inside the function:
    ///         the 21000 intrinsic gas, dispatch, the reentrancy lock and the refund transfers.
    uint256 public constant RESPONSE_BASE_GAS = 36100;
    /// @notice Calldata gas per byte charged for a response (the non-zero-byte price).
    uint256 public constant RESPONSE_CALLDATA_GAS = 16;
    /// @notice Gas forwarded with a pushed refund; a failed push is credited instead.
    uint256 public constant REFUND_CALL_GAS = 30000;

    uint256 private constant _HALF_ORDER =
        0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;

    // ------------------------------------------------------------------ events

    event ZrKeyRequest(
        bytes32 indexed walletTypeId,
        address indexed owner,
        uint256 indexed walletIndex,
        uint8 options,
        uint256 value,
        uint256 mpcFee
    );
    event ZrKeyResolve(
        bytes32 indexed walletTypeId,
        address indexed owner,
        uint256 indexed walletIndex,
        string addr
    );
    event ZrSigRequest(
        uint256 indexed traceId,
        bytes32 indexed walletId,
        uint256 value,
        uint256 mpcFee,
        SignTypes.SigReqParams params
    );
    event ZrSigResolve(uint256 indexed traceId, bytes metaData, bytes signature, bool broadcast);
    event ZrSigGasRefund(uint256 engineWalletCost, uint256 userChange);

    event MPCFeeUpdate(uint256 indexed oldBaseFee, uint256 indexed newBaseFee);
    event RespGasUpdate(uint256 indexed oldGas, uint256 indexed newGas);
    event RespGasPriceBufferUpdate(uint256 indexed oldGasPriceBuff, uint256 indexed newGasPriceBuff);
    event MPCFeeWithdraw(address indexed to, uint256 indexed amount);

    event WalletTypeIdSupport(
        uint256 indexed purpose,
        uint256 indexed coinType,
        bytes32 indexed walletTypeId,
        bool support
    );
    event ChainIdSupport(
        bytes32 indexed walletTypeId,
        bytes32 indexed chainId,
        string caip,
        bool support
    );

    event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender);
    event RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender);
    event RoleAdminChanged(
        bytes32 indexed role,
        bytes32 indexed previousAdminRole,
        bytes32 indexed newAdminRole
    );
    event Paused(address account);
    event Unpaused(address account);
    event Initialized(uint64 version);

    /// @notice A refund could not be pushed to `account`; it can withdraw it with withdrawRefund().
    event RefundCredited(address indexed account, uint256 amount);
    /// @notice `account` withdrew credited refunds.
    event RefundWithdrawn(address indexed account, uint256 amount);

    /// @notice zrSign Omni (ours, docs/zrsign-policies.md; not in zrSign): the caller asks
    ///         zrChain to create a policy whose creator is eip155:<block.chainid>:<caller>.
    event ZrPolicyCreate(
        address indexed owner,
        string name,
        string definition,
        string[] participants,
        uint64 btl
    );
    /// @notice zrSign Omni (ours): the caller attaches policy `policyId` (0: removes the
    ///         policy) to its zrChain key (walletTypeId, walletIndex).
    event ZrKeyPolicySet(
        address indexed owner,
        bytes32 indexed walletTypeId,
        uint256 indexed walletIndex,
        uint64 policyId
    );
    /// @notice zrSign Omni (ours): the caller approves zrChain policy action `actionId`, as
    ///         the participant eip155:<block.chainid>:<caller> (or eip155:<caller>).
    event ZrActionApproval(address indexed approver, uint64 indexed actionId);
    /// @notice zrSign Omni (ours): the caller, a participant, says no to action `actionId`.
    event ZrActionRejection(address indexed approver, uint64 indexed actionId);

    // ------------------------------------------------------------------ errors

    error InsufficientFee(uint256 requiredFee, uint256 providedFee);
    error WalletTypeAlreadySupported(bytes32 walletTypeId);
    error WalletTypeNotSupported(bytes32 walletTypeId);
    error ChainIdNotSupported(bytes32 walletTypeId, bytes32 chainId);
    error ChainIdAlreadySupported(bytes32 walletTypeId, bytes32 chainId);
    error RequestNotFoundOrAlreadyProcessed(uint256 traceId);
    error InvalidOptions(uint8 option);
    error OwnableInvalidOwner(address owner);
    error IncorrectWalletIndex(uint256 expectedIndex, uint256 providedIndex);
    error WalletAlreadyRegistered(string wallet);
    error WalletNotRequested(string wallet);
    error WalletNotRegisteredForMonitoring(uint256 walletIndex);
    error InvalidWalletIndex(uint256 walletIndex);
    error BroadcastNotAllowed();
    error InvalidSignature(uint8 recoverError);
    error InvalidAddressLength(uint256 minLength, uint256 actualLength);

    error AccessControlUnauthorizedAccount(address account, bytes32 neededRole);
    error AccessControlBadConfirmation();
    error EnforcedPause();
    error ExpectedPause();
    error ReentrancyGuardReentrantCall();
    error InvalidInitialization();
    error NotInitializing();

    /// @notice Same signature as zrSign's legacy hash-length error (selector 0xc37906a0).
    error InvalidPayloadLength(uint256 expectedLength, uint256 actualLength);
    /// @notice zrKeyRes / zrSignRes on an Omni-mode deployment.
    error DirectModeOnly();
    /// @notice A signature response names a different owner than the request's.
    error OwnerMismatch(address expectedOwner, address providedOwner);
    /// @notice walletTypeIdConfig with purpose 0, which could never count as supported.
    error InvalidWalletType(uint256 purpose, uint256 coinType);

    // ------------------------------------------------------------------ storage

    bool private immutable _direct;

    mapping(bytes32 role => mapping(address account => bool)) private _roles;
    mapping(bytes32 role => bytes32 adminRole) private _roleAdmins;
    bool private _paused;
    uint256 private _lock;

    uint256 private _mpcFee;
    uint256 private _totalMPCFee;
    uint256 private _respGas;
    uint256 private _respGasPriceBuffer;
    uint256 private _traceId;

    mapping(bytes32 walletTypeId => ZrSignTypes.ChainInfo) private _walletTypes;
    mapping(bytes32 walletTypeId => mapping(bytes32 chainId => bool)) private _chainIds;
    /// @dev userWorkspaceId => registered wallet addresses (Direct mode).
    mapping(bytes32 workspaceId => string[]) private _wallets;
    /// @dev userWorkspaceId => number of allocated key slots (Omni mode).
    mapping(bytes32 workspaceId => uint256) private _slotCount;
    mapping(bytes32 walletId => SignTypes.WalletRegistry) private _walletReg;
    mapping(uint256 traceId => SignTypes.ReqRegistry) private _reqReg;
    mapping(uint256 traceId => address) private _reqOwner;
    mapping(address account => uint256) private _credits;

    // ------------------------------------------------------------------ construction

    /// @param admin receives DEFAULT_ADMIN_ROLE (which administers every role).
    /// @param directMode true for Direct mode (on-chain responses), false for Omni mode.
    constructor(address admin, bool directMode) {
        if (admin == address(0)) revert OwnableInvalidOwner(address(0));
        _direct = directMode;
        _lock = 1;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        emit Initialized(1);
    }

    /// @notice Present for interface compatibility. The constructor has already initialised
    ///         this (non-upgradeable) contract, so this always reverts InvalidInitialization().
    function initializeV1() external pure {
        revert InvalidInitialization();
    }

    // ------------------------------------------------------------------ modifiers

    modifier onlyRole(bytes32 role) {
        _checkRole(role, msg.sender);
        _;
    }

    modifier nonReentrant() {
        if (_lock == 2) revert ReentrancyGuardReentrantCall();
        _lock = 2;
        _;
        _lock = 1;
    }

    // ------------------------------------------------------------------ requests

    /// @notice Request a new key (wallet) of `walletTypeId` for `params.owner`.
    function zrKeyReq(SignTypes.ZrKeyReqParams calldata params) external payable nonReentrant {
        bytes32 walletTypeId = params.walletTypeId;
        _requireWalletType(walletTypeId);
        if (params.owner == address(0)) revert OwnableInvalidOwner(address(0));
        _requireNotPaused();
        (uint256 mpc, uint256 netResp, uint256 total) = _estimateFee(params.options, msg.value);
        if (msg.value < total) revert InsufficientFee(total, msg.value);

        bytes32 workspaceId = _userWorkspaceId(walletTypeId, params.owner);
        uint256 walletIndex;
        uint256 charged = mpc;
        if (_direct) {
            walletIndex = _wallets[workspaceId].length;
            SignTypes.WalletRegistry storage slot = _walletReg[
                _walletId(walletTypeId, params.owner, walletIndex)
            ];
            if (slot.status == WALLET_REQUESTED) {
                // Repeated request for the pending slot: the whole payment tops up the
                // response pool and is returned as change when the key is resolved.
                slot.value += msg.value;
                charged = 0;
            } else {
                slot.status = WALLET_REQUESTED;
                slot.options = params.options;
                slot.value = netResp;
            }
        } else {
            walletIndex = _slotCount[workspaceId]++;
            SignTypes.WalletRegistry storage slot = _walletReg[
                _walletId(walletTypeId, params.owner, walletIndex)
            ];
            slot.status = WALLET_REQUESTED;
            slot.options = params.options;
        }
        _totalMPCFee += charged;
        emit ZrKeyRequest(walletTypeId, params.owner, walletIndex, params.options, msg.value, charged);
        if (!_direct) _send(msg.sender, msg.value - mpc);
    }

    /// @notice Request a signature over a digest (32 bytes; any non-empty message for ed25519).
    function zrSignHash(SignTypes.ZrSignParams calldata params) external payable nonReentrant {
        ZrSignTypes.ChainInfo storage info = _requireWalletType(params.walletTypeId);
        _requireChainId(params.walletTypeId, params.dstChainId);
        if (params.broadcast) revert BroadcastNotAllowed();
        uint256 len = params.payload.length;
        if (info.coinType == ED25519_COIN_TYPE) {
            if (len == 0) revert InvalidPayloadLength(1, 0);
        } else if (len != 32) {
            revert InvalidPayloadLength(32, len);
        }
        _sigReq(params, IS_HASH_MASK);
    }

    /// @notice Request a signature for an unsigned transaction of the destination chain.
    function zrSignTx(SignTypes.ZrSignParams calldata params) external payable nonReentrant {
        _requireWalletType(params.walletTypeId);
        _requireChainId(params.walletTypeId, params.dstChainId);
        if (params.payload.length == 0) revert InvalidPayloadLength(1, 0);
        _sigReq(params, IS_TX_MASK);
    }

    /// @notice Request a signature for a "simple" (to, value, data) transfer; the key must have
    ///         been requested with monitoring options.
    function zrSignSimpleTx(SignTypes.ZrSignParams calldata params) external payable nonReentrant {
        _requireWalletType(params.walletTypeId);
        _requireChainId(params.walletTypeId, params.dstChainId);
        bytes32 walletId = _walletId(params.walletTypeId, msg.sender, params.walletIndex);
        if (_walletReg[walletId].options < OPTIONS_MONITORING) {
            revert WalletNotRegisteredForMonitoring(params.walletIndex);
        }
        if (params.payload.length == 0) revert InvalidPayloadLength(1, 0);
        _sigReq(params, IS_SIMPLE_TX_MASK);
    }

    function _sigReq(SignTypes.ZrSignParams calldata params, uint8 reqType) private {
        _requireNotPaused();
        bytes32 walletId = _walletId(params.walletTypeId, msg.sender, params.walletIndex);
        SignTypes.WalletRegistry storage slot = _walletReg[walletId];
        (uint256 mpc, uint256 netResp, uint256 total) = _estimateFee(slot.options, msg.value);
        if (msg.value < total) revert InsufficientFee(total, msg.value);
        if (_direct && slot.status != WALLET_REGISTERED) {
            revert InvalidWalletIndex(params.walletIndex);
        }

        uint256 traceId = _traceId++;
        _reqReg[traceId] = SignTypes.ReqRegistry(SIG_REQ_IN_PROGRESS, netResp);
        _reqOwner[traceId] = msg.sender;
        _totalMPCFee += mpc;
        emit ZrSigRequest(
            traceId,
            walletId,
            msg.value,
            mpc,
            SignTypes.SigReqParams({
                walletTypeId: params.walletTypeId,
                walletIndex: params.walletIndex,
                dstChainId: params.dstChainId,
                payload: params.payload,
                owner: msg.sender,
                zrSignReqType: reqType,
                broadcast: params.broadcast
            })
        );
        if (!_direct) _send(msg.sender, msg.value - mpc);
    }

    // ------------------------------------------------------------------ zrSign Omni (ours)

    /// @notice Ask zrChain for a policy (forwarded by the bridge; see ZrPolicyCreate). The
    ///         only way for a contract owner, which cannot sign EIP-712 typed data.
    function zrPolicyCreate(
        string calldata name,
        string calldata definition,
        string[] calldata participants,
        uint64 btl
    ) external {
        _requireNotPaused();
        emit ZrPolicyCreate(msg.sender, name, definition, participants, btl);
    }

    /// @notice Attach (0: remove) the sign policy of the caller's key; see ZrKeyPolicySet.
    function zrKeyPolicySet(bytes32 walletTypeId, uint256 walletIndex, uint64 policyId) external {
        _requireNotPaused();
        _requireWalletType(walletTypeId);
        emit ZrKeyPolicySet(msg.sender, walletTypeId, walletIndex, policyId);
    }

    /// @notice Approve a zrChain policy action from this network; see ZrActionApproval.
    function zrActionApprove(uint64 actionId) external {
        _requireNotPaused();
        emit ZrActionApproval(msg.sender, actionId);
    }

    /// @notice Say no to a zrChain policy action from this network; see ZrActionRejection.
    function zrActionReject(uint64 actionId) external {
        _requireNotPaused();
        emit ZrActionRejection(msg.sender, actionId);
    }

    // ------------------------------------------------------------------ responses (Direct)

    /// @notice Register the wallet generated for a pending key request.
    function zrKeyRes(SignTypes.ZrKeyResParams calldata params) external nonReentrant {
        uint256 startGas = gasleft();
        if (!_direct) revert DirectModeOnly();
        if (params.owner == address(0)) revert OwnableInvalidOwner(address(0));
        _requireNotPaused();
        _requireMpcAuth(keyResponseHash(params), params.authSignature);
        uint256 len = bytes(params.wallet).length;
        if (len <= 4) revert InvalidAddressLength(5, len);

        bytes32 workspaceId = _userWorkspaceId(params.walletTypeId, params.owner);
        uint256 expected = _wallets[workspaceId].length;
        if (params.walletIndex != expected) {
            revert IncorrectWalletIndex(expected, params.walletIndex);
        }
        SignTypes.WalletRegistry storage slot = _walletReg[
            _walletId(params.walletTypeId, params.owner, params.walletIndex)
        ];
        if (slot.status != WALLET_REQUESTED) revert WalletNotRequested(params.wallet);
        if (params.options != slot.options) revert InvalidOptions(params.options);

        _wallets[workspaceId].push(params.wallet);
        slot.status = WALLET_REGISTERED;
        uint256 pool = slot.value;
        slot.value = 0;
        emit ZrKeyResolve(params.walletTypeId, params.owner, params.walletIndex, params.wallet);
        _refundResponse(startGas, pool, params.owner);
    }

    /// @notice Publish the MPC signature for a pending signature request.
    function zrSignRes(SignTypes.SignResParams calldata params) external nonReentrant {
        uint256 startGas = gasleft();
        if (!_direct) revert DirectModeOnly();
        _requireNotPaused();
        uint256 traceId = params.traceId;
        SignTypes.ReqRegistry storage req = _reqReg[traceId];
        if (req.status != SIG_REQ_IN_PROGRESS) revert RequestNotFoundOrAlreadyProcessed(traceId);
        _requireMpcAuth(signResponseHash(params), params.authSignature);
        address owner = _reqOwner[traceId];
        if (params.owner != owner) revert OwnerMismatch(owner, params.owner);

        req.status = SIG_REQ_ALREADY_PROCESSED;
        uint256 pool = req.value;
        req.value = 0;
        emit ZrSigResolve(traceId, params.metaData, params.signature, params.broadcast);
        _refundResponse(startGas, pool, owner);
    }

    /// @notice Domain every authSignature is bound to: this chain and this contract.
    function authDomain() public view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this)));
    }

    /// @notice The 32-byte hash an MPC_ROLE key signs (EIP-191 personal_sign) for zrKeyRes.
    function keyResponseHash(SignTypes.ZrKeyResParams calldata params) public view returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    authDomain(),
                    params.walletTypeId,
                    params.owner,
                    params.walletIndex,
                    params.wallet,
                    params.options
                )
            );
    }

    /// @notice The 32-byte hash an MPC_ROLE key signs (EIP-191 personal_sign) for zrSignRes.
    function signResponseHash(SignTypes.SignResParams calldata params) public view returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    authDomain(),
                    params.traceId,
                    params.owner,
                    params.metaData,
                    params.signature,
                    params.broadcast
                )
            );
    }

    /// @notice Withdraw refunds that could not be pushed to the caller.
    function withdrawRefund() external nonReentrant {
        uint256 amount = _credits[msg.sender];
        _credits[msg.sender] = 0;
        emit RefundWithdrawn(msg.sender, amount);
        if (amount > 0) {
            (bool ok, ) = payable(msg.sender).call{value: amount}("");
            require(ok, "Transfer failed");
        }
    }

    // ------------------------------------------------------------------ configuration

    function walletTypeIdConfig(
        uint256 purpose,
        uint256 coinType,
        bool support
    ) external onlyRole(DEFAULT_ADMIN_ROLE) {
        bytes32 walletTypeId = keccak256(abi.encode(purpose, coinType));
        bool known = _walletTypes[walletTypeId].purpose != 0;
        if (support) {
            if (purpose == 0) revert InvalidWalletType(purpose, coinType);
            if (known) revert WalletTypeAlreadySupported(walletTypeId);
            _walletTypes[walletTypeId] = ZrSignTypes.ChainInfo(purpose, coinType);
        } else {
            if (!known) revert WalletTypeNotSupported(walletTypeId);
            delete _walletTypes[walletTypeId];
        }
        emit WalletTypeIdSupport(purpose, coinType, walletTypeId, support);
    }

    function chainIdConfig(
        bytes32 walletTypeId,
        string calldata caip,
        bool support
    ) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _requireWalletType(walletTypeId);
        bytes32 chainId = keccak256(bytes(caip));
        bool known = _chainIds[walletTypeId][chainId];
        if (support) {
            if (known) revert ChainIdAlreadySupported(walletTypeId, chainId);
        } else if (!known) {
            revert ChainIdNotSupported(walletTypeId, chainId);
        }
        _chainIds[walletTypeId][chainId] = support;
        emit ChainIdSupport(walletTypeId, chainId, caip, support);
    }

    function updateMPCFee(uint256 newMPCFee) external onlyRole(FEE_ROLE) {
        emit MPCFeeUpdate(_mpcFee, newMPCFee);
        _mpcFee = newMPCFee;
    }

    function updateRespGas(uint256 newRespGas) external onlyRole(FEE_ROLE) {
        emit RespGasUpdate(_respGas, newRespGas);
        _respGas = newRespGas;
    }

    function updateRespGasBuffer(uint256 newRespGasBuffer) external onlyRole(FEE_ROLE) {
        emit RespGasPriceBufferUpdate(_respGasPriceBuffer, newRespGasBuffer);
        _respGasPriceBuffer = newRespGasBuffer;
    }

    /// @notice Send all collected MPC fees to the caller.
    function withdrawMPCFees() external onlyRole(FEE_ROLE) nonReentrant {
        uint256 amount = _totalMPCFee;
        _totalMPCFee = 0;
        emit MPCFeeWithdraw(msg.sender, amount);
        (bool ok, ) = payable(msg.sender).call{value: amount}("");
        require(ok, "Failed to send Ether");
    }

    function pause() external onlyRole(PAUSER_ROLE) {
        _requireNotPaused();
        _paused = true;
        emit Paused(msg.sender);
    }

    function unpause() external onlyRole(PAUSER_ROLE) {
        if (!_paused) revert ExpectedPause();
        _paused = false;
        emit Unpaused(msg.sender);
    }

    // ------------------------------------------------------------------ access control

    function hasRole(bytes32 role, address account) public view returns (bool) {
        return _roles[role][account];
    }

    function getRoleAdmin(bytes32 role) public view returns (bytes32) {
        return _roleAdmins[role];
    }

    function grantRole(bytes32 role, address account) external onlyRole(getRoleAdmin(role)) {
        _grantRole(role, account);
    }

    function revokeRole(bytes32 role, address account) external onlyRole(getRoleAdmin(role)) {
        _revokeRole(role, account);
    }

    function renounceRole(bytes32 role, address callerConfirmation) external {
        if (callerConfirmation != msg.sender) revert AccessControlBadConfirmation();
        _revokeRole(role, callerConfirmation);
    }

    /// @notice ERC-165: IERC165 and IAccessControl.
    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == 0x01ffc9a7 || interfaceId == 0x7965db0b;
    }

    // ------------------------------------------------------------------ views

    function estimateFee(
        bytes32 walletTypeId,
        address owner,
        uint256 walletIndex,
        uint256 value
    ) external view returns (uint256 mpc, uint256 netResp, uint256 total) {
        uint8 options = _walletReg[_walletId(walletTypeId, owner, walletIndex)].options;
        return _estimateFee(options, value);
    }

    function estimateFee(
        uint8 options,
        uint256 value
    ) external view returns (uint256 mpc, uint256 netResp, uint256 total) {
        return _estimateFee(options, value);
    }

    /// @notice The traceId the next signature request will get.
    function getTraceId() external view returns (uint256) {
        return _traceId;
    }

    function getRequestState(uint256 traceId) external view returns (SignTypes.ReqRegistry memory) {
        return _reqReg[traceId];
    }

    function getMPCFee() external view returns (uint256) {
        return _mpcFee;
    }

    function getRespGas() external view returns (uint256) {
        return _respGas;
    }

    function getRespGasPriceBuffer() external view returns (uint256) {
        return _respGasPriceBuffer;
    }

    function getWalletTypeInfo(
        bytes32 walletTypeId
    ) external view returns (ZrSignTypes.ChainInfo memory) {
        return _walletTypes[walletTypeId];
    }

    function isWalletTypeSupported(bytes32 walletTypeId) external view returns (bool) {
        return _walletTypes[walletTypeId].purpose != 0;
    }

    function isChainIdSupported(bytes32 walletTypeId, bytes32 chainId) external view returns (bool) {
        return _chainIds[walletTypeId][chainId];
    }

    function getWalletRegistry(
        bytes32 walletTypeId,
        uint256 walletIndex,
        address owner
    ) external view returns (SignTypes.WalletRegistry memory) {
        return _walletReg[_walletId(walletTypeId, owner, walletIndex)];
    }

    function getZrKeys(bytes32 walletTypeId, address owner) external view returns (string[] memory) {
        return _wallets[_userWorkspaceId(walletTypeId, owner)];
    }

    function getZrKey(
        bytes32 walletTypeId,
        address owner,
        uint256 index
    ) external view returns (string memory) {
        return _wallets[_userWorkspaceId(walletTypeId, owner)][index];
    }

    /// @notice Spelling kept from zrSign (selector 0x447f25ef); see getCollectedFees().
    function getColletedFees() external view returns (uint256) {
        return _totalMPCFee;
    }

    function getCollectedFees() external view returns (uint256) {
        return _totalMPCFee;
    }

    /// @notice Refunds credited to `account` because a push failed.
    function getRefundCredit(address account) external view returns (uint256) {
        return _credits[account];
    }

    /// @notice True for Direct mode, false for Omni mode.
    function isDirectMode() external view returns (bool) {
        return _direct;
    }

    function version() external pure returns (uint256) {
        return 1;
    }

    function paused() external view returns (bool) {
        return _paused;
    }

    // ------------------------------------------------------------------ internals

    function _estimateFee(
        uint8 options,
        uint256 value
    ) private view returns (uint256 mpc, uint256 netResp, uint256 total) {
        if (options == 0) revert InvalidOptions(0);
        mpc = _mpcFee * options;
        if (!_direct) return (mpc, 0, mpc);
        netResp = _respGas * ((block.basefee * _respGasPriceBuffer) / 100);
        total = mpc + netResp;
        if (value > total) {
            netResp += value - total;
            total = value;
        }
    }

    /// @dev Reimburse the responder for the gas this response used (capped at respGas and at
    ///      the pool) and return the rest of the pool to the owner.
    function _refundResponse(uint256 startGas, uint256 pool, address owner) private {
        uint256 gasUnits = startGas -
            gasleft() +
            RESPONSE_BASE_GAS +
            RESPONSE_CALLDATA_GAS *
            msg.data.length;
        if (gasUnits > _respGas) gasUnits = _respGas;
        uint256 cost = gasUnits * tx.gasprice;
        if (cost > pool) cost = pool;
        uint256 change = pool - cost;
        emit ZrSigGasRefund(cost, change);
        _send(msg.sender, cost);
        _send(owner, change);
    }

    /// @dev Push `amount` to `to` with bounded gas; if that fails, credit it for withdrawRefund().
    function _send(address to, uint256 amount) private {
        if (amount == 0) return;
        (bool ok, ) = payable(to).call{value: amount, gas: REFUND_CALL_GAS}("");
        if (!ok) {
            _credits[to] += amount;
            emit RefundCredited(to, amount);
        }
    }

    function _requireMpcAuth(bytes32 inner, bytes calldata authSignature) private view {
        bytes32 digest = keccak256(abi.encodePacked("\x19Ethereum Signed Message:\n32", inner));
        address signer = _recover(digest, authSignature);
        if (!_roles[MPC_ROLE][signer]) revert AccessControlUnauthorizedAccount(signer, MPC_ROLE);
    }

    /// @dev 65-byte r||s||v, v in {27, 28}, low s. Errors: 1 invalid, 2 bad length, 3 high s.
    function _recover(bytes32 digest, bytes calldata sig) private pure returns (address signer) {
        if (sig.length != 65) revert InvalidSignature(2);
        bytes32 r;
        bytes32 s;
        uint8 v;
        assembly {
            r := calldataload(sig.offset)
            s := calldataload(add(sig.offset, 32))
            v := byte(0, calldataload(add(sig.offset, 64)))
        }
        if (uint256(s) > _HALF_ORDER) revert InvalidSignature(3);
        signer = ecrecover(digest, v, r, s);
        if (signer == address(0)) revert InvalidSignature(1);
    }

    function _requireWalletType(
        bytes32 walletTypeId
    ) private view returns (ZrSignTypes.ChainInfo storage info) {
        info = _walletTypes[walletTypeId];
        if (info.purpose == 0) revert WalletTypeNotSupported(walletTypeId);
    }

    function _requireChainId(bytes32 walletTypeId, bytes32 chainId) private view {
        if (!_chainIds[walletTypeId][chainId]) revert ChainIdNotSupported(walletTypeId, chainId);
    }

    function _requireNotPaused() private view {
        if (_paused) revert EnforcedPause();
    }

    function _checkRole(bytes32 role, address account) private view {
        if (!_roles[role][account]) revert AccessControlUnauthorizedAccount(account, role);
    }

    function _grantRole(bytes32 role, address account) private {
        if (!_roles[role][account]) {
            _roles[role][account] = true;
            emit RoleGranted(role, account, msg.sender);
        }
    }

    function _revokeRole(bytes32 role, address account) private {
        if (_roles[role][account]) {
            _roles[role][account] = false;
            emit RoleRevoked(role, account, msg.sender);
        }
    }

    function _userWorkspaceId(bytes32 walletTypeId, address owner) private view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), walletTypeId, owner));
    }

    function _walletId(
        bytes32 walletTypeId,
        address owner,
        uint256 walletIndex
    ) private view returns (bytes32) {
        return
            keccak256(abi.encode(block.chainid, address(this), walletTypeId, owner, walletIndex));
    }
}
