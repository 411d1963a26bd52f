#include "nplab/attention/streaming.h"

#include <cmath>
#include <limits>
#include <string>

#include "nplab/util/checks.h"

namespace nplab::attention {
namespace {

void check_compatible(const StreamingAttentionState& a, const StreamingAttentionState& b) {
  if (!a.output.defined() || !b.output.defined()) {
    throw util::InvalidArgument("streaming state: undefined state");
  }
  if (a.output.sizes() != b.output.sizes()) {
    throw util::InvalidArgument("streaming state: shapes differ, " + util::shape_string(a.output) +
                                " vs " + util::shape_string(b.output));
  }
  util::check_same_dtype_device(a.output, "state", b.output, "block");
}

// exp(x) where x = -inf - (-inf) would be NaN: such terms belong to empty states and weigh 0.
at::Tensor safe_weight(const at::Tensor& log_weight) {
  return at::exp(at::nan_to_num(log_weight, -std::numeric_limits<double>::infinity()));
}

}  // namespace

int64_t StreamingAttentionState::bytes() const {
  int64_t total = 0;
  if (log_normalizer.defined()) total += log_normalizer.numel() * log_normalizer.element_size();
  if (output.defined()) total += output.numel() * output.element_size();
  return total;
}

StreamingAttentionState empty_streaming_state(int64_t batch, int64_t heads, int64_t queries,
                                              int64_t head_dim, const at::TensorOptions& options) {
  return {at::full({batch, heads, queries}, -std::numeric_limits<double>::infinity(), options),
          at::zeros({batch, heads, queries, head_dim}, options), 0};
}

StreamingAttentionState streaming_block_state(const at::Tensor& queries, const at::Tensor& keys,
                                              const at::Tensor& values) {
  util::check_rank(queries, "queries", 4);
  util::check_rank(keys, "keys", 4);
  util::check_rank(values, "values", 4);
  const int64_t points = keys.size(2);
  if (points == 0) {
    return empty_streaming_state(queries.size(0), queries.size(1), queries.size(2),
                                 values.size(3), values.options());
  }
  // A renormalised softmax (max-subtracted, divided by its own sum) rather than exp(s - L): the
  // weights of a block sum to one even when |s| is so large that L itself is rounded. Written
  // out so that exp runs once for both L and o (at::logsumexp + at::softmax would run it twice,
  // and their per-row overhead dominates the one-point blocks of an update). Without autograd
  // it works in place, so that a chunk costs one [B, H, Nq, Nk] buffer.
  auto weights = at::matmul(queries, keys.transpose(-2, -1));  // scores [B, H, Nq, Nk]
  const auto max = weights.amax(-1, /*keepdim=*/true);
  if (at::GradMode::is_enabled()) {
    weights = at::exp(weights - max);
  } else {
    weights.sub_(max).exp_();
  }
  const auto total = weights.sum(-1, /*keepdim=*/true);
  return {(max + at::log(total)).squeeze(-1), at::matmul(weights, values) / total, points};
}

StreamingAttentionState merge_streaming_states(const StreamingAttentionState& a,
                                               const StreamingAttentionState& b) {
  check_compatible(a, b);
  if (b.empty()) return a;
  if (a.empty()) return b;
  // L' = log(e^La + e^Lb), computed stably; o' = e^(La-L') oa + e^(Lb-L') ob.
  const auto merged = at::logaddexp(a.log_normalizer, b.log_normalizer);
  const auto weight_a = safe_weight(a.log_normalizer - merged).unsqueeze(-1);
  const auto weight_b = safe_weight(b.log_normalizer - merged).unsqueeze(-1);
  return {merged, weight_a * a.output + weight_b * b.output, a.count + b.count};
}

double default_max_removal_amplification(at::ScalarType dtype) {
  return dtype == at::kDouble ? 1e4 : 1e2;
}

StreamingRemoval remove_streaming_state(const StreamingAttentionState& state,
                                        const StreamingAttentionState& removed,
                                        double max_amplification) {
  check_compatible(state, removed);
  if (removed.count > state.count) {
    throw util::InvalidArgument("remove: block holds " + std::to_string(removed.count) +
                                " points but the state only " + std::to_string(state.count));
  }
  if (removed.empty()) return {state, true, 1.0};
  if (removed.count == state.count) {
    const auto& o = state.output;
    return {empty_streaming_state(o.size(0), o.size(1), o.size(2), o.size(3), o.options()), true,
            1.0};
  }
  if (max_amplification <= 0.0) {
    max_amplification = default_max_removal_amplification(state.output.scalar_type());
  }
  // d = L_R - L <= 0. L' = L + log(1 - e^d); the subtraction amplifies error by 1 / (1 - e^d).
  const auto delta = removed.log_normalizer - state.log_normalizer;
  const double max_delta = delta.max().item<double>();
  const double amplification =
      max_delta >= 0.0 ? std::numeric_limits<double>::infinity() : -1.0 / std::expm1(max_delta);
  if (!(amplification <= max_amplification)) return {state, false, amplification};

  const auto log1mexp = at::log(-at::expm1(delta));
  const auto remaining = state.log_normalizer + log1mexp;
  const auto weight_state = at::exp(-log1mexp).unsqueeze(-1);  // e^(L - L')
  const auto weight_removed = at::exp(removed.log_normalizer - remaining).unsqueeze(-1);
  return {{remaining, weight_state * state.output - weight_removed * removed.output,
           state.count - removed.count},
          true,
          amplification};
}

}  // namespace nplab::attention
