// Context points from and to CSV files: the facade's plain points in and out of the data layer's
// CSV format (nplab/data/csv.h, which reports bad rows by line number).

#include <ATen/ATen.h>

#include <algorithm>

#include "guarded.h"
#include "nplab/data/csv.h"
#include "nplab/facade/session.h"
#include "nplab/util/checks.h"

namespace nplab::facade {

Outcome<std::vector<ContextPoint>> read_points_csv(const std::filesystem::path& path, int dim_x,
                                                   int dim_y) {
  return detail::guarded<std::vector<ContextPoint>>("importing points", [&] {
    if (dim_x < 1 || dim_y < 1) {
      throw util::InvalidArgument("dim_x, dim_y: " + std::to_string(dim_x) + ", " +
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
    const auto dim_x = points.empty() ? 1 : static_cast<int64_t>(points.front().x.size());
    const auto dim_y = points.empty() ? 1 : static_cast<int64_t>(points.front().y.size());
    const auto count = static_cast<int64_t>(points.size());
    auto x = at::empty({count, dim_x}, at::kDouble);
    auto y = at::empty({count, dim_y}, at::kDouble);
    for (int64_t i = 0; i < count; ++i) {
      const auto& point = points[static_cast<size_t>(i)];
      if (static_cast<int64_t>(point.x.size()) != dim_x ||
          static_cast<int64_t>(point.y.size()) != dim_y) {
        throw util::InvalidArgument(
            "points[" + std::to_string(i) + "]: sizes differ from the first point's (dim_x " +
            std::to_string(dim_x) + ", dim_y " + std::to_string(dim_y) + ")");
      }
      std::copy(point.x.begin(), point.x.end(), x[i].data_ptr<double>());
      std::copy(point.y.begin(), point.y.end(), y[i].data_ptr<double>());
    }
    data::write_csv_points(path, x, y);
    return std::monostate{};
  });
}

}  // namespace nplab::facade
