#include "nplab/attention/kernel_attention.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "nplab/util/checks.h"

namespace nplab::attention {
namespace {

// `rows` Gaussian vectors in R^dim, orthogonal within blocks of `dim` (FAVOR+'s orthogonal random
// features, which lower the estimator's variance). Each row is marginally N(0, I): a Haar-random
// direction scaled by the length of an independent Gaussian vector.
at::Tensor orthogonal_gaussian_rows(int64_t rows, int64_t dim) {
  std::vector<at::Tensor> blocks;
  for (int64_t done = 0; done < rows; done += dim) {
    const int64_t count = std::min(dim, rows - done);
    const auto [q, r] = at::linalg_qr(at::randn({dim, count}));  // reduced: q is [dim, count]
    // Fixing the signs by diag(R) makes the directions Haar-distributed.
    blocks.push_back((q * r.diagonal().sign().unsqueeze(0)).t());
  }
  const auto lengths = at::linalg_vector_norm(at::randn({rows, dim}), 2, {-1}, /*keepdim=*/true);
  return at::cat(blocks, 0) * lengths;
}

// Guards the DKA normaliser against underflow (a query all of whose features vanish).
constexpr double kTinyNormaliser = 1e-30;

}  // namespace

AttentionMode attention_mode_from_string(const std::string& name) {
  if (name == "full") return AttentionMode::Full;
  if (name == "scan") return AttentionMode::Scan;
  if (name == "dka") return AttentionMode::DeepKernel;
  throw util::InvalidArgument("attention \"" + name + "\": unknown (known: full, scan, dka)");
}

std::string to_string(AttentionMode mode) {
  switch (mode) {
    case AttentionMode::Full: return "full";
    case AttentionMode::Scan: return "scan";
    case AttentionMode::DeepKernel: return "dka";
  }
  return "unknown";
}

KernelAttentionImpl::KernelAttentionImpl(const KernelAttentionOptions& options)
    : options_(options) {
  set_scan_chunk(options.scan_chunk);
  const bool deep_kernel = options.mode == AttentionMode::DeepKernel;
  if (deep_kernel && options.features < 1) {
    throw util::InvalidArgument("features: must be positive, got " +
                                std::to_string(options.features));
  }
  if (deep_kernel && options.location_features < 1 && options.kernel != BiasKernel::Linear) {
    throw util::InvalidArgument("location_features: must be positive, got " +
                                std::to_string(options.location_features));
  }
  projections_ = register_module("projections",
                                 MultiheadAttention(options.dim, options.dim, options.heads));
  bias_ = register_module(
      "bias", DistanceBias(DistanceBiasOptions{options.heads, options.dim_x, options.kernel,
                                               options.kernel_terms,
                                               deep_kernel ? options.location_features : 0}));
  if (deep_kernel) {
    const int64_t width = projections_->head_dim() + bias_->feature_dim();
    performer_projection_ = register_buffer("performer_projection",
                                            orthogonal_gaussian_rows(options.features, width));
  }
}

void KernelAttentionImpl::set_mode(AttentionMode mode) {
  if (mode == AttentionMode::DeepKernel && !performer_projection_.defined()) {
    throw util::InvalidArgument(
        "attention: \"dka\" needs random features drawn at construction; build "
        "the model with \"attention\": \"dka\"");
  }
  options_.mode = mode;
}

void KernelAttentionImpl::set_scan_chunk(int64_t chunk) {
  if (chunk < 1) {
    throw util::InvalidArgument("scan_chunk: must be positive, got " + std::to_string(chunk));
  }
  options_.scan_chunk = chunk;
}

at::Tensor KernelAttentionImpl::forward(const at::Tensor& queries, const at::Tensor& xq,
                                        const at::Tensor& context, const at::Tensor& xk) {
  util::check_rank(queries, "queries", 3);
  util::check_size(queries, "queries", 2, options_.dim);
  util::check_rank(xq, "xq", 3);
  util::check_size(xq, "xq", 0, queries.size(0));
  util::check_size(xq, "xq", 1, queries.size(1));
  util::check_size(xq, "xq", 2, options_.dim_x);
  util::check_rank(context, "context", 3);
  util::check_size(context, "context", 2, options_.dim);
  util::check_size(context, "context", 0, queries.size(0));
  if (context.size(1) < 1)
    throw util::InvalidArgument("context: attention needs at least one point");
  util::check_rank(xk, "xk", 3);
  util::check_size(xk, "xk", 0, context.size(0));
  util::check_size(xk, "xk", 1, context.size(1));
  util::check_size(xk, "xk", 2, options_.dim_x);
  switch (options_.mode) {
    case AttentionMode::Full: return attend_full(queries, xq, context, xk);
    case AttentionMode::Scan: return attend_scan(queries, xq, context, xk);
    case AttentionMode::DeepKernel: return attend_dka(queries, xq, context, xk);
  }
  return {};
}

at::Tensor KernelAttentionImpl::attend_full(const at::Tensor& queries, const at::Tensor& xq,
                                            const at::Tensor& context, const at::Tensor& xk) {
  const auto q = projections_->project_queries(queries);
  const auto [k, v] = projections_->project_keys_values(context);
  const auto logits = at::matmul(q, k.transpose(-2, -1)) + bias_(xq, xk);  // [B, H, Nq, Nk]
  return projections_->project_output(at::matmul(at::softmax(logits, -1), v));
}

at::Tensor KernelAttentionImpl::attend_scan(const at::Tensor& queries, const at::Tensor& xq,
                                            const at::Tensor& context, const at::Tensor& xk) {
  const int64_t count = queries.size(1);
  const int64_t chunk = options_.scan_chunk;
  std::vector<at::Tensor> outputs;
  for (int64_t start = 0; start < count; start += chunk) {
    const int64_t length = std::min(chunk, count - start);
    const auto q = projections_->project_queries(queries.narrow(1, start, length));
    outputs.push_back(
        projections_->project_output(scan_keys(q, xq.narrow(1, start, length), context, xk)));
  }
  return outputs.size() == 1 ? outputs.front() : at::cat(outputs, 1);
}

at::Tensor KernelAttentionImpl::scan_keys(const at::Tensor& q, const at::Tensor& xq,
                                          const at::Tensor& context, const at::Tensor& xk) {
  // Online softmax: after each key chunk, for every query and head,
  //   running_max = max of the logits so far, running_sum = sum exp(logit - running_max),
  //   accumulator = sum exp(logit - running_max) v.
  // A new chunk rescales the old sums by exp(old_max - new_max). The max only keeps exp() in
  // range and cancels in accumulator / running_sum, so it carries no gradient.
  const int64_t count = context.size(1);
  const int64_t chunk = options_.scan_chunk;
  at::Tensor running_max, running_sum, accumulator;
  for (int64_t start = 0; start < count; start += chunk) {
    const int64_t length = std::min(chunk, count - start);
    // Keys and values are projected per chunk: nothing of size Nk is ever held here.
    const auto [k, v] = projections_->project_keys_values(context.narrow(1, start, length));
    const auto logits =
        at::matmul(q, k.transpose(-2, -1)) + bias_(xq, xk.narrow(1, start, length));
    const auto chunk_max = logits.amax(-1, /*keepdim=*/true).detach();
    if (!running_max.defined()) {
      running_max = chunk_max;
      const auto weights = at::exp(logits - running_max);
      running_sum = weights.sum(-1, /*keepdim=*/true);
      accumulator = at::matmul(weights, v);
      continue;
    }
    const auto new_max = at::maximum(running_max, chunk_max);
    const auto rescale = at::exp(running_max - new_max);
    const auto weights = at::exp(logits - new_max);
    running_sum = running_sum * rescale + weights.sum(-1, /*keepdim=*/true);
    accumulator = accumulator * rescale + at::matmul(weights, v);
    running_max = new_max;
  }
  return accumulator / running_sum;
}

at::Tensor KernelAttentionImpl::positive_features(const at::Tensor& vectors,
                                                  at::IntArrayRef stabilise_dims) const {
  // E_w[phi(a).phi(b)] = exp(a.b) for w ~ N(0, I) (FAVOR+, Choromanski et al.).
  const auto log_features = at::matmul(vectors, performer_projection_.t()) -
                            0.5 * vectors.pow(2).sum(-1, /*keepdim=*/true);
  const auto stabiliser = log_features.amax(stabilise_dims, /*keepdim=*/true).detach();
  return at::exp(log_features - stabiliser) *
         (1.0 / std::sqrt(static_cast<double>(options_.features)));
}

at::Tensor KernelAttentionImpl::attend_dka(const at::Tensor& queries, const at::Tensor& xq,
                                           const at::Tensor& context, const at::Tensor& xk) {
  const auto q = projections_->project_queries(queries);  // already divided by sqrt(d_head)
  const auto [k, v] = projections_->project_keys_values(context);
  // Split 1/sqrt(d_head) evenly between queries and keys (lower estimator variance), then append
  // the bias's location features: [q, u(xq)].[k, w(xk)] = q.k / sqrt(d_head) + bias.
  const double quarter_root = std::pow(static_cast<double>(projections_->head_dim()), 0.25);
  const auto query_vectors = at::cat({q * quarter_root, bias_->query_features(xq)}, -1);
  const auto key_vectors = at::cat({k / quarter_root, bias_->key_features(xk)}, -1);
  // Query rows are rescaled per query, keys by one constant per batch and head: both cancel.
  const auto query_features = positive_features(query_vectors, {-1});
  const auto key_features = positive_features(key_vectors, {-2, -1});
  const auto key_values = at::matmul(key_features.transpose(-2, -1), v);  // [B, H, m, d_head]
  const auto key_mass = key_features.sum(-2).unsqueeze(-1);               // [B, H, m, 1]
  const auto numerator = at::matmul(query_features, key_values);          // [B, H, Nq, d_head]
  const auto normaliser = at::matmul(query_features, key_mass).clamp_min(kTinyNormaliser);
  return projections_->project_output(numerator / normaliser);
}

}  // namespace nplab::attention
