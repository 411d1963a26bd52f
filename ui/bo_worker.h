#pragma once
// The BO view's side of the shared JobThread (DESIGN.md §7): a request describes the whole wanted
// search (the settings and every query after the starting points) and runs in the "bo" lane,
// latest wins. The job brings its BoExplorer to those queries with the fewest steps (only the
// new ones when the search it holds is a prefix of the wanted one, else a reset and a replay),
// then runs the oracle GP and random search to the same step count for the regret comparison,
// and sends it all back as plain vectors by queued signal.

#include <QObject>
#include <cstdint>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "job_thread.h"
#include "nplab/facade/bo_explorer.h"

namespace nplab::ui {

/// One query after the starting points: a step (the acquisition's maximiser) or a query placed
/// by hand. `x` is a hand query's place, or a step's place pinned by a session (so that it is
/// queried there whatever the surrogate proposes); a step without one is proposed afresh.
struct BoOp {
  std::optional<double> x;
  bool by_hand = false;
  friend bool operator==(const BoOp&, const BoOp&) = default;
};

struct BoRequest {
  std::uint64_t generation = 0;
  facade::BoSettings settings;
  std::vector<BoOp> ops;
  bool compare = true;  ///< also run the oracle GP and random search to as many steps
};

/// A baseline's simple regret after the starting points (index 0), then per step.
struct BoBaseline {
  std::string error;
  std::vector<double> simple_regret;
};

struct BoResult {
  std::uint64_t generation = 0;
  facade::BoSettings settings;
  std::vector<BoOp> ops;
  std::string error;  ///< non-empty: the search could not be brought to `ops`
  facade::BoFrame frame;
  std::optional<BoBaseline> oracle, random;
  bool ok() const { return error.empty(); }
};

class BoWorker : public QObject {
  Q_OBJECT

 public:
  /// `jobs` must outlive the worker, which stops it on destruction.
  explicit BoWorker(JobThread& jobs);
  ~BoWorker() override;

  /// Thread-safe: makes `request` the next one of the bo lane.
  void post(BoRequest request);

 signals:
  void finished(const nplab::ui::BoResult& result);

 private:
  /// A search and the steps it has taken, touched only on the job thread.
  struct Search {
    std::unique_ptr<facade::BoExplorer> explorer;
    std::vector<BoOp> applied;
  };

  /// nullopt when a newer request asked this one to stop.
  std::optional<BoResult> serve(const BoRequest& request, std::stop_token stop);
  /// Opens `search` for `settings` unless it holds them already; the error, or "".
  static std::string open(Search& search, const facade::BoSettings& settings);
  /// Brings `search` to `ops`; the last frame, or nullopt when stopped (or the error).
  static std::optional<facade::Outcome<facade::BoFrame>> bring_to(Search& search,
                                                                  const std::vector<BoOp>& ops,
                                                                  std::stop_token stop);
  static BoBaseline baseline(Search& search, facade::BoSettings settings, std::size_t steps);

  JobThread& jobs_;
  Search main_, oracle_, random_;
};

}  // namespace nplab::ui

Q_DECLARE_METATYPE(nplab::ui::BoResult)
