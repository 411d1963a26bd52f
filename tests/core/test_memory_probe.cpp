// The CPU memory probe sees LibTorch's allocations, and shows chunked CMAB conditioning in
// constant memory while an unchunked cross-attention grows with N.

#include <ATen/Parallel.h>
#include <c10/core/CPUAllocator.h>
#include <torch/utils.h>

#include <thread>

#include "nplab/attention/cmab.h"
#include "nplab/bench/memory_probe.h"
#include "test_support.h"

namespace nplab {
namespace {

using bench::PeakMemoryScope;

class MemoryProbeTest : public ::testing::Test {
 protected:
  void SetUp() override { bench::install_cpu_memory_probe(); }
};

TEST_F(MemoryProbeTest, CountsLiveAndPeakBytesOfTensors) {
  const auto live_before = bench::cpu_live_bytes();
  int64_t peak = 0;
  {
    const PeakMemoryScope scope;
    {
      const auto big = at::empty({1 << 20}, at::kFloat);  // 4 MiB
      EXPECT_GE(bench::cpu_live_bytes() - live_before, 4 << 20);
    }
    EXPECT_LT(bench::cpu_live_bytes() - live_before, 4 << 20);
    peak = scope.peak_bytes();
  }
  EXPECT_GE(peak, 4 << 20);
  EXPECT_LT(peak, 5 << 20);
}

TEST_F(MemoryProbeTest, ScopesNestAndKeepTheOuterPeak) {
  const PeakMemoryScope outer;
  { const auto first = at::empty({1 << 20}, at::kFloat); }
  {
    const PeakMemoryScope inner;
    const auto small = at::empty({1 << 10}, at::kFloat);
    EXPECT_LT(inner.peak_bytes(), 1 << 20);
  }
  EXPECT_GE(outer.peak_bytes(), 4 << 20);
}

TEST_F(MemoryProbeTest, CountsRawAllocationsThatOneDnnKernelsMake) {
  // LibTorch's raw_allocate() (oneDNN scratch memory, e.g. in GELU) needs simple DataPtrs.
  auto* allocator = c10::GetCPUAllocator();
  const auto live_before = bench::cpu_live_bytes();
  void* raw = allocator->raw_allocate(1 << 16);
  ASSERT_NE(raw, nullptr);
  EXPECT_EQ(bench::cpu_live_bytes() - live_before, 1 << 16);
  allocator->raw_deallocate(raw);
  EXPECT_EQ(bench::cpu_live_bytes(), live_before);
  const auto x = at::randn({1, 7, 128});
  EXPECT_TRUE(at::gelu(x).isfinite().all().item<bool>());
}

TEST_F(MemoryProbeTest, AScopeDoesNotCountAllocationsOfOtherThreads) {
  const PeakMemoryScope scope;
  const auto own = at::empty({1 << 18}, at::kFloat);  // 1 MiB here
  bench::reset_cpu_peak();
  const auto process_live = bench::cpu_live_bytes();
  std::thread other([] { const auto big = at::empty({1 << 21}, at::kFloat); });  // 8 MiB there
  other.join();
  EXPECT_GE(bench::cpu_peak_bytes() - process_live, 8 << 20) << "the process saw it";
  EXPECT_GE(scope.peak_bytes(), 1 << 20);
  EXPECT_LT(scope.peak_bytes(), 2 << 20);
}

TEST_F(MemoryProbeTest, AFreeOnAnotherThreadIsTakenFromTheAllocatingThread) {
  const auto live_before = bench::cpu_thread_live_bytes();
  auto tensor = at::empty({1 << 20}, at::kFloat);  // 4 MiB
  EXPECT_EQ(bench::cpu_thread_live_bytes() - live_before, 4 << 20);
  int64_t other_live_change = -1;
  std::thread other([&other_live_change, moved = std::move(tensor)]() mutable {
    const auto other_before = bench::cpu_thread_live_bytes();
    moved.reset();  // the last reference: the storage is freed here
    other_live_change = bench::cpu_thread_live_bytes() - other_before;
  });
  other.join();
  EXPECT_EQ(other_live_change, 0);
  EXPECT_EQ(bench::cpu_thread_live_bytes(), live_before);
}

TEST_F(MemoryProbeTest, AScopeCountsWhatIntraOpWorkersAllocateForItsThread) {
  const int threads_before = at::get_num_threads();
  at::set_num_threads(2);
  if (at::get_num_threads() < 2) GTEST_SKIP() << "LibTorch built without intra-op threads";
  const PeakMemoryScope scope;
  const auto caller = std::this_thread::get_id();
  std::atomic<bool> worker_allocated{false};
  // Two chunks, one per thread: only the chunk on a pool thread allocates.
  at::parallel_for(0, 2, 1, [&](int64_t, int64_t) {
    if (std::this_thread::get_id() == caller) return;
    const auto scratch = at::empty({1 << 20}, at::kFloat);  // 4 MiB
    worker_allocated = true;
  });
  at::set_num_threads(threads_before);
  if (!worker_allocated) GTEST_SKIP() << "both chunks ran on the calling thread";
  EXPECT_GE(scope.peak_bytes(), 4 << 20);
}

int64_t conditioning_peak(attention::CMAB& block, int64_t points, int64_t chunk) {
  const auto context = at::randn({1, points, 64});  // the input itself is not counted
  const PeakMemoryScope scope;
  const auto state = block->condition(context, chunk);
  return scope.peak_bytes();
}

TEST_F(MemoryProbeTest, ChunkedCmabConditioningUsesConstantMemory) {
  const c10::InferenceMode inference;
  torch::manual_seed(0);
  attention::CMAB block{attention::CMABOptions{}};
  block->eval();
  const auto small = conditioning_peak(block, 1000, 256);
  const auto large = conditioning_peak(block, 100000, 256);
  EXPECT_GT(small, 0);
  EXPECT_LE(static_cast<double>(large), 1.10 * static_cast<double>(small))
      << "N=1000: " << small << " bytes, N=100000: " << large << " bytes";
}

TEST_F(MemoryProbeTest, UnchunkedCrossAttentionGrowsWithN) {
  const c10::InferenceMode inference;
  torch::manual_seed(0);
  attention::CMAB block{attention::CMABOptions{}};
  block->eval();
  // One chunk holding the whole context: scores are [1, 4, 128, N].
  const auto small = conditioning_peak(block, 1000, 1000);
  const auto large = conditioning_peak(block, 100000, 100000);
  EXPECT_GT(large, 50 * small) << "N=1000: " << small << " bytes, N=100000: " << large;
}

}  // namespace
}  // namespace nplab
