#include "nplab/bench/memory_probe.h"

#include <ATen/Parallel.h>
#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>
#include <c10/util/Exception.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <new>

#ifdef NPLAB_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#endif

namespace nplab::bench {
namespace detail {

// The bytes charged to one thread. Written by any thread (frees), peak raised by the allocating
// threads. Trivially destructible, so the static table below is never torn down at exit, while
// tensors in other static objects may still be freed.
struct alignas(64) ThreadAccount {
  std::atomic<int64_t> live{0};
  std::atomic<int64_t> peak{0};
};

}  // namespace detail
namespace {

using detail::ThreadAccount;

void raise_peak(std::atomic<int64_t>& peak_bytes, int64_t live) {
  int64_t peak = peak_bytes.load(std::memory_order_relaxed);
  while (live > peak && !peak_bytes.compare_exchange_weak(peak, live)) {
  }
}

std::atomic<int64_t> g_live_bytes{0};
std::atomic<int64_t> g_peak_bytes{0};
std::atomic<bool> g_installed{false};

// Accounts are never released: a tensor may outlive the thread that allocated it, and its free
// must still find the account. Threads past the table's size share its last account (their
// scopes then see each other); a process here has a handful of threads plus the OpenMP pools.
constexpr size_t kMaxAccounts = 1024;
ThreadAccount g_accounts[kMaxAccounts];
std::atomic<size_t> g_accounts_used{0};

ThreadAccount& new_account() {
  const auto index = g_accounts_used.fetch_add(1);
  return g_accounts[std::min(index, kMaxAccounts - 1)];
}

// The account the calling thread's allocations are charged to: its own, or, for an intra-op
// worker thread, the account of the thread it works for (see delegate_intra_op_workers).
thread_local ThreadAccount* t_charged_account = nullptr;
thread_local ThreadAccount* t_own_account = nullptr;

ThreadAccount& own_account() {
  if (t_own_account == nullptr) t_own_account = &new_account();
  return *t_own_account;
}

ThreadAccount& charged_account() {
  return t_charged_account != nullptr ? *t_charged_account : own_account();
}

// LibTorch's intra-op parallelism (OpenMP here) runs parts of one operation on pool threads that
// belong to the calling thread, and a kernel may allocate scratch memory there. The pool threads
// of one caller are the same from one parallel region to the next (GNU and LLVM OpenMP keep a
// team per calling thread), so charging them to the caller once makes a scope count their
// allocations too. Done at every CPU scope: cheap (one empty parallel region), and it picks up a
// pool that grew since. With one intra-op thread (the GUI's worker on a 2-core machine) there are
// no pool threads and nothing to do.
void delegate_intra_op_workers(ThreadAccount& caller) {
  if (at::in_parallel_region()) return;
  const int64_t threads = at::get_num_threads();
  if (threads <= 1) return;
  at::parallel_for(0, threads, 1, [&caller](int64_t, int64_t) {
    if (t_own_account != &caller) t_charged_account = &caller;
  });
}

// Wraps the CPU allocator LibTorch had at start: every allocation goes to it with a small header
// in front that remembers its size and the account it was charged to, so that the matching free,
// on whichever thread, is subtracted from that account. The DataPtrs it hands out are "simple"
// (context == data, a raw deleter), as LibTorch's raw_allocate() demands: oneDNN kernels (GELU,
// for one) allocate their scratch memory that way.
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
  struct Header {
    size_t bytes;
    ThreadAccount* account;
  };
  // The header keeps the data as aligned as the wrapped allocator made the block.
  static constexpr size_t kHeaderBytes = 64;
  static_assert(sizeof(Header) <= kHeaderBytes);

  static c10::Allocator*& base_allocator() {
    static c10::Allocator* base = nullptr;
    return base;
  }

  static void* allocate_counted(size_t bytes) {
    auto* block = static_cast<char*>(base_allocator()->raw_allocate(bytes + kHeaderBytes));
    auto& account = charged_account();
    new (block) Header{bytes, &account};
    const auto size = static_cast<int64_t>(bytes);
    raise_peak(g_peak_bytes, g_live_bytes.fetch_add(size) + size);
    raise_peak(account.peak, account.live.fetch_add(size) + size);
    return block + kHeaderBytes;
  }

  static void release(void* data) {
    if (data == nullptr) return;
    auto* block = static_cast<char*>(data) - kHeaderBytes;
    const auto& header = *std::launder(reinterpret_cast<Header*>(block));
    const auto size = static_cast<int64_t>(header.bytes);
    g_live_bytes.fetch_sub(size);
    header.account->live.fetch_sub(size);
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
int64_t cpu_thread_live_bytes() { return own_account().live; }

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
  if (device_.is_cpu()) {
    account_ = &own_account();
    delegate_intra_op_workers(*account_);
    outer_peak_ = account_->peak;
    baseline_ = account_->live;
    account_->peak = baseline_;
    return;
  }
  outer_peak_ = nplab::bench::peak_bytes(device_);
  reset_peak(device_);
  baseline_ = live_bytes(device_);
}

PeakMemoryScope::~PeakMemoryScope() {
  if (account_ != nullptr) raise_peak(account_->peak, outer_peak_);
}

int64_t PeakMemoryScope::peak_bytes() const {
  const auto peak = account_ != nullptr ? account_->peak.load() : nplab::bench::peak_bytes(device_);
  return std::max<int64_t>(0, peak - baseline_);
}

}  // namespace nplab::bench
