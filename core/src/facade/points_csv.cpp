// Context points from and to CSV files, through the data layer's reader (which reports bad rows
// by line number).

#include <ATen/ATen.h>

#include <sstream>

#include "guarded.h"
#include "nplab/data/csv.h"
#include "nplab/facade/session.h"
#include "nplab/util/atomic_file.h"
#include "nplab/util/checks.h"

namespace nplab {
namespace {

std::string header_for(int dim_x, int dim_y) {
  if (dim_x == 1 && dim_y == 1) return "x,y";
  std::ostringstream header;
  for (int i = 0; i < dim_x; ++i) header << 'x' << i << ',';
  for (int i = 0; i < dim_y; ++i) header << 'y' << i << (i + 1 < dim_y ? "," : "");
  return header.str();
}

}  // namespace

Outcome<std::vector<ContextPoint>> read_points_csv(const std::filesystem::path& path, int dim_x,
                                                   int dim_y) {
  return detail::guarded<std::vector<ContextPoint>>("importing points", [&] {
    if (dim_x < 1 || dim_y < 1) {
      throw InvalidArgument("dim_x, dim_y: " + std::to_string(dim_x) + ", " +
                            std::to_string(dim_y) + " (must be at least 1)");
    }
    const auto table = data::read_csv_points(path, dim_x + dim_y, at::kDouble);
    const auto values = table.values.contiguous();
    const auto rows = values.size(1);
    const auto columns = values.size(2);
    const double* data = values.data_ptr<double>();
    std::vector<ContextPoint> points(static_cast<size_t>(rows));
    for (int64_t row = 0; row < rows; ++row) {
      const double* first = data + row * columns;
      points[row].x.assign(first, first + dim_x);
      points[row].y.assign(first + dim_x, first + columns);
    }
    return points;
  });
}

Status write_points_csv(const std::filesystem::path& path,
                        const std::vector<ContextPoint>& points) {
  return detail::guarded<std::monostate>("exporting points", [&] {
    const int dim_x = points.empty() ? 1 : static_cast<int>(points.front().x.size());
    const int dim_y = points.empty() ? 1 : static_cast<int>(points.front().y.size());
    std::ostringstream out;
    out.precision(17);  // doubles read back exactly
    out << header_for(dim_x, dim_y) << '\n';
    for (size_t i = 0; i < points.size(); ++i) {
      const auto& point = points[i];
      if (static_cast<int>(point.x.size()) != dim_x || static_cast<int>(point.y.size()) != dim_y) {
        throw InvalidArgument("points[" + std::to_string(i) +
                              "]: sizes differ from the first "
                              "point's (dim_x " +
                              std::to_string(dim_x) + ", dim_y " + std::to_string(dim_y) + ")");
      }
      const char* separator = "";
      for (const auto* values : {&point.x, &point.y}) {
        for (const double value : *values) {
          out << separator << value;
          separator = ",";
        }
      }
      out << '\n';
    }
    util::write_file_atomically(path, out.str());
    return std::monostate{};
  });
}

}  // namespace nplab
