#include "nplab/facade/live_stream.h"

#include <nlohmann/json.hpp>

namespace nplab::facade {
namespace {

using nlohmann::json;

const char* event_name(StreamEvent event) {
  switch (event) {
    case StreamEvent::Start:
      return "start";
    case StreamEvent::Sample:
      return "sample";
    case StreamEvent::BadRow:
      return "bad_row";
    case StreamEvent::End:
      return "end";
  }
  return "sample";
}

std::optional<StreamEvent> event_from_name(const std::string& name) {
  for (const auto event :
       {StreamEvent::Start, StreamEvent::Sample, StreamEvent::BadRow, StreamEvent::End}) {
    if (name == event_name(event)) return event;
  }
  return std::nullopt;
}

}  // namespace

std::string stream_line_to_json(const StreamLine& line) {
  json out{{"event", event_name(line.event)}};
  switch (line.event) {
    case StreamEvent::Start:
      out["model"] = line.model;
      out["source"] = line.source;
      out["planned_points"] = line.planned_points;
      out["chunk"] = line.chunk;
      out["cap_bytes"] = line.cap_bytes;
      out["sample_points"] = line.sample_points;
      out["targets"] = line.targets;
      if (!line.truth.empty()) out["truth"] = line.truth;
      break;
    case StreamEvent::Sample: {
      out["n"] = line.n;
      out["resident_bytes"] = line.resident_bytes;
      out["peak_resident_bytes"] = line.peak_resident_bytes;
      out["state_bytes"] = line.state_bytes;
      out["predict_peak_bytes"] = line.predict_peak_bytes;
      out["update_us"] = line.update_us;
      out["points_per_second"] = line.points_per_second;
      out["recent_points_per_second"] = line.recent_points_per_second;
      out["seconds"] = line.seconds;
      out["bad_rows"] = line.bad_rows;
      out["mean"] = line.mean;
      out["std"] = line.stddev;
      auto points = json::array();
      for (const auto& point : line.new_points) points.push_back({point.slot, point.x, point.y});
      out["new_points"] = std::move(points);
      break;
    }
    case StreamEvent::BadRow:
      out["where"] = line.where;
      out["problem"] = line.problem;
      break;
    case StreamEvent::End:
      out["points"] = line.points;
      out["seconds"] = line.seconds;
      if (!line.stopped.empty()) out["stopped"] = line.stopped;
      if (line.max_abs_difference) out["max_abs_difference"] = *line.max_abs_difference;
      break;
  }
  return out.dump();
}

Outcome<StreamLine> stream_line_from_json(const std::string& text) {
  try {
    const auto in = json::parse(text);
    StreamLine line;
    const auto event = event_from_name(in.at("event").get<std::string>());
    if (!event) {
      return Outcome<StreamLine>::failure("unknown stream event \"" +
                                          in.at("event").get<std::string>() + "\"");
    }
    line.event = *event;
    switch (line.event) {
      case StreamEvent::Start:
        line.model = in.at("model").get<std::string>();
        line.source = in.at("source").get<std::string>();
        line.planned_points = in.value("planned_points", std::int64_t{0});
        line.chunk = in.value("chunk", std::int64_t{0});
        line.cap_bytes = in.value("cap_bytes", 0.0);
        line.sample_points = in.value("sample_points", std::int64_t{0});
        line.targets = in.at("targets").get<std::vector<double>>();
        line.truth = in.value("truth", std::vector<double>{});
        if (!line.truth.empty() && line.truth.size() != line.targets.size()) {
          return Outcome<StreamLine>::failure("a stream's function has " +
                                              std::to_string(line.truth.size()) + " values for " +
                                              std::to_string(line.targets.size()) + " targets");
        }
        break;
      case StreamEvent::Sample:
        line.n = in.at("n").get<std::int64_t>();
        line.resident_bytes = in.at("resident_bytes").get<std::int64_t>();
        line.peak_resident_bytes = in.at("peak_resident_bytes").get<std::int64_t>();
        line.state_bytes = in.at("state_bytes").get<std::int64_t>();
        line.predict_peak_bytes = in.value("predict_peak_bytes", std::int64_t{0});
        line.update_us = in.at("update_us").get<double>();
        line.points_per_second = in.at("points_per_second").get<double>();
        line.recent_points_per_second = in.value("recent_points_per_second", 0.0);
        line.seconds = in.value("seconds", 0.0);
        line.bad_rows = in.value("bad_rows", std::int64_t{0});
        line.mean = in.at("mean").get<std::vector<double>>();
        line.stddev = in.at("std").get<std::vector<double>>();
        if (line.mean.size() != line.stddev.size()) {
          return Outcome<StreamLine>::failure("a stream sample has " +
                                              std::to_string(line.mean.size()) + " means and " +
                                              std::to_string(line.stddev.size()) + " stds");
        }
        for (const auto& point : in.value("new_points", json::array())) {
          line.new_points.push_back({point.at(0).get<std::int64_t>(), point.at(1).get<double>(),
                                     point.at(2).get<double>()});
        }
        break;
      case StreamEvent::BadRow:
        line.where = in.at("where").get<std::string>();
        line.problem = in.at("problem").get<std::string>();
        break;
      case StreamEvent::End:
        line.points = in.at("points").get<std::int64_t>();
        line.seconds = in.value("seconds", 0.0);
        line.stopped = in.value("stopped", std::string());
        if (in.contains("max_abs_difference")) {
          line.max_abs_difference = in.at("max_abs_difference").get<double>();
        }
        break;
    }
    return Outcome<StreamLine>::success(std::move(line));
  } catch (const json::exception& error) {
    return Outcome<StreamLine>::failure(std::string("not a line of a stream: ") + error.what());
  }
}

}  // namespace nplab::facade
