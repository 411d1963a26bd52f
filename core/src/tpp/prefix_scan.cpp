#include "nplab/tpp/prefix_scan.h"

#include <algorithm>
#include <limits>
#include <vector>

#include "nplab/util/checks.h"

namespace nplab::tpp {

attention::StreamingAttentionState PrefixStreamingStates::prefix(int64_t j) const {
  return {log_normalizer.select(-1, j), output.select(-2, j), j + 1};
}

attention::StreamingAttentionState PrefixStreamingStates::folded() const {
  const int64_t batch = output.size(0), heads = output.size(1), queries = output.size(2);
  const int64_t n = output.size(3), head_dim = output.size(4);
  return {log_normalizer.permute({0, 3, 1, 2}).reshape({batch * n, heads, queries}),
          output.permute({0, 3, 1, 2, 4}).reshape({batch * n, heads, queries, head_dim}), n};
}

PrefixStreamingStates prefix_streaming_states(const at::Tensor& queries, const at::Tensor& keys,
                                              const at::Tensor& values, int64_t chunk_size) {
  util::check_rank(queries, "queries", 4);
  util::check_rank(keys, "keys", 4);
  util::check_rank(values, "values", 4);
  if (chunk_size < 1)
    throw util::InvalidArgument("prefix_streaming_states: chunk_size must be positive");
  const int64_t n = keys.size(2);
  if (n < 1) throw util::InvalidArgument("prefix_streaming_states: needs at least one point");
  const auto all_queries = queries.expand({keys.size(0), -1, -1, -1});
  const double minus_infinity = -std::numeric_limits<double>::infinity();

  std::vector<at::Tensor> normalizers, outputs;
  at::Tensor carry_normalizer,
      carry_output;  // the state of all earlier chunks: [.., 1], [.., 1, dh]
  for (int64_t start = 0; start < n; start += chunk_size) {
    const int64_t c = std::min(chunk_size, n - start);
    const auto chunk_values = values.narrow(2, start, c);
    const auto scores = at::matmul(all_queries, keys.narrow(2, start, c).transpose(-2, -1));
    auto normalizer = at::logcumsumexp(scores, -1);  // the chunk's own prefixes, [B, H, Nq, c]
    // Weight of point i in prefix j: exp(s_i − L_j) for i <= j, 0 for the points after j (masked
    // before exp, so that no gradient meets an overflow). [B, H, Nq, c (j), c (i)]
    const auto after = at::ones({c, c}, scores.options().dtype(at::kBool)).triu(1);
    const auto log_weights =
        (scores.unsqueeze(-2) - normalizer.unsqueeze(-1)).masked_fill(after, minus_infinity);
    auto output = at::matmul(at::exp(log_weights), chunk_values.unsqueeze(2));
    if (carry_normalizer.defined()) {
      // The §3 merge of the earlier chunks' state into every prefix of this chunk.
      const auto merged = at::logaddexp(carry_normalizer, normalizer);
      output = at::exp(carry_normalizer - merged).unsqueeze(-1) * carry_output +
               at::exp(normalizer - merged).unsqueeze(-1) * output;
      normalizer = merged;
    }
    carry_normalizer = normalizer.narrow(-1, c - 1, 1);
    carry_output = output.narrow(-2, c - 1, 1);
    normalizers.push_back(std::move(normalizer));
    outputs.push_back(std::move(output));
  }
  return {at::cat(normalizers, -1), at::cat(outputs, -2)};
}

}  // namespace nplab::tpp
