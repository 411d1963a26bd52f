#pragma once
// Argument validation shared by the core: every public entry point checks its tensors and throws
// an exception that names the argument and the offending shape or value, never a crash or a NaN.

#include <ATen/ATen.h>

#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>

namespace nplab::util {

/// Thrown for a bad argument; the message names the argument and what was wrong with it.
class InvalidArgument : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// "[2, 5, 1]" for a tensor of that shape, "undefined" for an undefined tensor.
std::string shape_string(const at::Tensor& tensor);

/// Requires `tensor` to be defined with `rank` dimensions.
void check_rank(const at::Tensor& tensor, std::string_view name, int64_t rank);

/// Requires a floating point dtype (float32 or float64).
void check_floating(const at::Tensor& tensor, std::string_view name);

/// Requires every element to be finite; reports the first bad value and its index. For a slice of
/// a larger tensor, `offset_dim1` is added to the reported index in dimension 1.
void check_finite(const at::Tensor& tensor, std::string_view name, int64_t offset_dim1 = 0);

/// Requires `tensor.size(dim) == expected`.
void check_size(const at::Tensor& tensor, std::string_view name, int64_t dim, int64_t expected);

/// Requires `a` and `b` to share dtype and device.
void check_same_dtype_device(const at::Tensor& a, std::string_view name_a, const at::Tensor& b,
                             std::string_view name_b);

/// Requires a [B, N, dim] float tensor with N >= min_points and, if `check_values`, finite values
/// (callers that stream a large tensor in chunks check each chunk instead, in bounded memory).
void check_point_set(const at::Tensor& tensor, std::string_view name, int64_t dim,
                     int64_t min_points = 1, bool check_values = true);

}  // namespace nplab::util
