#pragma once
// A stream of points into one model, as the app watches it live: `nplab-cli bench stream --jsonl`
// writes one JSON object per line and the Functions view's Stream… reads them back from its child
// process. Plain types only (the facade's rules): the app never sees a tensor.
//
// The lines, in order: one "start" (the model, the source, the targets of every prediction and,
// for the generator, the function it samples at those targets), then a "sample" every so often
// (the figures at N, the prediction, the drawn points that changed), a "bad_row" for each CSV row
// that was skipped (the first 100), and one "end" (the points streamed, why it stopped early).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nplab/facade/explorer.h"

namespace nplab::facade {

enum class StreamEvent { Start, Sample, BadRow, End };

/// A slot of the stream's fixed-size uniform sample of points (what is drawn), newly filled.
struct StreamedPoint {
  std::int64_t slot = 0;
  double x = 0;
  double y = 0;
  friend bool operator==(const StreamedPoint&, const StreamedPoint&) = default;
};

struct StreamLine {
  StreamEvent event = StreamEvent::Sample;

  // start
  std::string model;                ///< the registry name of the model streamed into
  std::string source;               ///< the CSV's path, or "generator"
  std::int64_t planned_points = 0;  ///< the generator's length; 0 for a CSV (until it ends)
  std::int64_t chunk = 0;           ///< points per update at most
  double cap_bytes = 0;             ///< the memory cap a prediction must stay under
  std::int64_t sample_points = 0;   ///< slots of the drawn sample
  std::vector<double> targets;      ///< x of every prediction
  std::vector<double> truth;        ///< the generator's function at the targets, when it has one

  // sample (seconds: also end)
  std::int64_t n = 0;
  std::int64_t resident_bytes = 0;       ///< the streaming process's resident set now
  std::int64_t peak_resident_bytes = 0;  ///< its peak so far
  std::int64_t state_bytes = 0;          ///< the model state's bytes
  std::int64_t predict_peak_bytes = 0;   ///< LibTorch's peak during this sample's prediction
  double update_us = 0;                  ///< median time of one update since the last sample
  double points_per_second = 0;          ///< since the start, pauses excluded
  double recent_points_per_second = 0;   ///< since the last sample
  double seconds = 0;                    ///< running time since the start, pauses excluded
  std::int64_t bad_rows = 0;             ///< CSV rows skipped so far
  std::vector<double> mean, stddev;      ///< the prediction at the targets
  std::vector<StreamedPoint> new_points;

  // bad_row
  std::string where;    ///< "file:line"
  std::string problem;  ///< what is wrong with it

  // end
  std::int64_t points = 0;
  std::string stopped;  ///< why it stopped before its end (the memory cap), or ""
  std::optional<double> max_abs_difference;  ///< against one conditioning, when checked
};

/// The line as one line of JSON (no newline).
std::string stream_line_to_json(const StreamLine& line);
/// The line in `text`, or why it is not one.
Outcome<StreamLine> stream_line_from_json(const std::string& text);

}  // namespace nplab::facade
