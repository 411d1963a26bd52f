#include "nplab/facade/bench_files.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "nplab/util/atomic_file.h"

namespace nplab::facade {

Outcome<bench::BenchCsv> load_bench_csv(const std::string& path) {
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) {
    return Outcome<bench::BenchCsv>::failure(path + ": is a folder, not a CSV file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Outcome<bench::BenchCsv>::failure(path + ": " + std::strerror(errno));
  try {
    return Outcome<bench::BenchCsv>::success(
        bench::read_bench_csv(in, std::filesystem::path(path).filename().string()));
  } catch (const std::exception& error) {
    return Outcome<bench::BenchCsv>::failure(error.what());
  }
}

std::string save_sweep_csv(const std::string& path, const std::vector<BenchPoint>& points) {
  try {
    std::ostringstream out;
    bench::write_csv_header(out, bench::CsvKind::Sweep);
    for (const auto& point : points) bench::write_csv_row(out, point);
    util::write_file_atomically(path, out.str());
    return {};
  } catch (const std::exception& error) {
    return error.what();
  }
}

}  // namespace nplab::facade
