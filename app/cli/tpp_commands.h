#pragma once
// The point-process side of `nplab-cli train` and `eval` (CMHP, THP; --data tpp-* or an event
// CSV). train_command.cpp and eval_command.cpp parse the options and hand over here.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace nplab::cli {

/// Whether `train`/`eval` should take the point-process path: --data tpp-hawkes,
/// tpp-selfcorrecting, tpp-poisson or an event CSV (*.csv).
bool is_point_process_data(const std::string& data);

/// An option left off the command line stays unset: a new run takes the default, a resumed run
/// the saved value.
struct TppTrainRequest {
  std::string model;
  std::string config_file;
  std::optional<std::string> data;
  std::optional<int64_t> steps;
  std::optional<int64_t> batch;
  std::optional<double> lr;
  std::optional<double> clip_norm;
  std::optional<uint64_t> seed;
  std::string out;
  bool resume = false;
  std::string device = "auto";
  double checkpoint_minutes = 5.0;
  int64_t stop_after = 0;
  std::optional<int64_t> sequence_length;
  std::optional<int64_t> marks;
};
/// Trains (or resumes) and saves; prints progress on stderr. Throws CLI::RuntimeError(130) when
/// should_stop ended the run (after saving). `saving` is told around each save.
void run_tpp_train(const TppTrainRequest& request, const std::function<bool()>& should_stop,
                   const std::function<void(bool)>& saving = {});

struct TppEvalRequest {
  std::string checkpoint;  ///< empty with oracle or poisson_baseline
  std::string data;        ///< tpp-* or a CSV path
  int64_t sequences = 1000;
  int64_t sequence_length = 64;
  int64_t batch_size = 16;
  int64_t marks = 3;  ///< for the oracle's processes (a checkpoint says its own)
  uint64_t seed = 0;
  bool oracle = false;
  bool poisson_baseline = false;  ///< score the refitted-Poisson floor (needs marks)
  bool json = false;
  bool write_card = false;
  std::string device = "auto";
};
/// RMSE of the next event time, NLL per event and mark accuracy, each ± its standard error.
void run_tpp_eval(const TppEvalRequest& request);

}  // namespace nplab::cli
