// The CMANP edit as a CUDA graph: what it captures (CMANP::updated_tensors) equals update +
// prepare on any device, and the replayed graph equals the eager path on a GPU. Without CUDA in
// the build or a GPU on the machine, making one is refused with the reason (and the GPU test
// skips).

#include <torch/cuda.h>
#include <torch/utils.h>

#include "nplab/models/cmanp.h"
#include "nplab/models/cmanp_graph.h"
#include "nplab/models/registry.h"
#include "test_support.h"

namespace nplab {
namespace {

using testing::max_abs_diff;

std::shared_ptr<models::CMANP> trained_like_cmanp(c10::Device device) {
  torch::manual_seed(11);
  auto model =
      std::dynamic_pointer_cast<models::CMANP>(models::make_model(models::default_config("cmanp")));
  model->to(device);
  model->eval();
  return model;
}

// Points made on the CPU (the generator is a CPU one), then moved to `device`.
std::pair<at::Tensor, at::Tensor> points(int64_t batch, int64_t count, uint64_t seed,
                                         c10::Device device) {
  const auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  return {(at::rand({batch, count, 1}, generator) * 4 - 2).to(device),
          at::randn({batch, count, 1}, generator).to(device)};
}

void expect_same_state(const models::CMANPState& expected, const models::CMANPState& actual,
                       double tolerance) {
  EXPECT_EQ(actual.count(), expected.count());
  EXPECT_LT(max_abs_diff(actual.cross.log_normalizer, expected.cross.log_normalizer), tolerance);
  EXPECT_LT(max_abs_diff(actual.cross.output, expected.cross.output), tolerance);
  ASSERT_EQ(actual.latents.size(), expected.latents.size());
  for (size_t l = 0; l < expected.latents.size(); ++l) {
    EXPECT_LT(max_abs_diff(actual.latents[l], expected.latents[l]), tolerance) << "layer " << l;
  }
}

TEST(CmanpUpdatedTensors, EqualUpdateThenPrepare) {
  const c10::InferenceMode inference;
  const auto model = trained_like_cmanp(c10::kCPU);
  const auto [xc, yc] = points(2, 40, 1, c10::kCPU);
  const auto [xn, yn] = points(2, 3, 2, c10::kCPU);
  const auto state = model->condition(xc, yc);
  auto expected = state->clone();
  model->update(*expected, xn, yn);
  model->prepare(*expected);
  const auto& before = dynamic_cast<const models::CMANPState&>(*state);
  const auto result = model->updated_tensors(before.cross, xn, yn);

  models::CMANPState actual;
  actual.cross = result.cross;
  actual.latents = result.latents;
  actual.count_ = result.cross.count;
  actual.batch_ = 2;
  expect_same_state(dynamic_cast<const models::CMANPState&>(*expected), actual, 1e-6);
}

TEST(CmanpUpdatedTensors, RefuseAnEmptyStateAndAutograd) {
  const auto model = trained_like_cmanp(c10::kCPU);
  const auto [xn, yn] = points(1, 1, 3, c10::kCPU);
  std::unique_ptr<models::ModelState> empty, one_point;
  {
    const c10::InferenceMode inference;
    empty = model->condition(xn.narrow(1, 0, 0), yn.narrow(1, 0, 0));
    one_point = model->condition(xn, yn);
    testing::expect_invalid_argument(
        [&] {
          model->updated_tensors(dynamic_cast<const models::CMANPState&>(*empty).cross, xn, yn);
        },
        {"at least one point"});
  }
  ASSERT_TRUE(at::GradMode::is_enabled());
  testing::expect_invalid_argument(
      [&] {
        model->updated_tensors(dynamic_cast<const models::CMANPState&>(*one_point).cross, xn, yn);
      },
      {"inference only"});
}

TEST(CmanpGraphedUpdate, CannotBeMadeForAModelOffCudaAndSaysWhy) {
  const auto model = trained_like_cmanp(c10::kCPU);
  // Without CUDA in the build: "this build's LibTorch has no CUDA"; with it: "the model is on
  // cpu, not on a CUDA device".
  testing::expect_invalid_argument([&] { models::CMANPGraphedUpdate graph(*model, 1, 1); },
                                   {"CUDA"});
}

TEST(CmanpGraphedUpdate, ReplaysWhatTheEagerUpdateAndPrepareCompute) {
  if (!models::cuda_graphs_compiled()) GTEST_SKIP() << "this build's LibTorch has no CUDA";
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device on this machine";
  const c10::Device cuda(c10::kCUDA, 0);
  const c10::InferenceMode inference;
  const auto model = trained_like_cmanp(cuda);
  models::CMANPGraphedUpdate graph(*model, 1, 1);

  // From a conditioned state and from an empty one (L = -inf, o = 0: no shortcut in a replay).
  for (const int64_t context : {int64_t{100}, int64_t{0}}) {
    const auto [xc, yc] = points(1, context, 4, cuda);
    const auto state = model->condition(xc, yc);
    model->prepare(*state);
    auto eager = state->clone();
    auto graphed = state->clone();
    for (int step = 0; step < 5; ++step) {
      const auto [xn, yn] = points(1, 1, 10 + step, cuda);
      model->update(*eager, xn, yn);
      model->prepare(*eager);
      graph.update(dynamic_cast<models::CMANPState&>(*graphed), xn, yn);
    }
    SCOPED_TRACE("context " + std::to_string(context));
    expect_same_state(dynamic_cast<const models::CMANPState&>(*eager),
                      dynamic_cast<const models::CMANPState&>(*graphed), 1e-4);
    const auto xt = at::linspace(-2, 2, 50, model->tensor_options()).view({1, 50, 1});
    const auto want = model->predict(*eager, xt);
    const auto got = model->predict(*graphed, xt);
    EXPECT_LT(max_abs_diff(got.mean, want.mean), 1e-4);
    EXPECT_LT(max_abs_diff(got.stddev, want.stddev), 1e-4);
  }
  // Inputs of another shape than captured are refused, naming the expected one.
  const auto [x2, y2] = points(1, 2, 20, cuda);
  const auto state = model->condition(x2, y2);
  testing::expect_invalid_argument(
      [&] { graph.update(dynamic_cast<models::CMANPState&>(*state), x2, y2); }, {"xn must be"});
}

}  // namespace
}  // namespace nplab
