#include <cstdio>
#include <memory>
#include <iostream>
#include <string>
#include <vector>

#include "commands.h"
#include "nplab/bench/cmab_bench.h"
#include "nplab/runtime.h"

namespace nplab::cli {
namespace {

struct CmabArgs {
  std::vector<int64_t> sizes{100, 1000, 10000, 100000};
  int64_t new_points = 1;
  int64_t chunk_size = 256;
  int repeats = 51;
  std::string device = "auto";
  bool csv = false;
};

void run_cmab(const CmabArgs& args) {
  bench::CmabBenchOptions options;
  options.sizes = args.sizes;
  options.new_points = args.new_points;
  options.chunk_size = args.chunk_size;
  options.repeats = args.repeats;
  options.device = resolve_device(args.device);
  if (args.csv) {
    std::cout << "n,update_us,condition_peak_bytes\n";
  } else {
    std::cout << "CMAB on " << options.device.str() << ", update of " << args.new_points
              << " point(s), chunk " << args.chunk_size << "\n"
              << "         n   update_us   condition_peak_bytes   state_bytes\n";
  }
  bench::run_cmab_bench(options, [&](const bench::CmabBenchRow& row) {
    if (args.csv) {
      std::cout << row.n << ',' << row.update_us << ',' << row.condition_peak_bytes << std::endl;
    } else {
      std::printf("%10lld %11.1f %22lld %13lld\n", static_cast<long long>(row.n), row.update_us,
                  static_cast<long long>(row.condition_peak_bytes),
                  static_cast<long long>(row.state_bytes));
      std::fflush(stdout);
    }
  });
}

}  // namespace

void add_bench_command(CLI::App& app) {
  auto* bench = app.add_subcommand("bench", "Benchmarks: memory and latency, medians of repeated runs");
  bench->require_subcommand(1);

  auto args = std::make_shared<CmabArgs>();
  auto* cmab = bench->add_subcommand(
      "cmab", "One CMAB: update latency and peak conditioning memory against context size N");
  cmab->add_option("--n", args->sizes, "Context sizes")->delimiter(',')->check(CLI::PositiveNumber);
  cmab->add_option("--new", args->new_points, "Points per update")->check(CLI::PositiveNumber);
  cmab->add_option("--chunk", args->chunk_size, "Conditioning chunk size")
      ->check(CLI::PositiveNumber);
  cmab->add_option("--repeats", args->repeats, "Timed repetitions per N (median reported)")
      ->check(CLI::PositiveNumber);
  cmab->add_option("--device", args->device, "auto, cpu or cuda[:N]");
  cmab->add_flag("--csv", args->csv, "CSV: n,update_us,condition_peak_bytes");
  cmab->callback([args] { run_cmab(*args); });
}

}  // namespace nplab::cli
