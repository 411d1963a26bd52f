#include "nplab/facade/session.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "guarded.h"
#include "nplab/util/atomic_file.h"
#include "nplab/util/checks.h"
#include "nplab/util/input_file.h"

namespace nplab::facade {
namespace {

using detail::guarded;
using nlohmann::json;

/// Throws InvalidArgument "SOURCE: WHERE: WHAT".
class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw util::InvalidArgument(source_ + ": " + (where.empty() ? "" : where + ": ") + what);
  }

  const json& member(const json& object, const char* key, const std::string& where) const {
    const auto found = object.find(key);
    if (found == object.end()) fail(where, std::string("missing \"") + key + "\"");
    return *found;
  }

  const json& object(const json& value, const std::string& where) const {
    if (!value.is_object()) fail(where, "expected an object, got " + describe(value));
    return value;
  }

  std::string string(const json& value, const std::string& where) const {
    if (!value.is_string()) fail(where, "expected a string, got " + describe(value));
    return value.get<std::string>();
  }

  double number(const json& value, const std::string& where) const {
    if (!value.is_number()) fail(where, "expected a number, got " + describe(value));
    const double number = value.get<double>();
    if (!std::isfinite(number)) fail(where, "not a finite number");
    return number;
  }

  std::int64_t integer(const json& value, const std::string& where) const {
    if (!value.is_number_integer()) fail(where, "expected an integer, got " + describe(value));
    return value.get<std::int64_t>();
  }

  bool boolean(const json& value, const std::string& where) const {
    if (!value.is_boolean()) fail(where, "expected true or false, got " + describe(value));
    return value.get<bool>();
  }

  const json& array(const json& value, const std::string& where) const {
    if (!value.is_array()) fail(where, "expected an array, got " + describe(value));
    return value;
  }

 private:
  static std::string describe(const json& value) {
    std::string text = value.dump();
    if (text.size() > 40) text = text.substr(0, 37) + "...";
    return std::string(value.type_name()) + " " + text;
  }

  std::string source_;
};

json model_to_json(const SessionModel& model) {
  json out;
  if (model.source == SessionModel::Source::Checkpoint) {
    out["source"] = "checkpoint";
    out["path"] = model.path;
  } else {
    out["source"] = "registry";
    out["name"] = model.name;
  }
  out["dim_x"] = model.dim_x;
  out["dim_y"] = model.dim_y;
  return out;
}

/// The model at `where` ("model", "images.model"); `model` holds the defaults of what is left out.
SessionModel model_from_json(const Reader& reader, const json& value, const std::string& where,
                             SessionModel model) {
  reader.object(value, where);
  const auto source = reader.string(reader.member(value, "source", where), where + ".source");
  if (source == "checkpoint") {
    model.source = SessionModel::Source::Checkpoint;
    model.name.clear();  // a checkpoint names its model itself
    model.path = reader.string(reader.member(value, "path", where), where + ".path");
    if (model.path.empty()) reader.fail(where + ".path", "empty");
  } else if (source == "registry") {
    model.source = SessionModel::Source::Registry;
    model.name = reader.string(reader.member(value, "name", where), where + ".name");
  } else {
    reader.fail(where + ".source", "\"" + source + "\" (expected \"registry\" or \"checkpoint\")");
  }
  for (auto [key, dim] : {std::pair{"dim_x", &model.dim_x}, std::pair{"dim_y", &model.dim_y}}) {
    if (const auto found = value.find(key); found != value.end()) {
      const auto size = reader.integer(*found, where + "." + key);
      if (size < 1 || size > static_cast<std::int64_t>(Coordinates::kCapacity)) {
        reader.fail(where + "." + key, "out of range 1.." + std::to_string(Coordinates::kCapacity));
      }
      *dim = static_cast<int>(size);
    }
  }
  return model;
}

json point_to_json(const ContextPoint& point) {
  json row = json::array();
  for (const double x : point.x) row.push_back(x);
  for (const double y : point.y) row.push_back(y);
  return row;
}

