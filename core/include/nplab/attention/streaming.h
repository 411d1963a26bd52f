#pragma once
// Streaming (log-sum-exp) cross-attention for a fixed set of queries (DESIGN.md §3).
//
// Per batch element, head and query the state keeps L = logsumexp_i s_i and
// o = sum_i exp(s_i - L) v_i, the normalised attention output before the output projection.
// Blocks of context merge exactly; blocks can be removed exactly unless cancellation would
// amplify rounding error, which the API reports so that the caller reconditions.

#include <ATen/ATen.h>

#include <cstdint>

namespace nplab::attention {

struct StreamingAttentionState {
  at::Tensor log_normalizer;  ///< L, [B, H, Nq]; -inf for the empty state
  at::Tensor output;          ///< o, [B, H, Nq, d_head]; 0 for the empty state
  int64_t count = 0;          ///< number of context points summarised

  bool empty() const { return count == 0; }
  /// Bytes held by the state's tensors (independent of the number of points).
  int64_t bytes() const;
};

/// The state of no points: L = -inf, o = 0.
StreamingAttentionState empty_streaming_state(int64_t batch, int64_t heads, int64_t queries,
                                              int64_t head_dim, const at::TensorOptions& options);

/// The state of one block. queries [B, H, Nq, dh] (already scaled by 1/sqrt(dh)),
/// keys and values [B, H, Nk, dh].
StreamingAttentionState streaming_block_state(const at::Tensor& queries, const at::Tensor& keys,
                                              const at::Tensor& values);

/// The state of the union of two disjoint point sets: associative and commutative.
StreamingAttentionState merge_streaming_states(const StreamingAttentionState& a,
                                               const StreamingAttentionState& b);

struct StreamingRemoval {
  StreamingAttentionState state;
  /// False when the removed block held (almost) all of some query's attention mass, so that the
  /// subtraction would lose precision: the state is then unchanged and the caller must recondition.
  bool exact = true;
  /// The largest factor by which the subtraction amplifies the inputs' rounding error.
  double amplification = 1.0;
};

/// Default cap on the error amplification 1 / (1 - exp(L_R - L)) of a removal: float64 keeps
/// ~1e-16 * 1e4 = 1e-12, float32 keeps ~6e-8 * 1e2 = 6e-6 (removing more than 99% of a query's
/// mass in float32 asks for reconditioning).
double default_max_removal_amplification(at::ScalarType dtype);

/// Removes `removed` (the state of a subset of the points in `state`) from `state`.
/// Removing all points returns the exact empty state.
StreamingRemoval remove_streaming_state(const StreamingAttentionState& state,
                                        const StreamingAttentionState& removed,
                                        double max_amplification = 0.0 /* 0: dtype default */);

}  // namespace nplab::attention
