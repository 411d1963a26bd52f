#pragma once
// The app's one background thread for model work (DESIGN.md §7). The GUI thread posts jobs into
// lanes, one lane per view or pane; in each lane only the newest job not yet started is kept
// (latest wins: the older one is dropped), and a job still running is asked to stop as soon as a
// newer one arrives in its lane. Jobs of different lanes run in the order they were posted. A job
// hands its result back by queued signal (see ExplorerWorker); the GUI thread never waits for it.
//
// Owners: every worker that posts here must outlive its jobs. A worker calls stop() in its
// destructor (or the owner destroys the JobThread first), which finishes the running job and
// drops the rest.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>

namespace nplab::ui {

class JobThread {
 public:
  /// A unit of work. `stop` is requested when a newer job arrives in the same lane, or when the
  /// thread stops; a long job checks it between steps, a short one may ignore it.
  using Job = std::function<void(std::stop_token stop)>;

  JobThread();
  ~JobThread();
  JobThread(const JobThread&) = delete;
  JobThread& operator=(const JobThread&) = delete;

  /// Thread-safe. Makes `job` the next to run in `lane`, unless a job of that lane with a newer
  /// `generation` is already waiting (then `job` is the one dropped). Returns whether `job` was
  /// kept. After stop(), nothing is kept.
  bool post(std::string_view lane, std::uint64_t generation, Job job);

  /// Finishes the job in progress (asking it to stop), drops the waiting ones and joins the
  /// thread. Idempotent; later posts are dropped.
  void stop();

  /// Jobs dropped as stale so far (thread-safe).
  std::uint64_t dropped() const;

  /// Thread-safe; for tests. While held, no job starts: posts wait, and the newest of each lane
  /// wins as usual, so what runs after release() does not depend on the machine's speed.
  void hold();
  void release();

  /// The intra-op threads model work should use: every core but one, left to the GUI thread.
  static int compute_threads();

 private:
  struct Waiting {
    std::uint64_t generation = 0;
    std::uint64_t posted = 0;  // arrival order across lanes
    Job job;
  };

  void run();

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::map<std::string, Waiting, std::less<>> waiting_;  // guarded by mutex_
  std::string running_lane_;                             // guarded by mutex_; empty when idle
  std::stop_source running_stop_;                        // guarded by mutex_
  std::uint64_t posts_ = 0;                              // guarded by mutex_
  std::uint64_t dropped_ = 0;                            // guarded by mutex_
  bool held_ = false;                                    // guarded by mutex_
  bool stopping_ = false;                                // guarded by mutex_
  std::thread thread_;  // last: it starts once everything above exists
};

}  // namespace nplab::ui