std::vector<ContextPoint> points_from_json(const Reader& reader, const json& value,
                                           const SessionModel& model) {
  reader.array(value, "points");
  const size_t width = static_cast<size_t>(model.dim_x + model.dim_y);
  std::vector<ContextPoint> points;
  points.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    const std::string where = "points[" + std::to_string(i) + "]";
    const auto& row = reader.array(value[i], where);
    if (row.size() != width) {
      reader.fail(where, "expected " + std::to_string(width) + " numbers (dim_x + dim_y), got " +
                             std::to_string(row.size()));
    }
    ContextPoint point;
    for (size_t j = 0; j < width; ++j) {
      const double number = reader.number(row[j], where + "[" + std::to_string(j) + "]");
      (j < static_cast<size_t>(model.dim_x) ? point.x : point.y).push_back(number);
    }
    points.push_back(std::move(point));
  }
  return points;
}

json truth_to_json(const TruthSpec& truth) {
  return {{"kernel", truth_kernel_name(truth.kernel)},
          {"params",
           {{"lengthscale", truth.lengthscale}, {"scale", truth.scale}, {"period", truth.period}}},
          {"seed", truth.seed}};
}

TruthSpec truth_from_json(const Reader& reader, const json& value) {
  reader.object(value, "truth");
  TruthSpec truth;
  const auto kernel = reader.string(reader.member(value, "kernel", "truth"), "truth.kernel");
  const auto known = truth_kernel_from_name(kernel);
  if (!known) reader.fail("truth.kernel", "\"" + kernel + "\" (expected rbf, matern or periodic)");
  truth.kernel = *known;
  const auto& params = reader.object(reader.member(value, "params", "truth"), "truth.params");
  for (auto [key, field] : {std::pair{"lengthscale", &truth.lengthscale},
                            std::pair{"scale", &truth.scale}, std::pair{"period", &truth.period}}) {
    if (const auto found = params.find(key); found != params.end()) {
      *field = reader.number(*found, std::string("truth.params.") + key);
    }
  }
  if (const auto problem = truth_spec_problem(truth); !problem.empty()) {
    reader.fail("truth.params", problem);
  }
  const auto& seed = reader.member(value, "seed", "truth");
  if (!seed.is_number_unsigned()) reader.fail("truth.seed", "expected a non-negative integer");
  truth.seed = seed.get<std::uint64_t>();
  return truth;
}

json settings_to_json(const SessionSettings& settings) {
  json out{{"show_truth", settings.show_truth}, {"show_oracle", settings.show_oracle}};
  if (!settings.memory_models.empty() || !settings.memory_sizes.empty()) {
    out["memory"] = {{"models", settings.memory_models}, {"sizes", settings.memory_sizes}};
  }
  return out;
}

SessionSettings settings_from_json(const Reader& reader, const json& value) {
  reader.object(value, "settings");
  SessionSettings settings;
  if (const auto found = value.find("show_truth"); found != value.end()) {
    settings.show_truth = reader.boolean(*found, "settings.show_truth");
  }
  if (const auto found = value.find("show_oracle"); found != value.end()) {
    settings.show_oracle = reader.boolean(*found, "settings.show_oracle");
  }
  if (const auto found = value.find("memory"); found != value.end()) {
    const auto& memory = reader.object(*found, "settings.memory");
    if (const auto models = memory.find("models"); models != memory.end()) {
      reader.array(*models, "settings.memory.models");
      for (size_t i = 0; i < models->size(); ++i) {
        settings.memory_models.push_back(
            reader.string((*models)[i], "settings.memory.models[" + std::to_string(i) + "]"));
      }
    }
    if (const auto sizes = memory.find("sizes"); sizes != memory.end()) {
      reader.array(*sizes, "settings.memory.sizes");
      for (size_t i = 0; i < sizes->size(); ++i) {
        const std::string where = "settings.memory.sizes[" + std::to_string(i) + "]";
        const auto size = reader.integer((*sizes)[i], where);
        if (size < 1) reader.fail(where, "must be positive");
        settings.memory_sizes.push_back(size);
      }
    }
  }
  return settings;
}

