#include "nplab/data/gp.h"

#include <ATen/CPUGeneratorImpl.h>

#include <array>
#include <cmath>
#include <numbers>
#include <utility>

#include "nplab/util/checks.h"

namespace nplab::data {
namespace {

constexpr std::array<std::pair<std::string_view, KernelKind>, 3> kKernelNames{{
    {"rbf", KernelKind::RBF},
    {"matern", KernelKind::Matern52},
    {"periodic", KernelKind::Periodic},
}};
constexpr std::string_view kStudentTName = "tnoise";

/// low + (high - low) U(0, 1), float64 [count] on the CPU.
at::Tensor uniform(const Range& range, int64_t count, at::Generator& generator) {
  return range.low + (range.high - range.low) * at::rand({count}, generator, at::kDouble);
}

void check_range(const Range& range, const char* name, double min_low) {
  if (!(range.low >= min_low && range.high >= range.low && std::isfinite(range.high))) {
    throw util::InvalidArgument(
        std::string("GP sampler: ") + name + " range [" + std::to_string(range.low) + ", " +
        std::to_string(range.high) +
        "] must be finite, ordered, and start at >= " + std::to_string(min_low));
  }
}

void check_cpu_generator(const at::Generator& generator, const char* where) {
  if (!generator.defined() || generator.device().type() != c10::kCPU) {
    throw util::InvalidArgument(std::string(where) + ": expected a CPU generator");
  }
}

void check_per_task(const at::Tensor& values, const char* name, int64_t batch) {
  if (!values.defined() || values.dim() != 1 || (values.size(0) != batch && values.size(0) != 1)) {
    throw util::InvalidArgument(std::string("kernel hyperparameter ") + name +
                                ": expected shape [" + std::to_string(batch) + "] or [1], got " +
                                util::shape_string(values));
  }
}

/// A hyperparameter tensor [B] or [1] as [B or 1, 1, 1] float64 on `device`.
at::Tensor per_task(const at::Tensor& values, const c10::Device& device) {
  return values.to(device, at::kDouble).view({-1, 1, 1});
}

/// F with F Fᵀ = K for symmetric PSD K [B, N, N]: Cholesky, or, when K is numerically singular
/// (a noise-free kernel on a dense grid), the eigendecomposition with negative eigenvalues clipped.
at::Tensor covariance_factor(const at::Tensor& covariance) {
  auto [lower, info] = at::linalg_cholesky_ex(covariance);
  if (info.eq(0).all().item<bool>()) return lower;
  auto [eigenvalues, eigenvectors] = at::linalg_eigh(covariance);
  return eigenvectors * eigenvalues.clamp_min(0.0).sqrt().unsqueeze(-2);
}

/// Student-t(dof) draws of `shape`: z / sqrt(chi²_dof / dof), chi²_dof = 2 Gamma(dof / 2).
at::Tensor student_t(at::IntArrayRef shape, double dof, at::Generator& generator) {
  const auto normal = at::randn(shape, generator, at::kDouble);
  const auto chi_squared =
      2.0 * at::_standard_gamma(at::full(shape, dof / 2.0, at::kDouble), generator);
  return normal * at::rsqrt(chi_squared / dof);
}

}  // namespace

KernelHyperparameters KernelHyperparameters::constant(const KernelParams& params, int64_t batch) {
  if (batch < 1) throw util::InvalidArgument("KernelHyperparameters: batch must be >= 1");
  return {at::full({batch}, params.lengthscale, at::kDouble),
          at::full({batch}, params.scale, at::kDouble),
          at::full({batch}, params.period, at::kDouble)};
}

KernelParams KernelHyperparameters::task(int64_t index) const {
  const auto pick = [index](const at::Tensor& values) {
    return values[values.size(0) == 1 ? 0 : index].item<double>();
  };
  if (index < 0 || index >= batch()) {
    throw util::InvalidArgument("KernelHyperparameters::task: index " + std::to_string(index) +
                                " outside [0, " + std::to_string(batch()) + ")");
  }
  return {pick(lengthscale), pick(scale), pick(period)};
}

void KernelHyperparameters::check(int64_t batch) const {
  check_per_task(lengthscale, "lengthscale", batch);
  check_per_task(scale, "scale", batch);
  check_per_task(period, "period", batch);
}

KernelHyperparameters KernelHyperparameters::to(const c10::Device& device) const {
  return {lengthscale.to(device), scale.to(device), period.to(device)};
}

void GPSamplerOptions::validate() const {
  counts.validate();
  if (dim_x < 1) {
    throw util::InvalidArgument("GP sampler: dim_x must be >= 1, got " + std::to_string(dim_x));
  }
  if (!(x_range.high > x_range.low)) {
    throw util::InvalidArgument("GP sampler: x_range must have low < high");
  }
  check_range(lengthscale, "lengthscale", 1e-6);
  check_range(scale, "scale", 0.0);
  check_range(period, "period", 1e-6);
  if (!(noise_std >= 0.0)) throw util::InvalidArgument("GP sampler: noise_std must be >= 0");
  if (!(t_noise_max_scale >= 0.0 && t_noise_dof > 0.0)) {
    throw util::InvalidArgument(
        "GP sampler: t-noise scale must be >= 0 and degrees of freedom > 0");
  }
}

GPSamplerOptions gp_options_for(std::string_view name) {
  GPSamplerOptions options;
  if (name == kStudentTName) {
    options.student_t_noise = true;
    return options;
  }
  for (const auto& [known, kernel] : kKernelNames) {
    if (name == known) {
      options.kernel = kernel;
      return options;
    }
  }
  std::string known_names;
  for (const auto& known : gp_task_names()) {
    known_names += (known_names.empty() ? "" : ", ") + known;
  }
  throw util::InvalidArgument("GP task family '" + std::string(name) +
                              "' is unknown; known: " + known_names);
}

std::vector<std::string> gp_task_names() {
  std::vector<std::string> names;
  for (const auto& [name, kernel] : kKernelNames) names.emplace_back(name);
  names.emplace_back(kStudentTName);
  return names;
}

std::string_view kernel_name(KernelKind kernel) {
  for (const auto& [name, known] : kKernelNames) {
    if (known == kernel) return name;
  }
  return "unknown";
}

at::Tensor kernel_matrix(KernelKind kernel, const at::Tensor& x1, const at::Tensor& x2,
                         const KernelHyperparameters& hyper) {
  util::check_rank(x1, "x1", 3);
  util::check_rank(x2, "x2", 3);
  util::check_floating(x1, "x1");
  util::check_floating(x2, "x2");
  util::check_size(x2, "x2", 0, x1.size(0));
  util::check_size(x2, "x2", 2, x1.size(2));
  const int64_t batch = x1.size(0);
  const auto device = x1.device();
  hyper.check(batch);
  const auto lengthscale = per_task(hyper.lengthscale, device);
  const auto scale = per_task(hyper.scale, device);
  // [B, N, M, dx] differences, as the reference's x.unsqueeze(-2) - x.unsqueeze(-3).
  const auto difference = x1.to(at::kDouble).unsqueeze(2) - x2.to(device, at::kDouble).unsqueeze(1);
  const auto variance = scale.square();
  switch (kernel) {
    case KernelKind::RBF: {
      const auto squared = (difference / lengthscale.unsqueeze(-1)).square().sum(-1);
      return variance * at::exp(-0.5 * squared);
    }
    case KernelKind::Matern52: {
      const double root5 = std::sqrt(5.0);
      const auto r = (difference / lengthscale.unsqueeze(-1)).square().sum(-1).sqrt();
      return variance * (1.0 + root5 * r + (5.0 / 3.0) * r.square()) * at::exp(-root5 * r);
    }
    case KernelKind::Periodic: {
      const auto period = per_task(hyper.period, device);
      // The reference sums |d| over dimensions (an L1 distance) inside the sine.
      const auto distance = difference.abs().sum(-1);
      const auto sine = at::sin(std::numbers::pi * distance / period) / lengthscale;
      return variance * at::exp(-2.0 * sine.square());
    }
  }
  throw util::InvalidArgument("kernel_matrix: unknown kernel kind");
}

at::Tensor sample_gp_values(KernelKind kernel, const at::Tensor& x,
                            const KernelHyperparameters& hyper, double noise_std,
                            at::Generator& generator) {
  check_cpu_generator(generator, "sample_gp_values");
  if (!(noise_std >= 0.0)) throw util::InvalidArgument("sample_gp_values: noise_std must be >= 0");
  util::check_rank(x, "x", 3);
  const int64_t points = x.size(1);
  auto covariance = kernel_matrix(kernel, x, x, hyper);
  covariance.diagonal(0, -2, -1).add_(noise_std * noise_std);
  const auto normal = at::randn({x.size(0), points, 1}, generator, at::kDouble).to(x.device());
  return at::matmul(covariance_factor(covariance), normal);
}

at::Tensor sample_gp_function(KernelKind kernel, const KernelParams& params, const at::Tensor& grid,
                              at::Generator& generator, double noise_std) {
  if (!grid.defined() || grid.dim() < 1 || grid.dim() > 2 || grid.size(0) < 1) {
    throw util::InvalidArgument(
        "sample_gp_function: grid must be [N] or [N, dx] with N >= 1, got " +
        util::shape_string(grid));
  }
  util::check_floating(grid, "grid");
  util::check_finite(grid, "grid");
  const auto x = (grid.dim() == 1 ? grid.unsqueeze(-1) : grid).unsqueeze(0);
  const auto hyper = KernelHyperparameters::constant(params);
  auto values = sample_gp_values(kernel, x, hyper, 0.0, generator).view({-1});
  if (noise_std > 0.0) {
    const auto noise = at::randn({values.size(0)}, generator, at::kDouble).to(values.device());
    values = values + noise_std * noise;
  }
  return values;
}

at::Tensor sample_gp_function(KernelKind kernel, const KernelParams& params, const at::Tensor& grid,
                              uint64_t seed, double noise_std) {
  auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  return sample_gp_function(kernel, params, grid, generator, noise_std);
}

GPSampler::GPSampler(GPSamplerOptions options, uint64_t seed)
    : GPSampler(std::move(options), at::make_generator<at::CPUGeneratorImpl>(seed)) {}

GPSampler::GPSampler(GPSamplerOptions options, at::Generator generator)
    : options_(std::move(options)), generator_(std::move(generator)) {
  options_.validate();
  check_cpu_generator(generator_, "GPSampler");
}

KernelHyperparameters GPSampler::sample_hyperparameters(int64_t batch_size) {
  KernelHyperparameters hyper;
  hyper.lengthscale = uniform(options_.lengthscale, batch_size, generator_);
  hyper.scale = uniform(options_.scale, batch_size, generator_);
  // The period means nothing to the other kernels; it stays 0 there.
  hyper.period = options_.kernel == KernelKind::Periodic
                     ? uniform(options_.period, batch_size, generator_)
                     : at::zeros({batch_size}, at::kDouble);
  return hyper;
}

GPTasks GPSampler::sample(int64_t batch_size, const at::TensorOptions& output) {
  const auto counts = sample_task_counts(options_.counts, generator_);
  return sample(batch_size, counts, output);
}

GPTasks GPSampler::sample(int64_t batch_size, TaskCounts counts, const at::TensorOptions& output) {
  if (batch_size < 1) {
    throw util::InvalidArgument("GPSampler::sample: batch_size must be >= 1, got " +
                                std::to_string(batch_size));
  }
  if (counts.context < 0 || counts.target < 1) {
    throw util::InvalidArgument(
        "GPSampler::sample: need >= 0 context and >= 1 target points, got " +
        std::to_string(counts.context) + " and " + std::to_string(counts.target));
  }
  const int64_t points = counts.total();
  const auto x = options_.x_range.low + (options_.x_range.high - options_.x_range.low) *
                                            at::rand({batch_size, points, options_.dim_x},
                                                     generator_, at::kDouble);
  auto hyper = sample_hyperparameters(batch_size);
  auto y = sample_gp_values(options_.kernel, x, hyper, options_.noise_std, generator_);
  if (options_.student_t_noise) {
    const auto noise_scale =
        options_.t_noise_max_scale * at::rand({batch_size, points, 1}, generator_, at::kDouble);
    y = y + noise_scale * student_t({batch_size, points, 1}, options_.t_noise_dof, generator_);
  }
  const auto take = [&](const at::Tensor& values, int64_t start, int64_t length) {
    return values.narrow(1, start, length).to(output).contiguous();
  };
  GPTasks tasks;
  tasks.batch = {take(x, 0, counts.context), take(y, 0, counts.context),
                 take(x, counts.context, counts.target), take(y, counts.context, counts.target)};
  tasks.prior = {options_.kernel, hyper.to(tasks.batch.xt.device()), options_.noise_std};
  tasks.student_t_noise = options_.student_t_noise;
  return tasks;
}

}  // namespace nplab::data
