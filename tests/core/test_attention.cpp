// Multi-head attention: the fused path (no mask) and the explicit softmax path (mask) agree.

#include <torch/utils.h>

#include "nplab/attention/attention.h"
#include "test_support.h"

namespace nplab {
namespace {

using testing::max_abs_diff;

TEST(MultiheadAttention, FusedPathEqualsExplicitSoftmaxWithAnAllowEverythingMask) {
  const torch::NoGradGuard no_grad;
  for (const auto dtype : {at::kFloat, at::kDouble}) {
    torch::manual_seed(21);
    attention::MultiheadAttention attention(64, 32, 4);
    attention->to(dtype);
    const auto generator = at::make_generator<at::CPUGeneratorImpl>(22);
    const auto options = at::TensorOptions().dtype(dtype);
    const auto queries = at::randn({2, 9, 64}, generator, options) * 3;  // peaked softmax
    const auto context = at::randn({2, 41, 32}, generator, options);
    const auto allow_all = at::ones({2, 41}, at::TensorOptions().dtype(at::kBool));
    const auto fused = attention(queries, context);
    const auto explicit_softmax = attention(queries, context, allow_all);
    EXPECT_LE(max_abs_diff(fused, explicit_softmax), dtype == at::kDouble ? 1e-12 : 1e-5);
    EXPECT_GT(fused.abs().max().item<double>(), 0.1);  // not trivially zero
  }
}

TEST(MultiheadAttention, CausalPathEqualsALowerTriangularMaskAndIgnoresLaterPositions) {
  const torch::NoGradGuard no_grad;
  for (const auto dtype : {at::kFloat, at::kDouble}) {
    torch::manual_seed(23);
    attention::MultiheadAttention attention(32, 32, 4);
    attention->to(dtype);
    const auto generator = at::make_generator<at::CPUGeneratorImpl>(24);
    const auto x = at::randn({2, 37, 32}, generator, at::TensorOptions().dtype(dtype)) * 3;
    const auto lower = at::ones({1, 37, 37}, at::TensorOptions().dtype(at::kBool)).tril();
    const auto causal = attention->forward_causal(x);
    const double tolerance = dtype == at::kDouble ? 1e-12 : 1e-5;
    EXPECT_LE(max_abs_diff(causal, attention(x, x, lower)), tolerance);
    // The first 20 positions' outputs do not see what comes after them.
    const auto changed = x.clone();
    changed.slice(1, 20).normal_(0, 5, generator);
    EXPECT_LE(
        max_abs_diff(attention->forward_causal(changed).slice(1, 0, 20), causal.slice(1, 0, 20)),
        tolerance);
    EXPECT_GT(max_abs_diff(attention->forward_causal(changed), causal), 0.1);
  }
}

}  // namespace
}  // namespace nplab
