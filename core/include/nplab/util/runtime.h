#pragma once
// Run-time facts (LibTorch version, devices, threads) and the --device choice.

#include <c10/core/Device.h>

#include <string>
#include <vector>

namespace nplab::util {

struct RuntimeInfo {
  std::string nplab_version;
  std::string build_type;
  std::string libtorch_version;
  bool cuda_compiled = false;  ///< built against a CUDA LibTorch (CUDA-only code paths compiled)
  bool cuda_available = false;
  std::vector<std::string> cuda_devices;
  int cpu_threads = 0;
};

RuntimeInfo runtime_info();

/// "auto" (CUDA when available, else CPU), "cpu" or "cuda[:N]". Asking for CUDA where there is
/// none throws nplab::InvalidArgument with a message that says so.
c10::Device resolve_device(const std::string& name);

/// Intra-op threads for the command-line tools: both cores of the reference machine (2), unless
/// the user set OMP_NUM_THREADS, which LibTorch then follows.
inline constexpr int kDefaultThreads = 2;
void use_default_threads();

/// The memory the kernel says a new allocation can get without swapping (MemAvailable in
/// /proc/meminfo), in bytes; 0 where that is not known.
double available_memory_bytes();

/// Waits for queued work on `device` (a no-op on the CPU).
void synchronize(const c10::Device& device);

}  // namespace nplab::util
