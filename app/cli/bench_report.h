#pragma once
// `nplab-cli bench report`: the standard sweep (cmab, scale, memory, update, attention x2), one
// CSV per benchmark and a Markdown summary with the ratios, in one folder.

#include <string>

namespace nplab::cli {

struct BenchReportArgs {
  std::string out;
  std::string device = "auto";
  bool quick = false;
};

/// Runs the sweep on args.device and writes args.out/{cmab,scale,memory,update,attention_cross,
/// attention_self}.csv and summary.md (also printed). Throws InvalidArgument for an unusable --out.
void run_bench_report(const BenchReportArgs& args);

}  // namespace nplab::cli