json images_to_json(const ImagesSession& images) {
  json image;
  if (images.source == ImagesSession::Source::File) {
    image = {{"source", "file"}, {"path", images.path}};
  } else {
    image = {{"source", "fashion-mnist"}, {"index", images.index}};
  }
  json out{{"image", std::move(image)},
           {"model", model_to_json(images.model)},
           {"revealed", images.revealed},
           {"resolution", images.resolution}};
  if (images.compare) out["compare"] = model_to_json(*images.compare);
  return out;
}

ImagesSession images_from_json(const Reader& reader, const json& value) {
  reader.object(value, "images");
  ImagesSession images;
  const auto& image = reader.object(reader.member(value, "image", "images"), "images.image");
  const auto source =
      reader.string(reader.member(image, "source", "images.image"), "images.image.source");
  if (source == "fashion-mnist") {
    images.source = ImagesSession::Source::FashionMnist;
    images.index =
        reader.integer(reader.member(image, "index", "images.image"), "images.image.index");
    if (images.index < 0) reader.fail("images.image.index", "must not be negative");
  } else if (source == "file") {
    images.source = ImagesSession::Source::File;
    images.path = reader.string(reader.member(image, "path", "images.image"), "images.image.path");
    if (images.path.empty()) reader.fail("images.image.path", "empty");
  } else {
    reader.fail("images.image.source",
                "\"" + source + "\" (expected \"fashion-mnist\" or \"file\")");
  }
  images.model = model_from_json(reader, reader.member(value, "model", "images"), "images.model",
                                 images.model);
  if (images.model.dim_x != 2 || images.model.dim_y != 1) {
    reader.fail("images.model", "expected dim_x 2 and dim_y 1 (grey pixels), got " +
                                    std::to_string(images.model.dim_x) + " and " +
                                    std::to_string(images.model.dim_y));
  }
  const auto& revealed =
      reader.array(reader.member(value, "revealed", "images"), "images.revealed");
  constexpr int kPixels = kImageSide * kImageSide;
  std::vector<bool> seen(kPixels, false);
  for (size_t i = 0; i < revealed.size(); ++i) {
    const std::string where = "images.revealed[" + std::to_string(i) + "]";
    const auto pixel = reader.integer(revealed[i], where);
    if (pixel < 0 || pixel >= kPixels) {
      reader.fail(where, std::to_string(pixel) + " is not a pixel of a " +
                             std::to_string(kImageSide) + "x" + std::to_string(kImageSide) +
                             " image");
    }
    if (seen[pixel]) reader.fail(where, "pixel " + std::to_string(pixel) + " is listed twice");
    seen[pixel] = true;
    images.revealed.push_back(static_cast<int>(pixel));
  }
  if (const auto found = value.find("resolution"); found != value.end()) {
    images.resolution = static_cast<int>(reader.integer(*found, "images.resolution"));
    if (images.resolution != 1 && images.resolution != 2 && images.resolution != 4) {
      reader.fail("images.resolution", std::to_string(images.resolution) + " (expected 1, 2 or 4)");
    }
  }
  if (const auto compare = value.find("compare"); compare != value.end()) {
    images.compare = model_from_json(reader, *compare, "images.compare", images.model);
    if (images.compare->dim_x != 2 || images.compare->dim_y != 1) {
      reader.fail("images.compare", "expected dim_x 2 and dim_y 1 (grey pixels), got " +
                                        std::to_string(images.compare->dim_x) + " and " +
                                        std::to_string(images.compare->dim_y));
    }
  }
  return images;
}

json events_to_json(const EventsSession& events) {
  json rows = json::array();
  for (const auto& event : events.events) rows.push_back(json::array({event.time, event.mark}));
  json out{{"model", model_to_json(events.model)},
           {"events", std::move(rows)},
           {"process",
            {{"kind", event_process_name(events.process.kind)},
             {"seed", events.process.seed},
             {"marks", events.process.marks}}},
           {"show_truth", events.show_truth}};
  if (events.compare) out["compare"] = model_to_json(*events.compare);
  return out;
}

