// Behaviour specific to the baseline models (TNP-D, LBANP, CNP); the shared contract is in
// test_model_contract.cpp.

#include <torch/utils.h>

#include "nplab/bench/memory_probe.h"
#include "nplab/models/registry.h"
#include "test_support.h"

namespace nplab {
namespace {

using testing::max_abs_diff;

using testing::Points;
using testing::random_points;

std::shared_ptr<models::NeuralProcess> make(const std::string& name,
                                            at::ScalarType dtype = at::kDouble) {
  torch::manual_seed(5);
  auto model = models::make_model(models::default_config(name));
  model->to(dtype);
  model->eval();
  return model;
}

int64_t parameter_count(const models::NeuralProcess& model) {
  int64_t count = 0;
  for (const auto& parameter : model.parameters()) count += parameter.numel();
  return count;
}

at::Tensor named_parameter(const models::NeuralProcess& model, const std::string& name) {
  const auto parameters = model.named_parameters();
  const auto* found = parameters.find(name);
  if (found == nullptr) throw std::runtime_error("no parameter " + name);
  return *found;
}

class BaselineModels : public ::testing::Test {
 protected:
  torch::NoGradGuard no_grad_;
};

// Targets attend to the context only, and the context tokens never attend to targets: so moving
// one target can change no other prediction.
TEST_F(BaselineModels, TnpdMovingOneTargetLeavesTheOtherPredictionsUnchanged) {
  auto model = make("tnpd");
  const auto context = random_points(2, 12, *model, 1);
  auto targets = random_points(2, 6, *model, 2).x;
  const auto state = model->condition(context.x, context.y);
  const auto before = model->predict(*state, targets);
  targets[0][0][0] += 1.5;  // move one target; the others must not notice
  const auto after = model->predict(*state, targets);
  const auto others = at::indexing::Slice(1, at::indexing::None);
  EXPECT_LE(max_abs_diff(before.mean.index({0, others}), after.mean.index({0, others})), 1e-12);
  EXPECT_LE(max_abs_diff(before.stddev.index({0, others}), after.stddev.index({0, others})),
            1e-12);
  EXPECT_LE(max_abs_diff(before.mean[1], after.mean[1]), 1e-12);
  // ... while the moved target's own prediction does change.
  EXPECT_GT(max_abs_diff(before.mean[0][0], after.mean[0][0]), 1e-6);
}

TEST_F(BaselineModels, LbanpLatentsFollowTheConfig) {
  EXPECT_EQ(named_parameter(*make("lbanp"), "latents").sizes(), at::IntArrayRef({8, 64}));
  EXPECT_EQ(named_parameter(*make("lbanp-128"), "latents").sizes(), at::IntArrayRef({128, 64}));
  const auto alias = models::default_config("lbanp-128");
  EXPECT_EQ(alias["model"], "lbanp");
  EXPECT_EQ(alias["latents"], 128);
}

TEST_F(BaselineModels, LbanpCachesItsLatentsAndPredictsTheSameWithout) {
  auto model = make("lbanp");
  const auto context = random_points(2, 20, *model, 3);
  const auto extra = random_points(2, 4, *model, 4);
  const auto targets = random_points(2, 9, *model, 5).x;
  auto state = model->condition(context.x, context.y);
  model->update(*state, extra.x, extra.y);
  const auto& stored = dynamic_cast<const models::StoredContextState&>(*state);
  ASSERT_EQ(stored.cache.size(), static_cast<size_t>(model->dims().layers));
  EXPECT_EQ(stored.cache.front().sizes(), at::IntArrayRef({2, 8, 64}));
  const auto cached = model->predict(*state, targets);
  auto uncached_state = state->clone();
  dynamic_cast<models::StoredContextState&>(*uncached_state).cache.clear();
  const auto fresh = model->predict(*uncached_state, targets);
  EXPECT_LE(max_abs_diff(cached.mean, fresh.mean), 1e-12);
  EXPECT_LE(max_abs_diff(cached.stddev, fresh.stddev), 1e-12);
}

TEST_F(BaselineModels, CnpSeesOnlyTheMeanOfItsContext) {
  // Mean pooling: listing every context point twice is the same context to a CNP.
  auto model = make("cnp");
  const auto context = random_points(2, 10, *model, 6);
  const auto targets = random_points(2, 7, *model, 7).x;
  const auto once = model->predict(*model->condition(context.x, context.y), targets);
  const auto twice = model->predict(
      *model->condition(context.x.repeat({1, 2, 1}), context.y.repeat({1, 2, 1})), targets);
  EXPECT_LE(max_abs_diff(once.mean, twice.mean), 1e-12);
  EXPECT_LE(max_abs_diff(once.stddev, twice.stddev), 1e-12);
}

TEST_F(BaselineModels, RemovingAPointThatIsNotStoredNamesXr) {
  for (const auto* name : {"tnpd", "lbanp", "cnp"}) {
    SCOPED_TRACE(name);
    auto model = make(name, at::kFloat);
    const auto context = random_points(1, 5, *model, 8);
    auto state = model->condition(context.x, context.y);
    const auto stranger = random_points(1, 1, *model, 9);
    testing::expect_invalid_argument([&] { model->remove(*state, stranger.x, stranger.y); },
                                     {"xr", "not a stored context point"});
    EXPECT_EQ(state->count(), 5);  // a failed removal leaves the context as it was
  }
}

TEST_F(BaselineModels, LossOnAnEmptyContextIsFinite) {
  for (const auto* name : {"tnpd", "lbanp", "cnp"}) {
    SCOPED_TRACE(name);
    auto model = make(name, at::kFloat);
    const auto none = random_points(2, 0, *model, 12);
    const auto targets = random_points(2, 4, *model, 13);
    EXPECT_TRUE(testing::all_finite(model->loss({none.x, none.y, targets.x, targets.y})));
  }
}

// Parameter counts of the reference PyTorch modules at the default sizes (dim_x = dim_y = 1,
// d_model 64, feedforward 128, 6 layers, embedding depth 4), summed by hand from their shapes:
//   embedding MLP [x, y]: 2·64+64 + 3·(64·64+64)                                   =  12,672
//   query MLP [x]:        1·64+64 + 3·(64·64+64)                                   =  12,608
//   head:                 64·128+128 + 128·2+2                                     =   8,578
//   nn.TransformerEncoderLayer: in_proj 3·64·64+192, out_proj 64·64+64,
//     linear1 64·128+128, linear2 128·64+64, two LayerNorms 2·128                  =  33,472
//   LBANP PreNorm cross-attention: 2 LayerNorms 256, to_q 64·64, to_kv 64·128,
//     to_out 64·64+64                                                              =  16,704
//   LBANP PreNorm self-attention: one LayerNorm                                    =  16,576
//   PreNorm GEGLU FeedForward: LayerNorm 128, 64·256+256, 128·64+64               =  25,024
//   TNP-D  = 12,672 + 6·33,472 + 8,578                                             = 222,082
//   LBANP  = 8·64 latents + 12,672 + 12,608 + 6·(16,704+25,024+16,576+25,024)
//            + 6·(16,704+25,024) + LayerNorm 128 + 8,578                           = 784,834
//   CNP    = 2 encoders · (2·128+128 + 3·(128·128+128) + 2·(128·128+128))
//            + decoder (257·128+128 + 128·128+128 + 128·2+2)                       = 215,682
TEST_F(BaselineModels, ParameterCountsMatchTheReferenceModules) {
  const std::vector<std::pair<std::string, int64_t>> expected{
      {"tnpd", 222'082}, {"lbanp", 784'834}, {"cnp", 215'682}};
  for (const auto& [name, count] : expected) {
    const auto counted = parameter_count(*make(name, at::kFloat));
    RecordProperty(name + "_parameters", std::to_string(counted));
    std::cout << name << ": " << counted << " parameters\n";
    EXPECT_EQ(counted, count) << name;
  }
}

/// Peak bytes of one condition + predict, as the memory panel measures them.
int64_t condition_predict_peak_bytes(models::NeuralProcess& model, int64_t contexts) {
  const auto context = random_points(1, contexts, model, 10);
  const auto targets = random_points(1, 10, model, 11).x;
  const bench::PeakMemoryScope scope;
  model.predict(*model.condition(context.x, context.y), targets);
  return scope.peak_bytes();
}

TEST_F(BaselineModels, TnpdMemoryGrowsQuadraticallyAndLbanpLinearly) {
  bench::install_cpu_memory_probe();
  auto tnpd = make("tnpd", at::kFloat);
  auto lbanp = make("lbanp", at::kFloat);
  // Doubling the context: (N+M)² attention scores for TNP-D (≈4×), [latents, N] for LBANP (≤2×).
  const auto growth = [](models::NeuralProcess& model) {
    return static_cast<double>(condition_predict_peak_bytes(model, 800)) /
           static_cast<double>(condition_predict_peak_bytes(model, 400));
  };
  const double tnpd_growth = growth(*tnpd);
  const double lbanp_growth = growth(*lbanp);
  RecordProperty("tnpd_growth", std::to_string(tnpd_growth));
  RecordProperty("lbanp_growth", std::to_string(lbanp_growth));
  EXPECT_GT(tnpd_growth, 3.0);
  EXPECT_LT(lbanp_growth, 2.2);
}

}  // namespace
}  // namespace nplab
