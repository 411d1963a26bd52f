// CMANPGraphedUpdate with CUDA: capture CMANP::updated_tensors once on static input tensors, then
// each update copies its inputs in, replays, and copies the outputs out (the graph overwrites its
// outputs on the next replay; a state must own its tensors).

#include <ATen/cuda/CUDAGraph.h>
#include <c10/core/InferenceMode.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include <string>
#include <vector>

#include "nplab/models/cmanp_graph.h"
#include "nplab/util/checks.h"

namespace nplab::models {

struct CMANPGraphedUpdate::Captured {
  at::cuda::CUDAGraph graph;
  // Inputs the graph reads and outputs it writes: fixed addresses for its whole life.
  at::Tensor log_normalizer, output, x, y;
  CMANP::UpdatedTensors result;
  int64_t batch = 0, new_points = 0;
};

bool cuda_graphs_compiled() {
  return true;
}

CMANPGraphedUpdate::CMANPGraphedUpdate(CMANP& model, int64_t batch, int64_t new_points) {
  const auto options = model.tensor_options();
  if (!options.device().is_cuda()) {
    throw util::InvalidArgument("CUDA graphs: the model is on " + options.device().str() +
                                ", not on a CUDA device");
  }
  if (batch < 1 || new_points < 1) {
    throw util::InvalidArgument("CUDA graphs: batch and new_points must be positive, got " +
                                std::to_string(batch) + " and " + std::to_string(new_points));
  }
  const c10::InferenceMode inference;
  const c10::cuda::CUDAGuard device_guard(options.device());
  captured_ = std::make_unique<Captured>();
  auto& c = *captured_;
  c.batch = batch;
  c.new_points = new_points;
  const auto& dims = model.dims();
  const int64_t heads = dims.heads * dims.layers;
  const int64_t latents = model.config().value("block_latents", int64_t{128});
  const int64_t head_dim = dims.d_model / dims.heads;
  // Any finite state will do: the graph records the operations, not the values.
  c.log_normalizer = at::zeros({batch, heads, latents}, options.dtype(CMANP::state_dtype()));
  c.output = at::zeros({batch, heads, latents, head_dim}, options.dtype(CMANP::state_dtype()));
  c.x = at::zeros({batch, new_points, dims.dim_x}, options);
  c.y = at::zeros({batch, new_points, dims.dim_y}, options);
  const auto run = [&] {
    return model.updated_tensors({c.log_normalizer, c.output, /*count=*/1}, c.x, c.y);
  };
  // Capture needs a stream other than the default one. The warm-up runs there first, so that
  // every lazily built cache (stacked projections, normalised latents, cuBLAS workspaces) exists
  // before capture and the graph only reads it.
  const auto side_stream =
      c10::cuda::getStreamFromPool(/*isHighPriority=*/false, options.device().index());
  c10::cuda::device_synchronize();
  {
    const c10::cuda::CUDAStreamGuard stream_guard(side_stream);
    for (int warmup = 0; warmup < 3; ++warmup) run();
    side_stream.synchronize();
    c.graph.capture_begin();
    c.result = run();
    c.graph.capture_end();
  }
  c10::cuda::device_synchronize();
}

CMANPGraphedUpdate::~CMANPGraphedUpdate() = default;

void CMANPGraphedUpdate::update(CMANPState& state, const at::Tensor& xn, const at::Tensor& yn) {
  auto& c = *captured_;
  const auto expect = [](const at::Tensor& given, const at::Tensor& like, const char* name) {
    if (!given.defined() || given.sizes() != like.sizes() ||
        given.scalar_type() != like.scalar_type() || given.device() != like.device()) {
      throw util::InvalidArgument(
          std::string("CUDA graph update: ") + name + " must be " + util::shape_string(like) + " " +
          std::string(c10::toString(like.scalar_type())) + " on " + like.device().str() + ", got " +
          (given.defined()
               ? util::shape_string(given) + " " + std::string(c10::toString(given.scalar_type())) +
                     " on " + given.device().str()
               : std::string("nothing")));
    }
  };
  expect(xn, c.x, "xn");
  expect(yn, c.y, "yn");
  expect(state.cross.log_normalizer, c.log_normalizer, "the state's log-normaliser");
  expect(state.cross.output, c.output, "the state's output");
  const c10::InferenceMode inference;
  const c10::cuda::CUDAGuard device_guard(c.x.device());
  c.log_normalizer.copy_(state.cross.log_normalizer);
  c.output.copy_(state.cross.output);
  c.x.copy_(xn);
  c.y.copy_(yn);
  c.graph.replay();
  std::vector<at::Tensor> latents;
  for (const auto& layer : c.result.latents) latents.push_back(layer.clone());
  // Committed only once every copy exists.
  state.cross = {c.result.cross.log_normalizer.clone(), c.result.cross.output.clone(),
                 state.cross.count + c.new_points};
  state.latents = std::move(latents);
  state.count_ += c.new_points;
}

}  // namespace nplab::models
