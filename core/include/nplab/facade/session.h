#pragma once
// A saved lab session and files of context points, in plain types (the facade's rules: no torch
// and no JSON types here, failures as values).
//
// A session is versioned JSON:
//   {"format": "nplab-session", "version": 1,
//    "view": "functions",
//    "model": {"source": "checkpoint", "path": "/abs/cmanp.pt", "dim_x": 1, "dim_y": 1},
//             (or {"source": "registry", "name": "cmanp", ...})
//    "points": [[x.., y..], ...]          one array of dim_x + dim_y numbers per point
//    "compare": {...as "model"...},       the Functions view's second model, if it compares two
//    "truth": {"kernel": "rbf", "params": {"lengthscale": .., "scale": .., "period": ..},
//              "seed": 1},
//    "settings": {"show_truth": false, "show_oracle": false,
//                 "memory": {"models": [...], "sizes": [...]}},
//    "images": {"image": {"source": "fashion-mnist", "index": 17}
//                        (or {"source": "file", "path": "/abs/shoe.png"}),
//               "model": {...as above, dim_x 2...},
//               "compare": {...as "model"...}  (optional), the second model
//               "revealed": [pixel, ...],   distinct row-major pixel indices in
//                                           [0, kImageSide²), in the order revealed
//               "resolution": 1},           1, 2 or 4
//    "events": {"model": {...as above...}, "compare": {...}   (optional),
//               "events": [[time, mark], ...]                 times increasing, > 0
//               "process": {"kind": "hawkes", "seed": 1, "marks": 3},
//               "show_truth": true},
//    "bo": {"function": "gp-rbf", "surrogate": "oracle",   "oracle", "random" or a checkpoint
//           "acquisition": "ei", "seed": 0,                 path
//           "queries": [[x, "step"], [x, "hand"], ...],     after the starting points, in order
//           "show_truth": true}}
// "model" and "points" are the Functions view's; "images" is the Images view's state, "events"
// the Events view's, "bo" the BO view's. Unknown keys are ignored (a later version 1 writer may
// add some); a missing "truth", "settings", "images", "events" or "bo" takes the defaults below
// (files written before the Events or BO views existed load unchanged). Anything else wrong makes
// the whole file unreadable.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "nplab/facade/bo_explorer.h"
#include "nplab/facade/event_explorer.h"
#include "nplab/facade/explorer.h"
#include "nplab/facade/explorer_images.h"
#include "nplab/facade/ground_truth.h"

namespace nplab::facade {

inline constexpr const char* kSessionFormat = "nplab-session";
inline constexpr int kSessionVersion = 1;

struct SessionModel {
  enum class Source { Registry, Checkpoint };
  Source source = Source::Registry;
  std::string name = "cmanp";  ///< the registry name (Source::Registry; empty otherwise)
  std::string path;            ///< the checkpoint file (Source::Checkpoint)
  int dim_x = 1;
  int dim_y = 1;
  friend bool operator==(const SessionModel&, const SessionModel&) = default;
};

struct SessionSettings {
  bool show_truth = false;
  bool show_oracle = false;
  std::vector<std::string> memory_models;  ///< the Memory view's chosen models (empty: its own)
  std::vector<std::int64_t> memory_sizes;  ///< its N grid (empty: its own)
  friend bool operator==(const SessionSettings&, const SessionSettings&) = default;
};

/// The Images view: which image, which of its pixels are revealed, the model and resolution.
struct ImagesSession {
  enum class Source { FashionMnist, File };
  Source source = Source::FashionMnist;
  std::int64_t index = 0;  ///< the Fashion-MNIST test image (Source::FashionMnist)
  std::string path;        ///< the image file (Source::File)
  SessionModel model{SessionModel::Source::Registry, "cmanp", "", 2, 1};
  std::vector<int> revealed;  ///< distinct row-major pixel indices, in the order revealed
  int resolution = 1;         ///< query grid upsampling: 1, 2 or 4
  std::optional<SessionModel> compare;  ///< the second model, if the view compares two
  friend bool operator==(const ImagesSession&, const ImagesSession&) = default;
};

/// The Events view: its model (and the one compared with it), the events and the hidden process.
struct EventsSession {
  SessionModel model{SessionModel::Source::Registry, "cmhp", "", 1, 1};
  std::optional<SessionModel> compare;
  std::vector<MarkedEvent> events;  ///< in time order
  EventProcessSpec process;
  bool show_truth = true;  ///< the hidden process's intensity and the oracle overlaid
  friend bool operator==(const EventsSession&, const EventsSession&) = default;
};

/// One query of the BO view after the starting points: where, and whether the surrogate's
/// acquisition proposed it (a step) or a person placed it.
struct BoQuery {
  double x = 0.0;  ///< in [-2, 2]
  bool by_hand = false;
  friend bool operator==(const BoQuery&, const BoQuery&) = default;
};

/// The BO view: its objective, surrogate, acquisition and seed, the queries and the overlay.
struct BoSession {
  BoSettings settings;  ///< surrogate: "oracle", "random" or a checkpoint's absolute path
  std::vector<BoQuery> queries;
  bool show_truth = true;  ///< the hidden function drawn (dimmed)
  friend bool operator==(const BoSession&, const BoSession&) = default;
};

struct Session {
  /// "functions", "images", "memory", "stream", "events" or "bo"
  std::string view = "functions";
  SessionModel model;
  std::vector<ContextPoint> points;
  std::optional<SessionModel> compare;  ///< the Functions view's second model, if any
  TruthSpec truth;
  SessionSettings settings;
  std::optional<ImagesSession> images;  ///< absent: the Images view keeps its own state
  std::optional<EventsSession> events;  ///< absent: the Events view keeps its own state
  std::optional<BoSession> bo;          ///< absent: the BO view keeps its own state
  friend bool operator==(const Session&, const Session&) = default;
};

/// Success carries nothing: ok() or error().
using Status = Outcome<std::monostate>;

/// The session as JSON text (pretty-printed, doubles written to round-trip exactly).
std::string session_to_json(const Session& session);
/// A session from JSON text; the error names the first thing wrong ("points[3]: expected 2
/// numbers, got 1"). `source` names the text in messages (a file name).
Outcome<Session> session_from_json(const std::string& text, const std::string& source = "session");

/// Writes atomically: a temporary file beside `path`, then a rename over it, so a crash or a
/// full disk never leaves a half-written session where the old one was.
Status save_session(const std::filesystem::path& path, const Session& session);
Outcome<Session> load_session(const std::filesystem::path& path);

/// Context points from a CSV file of dim_x + dim_y numeric columns (an optional header line,
/// '#' comments). A bad row is reported as "FILE:LINE: what is wrong".
Outcome<std::vector<ContextPoint>> read_points_csv(const std::filesystem::path& path, int dim_x = 1,
                                                   int dim_y = 1);
/// Writes the points under the header "x,y" (1D) or "x0,x1,..,y0,..", atomically.
Status write_points_csv(const std::filesystem::path& path, const std::vector<ContextPoint>& points);

}  // namespace nplab::facade
