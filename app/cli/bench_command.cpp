// nplab-cli bench: the single benchmarks (cmab, memory, update, scale, attention) and the wiring
// of every bench subcommand; the CSV schema in nplab/bench/bench_csv.h, the report in
// bench_report.cpp.

#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "bench_report.h"
#include "bench_tpp.h"
#include "commands.h"
#include "nplab/bench/bench_csv.h"
#include "nplab/bench/cmab_bench.h"
#include "nplab/bench/model_bench.h"
#include "nplab/bench/scale_bench.h"
#include "nplab/bench/tpp_bench.h"
#include "nplab/util/checks.h"
#include "nplab/util/runtime.h"
#include "number_checks.h"

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
  options.device = util::resolve_device(args.device);
  if (args.csv) {
    bench::write_csv_header(std::cout, bench::CsvKind::Cmab);
  } else {
    std::cout << "CMAB on " << options.device.str() << ", update of " << args.new_points
              << " point(s), chunk " << args.chunk_size << "\n"
              << "         n   update_us   condition_peak_bytes   state_bytes\n";
  }
  bench::run_cmab_bench(options, [&](const bench::CmabBenchRow& row) {
    if (args.csv) {
      bench::write_csv_row(std::cout, row);
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
  bool sizes_given = false;   ///< --n was given (point processes: history lengths)
  bool full_history = false;  ///< point processes: 100 to 100,000 events
  double budget_seconds = 2.0;  ///< point processes: timed updates per length stop after this
};

/// The point-process half of a `bench memory|update` run: --n, or the quick or full lengths.
TppBenchRequest tpp_request(const ModelArgs& args, std::vector<std::string> models, bool header) {
  TppBenchRequest request;
  request.models = std::move(models);
  request.lengths = args.sizes_given    ? args.sizes
                    : args.full_history ? bench::full_history_lengths()
                                        : bench::quick_history_lengths();
  request.repeats = args.repeats;
  request.budget_seconds = args.budget_seconds;
  request.cap_gib = args.cap_gib;
  request.device = args.device;
  request.csv = args.csv;
  request.header = header;
  return request;
}

bench::ModelBenchOptions to_options(const ModelArgs& args) {
  bench::ModelBenchOptions options;
  options.models = args.models;
  options.sizes = args.sizes;
  options.targets = args.targets;
  options.new_points = args.new_points;
  options.cap_bytes = args.cap_gib * static_cast<double>(int64_t{1} << 30);
  options.repeats = args.repeats;
  options.device = util::resolve_device(args.device);
  return options;
}

void run_memory(ModelArgs args) {
  const auto point_processes = take_point_process_models(args.models);
  if (args.models.empty()) {
    run_tpp_bench(tpp_request(args, point_processes, true), bench::CsvKind::Memory);
    return;
  }
  const auto options = to_options(args);
  if (args.csv) {
    bench::write_csv_header(std::cout, bench::CsvKind::Memory);
  } else {
    std::cout << "peak bytes of condition + predict on " << options.device.str() << "\n";
  }
  bench::run_memory_bench(options, [&](const bench::MemoryRow& row) {
    if (args.csv) {
      bench::write_csv_row(std::cout, row);
    } else {
      std::printf("%-12s n=%-8lld targets=%-6lld %14lld bytes  %s\n", row.model.c_str(),
                  static_cast<long long>(row.n), static_cast<long long>(row.targets),
                  static_cast<long long>(row.peak_bytes),
                  row.status == bench::RunStatus::Skipped
                      ? "skipped (predicted above the cap)"
                      : bench::status_field(row.status, row.error).c_str());
      std::fflush(stdout);
    }
  });
  if (!point_processes.empty()) {
    run_tpp_bench(tpp_request(args, point_processes, false), bench::CsvKind::Memory);
  }
}

/// The update CSV says "nan" for a failed run; stderr says why.
void report_failed_update(const bench::UpdateRow& row) {
  std::cerr << row.model << " n=" << row.n << ": " << bench::status_field(row.status, row.error)
            << '\n';
}

void run_update(ModelArgs args) {
  const auto point_processes = take_point_process_models(args.models);
  if (args.models.empty()) {
    run_tpp_bench(tpp_request(args, point_processes, true), bench::CsvKind::Update);
    return;
  }
  const auto options = to_options(args);
  if (args.csv) {
    bench::write_csv_header(std::cout, bench::CsvKind::Update);
  } else {
    std::cout << "median time of one update + a one-target prediction on " << options.device.str()
              << "\n";
  }
  bench::run_update_bench(options, [&](const bench::UpdateRow& row) {
    if (args.csv) {
      bench::write_csv_row(std::cout, row);
      if (row.status != bench::RunStatus::Ok) report_failed_update(row);
    } else {
      std::printf("%-12s n=%-8lld new=%-4lld %12.1f us  %s\n", row.model.c_str(),
                  static_cast<long long>(row.n), static_cast<long long>(row.new_points),
                  row.update_us, bench::status_field(row.status, row.error).c_str());
      std::fflush(stdout);
    }
  });
  if (!point_processes.empty()) {
    run_tpp_bench(tpp_request(args, point_processes, false), bench::CsvKind::Update);
  }
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
  options.device = util::resolve_device(args.device);
  return options;
}

void print_scale_row(const bench::ScaleRow& row) {
  if (row.status != bench::RunStatus::Ok) {
    std::printf("%-8s n=%-9lld %s\n", row.model.c_str(), static_cast<long long>(row.n),
                bench::status_field(row.status, row.error).c_str());
  } else {
    std::printf(
        "%-8s n=%-9lld condition %8.3f s %10.0f pts/s peak %11lld B | update %8.1f us"
        " +prepare %8.1f us | query(%lld) %8.1f us | update+query %8.1f us\n",
        row.model.c_str(), static_cast<long long>(row.n), row.condition_seconds,
        row.points_per_second, static_cast<long long>(row.condition_peak_bytes), row.update_us,
        row.update_prepare_us, static_cast<long long>(row.targets), row.query_us,
        row.update_query_us);
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
    bench::write_csv_header(std::cout, bench::CsvKind::Scale);
  } else {
    std::cout << args.model << " on " << options.device.str() << ": conditioning, one-point edits "
              << "and queries as N grows (medians of " << args.repeats << ")\n";
  }
  bench::run_scale_bench(options, [&](const bench::ScaleRow& row) {
    if (args.csv) {
      bench::write_csv_row(std::cout, row);
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
  options.device = util::resolve_device(args.device);
  return options;
}

void run_attention(const AttentionArgs& args) {
  const auto options = to_options(args);
  if (args.csv) {
    bench::write_csv_header(std::cout, bench::CsvKind::Attention);
  } else {
    std::cout << "TNP-KR kernel attention on " << options.device.str() << ", "
              << (args.queries == 0 ? std::string("self-attention (N queries)")
                                    : std::to_string(args.queries) + " queries")
              << ": peak bytes of one call\n";
  }
  bench::run_attention_bench(options, [&](const bench::AttentionRow& row) {
    if (args.csv) {
      bench::write_csv_row(std::cout, row);
    } else {
      std::printf("%-5s n=%-9lld queries=%-9lld peak %13lld B (output %11lld B) %9.3f s  %s\n",
                  row.mode.c_str(), static_cast<long long>(row.n),
                  static_cast<long long>(row.queries), static_cast<long long>(row.peak_bytes),
                  static_cast<long long>(row.output_bytes), row.seconds,
                  row.status == bench::RunStatus::Skipped
                      ? "skipped (predicted above the cap)"
                      : bench::status_field(row.status, row.error).c_str());
      std::fflush(stdout);
    }
  });
}

void add_model_options(CLI::App& command, ModelArgs& args) {
  command
      .add_option("--models", args.models,
                  "Models (registry names or aliases); cmhp and thp are measured over history "
                  "length")
      ->delimiter(',');
  command
      .add_option("--n", args.sizes,
                  "Context sizes (cmhp, thp: events of history; default 100,1000)")
      ->delimiter(',')
      ->check(positive_integer());
  command.add_flag("--full-history", args.full_history,
                   "cmhp, thp: histories of 100, 1,000, 10,000 and 100,000 events");
  command
      .add_option("--budget", args.budget_seconds,
                  "cmhp, thp: seconds of timed updates per history length (one at least)")
      ->check(positive_number());
  command.add_option("--repeats", args.repeats, "Timed repetitions (median reported)")
      ->check(positive_integer());
  command.add_option("--device", args.device, "auto, cpu or cuda[:N]");
  command.add_flag("--csv", args.csv, "CSV output");
}

}  // namespace

void add_bench_command(CLI::App& app) {
  auto* bench =
      app.add_subcommand("bench", "Benchmarks: memory and latency, medians of repeated runs");
  bench->require_subcommand(1);

  auto args = std::make_shared<CmabArgs>();
  auto* cmab = bench->add_subcommand(
      "cmab", "One CMAB: update latency and peak conditioning memory against context size N");
  cmab->add_option("--n", args->sizes, "Context sizes")->delimiter(',')->check(positive_integer());
  cmab->add_option("--new", args->new_points, "Points per update")->check(positive_integer());
  cmab->add_option("--chunk", args->chunk_size, "Conditioning chunk size")
      ->check(positive_integer());
  cmab->add_option("--repeats", args->repeats, "Timed repetitions per N (median reported)")
      ->check(positive_integer());
  cmab->add_option("--device", args->device, "auto, cpu or cuda[:N]");
  cmab->add_flag("--csv", args->csv, "CSV: n,update_us,condition_peak_bytes");
  cmab->callback([args] { run_cmab(*args); });

  auto memory_args = std::make_shared<ModelArgs>();
  auto* memory = bench->add_subcommand(
      "memory", "Peak bytes of one condition + predict per model and context size N");
  add_model_options(*memory, *memory_args);
  memory->add_option("--targets", memory_args->targets, "Targets per prediction")
      ->check(positive_integer());
  memory
      ->add_option("--cap-gib", memory_args->cap_gib,
                   "Skip sizes predicted to need more than this (GiB)")
      ->check(positive_number());
  memory->callback([memory_args, memory] {
    memory_args->sizes_given = memory->get_option("--n")->count() > 0;
    run_memory(*memory_args);
  });

  add_bench_sweep_command(*bench);
  add_bench_stream_command(*bench);

  auto update_args = std::make_shared<ModelArgs>();
  auto* update =
      bench->add_subcommand("update", "Median time of one update per model and context size N");
  add_model_options(*update, *update_args);
  update->add_option("--new", update_args->new_points, "Points per update")
      ->check(positive_integer());
  update->callback([update_args, update] {
    update_args->sizes_given = update->get_option("--n")->count() > 0;
    run_update(*update_args);
  });

  auto scale_args = std::make_shared<ScaleArgs>();
  auto* scale = bench->add_subcommand(
      "scale",
      "One model as N grows to millions: conditioning time, throughput and peak memory, "
      "one-point edits, queries");
  scale->add_option("--model", scale_args->model, "Registry name or alias");
  scale->add_option("--n", scale_args->sizes, "Context sizes")
      ->delimiter(',')
      ->check(positive_integer());
  scale->add_option("--targets", scale_args->targets, "Targets per query")
      ->check(positive_integer());
  scale->add_option("--repeats", scale_args->repeats, "Timed repetitions (median reported)")
      ->check(positive_integer());
  scale
      ->add_option("--cap-gib", scale_args->cap_gib,
                   "Skip sizes predicted to need more than this (GiB)")
      ->check(positive_number());
  scale->add_option("--device", scale_args->device, "auto, cpu or cuda[:N]");
  scale->add_flag("--csv", scale_args->csv, "CSV output");
  scale->callback([scale_args] { run_scale(*scale_args); });

  auto attention_args = std::make_shared<AttentionArgs>();
  auto* attention = bench->add_subcommand(
      "attention", "TNP-KR kernel attention (scan, full, dka): peak memory of one call against N");
  attention->add_option("--modes", attention_args->modes, "scan, full, dka")->delimiter(',');
  attention->add_option("--n", attention_args->sizes, "Context sizes")
      ->delimiter(',')
      ->check(positive_integer());
  attention
      ->add_option("--queries", attention_args->queries, "Query tokens (0: self-attention, all N)")
      ->check(non_negative_integer());
  attention->add_option("--chunk", attention_args->chunk, "Scan chunk")->check(positive_integer());
  attention
      ->add_option("--cap-gib", attention_args->cap_gib,
                   "Skip sizes predicted to need more than this (GiB)")
      ->check(positive_number());
  attention->add_option("--device", attention_args->device, "auto, cpu or cuda[:N]");
  attention->add_flag("--csv", attention_args->csv, "CSV output");
  attention->callback([attention_args] { run_attention(*attention_args); });

  auto report_args = std::make_shared<BenchReportArgs>();
  auto* report = bench->add_subcommand(
      "report", "The standard sweep: one CSV per benchmark and a Markdown summary in --out");
  report->add_option("--out", report_args->out, "Folder for the CSV files and summary.md")
      ->required();
  report->add_option("--device", report_args->device, "auto, cpu or cuda[:N]");
  report->add_flag("--quick", report_args->quick, "Small sizes and few repeats (a smoke test)");
  report->callback([report_args] { run_bench_report(*report_args); });
}

}  // namespace nplab::cli
