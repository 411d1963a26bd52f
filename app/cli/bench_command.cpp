#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "commands.h"
#include "nplab/bench/cmab_bench.h"
#include "nplab/bench/model_bench.h"
#include "nplab/bench/scale_bench.h"
#include "nplab/runtime.h"
#include "nplab/util/checks.h"

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

void write_cmab_header(std::ostream& out) { out << "n,update_us,condition_peak_bytes\n"; }
void write_cmab_row(std::ostream& out, const bench::CmabBenchRow& row) {
  out << row.n << ',' << row.update_us << ',' << row.condition_peak_bytes << std::endl;
}

void write_memory_header(std::ostream& out) { out << "model,n,targets,peak_bytes,status\n"; }
void write_memory_row(std::ostream& out, const bench::MemoryRow& row) {
  out << row.model << ',' << row.n << ',' << row.targets << ',' << row.peak_bytes << ','
      << row.status << std::endl;
}

void write_update_header(std::ostream& out) { out << "model,n,new,update_us\n"; }
void write_update_row(std::ostream& out, const bench::UpdateRow& row) {
  out << row.model << ',' << row.n << ',' << row.new_points << ',';
  if (row.status == "ok") {
    out << row.update_us;
  } else {
    out << "nan";
  }
  out << std::endl;
  if (row.status != "ok") std::cerr << row.model << " n=" << row.n << ": " << row.status << '\n';
}

void write_scale_header(std::ostream& out) {
  out << "model,n,condition_s,points_per_s,condition_peak_bytes,state_bytes,update_us,"
         "update_prepare_us,targets,query_us,update_query_us,graph_update_prepare_us,status\n";
}
void write_scale_row(std::ostream& out, const bench::ScaleRow& row) {
  out << row.model << ',' << row.n << ',' << row.condition_seconds << ',' << row.points_per_second
      << ',' << row.condition_peak_bytes << ',' << row.state_bytes << ',' << row.update_us << ','
      << row.update_prepare_us << ',' << row.targets << ',' << row.query_us << ','
      << row.update_query_us << ',' << row.graph_update_prepare_us << ',' << row.status
      << std::endl;
}

void write_attention_header(std::ostream& out) {
  out << "mode,n,queries,peak_bytes,output_bytes,seconds,status\n";
}
void write_attention_row(std::ostream& out, const bench::AttentionRow& row) {
  out << row.mode << ',' << row.n << ',' << row.queries << ',' << row.peak_bytes << ','
      << row.output_bytes << ',' << row.seconds << ',' << row.status << std::endl;
}

