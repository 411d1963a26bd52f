// The CMAB's streaming form equals its whole-context forward: update, chunking, removal.

#include <torch/utils.h>

#include "nplab/attention/cmab.h"
#include "test_support.h"

namespace nplab {
namespace {

using testing::all_finite;
using testing::max_abs_diff;

constexpr int64_t kBatch = 2;

class CmabTest : public ::testing::Test {
 protected:
  attention::CMAB make_block(at::ScalarType dtype) {
    torch::manual_seed(7);
    attention::CMAB block{attention::CMABOptions{}};
    block->to(dtype);
    block->eval();
    return block;
  }
  at::Tensor context(int64_t points, at::ScalarType dtype, uint64_t seed) {
    const auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    return at::randn({kBatch, points, 64}, generator, at::TensorOptions().dtype(dtype));
  }
  at::Tensor input_latents(const attention::CMAB& block) {
    const auto generator = at::make_generator<at::CPUGeneratorImpl>(99);
    return at::randn({kBatch, 128, 64}, generator, block->latents().options());
  }
  static double tolerance(at::ScalarType dtype) { return dtype == at::kDouble ? 1e-10 : 1e-5; }

  torch::NoGradGuard no_grad_;
};

TEST_F(CmabTest, UpdateEqualsConditioningOnTheUnion) {
  for (const auto dtype : {at::kFloat, at::kDouble}) {
    auto block = make_block(dtype);
    const auto latents = input_latents(block);
    for (const int64_t size_a : {1, 37, 1000}) {
      for (const int64_t size_b : {1, 10, 500}) {
        const auto a = context(size_a, dtype, 1);
        const auto b = context(size_b, dtype, 2);
        auto state = block->condition(a);
        block->update(state, b);
        const auto expected = block->forward(at::cat({a, b}, 1), latents);
        EXPECT_LE(max_abs_diff(block->output(state, latents), expected), tolerance(dtype))
            << c10::toString(dtype) << " |A|=" << size_a << " |B|=" << size_b;
        EXPECT_EQ(state.count(), size_a + size_b);
      }
    }
  }
}

TEST_F(CmabTest, ThousandSingleUpdatesEqualConditioningOnAll) {
  for (const auto dtype : {at::kFloat, at::kDouble}) {
    auto block = make_block(dtype);
    const auto latents = input_latents(block);
    const auto points = context(1000, dtype, 3);
    auto state = block->empty_state(kBatch, points.options());
    for (int64_t i = 0; i < points.size(1); ++i) block->update(state, points.narrow(1, i, 1));
    EXPECT_LE(max_abs_diff(block->output(state, latents), block->forward(points, latents)),
              tolerance(dtype))
        << c10::toString(dtype);
  }
}

TEST_F(CmabTest, ChunkedConditioningEqualsTheWholeForward) {
  constexpr int64_t kPoints = 400;
  for (const auto dtype : {at::kFloat, at::kDouble}) {
    auto block = make_block(dtype);
    const auto latents = input_latents(block);
    const auto points = context(kPoints, dtype, 4);
    const auto expected = block->forward(points, latents);
    for (const int64_t chunk : {int64_t{1}, int64_t{7}, int64_t{128}, kPoints}) {
      const auto state = block->condition(points, chunk);
      EXPECT_LE(max_abs_diff(block->output(state, latents), expected), tolerance(dtype))
          << "chunk " << chunk;
    }
  }
}

TEST_F(CmabTest, OutputIsInvariantToContextOrder) {
  auto block = make_block(at::kDouble);
  const auto latents = input_latents(block);
  const auto points = context(200, at::kDouble, 5);
  const auto shuffled = points.index_select(1, at::randperm(200, at::kLong));
  EXPECT_LE(max_abs_diff(block->output(block->condition(points, 16), latents),
                         block->output(block->condition(shuffled, 33), latents)),
            1e-10);
}

TEST_F(CmabTest, RemoveUndoesUpdate) {
  auto block = make_block(at::kDouble);
  const auto latents = input_latents(block);
  const auto a = context(300, at::kDouble, 6);
  const auto b = context(40, at::kDouble, 7);
  auto state = block->condition(at::cat({a, b}, 1));
  ASSERT_TRUE(block->remove(state, b));
  const auto expected = block->condition(a);
  EXPECT_LE(max_abs_diff(state.cross.output, expected.cross.output), 1e-9);
  EXPECT_LE(max_abs_diff(block->output(state, latents), block->forward(a, latents)), 1e-9);
  EXPECT_EQ(state.count(), 300);
}

TEST_F(CmabTest, RemoveInFloat32IsAccurateWhenItReportsExact) {
  auto block = make_block(at::kFloat);
  const auto latents = input_latents(block);
  const auto a = context(100, at::kFloat, 8);
  const auto b = context(50, at::kFloat, 9);
  auto state = block->condition(at::cat({a, b}, 1));
  ASSERT_TRUE(block->remove(state, b));
  EXPECT_LE(max_abs_diff(block->output(state, latents), block->forward(a, latents)), 1e-5);
}

TEST_F(CmabTest, RemovingAlmostEverythingAsksForReconditioning) {
  // In float32 the single remaining point holds ~0.1% of the mass: subtracting the other 999
  // would amplify rounding error ~1000-fold, so the block refuses and leaves the state alone.
  auto block = make_block(at::kFloat);
  const auto a = context(1, at::kFloat, 10);
  const auto b = context(999, at::kFloat, 11);
  auto state = block->condition(at::cat({a, b}, 1));
  const auto before = state.cross.output.clone();
  EXPECT_FALSE(block->remove(state, b));
  EXPECT_EQ(state.count(), 1000);
  EXPECT_LE(max_abs_diff(state.cross.output, before), 0.0);
}

TEST_F(CmabTest, RemovingEveryPointGivesAFiniteEmptyState) {
  auto block = make_block(at::kFloat);
  const auto latents = input_latents(block);
  const auto points = context(25, at::kFloat, 12);
  auto state = block->condition(points);
  ASSERT_TRUE(block->remove(state, points));
  EXPECT_EQ(state.count(), 0);
  const auto empty_output = block->output(block->empty_state(kBatch, points.options()), latents);
  EXPECT_TRUE(all_finite(block->output(state, latents)));
  EXPECT_LE(max_abs_diff(block->output(state, latents), empty_output), 0.0);
}

TEST_F(CmabTest, ExtremeInputsGiveFiniteCorrectOutputs) {
  auto block = make_block(at::kFloat);
  const auto latents = input_latents(block);
  // Huge context values: LayerNorm maps them back; the stream must agree with the full forward.
  const auto huge = context(50, at::kFloat, 13) * 1e4;
  const auto state = block->condition(huge, 8);
  const auto streamed = block->output(state, latents);
  EXPECT_TRUE(all_finite(streamed));
  EXPECT_LE(max_abs_diff(streamed, block->forward(huge, latents)), 1e-4);
  // A single point, and the empty state.
  const auto one = context(1, at::kFloat, 14);
  EXPECT_LE(max_abs_diff(block->output(block->condition(one), latents),
                         block->forward(one, latents)),
            1e-5);
  EXPECT_TRUE(all_finite(block->output(block->empty_state(kBatch, one.options()), latents)));
}

TEST_F(CmabTest, StateSizeIsIndependentOfContextSize) {
  auto block = make_block(at::kFloat);
  const auto small = block->condition(context(10, at::kFloat, 15));
  const auto large = block->condition(context(100000, at::kFloat, 16), 4096);
  EXPECT_EQ(small.bytes(), large.bytes());
  EXPECT_GT(small.bytes(), 0);
}

}  // namespace
}  // namespace nplab

