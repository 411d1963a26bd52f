#pragma once
// Surrogates of a Bayesian-optimisation loop: a model of f from the points seen so far, queried
// for predictive marginals (and draws, for Thompson sampling) on the candidate grid.
//
//   NeuralProcessSurrogate  any NeuralProcess (a shipped checkpoint): condition() on the starting
//                           points, then update() with each new point, the contract's update:
//                           for CMANP a constant-time merge into its fixed-size state, for the
//                           other models a re-encoding of the stored context.
//   OracleSurrogate         exact GP regression with a given prior (data/oracle_gp.h): the true
//                           kernel and hyperparameters of a GP objective.
// Random search has no surrogate; the loop handles it (loop.h).

#include <ATen/ATen.h>
#include <ATen/core/Generator.h>

#include <memory>
#include <string>

#include "nplab/data/gp.h"
#include "nplab/models/neural_process.h"

namespace nplab::bo {

class Surrogate {
 public:
  virtual ~Surrogate() = default;
  virtual std::string name() const = 0;
  /// Forgets everything and conditions on x, y (float64 [N], N >= 1).
  virtual void condition(const at::Tensor& x, const at::Tensor& y) = 0;
  /// Adds one observation.
  virtual void observe(double x, double y) = 0;
  /// Predictive mean and std (float64 [G]) at candidates (float64 [G]).
  virtual models::Prediction predict(const at::Tensor& candidates) = 0;
  /// One draw of f at the candidates (float64 [G]). The default draws each candidate
  /// independently from its predictive marginal.
  virtual at::Tensor sample(const at::Tensor& candidates, at::Generator& generator);
  /// Observations conditioned on so far.
  virtual int64_t count() const = 0;
};

class NeuralProcessSurrogate : public Surrogate {
 public:
  /// `label` names the model in tables (the checkpoint's file stem, say).
  NeuralProcessSurrogate(std::shared_ptr<models::NeuralProcess> model, std::string label);
  std::string name() const override { return label_; }
  void condition(const at::Tensor& x, const at::Tensor& y) override;
  void observe(double x, double y) override;
  models::Prediction predict(const at::Tensor& candidates) override;
  int64_t count() const override;

 private:
  at::Tensor as_points(const at::Tensor& values) const;  // float64 [N] -> model's [1, N, 1]

  std::shared_ptr<models::NeuralProcess> model_;
  std::string label_;
  std::unique_ptr<models::ModelState> state_;
};

class OracleSurrogate : public Surrogate {
 public:
  explicit OracleSurrogate(data::GPPrior prior, std::string label = "oracle");
  std::string name() const override { return label_; }
  void condition(const at::Tensor& x, const at::Tensor& y) override;
  void observe(double x, double y) override;
  models::Prediction predict(const at::Tensor& candidates) override;
  /// A draw from the joint posterior over the candidates (f, without observation noise).
  at::Tensor sample(const at::Tensor& candidates, at::Generator& generator) override;
  int64_t count() const override { return static_cast<int64_t>(x_.size()); }

 private:
  data::GPPrior prior_;
  std::string label_;
  std::vector<double> x_, y_;
};

}  // namespace nplab::bo
