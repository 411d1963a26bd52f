#include "nplab/util/checks.h"

#include <algorithm>
#include <sstream>
#include <vector>

namespace nplab::util {

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

namespace {

// Reports the first non-finite element of `tensor` (which has one) by its multi-index.
[[noreturn]] void report_non_finite(const at::Tensor& tensor, std::string_view name,
                                    int64_t offset_dim1) {
  const auto finite = at::isfinite(tensor);
  int64_t flat_index = (~finite).flatten().nonzero()[0][0].item<int64_t>();
  const auto value = tensor.flatten()[flat_index].item<double>();
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

}  // namespace

void check_finite(const at::Tensor& tensor, std::string_view name, int64_t offset_dim1) {
  if (tensor.numel() == 0) return;
  if (tensor.dim() < 2) {
    if (!at::isfinite(tensor).all().item<bool>()) report_non_finite(tensor, name, offset_dim1);
    return;
  }
  // Slices along dimension 1 keep the temporary mask small however large the tensor is (the
  // memory benchmarks condition on a million points and must not see an O(N) check).
  constexpr int64_t kSliceElements = int64_t{1} << 14;
  const int64_t row_elements = std::max<int64_t>(1, tensor.numel() / tensor.size(1));
  const int64_t rows = std::max<int64_t>(1, kSliceElements / row_elements);
  for (int64_t start = 0; start < tensor.size(1); start += rows) {
    const auto slice = tensor.narrow(1, start, std::min(rows, tensor.size(1) - start));
    if (!at::isfinite(slice).all().item<bool>()) {
      report_non_finite(slice, name, offset_dim1 + start);
    }
  }
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

}  // namespace nplab::util