namespace nplab {
namespace {

// Without autograd the block caches what depends on its weights only (LN(L_B) and its queries);
// writing a weight in place, as an optimizer step or a checkpoint load does, must refresh it.
TEST(CmabWeightCache, AnInPlaceWeightChangeIsSeenByTheNextOutput) {
  torch::manual_seed(3);
  attention::CMAB block{attention::CMABOptions{}};
  block->eval();
  const auto generator = at::make_generator<at::CPUGeneratorImpl>(4);
  const auto points = at::randn({1, 30, 64}, generator);
  const auto input = at::randn({1, 128, 64}, generator);
  const auto cached_output = [&] {
    const torch::NoGradGuard no_grad;
    return block->output(block->condition(points), input);
  };
  const auto before = cached_output();
  {
    const torch::NoGradGuard no_grad;
    // Noise, not a scale or shift: LayerNorm would undo those. Bumps the version counter.
    block->latents().add_(at::randn(block->latents().sizes(), generator));
  }
  const auto after = cached_output();
  // Grad mode on: nothing is cached, so this is the output of the new weights computed afresh.
  const auto fresh = block->output(block->condition(points), input).detach();
  EXPECT_GT(max_abs_diff(before, after), 1e-3);
  EXPECT_LE(max_abs_diff(after, fresh), 1e-6);
}

}  // namespace
}  // namespace nplab
