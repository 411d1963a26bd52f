#pragma once
// The streaming cross-attention state (DESIGN.md §3) of every prefix of a sequence at once, for
// training CMHP on all prefixes in one pass. Prefix j's state is L_j = logsumexp_{i<=j} s_i and
// o_j = Σ_{i<=j} exp(s_i − L_j) v_i, a prefix scan of the §3 merge. It runs in chunks of C points:
// inside a chunk every prefix is a masked [C, C] softmax against its own cumulative log-sum-exp
// (each weight exp(s_i − L_j) <= 1, so nothing overflows and only negligible terms underflow),
// then the state of all earlier chunks merges in. Time O(N·C), never O(N²).

#include <ATen/ATen.h>

#include <cstdint>

#include "nplab/attention/streaming.h"

namespace nplab::tpp {

struct PrefixStreamingStates {
  at::Tensor log_normalizer;  ///< L_j, [B, H, Nq, N]
  at::Tensor output;          ///< o_j, [B, H, Nq, N, d_head]

  int64_t points() const { return log_normalizer.size(-1); }
  /// Prefix j's state (points 0..j), as the step-by-step streaming would hold it.
  attention::StreamingAttentionState prefix(int64_t j) const;
  /// Every prefix folded into the batch, index b·N + j: L [B·N, H, Nq], o [B·N, H, Nq, d_head].
  /// (Its count is N: every folded state holds at least one point.)
  attention::StreamingAttentionState folded() const;
};

/// queries [B or 1, H, Nq, d_head] (already scaled by 1/sqrt(d_head)), keys and values
/// [B, H, N, d_head] with N >= 1. Differentiable.
PrefixStreamingStates prefix_streaming_states(const at::Tensor& queries, const at::Tensor& keys,
                                              const at::Tensor& values, int64_t chunk_size = 32);

}  // namespace nplab::tpp
