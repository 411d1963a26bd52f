// nplab-cli eval: context and target log-likelihood of a checkpoint (or of the oracle GP) over a
// fixed, seeded stream of tasks; --write-card stores the result in the checkpoint's model card.

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "commands.h"
#include "nplab/tpp/training.h"
#include "nplab/train/checkpoint.h"
#include "nplab/train/evaluation.h"
#include "nplab/train/task_data.h"
#include "nplab/util/checks.h"
#include "nplab/util/runtime.h"
#include "number_checks.h"
#include "progress_line.h"
#include "tpp_commands.h"

namespace nplab::cli {
namespace {

struct EvalArgs {
  std::string checkpoint;
  std::string data;
  int64_t batches = 3000;
  int64_t batch_size = 16;
  uint64_t seed = 0;
  bool json = false;
  bool oracle = false;
  bool poisson_baseline = false;  // point processes: the refitted-Poisson floor
  bool write_card = false;
  bool write_check = false;
  std::string device = "auto";
  std::string fmnist_dir = data::kFashionMnistDir;
  int64_t whole_images = -1;     // -1: 100 for image data, none for GP data
  int64_t sequences = 1000;      // point processes: sequences scored
  int64_t sequence_length = 64;  // point processes: events per synthetic sequence
  int64_t marks = 3;             // point processes: K of the oracle's processes
};

void run_tpp_eval(const EvalArgs& args) {
  TppEvalRequest request;
  request.checkpoint = args.checkpoint;
  request.data = args.data;
  request.sequences = args.sequences;
  request.sequence_length = args.sequence_length;
  request.batch_size = args.batch_size;
  request.marks = args.marks;
  request.seed = args.seed;
  request.oracle = args.oracle;
  request.poisson_baseline = args.poisson_baseline;
  request.json = args.json;
  request.write_card = args.write_card;
  request.device = args.device;
  cli::run_tpp_eval(request);
}

void run_eval(const EvalArgs& args) {
  if (is_point_process_data(args.data)) {
    if (args.write_check) {
      throw std::runtime_error("--write-check: point-process checkpoints have no check yet");
    }
    run_tpp_eval(args);
    return;
  }
  util::use_default_threads();
  const auto device = util::resolve_device(args.device);
  const auto spec = train::parse_data_spec(args.data, /*evaluation=*/true);

  std::optional<train::Checkpoint> checkpoint;
  train::TaskScorer scorer;
  at::TensorOptions task_options;
  std::string scored;
  if (args.oracle) {
    if (spec.family != train::TaskFamily::GP) {
      throw util::InvalidArgument(
          "--oracle: needs GP data (gp-rbf, gp-matern, gp-periodic, gp-tnoise), "
          "got --data " +
          args.data);
    }
    scorer = train::oracle_scorer();
    // The oracle scores the tasks as drawn, in float64.
    task_options = at::TensorOptions().dtype(at::kDouble).device(device);
    scored = "oracle GP";
  } else {
    if (tpp::is_point_process_checkpoint(args.checkpoint)) {
      throw util::InvalidArgument("--checkpoint " + args.checkpoint +
                                  " holds a point-process model: evaluate it on --data tpp-hawkes, "
                                  "tpp-selfcorrecting, tpp-poisson or an event CSV");
    }
    checkpoint = train::load_checkpoint(args.checkpoint, device);
    auto& model = *checkpoint->model;
    if (model.dims().dim_x != spec.dim_x() || model.dims().dim_y != spec.dim_y()) {
      throw util::InvalidArgument(
          "--data " + args.data + ": tasks have dim_x " + std::to_string(spec.dim_x()) +
          ", dim_y " + std::to_string(spec.dim_y()) + ", but the model in " + args.checkpoint +
          " takes dim_x " + std::to_string(model.dims().dim_x) + ", dim_y " +
          std::to_string(model.dims().dim_y));
    }
    scorer = train::model_scorer(model);
    task_options = model.tensor_options();
    scored = model.name() + " (" + args.checkpoint + ")";
  }

  const bool images = spec.family == train::TaskFamily::Image;
  if (args.whole_images > 0 && !images) {
    throw util::InvalidArgument("--whole-images: needs image data, got --data " + args.data);
  }
  if (args.whole_images > 0 && args.oracle) {
    throw util::InvalidArgument("--whole-images: scores a model, not the oracle");
  }
  const int64_t whole_images = args.whole_images >= 0 ? args.whole_images : (images ? 100 : 0);

  const auto stream =
      train::eval_task_stream(spec, args.seed, args.batch_size, task_options, args.fmnist_dir);
  ProgressLine progress;
  const auto result =
      train::evaluate(*stream, args.batches, scorer, [&](int64_t done, int64_t total) {
        if (progress.due() || done == total) {
          progress.show("eval batch " + std::to_string(done) + "/" + std::to_string(total), true);
        }
        return true;
      });
  progress.finish();

  auto report = result.to_json();
  std::optional<train::WholeImageResult> whole;
  if (whole_images > 0 && checkpoint) {
    const auto eval_images = train::load_fashion_mnist_images(spec, args.fmnist_dir);
    whole = train::evaluate_whole_images(*checkpoint->model, eval_images,
                                         std::min<int64_t>(whole_images, eval_images.size(0)));
    report["whole_image"] = whole->to_json();
  }
  report["data"] = args.data;
  report["seed"] = args.seed;
  report["batches"] = args.batches;
  report["batch_size"] = args.batch_size;
  if (args.json) {
    std::cout << report.dump() << std::endl;
  } else {
    std::printf("%s on %s: %lld tasks (%lld batches of %lld, seed %llu)\n", scored.c_str(),
                args.data.c_str(), static_cast<long long>(result.tasks),
                static_cast<long long>(args.batches), static_cast<long long>(args.batch_size),
                static_cast<unsigned long long>(args.seed));
    std::printf("  context log-likelihood  %9.4f ± %.4f\n", result.ctx_ll, result.ctx_ll_se);
    std::printf("  target  log-likelihood  %9.4f ± %.4f\n", result.tar_ll, result.tar_ll_se);
    std::printf(
        "  (± one standard error over the %lld batch means; over tasks it would read "
        "± %.4f / %.4f, but the tasks of a batch share their point counts)\n",
        static_cast<long long>(result.batches), result.ctx_ll_se_tasks, result.tar_ll_se_tasks);
    if (result.coverage_1sd) {
      std::printf("  targets inside ±1σ %.1f%% (calibrated: 68.3%%), inside ±2σ %.1f%% (95.4%%)\n",
                  100.0 * *result.coverage_1sd, 100.0 * *result.coverage_2sd);
    }
    if (whole) {
      std::printf(
          "  every pixel revealed (first %lld images): RMSE %.4f, mean std %.4f, "
          "log-likelihood %.4f ± %.4f, inside ±1σ %.1f%%, ±2σ %.1f%%\n",
          static_cast<long long>(whole->images), whole->rmse, whole->mean_std, whole->tar_ll,
          whole->tar_ll_se, 100.0 * whole->coverage_1sd, 100.0 * whole->coverage_2sd);
    }
  }
  if (args.write_card) {
    // The card gets the very object printed above.
    train::record_evaluation(args.checkpoint, args.data, report, *checkpoint->model);
    std::cerr << "nplab-cli: wrote the result to " << train::card_path_for(args.checkpoint)
              << " and " << args.checkpoint << '\n';
  }
  if (args.write_check) {
    train::record_check(args.checkpoint, report, *checkpoint->model);
    std::cerr << "nplab-cli: stored the result as the check of " << args.checkpoint << '\n';
  }
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto args = std::make_shared<EvalArgs>();
  auto* eval = app.add_subcommand(
      "eval",
      "Context and target log-likelihood (mean ± standard error over batch means) and "
      "the coverage of the ±1σ/±2σ bands");
  auto* checkpoint = eval->add_option("--checkpoint", args->checkpoint, "Trained model (.pt)")
                         ->check(CLI::ExistingFile);
  eval->add_option("--data", args->data,
                   "gp-rbf, gp-matern, gp-periodic, gp-tnoise, image-fmnist-seen or "
                   "image-fmnist-unseen; for cmhp/thp checkpoints and the TPP oracle "
                   "tpp-hawkes, tpp-selfcorrecting, tpp-poisson or an event CSV "
                   "(sequence,time,mark)")
      ->required();
  eval->add_option("--batches", args->batches, "Batches of tasks")
      ->check(positive_integer())
      ->capture_default_str();
  eval->add_option("--batch-size", args->batch_size, "Tasks per batch")
      ->check(positive_integer())
      ->capture_default_str();
  eval->add_option("--seed", args->seed, "Seed of the task stream")
      ->check(seed_number())
      ->capture_default_str();
  eval->add_option("--whole-images", args->whole_images,
                   "Image data: also condition on every pixel of the first N images and report "
                   "the per-pixel RMSE, mean std, log-likelihood and coverage (default 100; 0: "
                   "skip)")
      ->check(non_negative_integer());
  eval->add_flag(
      "--json", args->json,
      "Print one JSON object: ctx_ll, ctx_ll_se, tar_ll, tar_ll_se, se (the SE's method: "
      "batch_means), ctx_ll_se_tasks, tar_ll_se_tasks, coverage_1sd, coverage_2sd, "
      "tasks, data, seed");
  auto* oracle = eval->add_flag("--oracle", args->oracle,
                                "Score the oracle GP (true kernel and hyperparameters) instead");
  auto* poisson_baseline = eval->add_flag(
      "--poisson-baseline", args->poisson_baseline,
      "Point processes: score the floor a model must clear, a Poisson process per mark refitted "
      "to the history before each event");
  auto* write_card =
      eval->add_flag("--write-card", args->write_card,
                     "Store the result under card[\"eval\"][DATA] in the checkpoint");
  auto* write_check = eval->add_flag(
      "--write-check", args->write_check,
      "Store the result under card[\"check\"]: the small evaluation the test suite repeats on "
      "every shipped checkpoint (e.g. --batches 8 --seed 123 --whole-images 0)");
  eval->add_option("--device", args->device, "auto, cpu or cuda[:N]")->capture_default_str();
  eval->add_option("--fmnist-dir", args->fmnist_dir, "Fashion-MNIST directory (IDX .gz files)")
      ->capture_default_str();
  eval->add_option("--sequences", args->sequences,
                   "Point processes (--data tpp-*): sequences to score (RMSE of the next event "
                   "time, NLL per event, mark accuracy, each ± SE over sequences)")
      ->check(positive_integer())
      ->capture_default_str();
  eval->add_option("--sequence-length", args->sequence_length,
                   "Point processes: events per synthetic sequence")
      ->check(positive_integer())
      ->capture_default_str();
  eval->add_option("--marks", args->marks, "Point processes: marks K of the oracle's processes")
      ->check(positive_integer())
      ->capture_default_str();
  oracle->excludes(checkpoint);
  poisson_baseline->excludes(checkpoint);
  poisson_baseline->excludes(oracle);
  write_card->needs(checkpoint);
  write_check->needs(checkpoint);
  eval->callback([args] {
    if (args->checkpoint.empty() && !args->oracle && !args->poisson_baseline) {
      throw CLI::ValidationError("eval",
                                 "one of --checkpoint, --oracle or --poisson-baseline is required");
    }
    if (args->poisson_baseline && !is_point_process_data(args->data)) {
      throw CLI::ValidationError("eval", "--poisson-baseline: needs point-process data (tpp-hawkes, "
                                         "tpp-selfcorrecting, tpp-poisson or an event CSV)");
    }
    run_eval(*args);
  });
}

}  // namespace nplab::cli