void run_cmab(const CmabArgs& args) {
  bench::CmabBenchOptions options;
  options.sizes = args.sizes;
  options.new_points = args.new_points;
  options.chunk_size = args.chunk_size;
  options.repeats = args.repeats;
  options.device = resolve_device(args.device);
  if (args.csv) {
    write_cmab_header(std::cout);
  } else {
    std::cout << "CMAB on " << options.device.str() << ", update of " << args.new_points
              << " point(s), chunk " << args.chunk_size << "\n"
              << "         n   update_us   condition_peak_bytes   state_bytes\n";
  }
  bench::run_cmab_bench(options, [&](const bench::CmabBenchRow& row) {
    if (args.csv) {
      write_cmab_row(std::cout, row);
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
  if (args.csv) {
    write_memory_header(std::cout);
  } else {
    std::cout << "peak bytes of condition + predict on " << options.device.str() << "\n";
  }
  bench::run_memory_bench(options, [&](const bench::MemoryRow& row) {
    if (args.csv) {
      write_memory_row(std::cout, row);
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
  if (args.csv) {
    write_update_header(std::cout);
  } else {
    std::cout << "median time of one update + a one-target prediction on " << options.device.str()
              << "\n";
  }
  bench::run_update_bench(options, [&](const bench::UpdateRow& row) {
    if (args.csv) {
      write_update_row(std::cout, row);
    } else {
      std::printf("%-12s n=%-8lld new=%-4lld %12.1f us  %s\n", row.model.c_str(),
                  static_cast<long long>(row.n), static_cast<long long>(row.new_points),
                  row.update_us, row.status.c_str());
      std::fflush(stdout);
    }
  });
}

struct ScaleArgs {
  std::string model = "cmanp";
  std::vector<int64_t> sizes{100, 1'000, 10'000, 100'000, 1'000'000};
  int64_t targets = 400;
  int repeats = 51;
  double cap_gib = 8.0;
  std::string device = "auto";
  bool csv = false;
};

bench::ScaleBenchOptions to_options(const ScaleArgs& args) {
  bench::ScaleBenchOptions options;
  options.model = args.model;
  options.sizes = args.sizes;
  options.targets = args.targets;
  options.repeats = args.repeats;
  options.cap_bytes = args.cap_gib * static_cast<double>(int64_t{1} << 30);
  options.device = resolve_device(args.device);
  return options;
}

void print_scale_row(const bench::ScaleRow& row) {
  if (row.status != "ok") {
    std::printf("%-8s n=%-9lld %s\n", row.model.c_str(), static_cast<long long>(row.n),
                row.status.c_str());
  } else {
    std::printf("%-8s n=%-9lld condition %8.3f s %10.0f pts/s peak %11lld B | update %8.1f us"
                " +prepare %8.1f us | query(%lld) %8.1f us | update+query %8.1f us\n",
                row.model.c_str(), static_cast<long long>(row.n), row.condition_seconds,
                row.points_per_second, static_cast<long long>(row.condition_peak_bytes),
                row.update_us, row.update_prepare_us, static_cast<long long>(row.targets),
                row.query_us, row.update_query_us);
    if (!row.graph_error.empty()) {
      std::printf("%-8s n=%-9lld %s\n", row.model.c_str(), static_cast<long long>(row.n),
                  row.graph_error.c_str());
    }
    if (!std::isnan(row.graph_update_prepare_us)) {
      std::printf("%-8s n=%-9lld update+prepare as a CUDA graph %8.1f us (eager %8.1f us)\n",
                  row.model.c_str(), static_cast<long long>(row.n), row.graph_update_prepare_us,
                  row.update_prepare_us);
    }
  }
  std::fflush(stdout);
}

void run_scale(const ScaleArgs& args) {
  const auto options = to_options(args);
  if (args.csv) {
    write_scale_header(std::cout);
  } else {
    std::cout << args.model << " on " << options.device.str() << ": conditioning, one-point edits "
              << "and queries as N grows (medians of " << args.repeats << ")\n";
  }
  bench::run_scale_bench(options, [&](const bench::ScaleRow& row) {
    if (args.csv) {
      write_scale_row(std::cout, row);
    } else {
      print_scale_row(row);
    }
  });
}

struct AttentionArgs {
  std::vector<std::string> modes{"scan", "full"};
  std::vector<int64_t> sizes{1'000, 10'000, 100'000};
  int64_t queries = 64;
  int64_t chunk = 1024;
  double cap_gib = 8.0;
  std::string device = "auto";
  bool csv = false;
};

bench::AttentionBenchOptions to_options(const AttentionArgs& args) {
  bench::AttentionBenchOptions options;
  options.modes = args.modes;
  options.sizes = args.sizes;
  options.queries = args.queries;
  options.scan_chunk = args.chunk;
  options.cap_bytes = args.cap_gib * static_cast<double>(int64_t{1} << 30);
  options.device = resolve_device(args.device);
  return options;
}

void run_attention(const AttentionArgs& args) {
  const auto options = to_options(args);
  if (args.csv) {
    write_attention_header(std::cout);
  } else {
    std::cout << "TNP-KR kernel attention on " << options.device.str() << ", "
              << (args.queries == 0 ? std::string("self-attention (N queries)")
                                    : std::to_string(args.queries) + " queries")
              << ": peak bytes of one call\n";
  }
  bench::run_attention_bench(options, [&](const bench::AttentionRow& row) {
    if (args.csv) {
      write_attention_row(std::cout, row);
    } else {
      std::printf("%-5s n=%-9lld queries=%-9lld peak %13lld B (output %11lld B) %9.3f s  %s\n",
                  row.mode.c_str(), static_cast<long long>(row.n),
                  static_cast<long long>(row.queries), static_cast<long long>(row.peak_bytes),
                  static_cast<long long>(row.output_bytes), row.seconds,
                  row.status == "skipped" ? "skipped (predicted above the cap)" : row.status.c_str());
      std::fflush(stdout);
    }
  });
}

struct ReportArgs {
  std::string out;
  std::string device = "auto";
  bool quick = false;
};

/// "AMD EPYC (2 threads)" or the CUDA device's name, for the report's header.
std::string describe_device(const c10::Device& device) {
  const auto facts = runtime_info();
  if (device.is_cuda()) {
    const auto index = static_cast<size_t>(std::max<int>(device.index(), 0));
    return index < facts.cuda_devices.size() ? facts.cuda_devices[index] : device.str();
  }
  std::string model = "CPU";
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0 && line.find(':') != std::string::npos) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  }
  return model + ", " + std::to_string(facts.cpu_threads) + " LibTorch thread(s)";
}

std::string format(const char* pattern, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, pattern, value);
  return buffer;
}

std::string mib(double bytes) { return format("%.2f", bytes / (1024.0 * 1024.0)); }

// Ratio of a column between the largest N of the rows that ran and `base_n` (when it ran), else
// the smallest N.
template <class Row, class Value>
std::string ratio_line(const std::vector<Row>& rows, Value value, const std::string& what,
                       int64_t base_n = 0) {
  const Row* smallest = nullptr;
  const Row* largest = nullptr;
  for (const auto& row : rows) {
    if (row.status != "ok") continue;
    if (!smallest || row.n < smallest->n) smallest = &row;
    if (!largest || row.n > largest->n) largest = &row;
  }
  for (const auto& row : rows) {
    if (row.status == "ok" && row.n == base_n) smallest = &row;
  }
  if (!smallest || smallest == largest || value(*smallest) <= 0) return {};
  return "- " + what + ": N = " + std::to_string(largest->n) + " vs N = " +
         std::to_string(smallest->n) + ": **" + format("%.2f", value(*largest) / value(*smallest)) +
         "×**\n";
}

void run_report(const ReportArgs& args) {
  namespace fs = std::filesystem;
  const fs::path dir(args.out);
  std::error_code error;
  fs::create_directories(dir, error);
  if (error || !fs::is_directory(dir)) {
    throw InvalidArgument("--out " + args.out + ": cannot create the folder (" + error.message() +
                          ")");
  }
  const auto device = resolve_device(args.device);
  const auto open_csv = [&](const std::string& name) {
    std::ofstream file(dir / name);
    if (!file) throw InvalidArgument("--out: cannot write " + (dir / name).string());
    return file;
  };
  const auto say = [](const std::string& line) { std::cerr << "bench report: " << line << std::endl; };
  const bool quick = args.quick;
  std::ostringstream summary;
  const auto facts = runtime_info();
  summary << "# NPLab benchmark report\n\n"
          << "- device: " << describe_device(device) << " (" << device.str() << ")\n"
          << "- nplab " << facts.nplab_version << " (" << facts.build_type << "), LibTorch "
          << facts.libtorch_version << "\n"
          << "- command: `nplab-cli bench report --out " << args.out
          << (quick ? " --quick" : "") << " --device " << args.device << "`\n"
          << "- times are medians of repeated runs after warm-up; ratios compare rows of this run\n\n";

  say("CMAB (1/6)");
  bench::CmabBenchOptions cmab;
  cmab.sizes = quick ? std::vector<int64_t>{100, 1000} : std::vector<int64_t>{100, 1000, 10000, 100000};
  cmab.repeats = quick ? 3 : 51;
  cmab.device = device;
  {
    auto file = open_csv("cmab.csv");
    write_cmab_header(file);
    summary << "## One CMAB: single-point update and conditioning memory (`cmab.csv`)\n\n"
            << "| N | update µs | condition peak bytes |\n|---:|---:|---:|\n";
    double first_update = 0, last_update = 0, first_peak = 0, last_peak = 0;
    int64_t first_n = 0, last_n = 0;
    for (const auto& row : bench::run_cmab_bench(cmab, [&](const auto& r) { write_cmab_row(file, r); })) {
      summary << "| " << row.n << " | " << format("%.1f", row.update_us) << " | "
              << row.condition_peak_bytes << " |\n";
      if (first_n == 0) first_n = row.n, first_update = row.update_us, first_peak = row.condition_peak_bytes;
      last_n = row.n, last_update = row.update_us, last_peak = row.condition_peak_bytes;
    }
    summary << "\n- update: N = " << last_n << " vs N = " << first_n << ": **"
            << format("%.2f", last_update / first_update) << "×**; condition peak: **"
            << format("%.2f", last_peak / first_peak) << "×**\n\n";
  }

  say("CMANP at scale (2/6)");
  bench::ScaleBenchOptions scale;
  scale.sizes = quick ? std::vector<int64_t>{100, 1000}
                      : std::vector<int64_t>{100, 1'000, 10'000, 100'000, 1'000'000};
  scale.repeats = quick ? 3 : 31;
  scale.device = device;
  {
    auto file = open_csv("scale.csv");
    write_scale_header(file);
    const auto rows = bench::run_scale_bench(scale, [&](const auto& r) { write_scale_row(file, r); });
    summary << "## CMANP as the context grows (`scale.csv`)\n\n"
            << "update = the state change of one new point; +prepare = with the latent stack "
               "recomputed (what an edit costs before the next query); query = "
            << scale.targets << " targets from a prepared state.\n\n"
            << "| N | condition s | points/s | condition peak MiB | update µs | update+prepare µs "
               "| query µs | update+query µs |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    for (const auto& row : rows) {
      if (row.status != "ok") {
        summary << "| " << row.n << " | " << row.status << " | | | | | | |\n";
        continue;
      }
      summary << "| " << row.n << " | " << format("%.3f", row.condition_seconds) << " | "
              << format("%.0f", row.points_per_second) << " | " << mib(row.condition_peak_bytes)
              << " | " << format("%.1f", row.update_us) << " | "
              << format("%.1f", row.update_prepare_us) << " | " << format("%.1f", row.query_us)
              << " | " << format("%.1f", row.update_query_us) << " |\n";
    }
    summary << "\n"
            << ratio_line(rows, [](const auto& r) { return r.update_us; }, "update")
            << ratio_line(rows, [](const auto& r) { return r.update_prepare_us; }, "update+prepare")
            << ratio_line(rows, [](const auto& r) { return static_cast<double>(r.condition_peak_bytes); },
                          "conditioning peak memory")
            << ratio_line(rows, [](const auto& r) { return static_cast<double>(r.condition_peak_bytes); },
                          "conditioning peak memory (against 1,000 points, one full chunk)", 1000)
            << "\n";
    const bool graphed = std::any_of(rows.begin(), rows.end(), [](const auto& row) {
      return row.status == "ok" && !std::isnan(row.graph_update_prepare_us);
    });
    const auto graph_failure = std::find_if(rows.begin(), rows.end(), [](const auto& row) {
      return !row.graph_error.empty();
    });
    if (graph_failure != rows.end()) summary << graph_failure->graph_error << "\n\n";
    if (graphed) {
      summary << "The same update + prepare replayed as one CUDA graph "
                 "(`graph_update_prepare_us`), against the eager path:\n\n"
              << "| N | eager µs | CUDA graph µs | eager / graph |\n|---:|---:|---:|---:|\n";
      for (const auto& row : rows) {
        if (row.status != "ok" || std::isnan(row.graph_update_prepare_us)) continue;
        summary << "| " << row.n << " | " << format("%.1f", row.update_prepare_us) << " | "
                << format("%.1f", row.graph_update_prepare_us) << " | "
                << format("%.2f", row.update_prepare_us / row.graph_update_prepare_us) << " |\n";
      }
      summary << "\n";
    }
  }

  say("memory per model (3/6)");
  bench::ModelBenchOptions models;
  models.models = {"cmanp", "lbanp", "tnpd", "tnpkr-scan", "tnpkr-full"};
  models.sizes = quick ? std::vector<int64_t>{64, 256} : std::vector<int64_t>{64, 256, 1024, 4096, 16384};
  models.device = device;
  {
    auto file = open_csv("memory.csv");
    write_memory_header(file);
    summary << "## Peak memory of condition + predict(" << models.targets
            << ") (`memory.csv`; plot: `nplab --plot memory.csv --out memory.png`)\n\n"
            << "| model | N | peak MiB | status |\n|---|---:|---:|---|\n";
    for (const auto& row : bench::run_memory_bench(models, [&](const auto& r) { write_memory_row(file, r); })) {
      summary << "| " << row.model << " | " << row.n << " | " << mib(row.peak_bytes) << " | "
              << row.status << " |\n";
    }
    summary << "\n";
  }

  say("update time per model (4/6)");
  models.sizes = quick ? std::vector<int64_t>{64, 256} : std::vector<int64_t>{64, 256, 1024, 4096};
  models.repeats = quick ? 3 : 5;
  {
    auto file = open_csv("update.csv");
    write_update_header(file);
    summary << "## One-point update + one-target prediction (`update.csv`; plot: `nplab --plot "
               "update.csv --out update.png`)\n\n"
            << "| model | N | µs |\n|---|---:|---:|\n";
    for (const auto& row : bench::run_update_bench(models, [&](const auto& r) { write_update_row(file, r); })) {
      summary << "| " << row.model << " | " << row.n << " | "
              << (row.status == "ok" ? format("%.1f", row.update_us) : row.status) << " |\n";
    }
    summary << "\n";
  }

  const auto attention_section = [&](const std::string& name, const std::string& title,
                                     bench::AttentionBenchOptions options) {
    auto file = open_csv(name);
    write_attention_header(file);
    const auto rows =
        bench::run_attention_bench(options, [&](const auto& r) { write_attention_row(file, r); });
    summary << "## " << title << " (`" << name << "`)\n\n"
            << "| mode | N | queries | peak MiB | of which output MiB | s | status |\n"
            << "|---|---:|---:|---:|---:|---:|---|\n";
    for (const auto& row : rows) {
      summary << "| " << row.mode << " | " << row.n << " | " << row.queries << " | "
              << mib(row.peak_bytes) << " | " << mib(row.output_bytes) << " | "
              << format("%.3f", row.seconds) << " | " << row.status << " |\n";
    }
    summary << "\n";
    for (const auto& mode : options.modes) {
      std::vector<bench::AttentionRow> of_mode;
      for (const auto& row : rows) {
        if (row.mode == mode) of_mode.push_back(row);
      }
      summary << ratio_line(of_mode, [](const auto& r) { return static_cast<double>(r.peak_bytes); },
                            mode + " peak")
              << ratio_line(of_mode,
                            [](const auto& r) {
                              return static_cast<double>(r.peak_bytes - r.output_bytes);
                            },
                            mode + " peak without the output");
    }
    summary << "\n";
  };
  say("TNP-KR attention, 64 queries (5/6)");
  bench::AttentionBenchOptions cross;
  cross.sizes = quick ? std::vector<int64_t>{1000, 4000} : std::vector<int64_t>{1'000, 10'000, 100'000};
  cross.device = device;
  attention_section("attention_cross.csv",
                    "TNP-KR kernel attention: 64 target tokens attend to N context tokens", cross);
  say("TNP-KR attention, self-attention (6/6)");
  bench::AttentionBenchOptions self = cross;
  self.queries = 0;
  self.sizes = quick ? std::vector<int64_t>{500, 1000} : std::vector<int64_t>{1'000, 2'000, 4'000, 8'000};
  attention_section("attention_self.csv",
                    "TNP-KR kernel attention: N context tokens attend to each other", self);

  std::ofstream summary_file(dir / "summary.md");
  summary_file << summary.str();
  if (!summary_file) throw InvalidArgument("--out: cannot write " + (dir / "summary.md").string());
  std::cout << summary.str();
  say("wrote " + (dir / "summary.md").string() + " and 6 CSV files");
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

  auto scale_args = std::make_shared<ScaleArgs>();
  auto* scale = bench->add_subcommand(
      "scale", "One model as N grows to millions: conditioning time, throughput and peak memory, "
               "one-point edits, queries");
  scale->add_option("--model", scale_args->model, "Registry name or alias");
  scale->add_option("--n", scale_args->sizes, "Context sizes")->delimiter(',')->check(CLI::PositiveNumber);
  scale->add_option("--targets", scale_args->targets, "Targets per query")->check(CLI::PositiveNumber);
  scale->add_option("--repeats", scale_args->repeats, "Timed repetitions (median reported)")
      ->check(CLI::PositiveNumber);
  scale->add_option("--cap-gib", scale_args->cap_gib,
                    "Skip sizes predicted to need more than this (GiB)")
      ->check(CLI::PositiveNumber);
  scale->add_option("--device", scale_args->device, "auto, cpu or cuda[:N]");
  scale->add_flag("--csv", scale_args->csv, "CSV output");
  scale->callback([scale_args] { run_scale(*scale_args); });

  auto attention_args = std::make_shared<AttentionArgs>();
  auto* attention = bench->add_subcommand(
      "attention", "TNP-KR kernel attention (scan, full, dka): peak memory of one call against N");
  attention->add_option("--modes", attention_args->modes, "scan, full, dka")->delimiter(',');
  attention->add_option("--n", attention_args->sizes, "Context sizes")
      ->delimiter(',')
      ->check(CLI::PositiveNumber);
  attention->add_option("--queries", attention_args->queries,
                        "Query tokens (0: self-attention, all N)")
      ->check(CLI::NonNegativeNumber);
  attention->add_option("--chunk", attention_args->chunk, "Scan chunk")->check(CLI::PositiveNumber);
  attention->add_option("--cap-gib", attention_args->cap_gib,
                        "Skip sizes predicted to need more than this (GiB)")
      ->check(CLI::PositiveNumber);
  attention->add_option("--device", attention_args->device, "auto, cpu or cuda[:N]");
  attention->add_flag("--csv", attention_args->csv, "CSV output");
  attention->callback([attention_args] { run_attention(*attention_args); });

  auto report_args = std::make_shared<ReportArgs>();
  auto* report = bench->add_subcommand(
      "report", "The standard sweep: one CSV per benchmark and a Markdown summary in --out");
  report->add_option("--out", report_args->out, "Folder for the CSV files and summary.md")
      ->required();
  report->add_option("--device", report_args->device, "auto, cpu or cuda[:N]");
  report->add_flag("--quick", report_args->quick, "Small sizes and few repeats (a smoke test)");
  report->callback([report_args] { run_report(*report_args); });
}

}  // namespace nplab::cli
