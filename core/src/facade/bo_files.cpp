#include "nplab/facade/bo_files.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "nplab/bo/report.h"

namespace nplab::facade {
namespace {

constexpr int kColumns = 10;

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream text(line);
  std::string field;
  while (std::getline(text, field, ',')) fields.push_back(field);
  if (!line.empty() && line.back() == ',') fields.emplace_back();
  return fields;
}

}  // namespace

bool is_bo_csv(const std::string& path) {
  std::ifstream in(path);
  std::string header;
  return in && std::getline(in, header) && header == bo::kCsvHeader;
}

Outcome<RegretCurves> load_bo_csv(const std::string& path) {
  const std::string name = std::filesystem::path(path).filename().string();
  std::ifstream in(path);
  if (!in) return Outcome<RegretCurves>::failure(path + ": cannot be opened");
  std::string line;
  if (!std::getline(in, line) || line != bo::kCsvHeader) {
    return Outcome<RegretCurves>::failure(name + ":1: not a bo CSV (expected the header " +
                                          std::string(bo::kCsvHeader) + ")");
  }
  RegretCurves result;
  std::vector<std::string> order;
  std::map<std::string, std::map<int, std::vector<double>>> regrets;
  int line_number = 1;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty()) continue;
    const auto fields = split(line);
    const auto where = name + ":" + std::to_string(line_number) + ": ";
    if (static_cast<int>(fields.size()) != kColumns) {
      return Outcome<RegretCurves>::failure(where + std::to_string(fields.size()) +
                                            " fields, expected " + std::to_string(kColumns));
    }
    int step = 0;
    double regret = 0.0;
    try {
      size_t used = 0;
      step = std::stoi(fields[4], &used);
      if (used != fields[4].size() || step < 1) throw std::invalid_argument("step");
      regret = std::stod(fields[7], &used);
      if (used != fields[7].size()) throw std::invalid_argument("regret");
    } catch (const std::exception&) {
      return Outcome<RegretCurves>::failure(where + "step '" + fields[4] + "' or simple regret '" +
                                            fields[7] + "' is not a number");
    }
    const auto& surrogate = fields[0];
    if (!regrets.contains(surrogate)) order.push_back(surrogate);
    regrets[surrogate][step].push_back(regret);
    const auto same_or_several = [](std::string& kept, const std::string& value) {
      kept = kept.empty() || kept == value ? value : "several";
    };
    same_or_several(result.function, fields[1]);
    same_or_several(result.acquisition, fields[2]);
  }
  if (order.empty()) return Outcome<RegretCurves>::failure(name + ": no rows");
  for (const auto& surrogate : order) {
    RegretCurve curve;
    curve.surrogate = surrogate;
    for (const auto& [step, values] : regrets[surrogate]) {
      const auto summary = bo::mean_and_se(values);
      curve.steps.push_back(step);
      curve.mean.push_back(summary.mean);
      curve.se.push_back(summary.se);
      curve.runs = std::max(curve.runs, static_cast<int>(summary.count));
    }
    result.curves.push_back(std::move(curve));
  }
  return Outcome<RegretCurves>::success(std::move(result));
}

}  // namespace nplab::facade
