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

}  // namespace
}  // namespace nplab
