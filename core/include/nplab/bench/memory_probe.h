#pragma once
// Peak-memory measurement of what LibTorch allocates (DESIGN.md §6).
// CPU: a counting wrapper around LibTorch's CPU allocator, installed once per process, keeping live
// and peak bytes, process-wide and per thread. Each allocation remembers the thread account it was
// charged to, so a free on any thread decrements the right account; a PeakMemoryScope on the CPU
// measures only its own thread's account (plus the intra-op workers serving that thread), so that
// a benchmark on one thread is not disturbed by another thread predicting at the same time.
// CUDA: the caching allocator's statistics (only in builds against a CUDA LibTorch; device-wide).

#include <c10/core/Device.h>

#include <cstdint>

namespace nplab::bench {

/// Installs the counting CPU allocator (idempotent, thread-safe). Tensors allocated before the
/// call are not counted; call it at program start.
void install_cpu_memory_probe();
bool cpu_memory_probe_installed();

/// Bytes currently held by tensors allocated through the probe, by all threads.
int64_t cpu_live_bytes();
/// Highest process-wide live byte count since the last reset.
int64_t cpu_peak_bytes();
/// Sets the process-wide peak to the current live bytes.
void reset_cpu_peak();

/// Bytes currently held by tensors that the calling thread allocated (wherever they are freed).
int64_t cpu_thread_live_bytes();

namespace detail {
struct ThreadAccount;
}

int64_t live_bytes(const c10::Device& device);
int64_t peak_bytes(const c10::Device& device);
void reset_peak(const c10::Device& device);

/// RAII scope reporting the peak bytes allocated above its starting point by what ran inside it.
/// CPU: only the constructing thread's allocations count (and those of LibTorch's intra-op worker
/// threads, which allocate on its behalf); use the scope on the thread that constructed it. CPU
/// scopes nest (the outer scope's peak is restored on exit). CUDA resets the device's peak.
class PeakMemoryScope {
 public:
  explicit PeakMemoryScope(c10::Device device = c10::Device(c10::kCPU));
  ~PeakMemoryScope();
  PeakMemoryScope(const PeakMemoryScope&) = delete;
  PeakMemoryScope& operator=(const PeakMemoryScope&) = delete;

  /// Peak bytes above the live bytes at construction, so far.
  int64_t peak_bytes() const;

 private:
  c10::Device device_;
  detail::ThreadAccount* account_ = nullptr;  // CPU: the constructing thread's, never owned
  int64_t baseline_ = 0;
  int64_t outer_peak_ = 0;
};

}  // namespace nplab::bench
