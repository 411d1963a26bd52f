#include "bench_tpp.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>

#include "nplab/bench/tpp_bench.h"
#include "nplab/util/runtime.h"

namespace nplab::cli {
namespace {

/// 100000 -> "100,000".
std::string grouped(std::int64_t n) {
  const std::string digits = std::to_string(n);
  std::string text;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) text += ',';
    text += digits[i];
  }
  return text;
}

std::string times(double ratio) {
  char text[32];
  std::snprintf(text, sizeof text, ratio >= 100 ? "x%.0f" : "x%.2f", ratio);
  return text;
}

std::string ratios_line(const bench::TppGrowth& growth) {
  std::string line = growth.model + " from " + grouped(growth.from_n) + " to " +
                     grouped(growth.to_n) + " events: update time " + times(growth.update_ratio) +
                     ", peak memory " + times(growth.peak_ratio) + ", state " +
                     times(growth.state_ratio);
  if (growth.predicted_to_n > 0) {
    line += "; to " + grouped(growth.predicted_to_n) + " events (predicted, not run): update " +
            times(growth.predicted_update_ratio) + ", peak memory " +
            times(growth.predicted_peak_ratio);
  }
  return line;
}

void print_row(const bench::SweepRow& row) {
  if (row.status == bench::RunStatus::Failed) {
    std::printf("%-6s events=%-8lld %s\n", row.model.c_str(), static_cast<long long>(row.n),
                bench::status_field(row.status, row.error).c_str());
  } else if (row.status == bench::RunStatus::Skipped) {
    std::printf("%-6s events=%-8lld update %12.0f us  peak %13lld B  (not run: %s)\n",
                row.model.c_str(), static_cast<long long>(row.n), row.update_us,
                static_cast<long long>(row.peak_bytes), row.error.c_str());
  } else {
    std::printf("%-6s events=%-8lld update %12.1f us  peak %13lld B  state %11lld B  %s\n",
                row.model.c_str(), static_cast<long long>(row.n), row.update_us,
                static_cast<long long>(row.peak_bytes), static_cast<long long>(row.state_bytes),
                "ok");
  }
  std::fflush(stdout);
}

}  // namespace

std::vector<std::string> take_point_process_models(std::vector<std::string>& models) {
  std::vector<std::string> taken;
  for (const auto& name : models) {
    if (bench::is_point_process_bench_model(name)) taken.push_back(name);
  }
  std::erase_if(models, bench::is_point_process_bench_model);
  return taken;
}

void run_tpp_bench(const TppBenchRequest& request, bench::CsvKind kind) {
  bench::TppBenchOptions options;
  options.models = request.models;
  options.lengths = request.lengths;
  options.repeats = request.repeats;
  options.update_budget_seconds = request.budget_seconds;
  options.cap_bytes = request.cap_gib * static_cast<double>(std::int64_t{1} << 30);
  options.device = util::resolve_device(request.device);
  if (request.csv) {
    if (request.header) bench::write_csv_header(std::cout, kind);
  } else {
    std::cout << "point processes on " << options.device.str()
              << ": one new event (update + next-event prediction) after a history of N events; "
                 "peak = the state + the update's working memory\n";
  }
  const auto rows = bench::run_tpp_bench(options, [&](const bench::SweepRow& row) {
    if (!request.csv) {
      print_row(row);
    } else if (kind == bench::CsvKind::Update) {
      bench::write_csv_row(std::cout, bench::UpdateRow{row.model, row.n, 1, row.update_us,
                                                       row.status, row.error});
      if (row.status != bench::RunStatus::Ok) {
        std::cerr << row.model << " events=" << row.n << ": "
                  << bench::status_field(row.status, row.error) << '\n';
      }
    } else {
      bench::write_csv_row(std::cout, bench::MemoryRow{row.model, row.n, 1, row.peak_bytes,
                                                       row.status, row.error});
    }
  });
  auto& ratios = request.csv ? std::cerr : std::cout;
  for (const auto& growth : bench::tpp_growth(rows)) ratios << ratios_line(growth) << '\n';
}

}  // namespace nplab::cli
