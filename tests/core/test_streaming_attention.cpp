// The (L, o) streaming state of DESIGN.md §3: blocks merge and remove exactly.

#include <cmath>
#include <limits>

#include "nplab/attention/streaming.h"
#include "test_support.h"

namespace nplab {
namespace {

using testing::all_finite;
using testing::max_abs_diff;

constexpr int64_t kBatch = 2, kHeads = 3, kQueries = 5, kHeadDim = 4;

struct Problem {
  at::Tensor queries, keys, values;
};

Problem random_problem(int64_t points, at::ScalarType dtype, uint64_t seed = 1) {
  const auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  const auto options = at::TensorOptions().dtype(dtype);
  return {at::randn({kBatch, kHeads, kQueries, kHeadDim}, generator, options),
          at::randn({kBatch, kHeads, points, kHeadDim}, generator, options),
          at::randn({kBatch, kHeads, points, kHeadDim}, generator, options)};
}

at::Tensor softmax_attention(const Problem& p) {
  return at::matmul(at::softmax(at::matmul(p.queries, p.keys.transpose(-2, -1)), -1), p.values);
}

attention::StreamingAttentionState block(const Problem& p, int64_t start, int64_t length) {
  return attention::streaming_block_state(p.queries, p.keys.narrow(2, start, length),
                                          p.values.narrow(2, start, length));
}

attention::StreamingAttentionState chunked(const Problem& p, int64_t chunk) {
  const auto points = p.keys.size(2);
  auto state =
      attention::empty_streaming_state(kBatch, kHeads, kQueries, kHeadDim, p.keys.options());
  for (int64_t start = 0; start < points; start += chunk) {
    state =
        attention::merge_streaming_states(state, block(p, start, std::min(chunk, points - start)));
  }
  return state;
}

TEST(StreamingAttention, BlockStateEqualsSoftmaxAttention) {
  const auto p = random_problem(50, at::kDouble);
  const auto state = attention::streaming_block_state(p.queries, p.keys, p.values);
  EXPECT_LE(max_abs_diff(state.output, softmax_attention(p)), 1e-12);
  const auto scores = at::matmul(p.queries, p.keys.transpose(-2, -1));
  EXPECT_LE(max_abs_diff(state.log_normalizer, at::logsumexp(scores, -1)), 1e-12);
  EXPECT_EQ(state.count, 50);
}

TEST(StreamingAttention, ChunkedEqualsUnchunkedForEveryChunkSize) {
  constexpr int64_t kPoints = 300;
  for (const auto dtype : {at::kFloat, at::kDouble}) {
    const auto p = random_problem(kPoints, dtype);
    const auto reference = softmax_attention(p);
    const double tolerance = dtype == at::kDouble ? 1e-12 : 1e-5;
    for (const int64_t chunk : {int64_t{1}, int64_t{7}, int64_t{128}, kPoints}) {
      const auto state = chunked(p, chunk);
      EXPECT_LE(max_abs_diff(state.output, reference), tolerance) << "chunk " << chunk;
      EXPECT_EQ(state.count, kPoints);
    }
  }
}

TEST(StreamingAttention, MergeIsAssociativeAndCommutative) {
  const auto p = random_problem(30, at::kDouble);
  const auto a = block(p, 0, 10), b = block(p, 10, 7), c = block(p, 17, 13);
  const auto left = attention::merge_streaming_states(attention::merge_streaming_states(a, b), c);
  const auto right = attention::merge_streaming_states(a, attention::merge_streaming_states(b, c));
  const auto swapped =
      attention::merge_streaming_states(c, attention::merge_streaming_states(b, a));
  EXPECT_LE(max_abs_diff(left.output, right.output), 1e-13);
  EXPECT_LE(max_abs_diff(left.log_normalizer, right.log_normalizer), 1e-13);
  EXPECT_LE(max_abs_diff(left.output, swapped.output), 1e-13);
  EXPECT_LE(max_abs_diff(left.log_normalizer, swapped.log_normalizer), 1e-13);
  EXPECT_LE(max_abs_diff(left.output, softmax_attention(p)), 1e-12);
}

TEST(StreamingAttention, ContextPermutationDoesNotChangeTheState) {
  auto p = random_problem(40, at::kDouble);
  const auto original = attention::streaming_block_state(p.queries, p.keys, p.values);
  const auto permutation = at::randperm(40, at::kLong);
  p.keys = p.keys.index_select(2, permutation);
  p.values = p.values.index_select(2, permutation);
  const auto permuted = chunked(p, 9);
  EXPECT_LE(max_abs_diff(original.output, permuted.output), 1e-12);
  EXPECT_LE(max_abs_diff(original.log_normalizer, permuted.log_normalizer), 1e-12);
}

TEST(StreamingAttention, RemovingABlockRestoresTheRest) {
  const auto p = random_problem(60, at::kDouble);
  const auto kept = block(p, 0, 45);
  const auto removed = block(p, 45, 15);
  const auto result =
      attention::remove_streaming_state(attention::merge_streaming_states(kept, removed), removed);
  ASSERT_TRUE(result.exact);
  EXPECT_LE(max_abs_diff(result.state.output, kept.output), 1e-9);
  EXPECT_LE(max_abs_diff(result.state.log_normalizer, kept.log_normalizer), 1e-9);
  EXPECT_EQ(result.state.count, 45);
}

TEST(StreamingAttention, RemovingEveryPointGivesTheEmptyStateWithoutNaN) {
  const auto p = random_problem(12, at::kFloat);
  const auto all = attention::streaming_block_state(p.queries, p.keys, p.values);
  const auto result = attention::remove_streaming_state(all, all);
  ASSERT_TRUE(result.exact);
  EXPECT_TRUE(result.state.empty());
  EXPECT_TRUE(at::isneginf(result.state.log_normalizer).all().item<bool>());
  EXPECT_TRUE(all_finite(result.state.output));
  EXPECT_EQ(result.state.output.abs().max().item<double>(), 0.0);
  // The empty state merges back without NaN.
  const auto again = attention::merge_streaming_states(result.state, all);
  EXPECT_LE(max_abs_diff(again.output, all.output), 0.0);
}

TEST(StreamingAttention, RemovalThatWouldCancelIsReportedInexactAndChangesNothing) {
  // One point carries almost all of every query's mass: removing it leaves a remainder of
  // ~e^-20 of the total, far below what float64 can subtract accurately.
  auto p = random_problem(10, at::kDouble);
  p.queries.fill_(5.0);
  p.keys.narrow(2, 9, 1).fill_(1.0);  // score 5 * 4 = 20 for the dominant key
  p.keys.narrow(2, 0, 9).mul_(0.01);  // scores ~ +-0.1 for the other nine
  const auto all = attention::streaming_block_state(p.queries, p.keys, p.values);
  const auto dominant = block(p, 9, 1);
  const auto result = attention::remove_streaming_state(all, dominant);
  EXPECT_FALSE(result.exact);
  EXPECT_GT(result.amplification, attention::default_max_removal_amplification(at::kDouble));
  EXPECT_LE(max_abs_diff(result.state.output, all.output), 0.0);  // unchanged
  EXPECT_EQ(result.state.count, 10);
  // A tolerant caller may accept the amplification; the answer is then still close.
  const auto forced = attention::remove_streaming_state(all, dominant, 1e12);
  ASSERT_TRUE(forced.exact);
  EXPECT_LE(max_abs_diff(forced.state.output, block(p, 0, 9).output), 1e-4);
}

TEST(StreamingAttention, RemovingMorePointsThanHeldIsAnError) {
  const auto p = random_problem(10, at::kDouble);
  EXPECT_THROW(attention::remove_streaming_state(block(p, 0, 3), block(p, 0, 5)),
               util::InvalidArgument);
}

TEST(StreamingAttention, ExtremeLogitsStayFiniteAndCorrect) {
  for (const auto dtype : {at::kFloat, at::kDouble}) {
    for (const double scale : {1e4, -1e4}) {
      auto p = random_problem(20, dtype);
      // Scores of magnitude up to 1e4 (ties included): a naive exp overflows.
      p.queries = p.queries.sign() * (scale / kHeadDim);
      p.keys = p.keys.sign();
      const auto reference = softmax_attention(
          {p.queries.to(at::kDouble), p.keys.to(at::kDouble), p.values.to(at::kDouble)});
      // float32 holds L ~ 1e4 to within half an ulp (~5e-4), which bounds how exactly blocks can
      // be weighed against each other; a single block is exact.
      const double tolerance = dtype == at::kDouble ? 1e-10 : 2e-3;
      for (const int64_t chunk : {1, 7, 20}) {
        const auto state = chunked(p, chunk);
        EXPECT_TRUE(all_finite(state.output));
        EXPECT_TRUE(all_finite(state.log_normalizer));
        EXPECT_LE(max_abs_diff(state.output, reference), chunk == 20 ? 1e-6 : tolerance)
            << c10::toString(dtype) << " scale " << scale << " chunk " << chunk;
      }
    }
  }
}

TEST(StreamingAttention, EmptyStateIsNeutralAndFinite) {
  const auto p = random_problem(5, at::kDouble);
  const auto empty =
      attention::empty_streaming_state(kBatch, kHeads, kQueries, kHeadDim, p.keys.options());
  EXPECT_TRUE(empty.empty());
  EXPECT_TRUE(all_finite(empty.output));
  const auto both_empty = attention::merge_streaming_states(empty, empty);
  EXPECT_TRUE(all_finite(both_empty.output));
  EXPECT_TRUE(both_empty.empty());
  const auto full = block(p, 0, 5);
  EXPECT_LE(max_abs_diff(attention::merge_streaming_states(empty, full).output, full.output), 0.0);
  EXPECT_LE(max_abs_diff(attention::merge_streaming_states(full, empty).output, full.output), 0.0);
  // A zero-length block is the empty state too.
  EXPECT_TRUE(block(p, 0, 0).empty());
}

TEST(StreamingAttention, SinglePointStateIsThatPointsValue) {
  const auto p = random_problem(1, at::kDouble);
  const auto state = attention::streaming_block_state(p.queries, p.keys, p.values);
  EXPECT_LE(max_abs_diff(state.output, p.values.expand_as(state.output)), 1e-15);
}

TEST(StreamingAttention, StateSizeDoesNotDependOnPointCount) {
  const auto small = random_problem(3, at::kFloat);
  const auto large = random_problem(3000, at::kFloat);
  EXPECT_EQ(attention::streaming_block_state(small.queries, small.keys, small.values).bytes(),
            attention::streaming_block_state(large.queries, large.keys, large.values).bytes());
}

}  // namespace
}  // namespace nplab
