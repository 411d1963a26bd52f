#include "nplab/util/checks.h"

#include <sstream>
#include <vector>

namespace nplab {

std::string shape_string(const at::Tensor& tensor) {
  if (!tensor.defined()) return "undefined";
  std::ostringstream out;
  out << '[';
  for (int64_t d = 0; d < tensor.dim(); ++d) out << (d ? ", " : "") << tensor.size(d);
  out << ']';
  return out.str();
}

void check_rank(const at::Tensor& tensor, std::string_view name, int64_t rank) {
  if (!tensor.defined()) throw InvalidArgument(std::string(name) + ": tensor is undefined");
  if (tensor.dim() != rank) {
    throw InvalidArgument(std::string(name) + ": expected " + std::to_string(rank) +
                          " dimensions, got shape " + shape_string(tensor));
  }
}

void check_floating(const at::Tensor& tensor, std::string_view name) {
  const auto dtype = tensor.scalar_type();
  if (dtype != at::kFloat && dtype != at::kDouble) {
    throw InvalidArgument(std::string(name) + ": expected float32 or float64, got " +
                          std::string(c10::toString(dtype)));
  }
}

void check_finite(const at::Tensor& tensor, std::string_view name, int64_t offset_dim1) {
  if (tensor.numel() == 0) return;
  const auto finite = at::isfinite(tensor);
  if (finite.all().item<bool>()) return;
  int64_t flat_index = (~finite).flatten().nonzero()[0][0].item<int64_t>();
  const auto value = tensor.flatten()[flat_index].item<double>();
  // Unravel the flat index into a multi-index.
  std::vector<int64_t> index(tensor.dim());
  for (int64_t d = tensor.dim() - 1; d >= 0; --d) {
    index[d] = flat_index % tensor.size(d);
    flat_index /= tensor.size(d);
  }
  if (tensor.dim() > 1) index[1] += offset_dim1;
  std::ostringstream out;
  out << name << ": non-finite value " << value << " at index [";
  for (size_t d = 0; d < index.size(); ++d) out << (d ? ", " : "") << index[d];
  out << "]";
  throw InvalidArgument(out.str());
}

void check_size(const at::Tensor& tensor, std::string_view name, int64_t dim, int64_t expected) {
  if (tensor.size(dim) != expected) {
    throw InvalidArgument(std::string(name) + ": expected size " + std::to_string(expected) +
                          " in dimension " + std::to_string(dim) + ", got shape " +
                          shape_string(tensor));
  }
}

void check_same_dtype_device(const at::Tensor& a, std::string_view name_a, const at::Tensor& b,
                             std::string_view name_b) {
  if (a.scalar_type() != b.scalar_type()) {
    throw InvalidArgument(std::string(name_b) + ": dtype " +
                          std::string(c10::toString(b.scalar_type())) + " differs from " +
                          std::string(name_a) + "'s " +
                          std::string(c10::toString(a.scalar_type())));
  }
  if (a.device() != b.device()) {
    throw InvalidArgument(std::string(name_b) + ": device " + b.device().str() + " differs from " +
                          std::string(name_a) + "'s " + a.device().str());
  }
}

void check_point_set(const at::Tensor& tensor, std::string_view name, int64_t dim,
                     int64_t min_points, bool check_values) {
  check_rank(tensor, name, 3);
  check_floating(tensor, name);
  check_size(tensor, name, 2, dim);
  if (tensor.size(1) < min_points) {
    throw InvalidArgument(std::string(name) + ": needs at least " + std::to_string(min_points) +
                          " point(s), got shape " + shape_string(tensor));
  }
  if (check_values) check_finite(tensor, name);
}

}  // namespace nplab
