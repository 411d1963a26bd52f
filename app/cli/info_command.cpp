#include <iostream>

#include "commands.h"
#include "nplab/util/runtime.h"

namespace nplab::cli {

void add_info_command(CLI::App& app) {
  auto* info =
      app.add_subcommand("info", "LibTorch version, CUDA devices, CPU threads, build type");
  info->callback([] {
    const auto facts = util::runtime_info();
    std::cout << "nplab " << facts.nplab_version << " (" << facts.build_type << ")\n"
              << "libtorch " << facts.libtorch_version << '\n'
              << "cuda compiled: " << (facts.cuda_compiled ? "yes" : "no") << '\n'
              << "cuda available: " << (facts.cuda_available ? "yes" : "no") << '\n';
    for (const auto& device : facts.cuda_devices) std::cout << "  " << device << '\n';
    std::cout << "cpu threads: " << facts.cpu_threads << '\n';
  });
}

}  // namespace nplab::cli
