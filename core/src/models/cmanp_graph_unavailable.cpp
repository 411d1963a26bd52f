// CMANPGraphedUpdate in a build whose LibTorch has no CUDA: it cannot be made, and says so.

#include "nplab/models/cmanp_graph.h"
#include "nplab/util/checks.h"

namespace nplab::models {

struct CMANPGraphedUpdate::Captured {};

bool cuda_graphs_compiled() {
  return false;
}

CMANPGraphedUpdate::CMANPGraphedUpdate(CMANP& /*model*/, int64_t /*batch*/,
                                       int64_t /*new_points*/) {
  throw util::InvalidArgument(
      "CUDA graphs: this build's LibTorch has no CUDA (build against a CUDA LibTorch to use them)");
}

CMANPGraphedUpdate::~CMANPGraphedUpdate() = default;

void CMANPGraphedUpdate::update(CMANPState& /*state*/, const at::Tensor& /*xn*/,
                                const at::Tensor& /*yn*/) {
  throw util::InvalidArgument("CUDA graphs: this build's LibTorch has no CUDA");
}

}  // namespace nplab::models
