// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.19;

/// @title DexPool: the example's constant-product pool (examples/dex_aggregator).
/// @notice Holds two test tokens (TKA, TKB) as its own ledger, so a swap is one transaction
///         from the trader (no ERC-20 approve first): the aggregator's zrSign key swaps with
///         one signed transaction. x * y = k with a 0.3% fee. For the example only.
contract DexPool {
    address public immutable owner;
    uint256 public reserveA;
    uint256 public reserveB;
    mapping(address => uint256) public balanceA;
    mapping(address => uint256) public balanceB;

    event Swap(address indexed trader, bool aToB, uint256 amountIn, uint256 amountOut);

    error OnlyOwner();
    error Slippage(uint256 amountOut, uint256 minOut);
    error Insufficient(uint256 balance, uint256 amountIn);

    constructor(uint256 initialA, uint256 initialB) {
        owner = msg.sender;
        reserveA = initialA;
        reserveB = initialB;
    }

    /// @notice Test tokens for `to` (the owner funds traders).
    function mint(address to, uint256 amountA, uint256 amountB) external {
        if (msg.sender != owner) revert OnlyOwner();
        balanceA[to] += amountA;
        balanceB[to] += amountB;
    }

    function quote(bool aToB, uint256 amountIn) public view returns (uint256) {
        (uint256 rIn, uint256 rOut) = aToB ? (reserveA, reserveB) : (reserveB, reserveA);
        uint256 inWithFee = amountIn * 997;
        return (inWithFee * rOut) / (rIn * 1000 + inWithFee);
    }

    /// @notice Swap `amountIn` of TKA for TKB (aToB) or back, at least `minOut`.
    function swap(bool aToB, uint256 amountIn, uint256 minOut) external returns (uint256 out) {
        out = quote(aToB, amountIn);
        if (out < minOut) revert Slippage(out, minOut);
        if (aToB) {
            if (balanceA[msg.sender] < amountIn) revert Insufficient(balanceA[msg.sender], amountIn);
            balanceA[msg.sender] -= amountIn;
            balanceB[msg.sender] += out;
            reserveA += amountIn;
            reserveB -= out;
        } else {
            if (balanceB[msg.sender] < amountIn) revert Insufficient(balanceB[msg.sender], amountIn);
            balanceB[msg.sender] -= amountIn;
            balanceA[msg.sender] += out;
            reserveB += amountIn;
            reserveA -= out;
        }
        emit Swap(msg.sender, aToB, amountIn, out);
    }
}
