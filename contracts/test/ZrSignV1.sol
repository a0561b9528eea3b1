// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.19;

// TEST CONTRACT: never deploy it for real. It reproduces, on purpose, the rules of the zrSign
// contract as deployed today (flavour "zrsign-v1"), including the ones our own
// contracts/ZrSign.sol fixes, so the bridge can be tested against them:
//  * authSignature payloads start with the constant SRC_CHAIN_ID (keccak256 of
//    "eip155:11155111") whatever chain or address the contract has;
//  * a response refunds (respGas - gasleft()) + 7210 gas units, with checked arithmetic, so a
//    response sent with a gas limit above respGas (plus what it used) panics (0x11);
//  * zrSignHash / zrSignTx / zrSignSimpleTx need a wallet index REGISTERED by zrKeyRes, and a
//    key request for an unregistered slot tops that slot up instead of allocating another;
//  * requests escrow respGas * basefee * buffer / 100 for the response; it is released only by
//    a response.
// Written for this project from the facts recorded in docs/evm-bridge.md ("zrsign-v1"); no
// zrSign code or comments are used. Its external interface (functions, events, errors) is
// exactly zrSign's, so it has none of our contract's additions (authDomain(), isDirectMode(), ...).
// There is no proxy: deploy, then call initializeV1() once, as zrSign's proxy does at creation.

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

