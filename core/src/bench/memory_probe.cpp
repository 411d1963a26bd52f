#include "nplab/bench/memory_probe.h"

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>
#include <c10/util/Exception.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>

#ifdef NPLAB_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#endif

namespace nplab::bench {
namespace {

std::atomic<int64_t> g_live_bytes{0};
std::atomic<int64_t> g_peak_bytes{0};
std::atomic<bool> g_installed{false};

void raise_peak(int64_t live) {
  int64_t peak = g_peak_bytes.load(std::memory_order_relaxed);
  while (live > peak && !g_peak_bytes.compare_exchange_weak(peak, live)) {
  }
}

// Wraps the CPU allocator LibTorch had at start: every allocation goes to it with a small header
// in front that remembers its size, so that the matching free can be subtracted. The DataPtrs it
// hands out are "simple" (context == data, a raw deleter), as LibTorch's raw_allocate() demands:
// oneDNN kernels (GELU, for one) allocate their scratch memory that way.
class CountingCpuAllocator final : public c10::Allocator {
 public:
  explicit CountingCpuAllocator(c10::Allocator* base) {
    TORCH_CHECK(base->raw_deleter() != nullptr,
                "the memory probe needs a CPU allocator with a raw deleter");
    base_allocator() = base;
  }

  c10::DataPtr allocate(size_t bytes) override {
    void* data = allocate_counted(bytes);
    return {data, data, &release, c10::Device(c10::kCPU)};
  }

  c10::DeleterFnPtr raw_deleter() const override { return &release; }

  void copy_data(void* dest, const void* src, std::size_t count) const override {
    default_copy_data(dest, src, count);
  }

 private:
  // The header keeps the data as aligned as the wrapped allocator made the block.
  static constexpr size_t kHeaderBytes = 64;

  static c10::Allocator*& base_allocator() {
    static c10::Allocator* base = nullptr;
    return base;
  }

  static void* allocate_counted(size_t bytes) {
    auto* block = static_cast<char*>(base_allocator()->raw_allocate(bytes + kHeaderBytes));
    *reinterpret_cast<size_t*>(block) = bytes;
    raise_peak(g_live_bytes.fetch_add(static_cast<int64_t>(bytes)) + static_cast<int64_t>(bytes));
    return block + kHeaderBytes;
  }

  static void release(void* data) {
    if (data == nullptr) return;
    auto* block = static_cast<char*>(data) - kHeaderBytes;
    g_live_bytes.fetch_sub(static_cast<int64_t>(*reinterpret_cast<size_t*>(block)));
    base_allocator()->raw_deallocate(block);
  }
};

}  // namespace

void install_cpu_memory_probe() {
  static std::once_flag once;
  std::call_once(once, [] {
    // A function-local static lives until exit, after every tensor that may still point at it.
    static CountingCpuAllocator allocator(c10::GetCPUAllocator());
    c10::SetCPUAllocator(&allocator, /*priority=*/100);
    g_installed = true;
  });
}

bool cpu_memory_probe_installed() { return g_installed; }
int64_t cpu_live_bytes() { return g_live_bytes; }
int64_t cpu_peak_bytes() { return g_peak_bytes; }
void reset_cpu_peak() { g_peak_bytes = g_live_bytes.load(); }

bool memory_probe_available(const c10::Device& device) {
  if (device.is_cpu()) return cpu_memory_probe_installed();
#ifdef NPLAB_WITH_CUDA
  if (device.is_cuda()) return c10::cuda::device_count() > 0;
#endif
  return false;
}

#ifdef NPLAB_WITH_CUDA
namespace {
auto cuda_allocated(const c10::Device& device) {
  const auto index = device.has_index() ? device.index() : c10::cuda::current_device();
  return c10::cuda::CUDACachingAllocator::getDeviceStats(index).allocated_bytes[0];
}
}  // namespace
#endif

int64_t live_bytes(const c10::Device& device) {
#ifdef NPLAB_WITH_CUDA
  if (device.is_cuda()) return cuda_allocated(device).current;
#endif
  return device.is_cpu() ? cpu_live_bytes() : 0;
}

int64_t peak_bytes(const c10::Device& device) {
#ifdef NPLAB_WITH_CUDA
  if (device.is_cuda()) return cuda_allocated(device).peak;
#endif
  return device.is_cpu() ? cpu_peak_bytes() : 0;
}

void reset_peak(const c10::Device& device) {
#ifdef NPLAB_WITH_CUDA
  if (device.is_cuda()) {
    const auto index = device.has_index() ? device.index() : c10::cuda::current_device();
    c10::cuda::CUDACachingAllocator::resetPeakStats(index);
    return;
  }
#endif
  if (device.is_cpu()) reset_cpu_peak();
}

PeakMemoryScope::PeakMemoryScope(c10::Device device) : device_(device) {
  outer_peak_ = nplab::bench::peak_bytes(device_);
  reset_peak(device_);
  baseline_ = live_bytes(device_);
}

PeakMemoryScope::~PeakMemoryScope() {
  if (device_.is_cpu()) raise_peak(outer_peak_);
}

int64_t PeakMemoryScope::peak_bytes() const {
  return std::max<int64_t>(0, nplab::bench::peak_bytes(device_) - baseline_);
}

}  // namespace nplab::bench
