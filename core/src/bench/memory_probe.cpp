#include "nplab/bench/memory_probe.h"

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>

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

// Wraps the CPU allocator LibTorch had at start: every allocation goes to it, and the returned
// DataPtr carries a small record so the matching free can be subtracted.
class CountingCpuAllocator final : public c10::Allocator {
 public:
  explicit CountingCpuAllocator(c10::Allocator* base) : base_(base) {}

  c10::DataPtr allocate(size_t bytes) override {
    auto record = std::make_unique<Record>(Record{base_->allocate(bytes), bytes});
    void* data = record->inner.get();
    const auto device = record->inner.device();
    raise_peak(g_live_bytes.fetch_add(static_cast<int64_t>(bytes)) + static_cast<int64_t>(bytes));
    // Ownership passes to the DataPtr, which calls release() exactly once.
    return {data, record.release(), &CountingCpuAllocator::release, device};
  }

  void copy_data(void* dest, const void* src, std::size_t count) const override {
    default_copy_data(dest, src, count);
  }

 private:
  struct Record {
    c10::DataPtr inner;  // frees the memory through the wrapped allocator
    size_t bytes;
  };

  static void release(void* context) {
    const std::unique_ptr<Record> record(static_cast<Record*>(context));
    g_live_bytes.fetch_sub(static_cast<int64_t>(record->bytes));
  }

  c10::Allocator* base_;
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
