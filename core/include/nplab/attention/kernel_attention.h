#pragma once
// Multi-head attention with a kernel bias of the input locations (TNP-KR, arXiv 2411.12502):
//   logits = q.k / sqrt(d_head) + bias_h(x_q, x_k)
// in three interchangeable modes:
//   full  materialises the [B, H, Nq, Nk] logits;
//   scan  flash-style: queries and keys in chunks, logits and bias computed per chunk and merged
//         with an online softmax (running max, running sum, accumulator); the keys and values are
//         projected chunk by chunk too, so an inference call's extra memory is O(chunk^2),
//         whatever Nq and Nk are (autograd keeps every chunk for the backward pass);
//   dka   deep kernel attention, linear in N: Performer (FAVOR+) positive orthogonal random
//         features of the augmented vectors [q, u(x_q)] and [k, w(x_k)], where u.w is the random
//         Fourier factorisation of the bias, so exp(q.k + bias) is estimated without any N x N
//         tensor. It converges to full attention as `features` (and `location_features`) grow.
//         The random features are drawn once at construction and kept as buffers.

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <string>

#include "nplab/attention/attention.h"
#include "nplab/attention/distance_bias.h"

namespace nplab::attention {

enum class AttentionMode { Full, Scan, DeepKernel };

/// "full", "scan", "dka"; anything else throws InvalidArgument.
AttentionMode attention_mode_from_string(const std::string& name);
std::string to_string(AttentionMode mode);

struct KernelAttentionOptions {
  int64_t dim = 64;
  int64_t heads = 4;
  int64_t dim_x = 1;
  AttentionMode mode = AttentionMode::Scan;
  BiasKernel kernel = BiasKernel::RbfBasis;
  int64_t kernel_terms = 4;       ///< rbf-basis terms per head
  int64_t scan_chunk = 1024;      ///< scan: queries and keys per chunk
  int64_t features = 64;          ///< dka: Performer random features
  int64_t location_features = 32; ///< dka: random Fourier frequencies per bias term
};

class KernelAttentionImpl : public torch::nn::Module {
 public:
  explicit KernelAttentionImpl(const KernelAttentionOptions& options = {});

  /// Tokens `queries` [B, Nq, dim] at locations xq [B, Nq, dim_x] attend to tokens `context`
  /// [B, Nk, dim] at xk [B, Nk, dim_x], Nk >= 1 -> [B, Nq, dim].
  at::Tensor forward(const at::Tensor& queries, const at::Tensor& xq, const at::Tensor& context,
                     const at::Tensor& xk);

  const KernelAttentionOptions& options() const { return options_; }
  void set_mode(AttentionMode mode);
  void set_scan_chunk(int64_t chunk);
  DistanceBias& bias() { return bias_; }

 private:
  at::Tensor attend_full(const at::Tensor& queries, const at::Tensor& xq,
                         const at::Tensor& context, const at::Tensor& xk);
  at::Tensor attend_scan(const at::Tensor& queries, const at::Tensor& xq,
                         const at::Tensor& context, const at::Tensor& xk);
  /// One query chunk against every key chunk; returns the normalised per-head output.
  at::Tensor scan_keys(const at::Tensor& q, const at::Tensor& xq, const at::Tensor& context,
                       const at::Tensor& xk);
  at::Tensor attend_dka(const at::Tensor& queries, const at::Tensor& xq,
                        const at::Tensor& context, const at::Tensor& xk);
  /// FAVOR+ positive features exp(w.v - |v|^2/2) / sqrt(m), stabilised by subtracting the max
  /// over `stabilise_dims` (a constant factor that cancels in the attention ratio).
  at::Tensor positive_features(const at::Tensor& vectors, at::IntArrayRef stabilise_dims) const;

  KernelAttentionOptions options_;
  MultiheadAttention projections_{nullptr};
  DistanceBias bias_{nullptr};
  at::Tensor performer_projection_;  ///< dka buffer [features, d_head + bias feature dim]
};
TORCH_MODULE(KernelAttention);

}  // namespace nplab::attention
