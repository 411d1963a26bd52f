// nplab-cli bo: Bayesian optimisation of a 1D function with a Neural Process, the oracle GP or
// random search as the surrogate, over several seeds; prints the mean ± standard error of the
// simple regret at steps 10, 20 and 30 and the time per step, and writes every step to a CSV.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "commands.h"
#include "nplab/bo/loop.h"
#include "nplab/bo/report.h"
#include "nplab/tpp/training.h"
#include "nplab/train/checkpoint.h"
#include "nplab/util/atomic_file.h"
#include "nplab/util/checks.h"
#include "nplab/util/runtime.h"
#include "number_checks.h"
#include "progress_line.h"

namespace nplab::cli {
namespace {

struct BoArgs {
  std::string models;  // comma-separated names or paths, or "all"
  bool oracle = false;
  bool random = false;
  std::string function;
  int64_t dim = 1;
  int64_t steps = 30;
  std::string acquisition = "ei";
  std::string seeds = "0..19";
  int64_t initial = 3;
  int64_t grid = bo::kDefaultGridPoints;
  double ucb_kappa = 2.0;
  std::string csv;
  std::string models_dir = "models";
  std::string device = "auto";
};

/// "0..19", "3", "1,4,9" (ranges and single seeds mixed by commas).
std::vector<uint64_t> parse_seeds(const std::string& text) {
  std::vector<uint64_t> seeds;
  std::stringstream items(text);
  std::string item;
  const auto number = [&text](const std::string& part) {
    if (part.empty() || part.find_first_not_of("0123456789") != std::string::npos) {
      throw util::InvalidArgument("--seeds " + text +
                                  ": expected seeds of 0 or more as A..B, N or a comma list");
    }
    return std::stoull(part);
  };
  while (std::getline(items, item, ',')) {
    const auto dots = item.find("..");
    if (dots == std::string::npos) {
      seeds.push_back(number(item));
      continue;
    }
    const auto first = number(item.substr(0, dots));
    const auto last = number(item.substr(dots + 2));
    if (last < first || last - first >= 100000) {
      throw util::InvalidArgument("--seeds " + text + ": the range " + item +
                                  " must run upwards and hold at most 100000 seeds");
    }
    for (auto seed = first; seed <= last; ++seed) seeds.push_back(seed);
  }
  if (seeds.empty()) throw util::InvalidArgument("--seeds: no seeds given");
  return seeds;
}

struct Method {
  std::string label;
  std::shared_ptr<models::NeuralProcess> model;  // null: oracle or random
  bool oracle = false;
};

std::string checkpoint_path(const std::string& name, const std::string& models_dir) {
  if (name.find('/') != std::string::npos || name.ends_with(".pt")) return name;
  return (std::filesystem::path(models_dir) / (name + ".pt")).string();
}

Method load_method(const std::string& path, const c10::Device& device) {
  if (!std::filesystem::exists(path)) {
    throw util::InvalidArgument("--model: no checkpoint at " + path);
  }
  auto checkpoint = train::load_checkpoint(path, device);
  return {std::filesystem::path(path).stem().string(), checkpoint.model, false};
}

/// Every checkpoint in the folder that holds a 1D regression Neural Process, by name.
std::vector<Method> shipped_models(const std::string& models_dir, const c10::Device& device) {
  std::vector<std::string> paths;
  if (!std::filesystem::is_directory(models_dir)) {
    throw util::InvalidArgument("--model all: no folder " + models_dir + " (see --models-dir)");
  }
  for (const auto& entry : std::filesystem::directory_iterator(models_dir)) {
    if (entry.path().extension() == ".pt") paths.push_back(entry.path().string());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<Method> methods;
  for (const auto& path : paths) {
    if (tpp::is_point_process_checkpoint(path)) continue;
    auto method = load_method(path, device);
    if (method.model->dims().dim_x == 1 && method.model->dims().dim_y == 1) {
      methods.push_back(std::move(method));
    }
  }
  return methods;
}

std::vector<Method> methods_for(const BoArgs& args, const c10::Device& device) {
  std::vector<Method> methods;
  const bool all = args.models == "all";
  if (args.oracle || all) methods.push_back({"oracle", nullptr, true});
  if (args.random || all) methods.push_back({"random", nullptr, false});
  if (all) {
    for (auto& method : shipped_models(args.models_dir, device)) methods.push_back(method);
  } else if (!args.models.empty()) {
    std::stringstream names(args.models);
    std::string name;
    while (std::getline(names, name, ',')) {
      if (!name.empty())
        methods.push_back(load_method(checkpoint_path(name, args.models_dir), device));
    }
  }
  if (methods.empty()) {
    throw util::InvalidArgument(
        "bo: name a surrogate: --model NAME[,NAME...]|all, --oracle or --random");
  }
  return methods;
}

std::string cell(const bo::MeanSE& value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.4f ± %.4f", value.mean, value.se);
  return text;
}

void print_table(const BoArgs& args, const std::vector<Method>& methods,
                 const std::vector<bo::RunRecord>& runs, size_t seeds) {
  std::printf(
      "Bayesian optimisation of %s (maximised; %lld grid points on [-2, 2]), acquisition %s, "
      "%lld starting points + %lld steps, %zu seeds (%s)\n",
      args.function.c_str(), static_cast<long long>(args.grid), args.acquisition.c_str(),
      static_cast<long long>(args.initial), static_cast<long long>(args.steps), seeds,
      args.seeds.c_str());
  std::printf("simple regret f* - max f(x_i), mean ± standard error over the seeds\n");
  const auto steps = bo::report_steps(args.steps);
  std::printf("%-10s", "surrogate");
  for (const auto step : steps) {
    std::printf("  %-19s", ("step " + std::to_string(step)).c_str());
  }
  std::printf("  %s\n", "ms/step");
  for (const auto& method : methods) {
    std::printf("%-10s", method.label.c_str());
    for (const auto step : steps) {
      // "±" is two bytes: 20 bytes fill the 19 columns of the header.
      std::printf("  %-20s", cell(bo::simple_regret_at(runs, method.label, step)).c_str());
    }
    std::printf("  %.2f\n", bo::step_milliseconds(runs, method.label).mean);
  }
}

void run_bo(const BoArgs& args) {
  if (args.dim != 1) {
    throw util::InvalidArgument("--dim " + std::to_string(args.dim) +
                                ": only 1D objectives are supported (--dim 1)");
  }
  const auto acquisition = bo::acquisition_from_name(args.acquisition);
  const auto seeds = parse_seeds(args.seeds);
  // Fails on an unknown function before any model loads.
  bo::make_objective(args.function, seeds.front(), args.grid);
  util::use_default_threads();
  const auto device = util::resolve_device(args.device);
  const auto methods = methods_for(args, device);

  std::vector<bo::RunRecord> runs;
  ProgressLine progress;
  const size_t total = seeds.size() * methods.size();
  for (const auto seed : seeds) {
    const auto objective = bo::make_objective(args.function, seed, args.grid);
    for (const auto& method : methods) {
      std::unique_ptr<bo::Surrogate> surrogate;
      if (method.oracle) {
        surrogate = std::make_unique<bo::OracleSurrogate>(objective.prior);
      } else if (method.model) {
        surrogate = std::make_unique<bo::NeuralProcessSurrogate>(method.model, method.label);
      }
      bo::LoopOptions options;
      options.acquisition = acquisition;
      options.initial_points = args.initial;
      options.ucb_kappa = args.ucb_kappa;
      options.seed = seed;
      runs.push_back({method.label, args.function, args.acquisition, seed,
                      bo::run_loop(objective, surrogate.get(), options, args.steps)});
      if (progress.due() || runs.size() == total) {
        progress.show("bo run " + std::to_string(runs.size()) + "/" + std::to_string(total), true);
      }
    }
  }
  progress.finish();
  print_table(args, methods, runs, seeds.size());
  if (!args.csv.empty()) {
    std::ostringstream text;
    bo::write_csv(text, runs);
    util::write_file_atomically(args.csv, text.str());
    std::cerr << "nplab-cli: wrote " << runs.size() << " runs to " << args.csv << '\n';
  }
}

}  // namespace

void add_bo_command(CLI::App& app) {
  auto args = std::make_shared<BoArgs>();
  auto* bo = app.add_subcommand(
      "bo",
      "Bayesian optimisation of a 1D function (maximised) with a Neural Process, the oracle GP "
      "or random search: simple regret at steps 10/20/30 over seeds, and time per step");
  bo->add_option("--model", args->models,
                 "Neural Processes: checkpoint names in --models-dir (cmanp,tnpd), paths (.pt), "
                 "or all (the oracle, random search and every 1D regression checkpoint)");
  bo->add_flag("--oracle", args->oracle,
               "The oracle GP: the true kernel and hyperparameters of a GP objective, the "
               "best-evidence fit of a classical one");
  bo->add_flag("--random", args->random, "Random search over the grid");
  std::string functions;
  for (const auto& name : bo::objective_names())
    functions += (functions.empty() ? "" : ", ") + name;
  bo->add_option("--function", args->function, "The objective: " + functions)->required();
  bo->add_option("--dim", args->dim, "Input dimension (1)")->capture_default_str();
  bo->add_option("--steps", args->steps, "Queries after the starting points")
      ->check(positive_integer())
      ->capture_default_str();
  bo->add_option("--acquisition", args->acquisition, "ei, ucb or thompson")->capture_default_str();
  bo->add_option("--seeds", args->seeds,
                 "Seeds: A..B, N or a comma list; each fixes the starting points (and a GP "
                 "objective's sample)")
      ->capture_default_str();
  bo->add_option("--initial", args->initial, "Random starting points")
      ->check(positive_integer())
      ->capture_default_str();
  bo->add_option("--grid", args->grid, "Grid points on [-2, 2]: the candidates and f*")
      ->check(positive_integer())
      ->capture_default_str();
  bo->add_option("--ucb-kappa", args->ucb_kappa, "κ of UCB = μ + κσ")
      ->check(non_negative_number())
      ->capture_default_str();
  bo->add_option("--csv", args->csv,
                 "Write every step: surrogate,function,acquisition,seed,step,x,y,simple_regret,"
                 "cumulative_regret,step_ms");
  bo->add_option("--models-dir", args->models_dir, "Where --model names are looked up")
      ->capture_default_str();
  bo->add_option("--device", args->device, "auto, cpu or cuda[:N]")->capture_default_str();
  bo->callback([args] { run_bo(*args); });
}

}  // namespace nplab::cli