contract ZrSignV1 {
    // ------------------------------------------------------------------ constants

    bytes32 public constant DEFAULT_ADMIN_ROLE = 0x00;
    bytes32 public constant MPC_ROLE = keccak256("zenrock.role.mpc");
    bytes32 public constant FEE_ROLE = keccak256("zenrock.role.fee");
    bytes32 public constant PAUSER_ROLE = keccak256("zenrock.role.pauser");

    bytes32 public constant SRC_WALLET_TYPE_ID = keccak256(abi.encode(uint256(44), uint256(60)));
    /// @notice The first word of every authSignature payload, on every chain.
    bytes32 public constant SRC_CHAIN_ID = keccak256("eip155:11155111");

    uint8 public constant IS_HASH_MASK = 0;
    uint8 public constant IS_TX_MASK = 1;
    uint8 public constant IS_SIMPLE_TX_MASK = 2;

    uint8 public constant WALLET_REQUESTED = 1;
    uint8 public constant WALLET_REGISTERED = 2;

    uint8 public constant OPTIONS_MONITORING = 2;

    uint8 public constant SIG_REQ_IN_PROGRESS = 1;
    uint8 public constant SIG_REQ_ALREADY_PROCESSED = 2;

    /// @dev Gas units the refund adds for its own transfers, once to the metered gas and, when
    ///      the pool covers it, once more to the charged cost.
    uint256 private constant _TRANSFER_GAS = 7210;

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

    // ------------------------------------------------------------------ storage

    uint64 private _initialized;
    mapping(bytes32 role => mapping(address account => bool)) private _roles;
    mapping(bytes32 role => bytes32 adminRole) private _roleAdmins;
    bool private _paused;
    uint256 private _lock = 1;

    uint256 private _mpcFee;
    uint256 private _totalMPCFee;
    uint256 private _respGas;
    uint256 private _respGasPriceBuffer;
    uint256 private _traceId;

    mapping(bytes32 walletTypeId => ZrSignTypes.ChainInfo) private _walletTypes;
    mapping(bytes32 walletTypeId => mapping(bytes32 chainId => bool)) private _chainIds;
    mapping(bytes32 workspaceId => string[]) private _wallets;
    mapping(bytes32 walletId => SignTypes.WalletRegistry) private _walletReg;
    mapping(uint256 traceId => SignTypes.ReqRegistry) private _reqReg;

    // ------------------------------------------------------------------ initialisation

    /// @notice Makes the caller the admin; once only.
    function initializeV1() external {
        if (_initialized != 0) revert InvalidInitialization();
        _initialized = 1;
        _grantRole(DEFAULT_ADMIN_ROLE, msg.sender);
        emit Initialized(1);
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

    modifier whenNotPaused() {
        if (_paused) revert EnforcedPause();
        _;
    }

    modifier supportedWalletType(bytes32 walletTypeId) {
        if (_walletTypes[walletTypeId].purpose == 0) revert WalletTypeNotSupported(walletTypeId);
        _;
    }

    modifier supportedChain(bytes32 walletTypeId, bytes32 chainId) {
        if (!_chainIds[walletTypeId][chainId]) revert ChainIdNotSupported(walletTypeId, chainId);
        _;
    }

    // ------------------------------------------------------------------ requests

    function zrKeyReq(
        SignTypes.ZrKeyReqParams calldata params
    ) external payable supportedWalletType(params.walletTypeId) whenNotPaused {
        if (params.options == 0) revert InvalidOptions(0);
        bytes32 workspaceId = _userWorkspaceId(params.walletTypeId, params.owner);
        uint256 walletIndex = _wallets[workspaceId].length;
        (uint256 mpc, uint256 netResp, uint256 total) = _estimateFee(params.options, msg.value);
        if (msg.value < total) revert InsufficientFee(total, msg.value);

        SignTypes.WalletRegistry storage slot = _walletReg[
            _walletId(params.walletTypeId, params.owner, walletIndex)
        ];
        if (slot.status >= WALLET_REQUESTED) {
            // The slot is still waiting for its key: the whole payment tops up its pool.
            slot.value += total;
        } else {
            _totalMPCFee += mpc;
            slot.status = WALLET_REQUESTED;
            slot.options = params.options;
            slot.value = netResp;
        }
        emit ZrKeyRequest(
            params.walletTypeId,
            params.owner,
            walletIndex,
            params.options,
            msg.value,
            mpc
        );
    }

    function zrSignHash(
        SignTypes.ZrSignParams calldata params
    )
        external
        payable
        supportedWalletType(params.walletTypeId)
        supportedChain(params.walletTypeId, params.dstChainId)
    {
        if (params.broadcast) revert BroadcastNotAllowed();
        _sigReq(params, IS_HASH_MASK);
    }

    function zrSignTx(
        SignTypes.ZrSignParams calldata params
    )
        external
        payable
        supportedWalletType(params.walletTypeId)
        supportedChain(params.walletTypeId, params.dstChainId)
    {
        _sigReq(params, IS_TX_MASK);
    }

    function zrSignSimpleTx(
        SignTypes.ZrSignParams calldata params
    )
        external
        payable
        supportedWalletType(params.walletTypeId)
        supportedChain(params.walletTypeId, params.dstChainId)
    {
        bytes32 walletId = _walletId(params.walletTypeId, msg.sender, params.walletIndex);
        if (_walletReg[walletId].options < OPTIONS_MONITORING) {
            revert WalletNotRegisteredForMonitoring(params.walletIndex);
        }
        _sigReq(params, IS_SIMPLE_TX_MASK);
    }

    function _sigReq(SignTypes.ZrSignParams calldata params, uint8 reqType) private whenNotPaused {
        bytes32 walletId = _walletId(params.walletTypeId, msg.sender, params.walletIndex);
        SignTypes.WalletRegistry storage slot = _walletReg[walletId];
        (uint256 mpc, uint256 netResp, uint256 total) = _estimateFee(slot.options, msg.value);
        if (msg.value < total) revert InsufficientFee(total, msg.value);
        if (slot.status != WALLET_REGISTERED) revert InvalidWalletIndex(params.walletIndex);

        uint256 traceId = _traceId;
        _reqReg[traceId] = SignTypes.ReqRegistry(SIG_REQ_IN_PROGRESS, netResp);
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
        _traceId = traceId + 1;
    }

    // ------------------------------------------------------------------ responses

    function zrKeyRes(
        SignTypes.ZrKeyResParams calldata params
    ) external supportedWalletType(params.walletTypeId) whenNotPaused {
        if (params.owner == address(0)) revert OwnableInvalidOwner(address(0));
        bytes32 inner = keccak256(
            abi.encode(
                SRC_CHAIN_ID,
                params.walletTypeId,
                params.owner,
                params.walletIndex,
                params.wallet,
                params.options
            )
        );
        _requireMpcAuth(inner, params.authSignature);
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

        _wallets[workspaceId].push(params.wallet);
        slot.status = WALLET_REGISTERED;
        emit ZrKeyResolve(params.walletTypeId, params.owner, params.walletIndex, params.wallet);
        _refund(slot.value, params.owner);
    }

    function zrSignRes(SignTypes.SignResParams calldata params) external whenNotPaused {
        SignTypes.ReqRegistry storage req = _reqReg[params.traceId];
        if (req.status != SIG_REQ_IN_PROGRESS) {
            revert RequestNotFoundOrAlreadyProcessed(params.traceId);
        }
        bytes32 inner = keccak256(
            abi.encode(
                SRC_CHAIN_ID,
                params.traceId,
                params.owner,
                params.metaData,
                params.signature,
                params.broadcast
            )
        );
        _requireMpcAuth(inner, params.authSignature);
        req.status = SIG_REQ_ALREADY_PROCESSED;
        emit ZrSigResolve(params.traceId, params.metaData, params.signature, params.broadcast);
        _refund(req.value, params.owner);
    }

    /// @dev The responder is paid for the gas metered against respGas (checked arithmetic: a
    ///      gas limit above respGas underflows), the owner gets what is left of the pool.
    function _refund(uint256 pool, address owner) private nonReentrant {
        uint256 units = (_respGas - gasleft()) + _TRANSFER_GAS;
        uint256 cost = units * tx.gasprice;
        uint256 change;
        if (pool + _TRANSFER_GAS > cost) {
            cost = (units + _TRANSFER_GAS) * tx.gasprice;
            _pay(msg.sender, cost);
            change = pool - cost;
            _pay(owner, change);
        } else {
            _pay(msg.sender, pool);
        }
        emit ZrSigGasRefund(cost, change);
    }

    function _pay(address to, uint256 amount) private {
        (bool ok, ) = payable(to).call{value: amount}("");
        require(ok, "Transfer failed");
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
    ) external onlyRole(DEFAULT_ADMIN_ROLE) supportedWalletType(walletTypeId) {
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

    function withdrawMPCFees() external onlyRole(FEE_ROLE) nonReentrant {
        uint256 amount = _totalMPCFee;
        (bool ok, ) = payable(msg.sender).call{value: amount}("");
        require(ok, "Failed to send Ether");
        _totalMPCFee = 0;
        emit MPCFeeWithdraw(msg.sender, amount);
    }

    function pause() external onlyRole(PAUSER_ROLE) whenNotPaused {
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

    function getColletedFees() external view returns (uint256) {
        return _totalMPCFee;
    }

    function version() external view returns (uint256) {
        return _initialized;
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
        netResp = _respGas * ((block.basefee * _respGasPriceBuffer) / 100);
        total = mpc + netResp;
        if (value > total) {
            netResp += value - total;
            total = mpc + netResp;
        }
    }

    function _requireMpcAuth(bytes32 inner, bytes calldata authSignature) private view {
        bytes32 digest = keccak256(abi.encodePacked("\x19Ethereum Signed Message:\n32", inner));
        address signer = _recover(digest, authSignature);
        if (!_roles[MPC_ROLE][signer]) revert AccessControlUnauthorizedAccount(signer, MPC_ROLE);
    }

    /// @dev 65-byte r||s||v, v as given (27/28 recover), low s. Errors: 1 invalid, 2 bad
    ///      length, 3 high s.
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