EventsSession events_from_json(const Reader& reader, const json& value) {
  reader.object(value, "events");
  EventsSession events;
  events.model = model_from_json(reader, reader.member(value, "model", "events"), "events.model",
                                 events.model);
  if (const auto compare = value.find("compare"); compare != value.end()) {
    events.compare = model_from_json(reader, *compare, "events.compare", events.model);
  }
  if (const auto found = value.find("process"); found != value.end()) {
    const auto& process = reader.object(*found, "events.process");
    const auto kind =
        reader.string(reader.member(process, "kind", "events.process"), "events.process.kind");
    const auto known = event_process_from_name(kind);
    if (!known) {
      reader.fail("events.process.kind",
                  "\"" + kind + "\" (expected hawkes, self-correcting or poisson)");
    }
    events.process.kind = *known;
    if (const auto seed = process.find("seed"); seed != process.end()) {
      if (!seed->is_number_unsigned()) {
        reader.fail("events.process.seed", "expected a non-negative integer");
      }
      events.process.seed = seed->get<std::uint64_t>();
    }
    if (const auto marks = process.find("marks"); marks != process.end()) {
      const auto count = reader.integer(*marks, "events.process.marks");
      if (count < 1 || count > 64) reader.fail("events.process.marks", "out of range 1..64");
      events.process.marks = static_cast<int>(count);
    }
  }
  const auto& rows = reader.array(reader.member(value, "events", "events"), "events.events");
  for (size_t i = 0; i < rows.size(); ++i) {
    const std::string where = "events.events[" + std::to_string(i) + "]";
    const auto& row = reader.array(rows[i], where);
    if (row.size() != 2) reader.fail(where, "expected [time, mark]");
    const double time = reader.number(row[0], where + "[0]");
    const auto mark = reader.integer(row[1], where + "[1]");
    if (mark < 0 || mark >= events.process.marks) {
      reader.fail(where + "[1]", "mark " + std::to_string(mark) + " is outside 0.." +
                                     std::to_string(events.process.marks - 1));
    }
    events.events.push_back({time, static_cast<int>(mark)});
  }
  if (const auto problem = event_history_problem(events.events, events.process.marks);
      !problem.empty()) {
    reader.fail("events.events", problem);
  }
  if (const auto found = value.find("show_truth"); found != value.end()) {
    events.show_truth = reader.boolean(*found, "events.show_truth");
  }
  return events;
}

json bo_to_json(const BoSession& bo) {
  json queries = json::array();
  for (const auto& query : bo.queries) {
    queries.push_back(json::array({query.x, query.by_hand ? "hand" : "step"}));
  }
  return {{"function", bo.settings.function},       {"surrogate", bo.settings.surrogate},
          {"acquisition", bo.settings.acquisition}, {"seed", bo.settings.seed},
          {"queries", std::move(queries)},          {"show_truth", bo.show_truth}};
}

/// `value` as one of `names`, or a failure listing them.
std::string named(const Reader& reader, const json& value, const std::string& where,
                  const std::vector<std::string>& names) {
  auto name = reader.string(value, where);
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    std::string known;
    for (const auto& each : names) known += (known.empty() ? "" : ", ") + each;
    reader.fail(where, "\"" + name + "\" (expected one of " + known + ")");
  }
  return name;
}

BoSession bo_from_json(const Reader& reader, const json& value) {
  reader.object(value, "bo");
  BoSession bo;
  auto& settings = bo.settings;
  if (const auto found = value.find("function"); found != value.end()) {
    settings.function = named(reader, *found, "bo.function", bo_objective_names());
  }
  if (const auto found = value.find("surrogate"); found != value.end()) {
    settings.surrogate = reader.string(*found, "bo.surrogate");
    if (settings.surrogate.empty()) reader.fail("bo.surrogate", "empty");
  }
  if (const auto found = value.find("acquisition"); found != value.end()) {
    settings.acquisition = named(reader, *found, "bo.acquisition", bo_acquisition_names());
  }
  if (const auto found = value.find("seed"); found != value.end()) {
    if (!found->is_number_unsigned()) reader.fail("bo.seed", "expected a non-negative integer");
    settings.seed = found->get<std::uint64_t>();
  }
  if (const auto found = value.find("queries"); found != value.end()) {
    const auto& rows = reader.array(*found, "bo.queries");
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const std::string where = "bo.queries[" + std::to_string(i) + "]";
      const auto& row = reader.array(rows[i], where);
      if (row.size() != 2) reader.fail(where, "expected [x, \"step\" or \"hand\"]");
      const double x = reader.number(row[0], where + "[0]");
      if (x < -2.0 || x > 2.0) reader.fail(where + "[0]", "outside [-2, 2]");
      const auto by = named(reader, row[1], where + "[1]", {"step", "hand"});
      bo.queries.push_back({x, by == "hand"});
    }
  }
  if (const auto found = value.find("show_truth"); found != value.end()) {
    bo.show_truth = reader.boolean(*found, "bo.show_truth");
  }
  return bo;
}

}  // namespace

