#pragma once
// Peak-memory measurement of what LibTorch allocates (DESIGN.md §6).
// CPU: a counting wrapper around LibTorch's CPU allocator, installed once per process, keeping live
// and peak bytes. CUDA: the caching allocator's statistics (only in builds against a CUDA LibTorch).

#include <c10/core/Device.h>

#include <cstdint>

namespace nplab::bench {

/// Installs the counting CPU allocator (idempotent, thread-safe). Tensors allocated before the
/// call are not counted; call it at program start.
void install_cpu_memory_probe();
bool cpu_memory_probe_installed();

/// Bytes currently held by tensors allocated through the probe.
int64_t cpu_live_bytes();
/// Highest live byte count since the last reset.
int64_t cpu_peak_bytes();
/// Sets the peak to the current live bytes.
void reset_cpu_peak();

/// Whether peak statistics exist for `device` (CPU: probe installed; CUDA: CUDA build + device).
bool memory_probe_available(const c10::Device& device);
int64_t live_bytes(const c10::Device& device);
int64_t peak_bytes(const c10::Device& device);
void reset_peak(const c10::Device& device);

/// RAII scope reporting the peak bytes allocated above its starting point by what ran inside it.
/// CPU scopes nest (the outer scope's peak is restored on exit); CUDA resets the device's peak.
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
  int64_t baseline_ = 0;
  int64_t outer_peak_ = 0;
};

}  // namespace nplab::bench
