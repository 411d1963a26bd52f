#pragma once
// One stream of points into one model, run as a child process (jsonl_process.h): `nplab-cli
// bench stream --jsonl`.
// The child owns the model and its memory, so the resident memory it reports is the stream's
// alone, a model whose memory grows is stopped there (at the cap, or by a kill) without touching
// the app, and the GUI thread only reads lines. Pause holds the child (SIGSTOP) and resume lets
// it go on (SIGCONT), telling it how long it was held so its points/s count running time only.

#include <QObject>
#include <QString>
#include <QStringList>
#include <cstdint>
#include <optional>

#include "explorer_worker.h"
#include "jsonl_process.h"
#include "nplab/facade/ground_truth.h"
#include "nplab/facade/live_stream.h"

namespace nplab::ui {

/// What to stream, into what.
struct StreamRequest {
  ModelSource model;
  QString csv;                      ///< x,y rows read as they are needed; empty: the generator
  std::int64_t points = 1'000'000;  ///< the generator's length
  double rate = 0;                  ///< points per second at most; 0: as fast as the model goes
  std::optional<facade::TruthSpec> truth;  ///< the generator's hidden function (else a fixed one)
  double noise = 0.1;               ///< std of the generator's noise
  double cap_gib = 2;               ///< a prediction predicted to need more stops the stream
  double max_update_seconds = 1.0;  ///< a stream whose update takes longer stops, saying so
  double sample_every_seconds = 0.25;
  std::int64_t sample_points = 2000;  ///< points kept to draw (a uniform sample)
  std::int64_t targets = 400;
  std::string device = "cpu";
  std::uint64_t seed = 0;
  int threads = 0;  ///< the child's intra-op threads (OMP_NUM_THREADS); 0: as this process's
};

class StreamProcess : public QObject {
  Q_OBJECT

 public:
  explicit StreamProcess(QObject* parent = nullptr);

  /// The child's arguments for `request`.
  static QStringList arguments(const StreamRequest& request);

  /// Starts the stream. Returns why it cannot (no nplab-cli, one already running), or "".
  QString start(const StreamRequest& request);
  /// Holds the child where it is; resume() lets it go on. Both do nothing when not running.
  void pause() { process_.pause(); }
  void resume() { process_.resume(); }
  /// Ends the stream now; finished(true, "") follows.
  void stop() { process_.stop(); }
  bool is_running() const { return process_.is_running(); }
  bool is_paused() const { return process_.is_paused(); }

 signals:
  void line_ready(const nplab::facade::StreamLine& line);
  /// The child is gone: at its end, stopped by stop(), or failed with `error` (its last words).
  void finished(bool stopped, const QString& error);

 private:
  JsonlProcess process_;
};

}  // namespace nplab::ui

Q_DECLARE_METATYPE(nplab::facade::StreamLine)
