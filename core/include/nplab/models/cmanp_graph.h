#pragma once
// A CMANP edit captured as a CUDA graph. On a GPU the single-point update + prepare of CMANP is a
// few hundred small kernels over fixed-size tensors (embedding, six streaming merges, the latent
// stack), so its latency is launch overhead; one graph replay launches them all at once. Compiled
// only when the LibTorch found has CUDA; elsewhere constructing one says why it cannot.

#include <ATen/core/Tensor.h>

#include <memory>
#include <string>

#include "nplab/models/cmanp.h"

namespace nplab::models {

/// Whether this build's LibTorch has CUDA (CUDA graphs can then be captured where a GPU is).
bool cuda_graphs_compiled();

class CMANPGraphedUpdate {
 public:
  /// Captures updates of `new_points` points into batch-`batch` states of `model`, which must sit
  /// on a CUDA device, in float32 or float64. The graph reads the model's weights as they are now:
  /// after they change (training, loading), capture a new one. Throws InvalidArgument with the
  /// reason when it cannot be made (no CUDA in this build, a CPU model, bad sizes).
  CMANPGraphedUpdate(CMANP& model, int64_t batch, int64_t new_points);
  ~CMANPGraphedUpdate();
  CMANPGraphedUpdate(const CMANPGraphedUpdate&) = delete;
  CMANPGraphedUpdate& operator=(const CMANPGraphedUpdate&) = delete;

  /// The same as model.update(state, xn, yn) then model.prepare(state), by one graph replay.
  /// xn [batch, new_points, dim_x], yn [batch, new_points, dim_y] on the model's device and dtype.
  void update(CMANPState& state, const at::Tensor& xn, const at::Tensor& yn);

 private:
  struct Captured;
  std::unique_ptr<Captured> captured_;
};

}  // namespace nplab::models
