#include "bench_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "nplab/bench/bench_csv.h"
#include "nplab/bench/cmab_bench.h"
#include "nplab/bench/model_bench.h"
#include "nplab/bench/scale_bench.h"
#include "nplab/util/checks.h"
#include "nplab/util/runtime.h"

namespace nplab::cli {
namespace {

/// "AMD EPYC (2 threads)" or the CUDA device's name, for the report's header.
std::string describe_device(const c10::Device& device) {
  const auto facts = util::runtime_info();
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

std::string mib(double bytes) {
  return format("%.2f", bytes / (1024.0 * 1024.0));
}

// Ratio of a column between the largest N of the rows that ran and `base_n` (when it ran), else
// the smallest N.
template <class Row, class Value>
std::string ratio_line(const std::vector<Row>& rows, Value value, const std::string& what,
                       int64_t base_n = 0) {
  const Row* smallest = nullptr;
  const Row* largest = nullptr;
  for (const auto& row : rows) {
    if (row.status != bench::RunStatus::Ok) continue;
    if (!smallest || row.n < smallest->n) smallest = &row;
    if (!largest || row.n > largest->n) largest = &row;
  }
  for (const auto& row : rows) {
    if (row.status == bench::RunStatus::Ok && row.n == base_n) smallest = &row;
  }
  if (!smallest || smallest == largest || value(*smallest) <= 0) return {};
  return "- " + what + ": N = " + std::to_string(largest->n) +
         " vs N = " + std::to_string(smallest->n) + ": **" +
         format("%.2f", value(*largest) / value(*smallest)) + "×**\n";
}

}  // namespace

void run_bench_report(const BenchReportArgs& args) {
  namespace fs = std::filesystem;
  const fs::path dir(args.out);
  std::error_code error;
  fs::create_directories(dir, error);
  if (error || !fs::is_directory(dir)) {
    throw util::InvalidArgument("--out " + args.out + ": cannot create the folder (" +
                                error.message() + ")");
  }
  const auto device = util::resolve_device(args.device);
  const auto open_csv = [&](const std::string& name) {
    std::ofstream file(dir / name);
    if (!file) throw util::InvalidArgument("--out: cannot write " + (dir / name).string());
    return file;
  };
  const auto say = [](const std::string& line) {
    std::cerr << "bench report: " << line << std::endl;
  };
  const bool quick = args.quick;
  std::ostringstream summary;
  const auto facts = util::runtime_info();
  summary
      << "# NPLab benchmark report\n\n"
      << "- device: " << describe_device(device) << " (" << device.str() << ")\n"
      << "- nplab " << facts.nplab_version << " (" << facts.build_type << "), LibTorch "
      << facts.libtorch_version << "\n"
      << "- command: `nplab-cli bench report --out " << args.out << (quick ? " --quick" : "")
      << " --device " << args.device << "`\n"
      << "- times are medians of repeated runs after warm-up; ratios compare rows of this run\n\n";

  say("CMAB (1/6)");
  bench::CmabBenchOptions cmab;
  cmab.sizes =
      quick ? std::vector<int64_t>{100, 1000} : std::vector<int64_t>{100, 1000, 10000, 100000};
  cmab.repeats = quick ? 3 : 51;
  cmab.device = device;
  {
    auto file = open_csv("cmab.csv");
    bench::write_csv_header(file, bench::CsvKind::Cmab);
    summary << "## One CMAB: single-point update and conditioning memory (`cmab.csv`)\n\n"
            << "| N | update µs | condition peak bytes |\n|---:|---:|---:|\n";
    double first_update = 0, last_update = 0, first_peak = 0, last_peak = 0;
    int64_t first_n = 0, last_n = 0;
    for (const auto& row :
         bench::run_cmab_bench(cmab, [&](const auto& r) { bench::write_csv_row(file, r); })) {
      summary << "| " << row.n << " | " << format("%.1f", row.update_us) << " | "
              << row.condition_peak_bytes << " |\n";
      if (first_n == 0)
        first_n = row.n, first_update = row.update_us, first_peak = row.condition_peak_bytes;
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
    bench::write_csv_header(file, bench::CsvKind::Scale);
    const auto rows =
        bench::run_scale_bench(scale, [&](const auto& r) { bench::write_csv_row(file, r); });
    summary << "## CMANP as the context grows (`scale.csv`)\n\n"
            << "update = the state change of one new point; +prepare = with the latent stack "
               "recomputed (what an edit costs before the next query); query = "
            << scale.targets << " targets from a prepared state.\n\n"
            << "| N | condition s | points/s | condition peak MiB | update µs | update+prepare µs "
               "| query µs | update+query µs |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    for (const auto& row : rows) {
      if (row.status != bench::RunStatus::Ok) {
        summary << "| " << row.n << " | " << bench::status_field(row.status, row.error)
                << " | | | | | | |\n";
        continue;
      }
      summary << "| " << row.n << " | " << format("%.3f", row.condition_seconds) << " | "
              << format("%.0f", row.points_per_second) << " | " << mib(row.condition_peak_bytes)
              << " | " << format("%.1f", row.update_us) << " | "
              << format("%.1f", row.update_prepare_us) << " | " << format("%.1f", row.query_us)
              << " | " << format("%.1f", row.update_query_us) << " |\n";
    }
    summary << "\n"
            << ratio_line(
                   rows, [](const auto& r) { return r.update_us; }, "update")
            << ratio_line(
                   rows, [](const auto& r) { return r.update_prepare_us; }, "update+prepare")
            << ratio_line(
                   rows, [](const auto& r) { return static_cast<double>(r.condition_peak_bytes); },
                   "conditioning peak memory")
            << ratio_line(
                   rows, [](const auto& r) { return static_cast<double>(r.condition_peak_bytes); },
                   "conditioning peak memory (against 1,000 points, one full chunk)", 1000)
            << "\n";
    const bool graphed = std::any_of(rows.begin(), rows.end(), [](const auto& row) {
      return row.status == bench::RunStatus::Ok && !std::isnan(row.graph_update_prepare_us);
    });
    const auto graph_failure = std::find_if(
        rows.begin(), rows.end(), [](const auto& row) { return !row.graph_error.empty(); });
    if (graph_failure != rows.end()) summary << graph_failure->graph_error << "\n\n";
    if (graphed) {
      summary << "The same update + prepare replayed as one CUDA graph "
                 "(`graph_update_prepare_us`), against the eager path:\n\n"
              << "| N | eager µs | CUDA graph µs | eager / graph |\n|---:|---:|---:|---:|\n";
      for (const auto& row : rows) {
        if (row.status != bench::RunStatus::Ok || std::isnan(row.graph_update_prepare_us)) continue;
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
  models.sizes =
      quick ? std::vector<int64_t>{64, 256} : std::vector<int64_t>{64, 256, 1024, 4096, 16384};
  models.device = device;
  {
    auto file = open_csv("memory.csv");
    bench::write_csv_header(file, bench::CsvKind::Memory);
    summary << "## Peak memory of condition + predict(" << models.targets
            << ") (`memory.csv`; plot: `nplab --plot memory.csv --out memory.png`)\n\n"
            << "| model | N | peak MiB | status |\n|---|---:|---:|---|\n";
    for (const auto& row :
         bench::run_memory_bench(models, [&](const auto& r) { bench::write_csv_row(file, r); })) {
      summary << "| " << row.model << " | " << row.n << " | " << mib(row.peak_bytes) << " | "
              << bench::status_field(row.status, row.error) << " |\n";
    }
    summary << "\n";
  }

  say("update time per model (4/6)");
  models.sizes = quick ? std::vector<int64_t>{64, 256} : std::vector<int64_t>{64, 256, 1024, 4096};
  models.repeats = quick ? 3 : 5;
  {
    auto file = open_csv("update.csv");
    bench::write_csv_header(file, bench::CsvKind::Update);
    summary << "## One-point update + one-target prediction (`update.csv`; plot: `nplab --plot "
               "update.csv --out update.png`)\n\n"
            << "| model | N | µs |\n|---|---:|---:|\n";
    for (const auto& row :
         bench::run_update_bench(models, [&](const auto& r) { bench::write_csv_row(file, r); })) {
      summary << "| " << row.model << " | " << row.n << " | "
              << (row.status == bench::RunStatus::Ok ? format("%.1f", row.update_us)
                                                     : bench::status_field(row.status, row.error))
              << " |\n";
    }
    summary << "\n";
  }

  const auto attention_section = [&](const std::string& name, const std::string& title,
                                     bench::AttentionBenchOptions options) {
    auto file = open_csv(name);
    bench::write_csv_header(file, bench::CsvKind::Attention);
    const auto rows =
        bench::run_attention_bench(options, [&](const auto& r) { bench::write_csv_row(file, r); });
    summary << "## " << title << " (`" << name << "`)\n\n"
            << "| mode | N | queries | peak MiB | of which output MiB | s | status |\n"
            << "|---|---:|---:|---:|---:|---:|---|\n";
    for (const auto& row : rows) {
      summary << "| " << row.mode << " | " << row.n << " | " << row.queries << " | "
              << mib(row.peak_bytes) << " | " << mib(row.output_bytes) << " | "
              << format("%.3f", row.seconds) << " | " << bench::status_field(row.status, row.error)
              << " |\n";
    }
    summary << "\n";
    for (const auto& mode : options.modes) {
      std::vector<bench::AttentionRow> of_mode;
      for (const auto& row : rows) {
        if (row.mode == mode) of_mode.push_back(row);
      }
      summary << ratio_line(
                     of_mode, [](const auto& r) { return static_cast<double>(r.peak_bytes); },
                     mode + " peak")
              << ratio_line(
                     of_mode,
                     [](const auto& r) {
                       return static_cast<double>(r.peak_bytes - r.output_bytes);
                     },
                     mode + " peak without the output");
    }
    summary << "\n";
  };
  say("TNP-KR attention, 64 queries (5/6)");
  bench::AttentionBenchOptions cross;
  cross.sizes =
      quick ? std::vector<int64_t>{1000, 4000} : std::vector<int64_t>{1'000, 10'000, 100'000};
  cross.device = device;
  attention_section("attention_cross.csv",
                    "TNP-KR kernel attention: 64 target tokens attend to N context tokens", cross);
  say("TNP-KR attention, self-attention (6/6)");
  bench::AttentionBenchOptions self = cross;
  self.queries = 0;
  self.sizes =
      quick ? std::vector<int64_t>{500, 1000} : std::vector<int64_t>{1'000, 2'000, 4'000, 8'000};
  attention_section("attention_self.csv",
                    "TNP-KR kernel attention: N context tokens attend to each other", self);

  std::ofstream summary_file(dir / "summary.md");
  summary_file << summary.str();
  if (!summary_file)
    throw util::InvalidArgument("--out: cannot write " + (dir / "summary.md").string());
  std::cout << summary.str();
  say("wrote " + (dir / "summary.md").string() + " and 6 CSV files");
}

}  // namespace nplab::cli