std::string session_to_json(const Session& session) {
  json points = json::array();
  for (const auto& point : session.points) points.push_back(point_to_json(point));
  json document{{"format", kSessionFormat},
                {"version", kSessionVersion},
                {"view", session.view},
                {"model", model_to_json(session.model)},
                {"points", std::move(points)},
                {"truth", truth_to_json(session.truth)},
                {"settings", settings_to_json(session.settings)}};
  if (session.compare) document["compare"] = model_to_json(*session.compare);
  if (session.images) document["images"] = images_to_json(*session.images);
  if (session.events) document["events"] = events_to_json(*session.events);
  if (session.bo) document["bo"] = bo_to_json(*session.bo);
  return document.dump(2) + "\n";
}

Outcome<Session> session_from_json(const std::string& text, const std::string& source) {
  return guarded<Session>("reading the session", [&] {
    const Reader reader(source);
    const json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (document.is_discarded()) reader.fail("", "not valid JSON");
    reader.object(document, "");
    const auto format = reader.member(document, "format", "");
    if (!format.is_string() || format.get<std::string>() != kSessionFormat) {
      reader.fail("format",
                  std::string("not an NPLab session (expected \"") + kSessionFormat + "\")");
    }
    const auto version = reader.integer(reader.member(document, "version", ""), "version");
    if (version != kSessionVersion) {
      reader.fail("version", std::to_string(version) + " (this NPLab reads version " +
                                 std::to_string(kSessionVersion) + ")");
    }
    Session session;
    session.view = named(reader, reader.member(document, "view", ""), "view",
                         {"functions", "images", "memory", "stream", "events", "bo"});
    session.model =
        model_from_json(reader, reader.member(document, "model", ""), "model", SessionModel{});
    session.points = points_from_json(reader, reader.member(document, "points", ""), session.model);
    if (const auto compare = document.find("compare"); compare != document.end()) {
      session.compare = model_from_json(reader, *compare, "compare", SessionModel{});
      if (session.compare->dim_x != session.model.dim_x ||
          session.compare->dim_y != session.model.dim_y) {
        reader.fail("compare", "dim_x/dim_y differ from the model's: both read the same points");
      }
    }
    if (const auto truth = document.find("truth"); truth != document.end()) {
      session.truth = truth_from_json(reader, *truth);
    }
    if (const auto settings = document.find("settings"); settings != document.end()) {
      session.settings = settings_from_json(reader, *settings);
    }
    if (const auto images = document.find("images"); images != document.end()) {
      session.images = images_from_json(reader, *images);
    }
    if (const auto events = document.find("events"); events != document.end()) {
      session.events = events_from_json(reader, *events);
    }
    if (const auto bo = document.find("bo"); bo != document.end()) {
      session.bo = bo_from_json(reader, *bo);
    }
    return session;
  });
}

Status save_session(const std::filesystem::path& path, const Session& session) {
  return guarded<std::monostate>("saving the session", [&] {
    util::write_file_atomically(path, session_to_json(session));
    return std::monostate{};
  });
}

Outcome<Session> load_session(const std::filesystem::path& path) {
  // Checked first: /dev/zero or a pipe would otherwise be read until memory runs out.
  if (const auto why = util::why_not_a_regular_file(path)) {
    return Outcome<Session>::failure(path.string() + ": " + *why);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Outcome<Session>::failure(path.string() + ": cannot open for reading");
  std::ostringstream text;
  text << in.rdbuf();
  return session_from_json(text.str(), path.string());
}

}  // namespace nplab::facade
