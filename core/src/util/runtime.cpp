#include "nplab/util/runtime.h"

#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "nplab/build_info.h"
#include "nplab/util/checks.h"

#ifdef NPLAB_WITH_CUDA
#include <c10/cuda/CUDAFunctions.h>
#include <cuda_runtime_api.h>
#endif

namespace nplab::util {

void use_default_threads() {
  if (std::getenv("OMP_NUM_THREADS") == nullptr) at::set_num_threads(kDefaultThreads);
}

RuntimeInfo runtime_info() {
  RuntimeInfo info;
  info.nplab_version = kVersion;
  info.build_type = kBuildType;
  info.libtorch_version = TORCH_VERSION;
#ifdef NPLAB_WITH_CUDA
  info.cuda_compiled = true;
#endif
  info.cuda_available = torch::cuda::is_available();
  if (info.cuda_available) {
    const auto count = torch::cuda::device_count();
    for (int i = 0; i < static_cast<int>(count); ++i) {
#ifdef NPLAB_WITH_CUDA
      cudaDeviceProp properties{};
      cudaGetDeviceProperties(&properties, i);
      info.cuda_devices.push_back("cuda:" + std::to_string(i) + " " + properties.name);
#else
      info.cuda_devices.push_back("cuda:" + std::to_string(i));
#endif
    }
  }
  info.cpu_threads = at::get_num_threads();
  return info;
}

c10::Device resolve_device(const std::string& name) {
  if (name == "auto") {
    return torch::cuda::is_available() ? c10::Device(c10::kCUDA, 0) : c10::Device(c10::kCPU);
  }
  if (name == "cpu") return c10::Device(c10::kCPU);
  if (name.rfind("cuda", 0) == 0) {
    if (!torch::cuda::is_available()) {
      throw InvalidArgument(
          "--device " + name + ": no CUDA device is available (this LibTorch " +
          (runtime_info().cuda_compiled ? "has CUDA but found no GPU" : "was built without CUDA") +
          "); use --device cpu or auto");
    }
    try {
      return c10::Device(name);
    } catch (const c10::Error&) {
      throw InvalidArgument("--device " + name + ": not a device name (auto, cpu, cuda, cuda:N)");
    }
  }
  throw InvalidArgument("--device " + name + ": not a device name (auto, cpu, cuda, cuda:N)");
}

void synchronize(const c10::Device& device) {
  if (device.is_cuda()) torch::cuda::synchronize(device.index() < 0 ? -1 : device.index());
}

double available_memory_bytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key, unit;
  double kib = 0;
  while (meminfo >> key >> kib >> unit) {
    if (key == "MemAvailable:") return kib * 1024.0;
  }
  return 0.0;
}

}  // namespace nplab::util
