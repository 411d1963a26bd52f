#include <cstdio>
#include <memory>
#include <iostream>
#include <string>
#include <vector>

#include "commands.h"
#include "nplab/bench/cmab_bench.h"
#include "nplab/bench/model_bench.h"
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

struct ModelArgs {
  std::vector<std::string> models{"cmanp", "lbanp", "tnpd", "tnpkr-scan", "tnpkr-full"};
  std::vector<int64_t> sizes{64, 256, 1024, 4096, 16384};
  int64_t targets = 256;
  int64_t new_points = 1;
  double cap_gib = 8.0;
  int repeats = 21;
  std::string device = "auto";
  bool csv = false;
};

bench::ModelBenchOptions to_options(const ModelArgs& args) {
  bench::ModelBenchOptions options;
  options.models = args.models;
  options.sizes = args.sizes;
  options.targets = args.targets;
  options.new_points = args.new_points;
  options.cap_bytes = args.cap_gib * static_cast<double>(int64_t{1} << 30);
  options.repeats = args.repeats;
  options.device = resolve_device(args.device);
  return options;
}

void run_memory(const ModelArgs& args) {
  const auto options = to_options(args);
  std::cout << (args.csv ? "model,n,targets,peak_bytes,status\n"
                         : "peak bytes of condition + predict on " + options.device.str() + "\n");
  bench::run_memory_bench(options, [&](const bench::MemoryRow& row) {
    if (args.csv) {
      std::cout << row.model << ',' << row.n << ',' << row.targets << ',' << row.peak_bytes << ','
                << row.status << std::endl;
    } else {
      std::printf("%-12s n=%-8lld targets=%-6lld %14lld bytes  %s\n", row.model.c_str(),
                  static_cast<long long>(row.n), static_cast<long long>(row.targets),
                  static_cast<long long>(row.peak_bytes),
                  row.status == "skipped" ? "skipped (predicted above the cap)" : row.status.c_str());
      std::fflush(stdout);
    }
  });
}

void run_update(const ModelArgs& args) {
  const auto options = to_options(args);
  std::cout << (args.csv ? "model,n,new,update_us\n"
                         : "median time of one update + a one-target prediction on " +
                               options.device.str() + "\n");
  bench::run_update_bench(options, [&](const bench::UpdateRow& row) {
    if (args.csv) {
      std::cout << row.model << ',' << row.n << ',' << row.new_points << ',';
      if (row.status == "ok") {
        std::cout << row.update_us;
      } else {
        std::cout << "nan";
      }
      std::cout << std::endl;
      if (row.status != "ok") std::cerr << row.model << " n=" << row.n << ": " << row.status << '\n';
    } else {
      std::printf("%-12s n=%-8lld new=%-4lld %12.1f us  %s\n", row.model.c_str(),
                  static_cast<long long>(row.n), static_cast<long long>(row.new_points),
                  row.update_us, row.status.c_str());
      std::fflush(stdout);
    }
  });
}

void add_model_options(CLI::App& command, ModelArgs& args) {
  command.add_option("--models", args.models, "Models (registry names or aliases)")->delimiter(',');
  command.add_option("--n", args.sizes, "Context sizes")->delimiter(',')->check(CLI::PositiveNumber);
  command.add_option("--repeats", args.repeats, "Timed repetitions (median reported)")
      ->check(CLI::PositiveNumber);
  command.add_option("--device", args.device, "auto, cpu or cuda[:N]");
  command.add_flag("--csv", args.csv, "CSV output");
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

  auto memory_args = std::make_shared<ModelArgs>();
  auto* memory = bench->add_subcommand(
      "memory", "Peak bytes of one condition + predict per model and context size N");
  add_model_options(*memory, *memory_args);
  memory->add_option("--targets", memory_args->targets, "Targets per prediction")
      ->check(CLI::PositiveNumber);
  memory->add_option("--cap-gib", memory_args->cap_gib,
                     "Skip sizes predicted to need more than this (GiB)")
      ->check(CLI::PositiveNumber);
  memory->callback([memory_args] { run_memory(*memory_args); });

  auto update_args = std::make_shared<ModelArgs>();
  auto* update = bench->add_subcommand(
      "update", "Median time of one update per model and context size N");
  add_model_options(*update, *update_args);
  update->add_option("--new", update_args->new_points, "Points per update")
      ->check(CLI::PositiveNumber);
  update->callback([update_args] { run_update(*update_args); });
}

}  // namespace nplab::cli
