#include "nplab/models/registry.h"

#include <functional>
#include <map>

#include "nplab/models/cmanp.h"
#include "nplab/models/cnp.h"
#include "nplab/models/lbanp.h"
#include "nplab/models/tnpd.h"
#include "nplab/models/tnpkr.h"
#include "nplab/util/checks.h"

namespace nplab::models {
namespace {

using Factory = std::function<std::shared_ptr<NeuralProcess>(const nlohmann::json&)>;

// Every model, by name. Add a line here to register one.
const std::map<std::string, Factory>& factories() {
  static const std::map<std::string, Factory> table{
      {"cmanp", [](const nlohmann::json& c) { return std::make_shared<CMANP>(c); }},
      {"cnp", [](const nlohmann::json& c) { return std::make_shared<CNP>(c); }},
      {"lbanp", [](const nlohmann::json& c) { return std::make_shared<LBANP>(c); }},
      {"tnpd", [](const nlohmann::json& c) { return std::make_shared<TNPD>(c); }},
      {"tnpkr", [](const nlohmann::json& c) { return std::make_shared<TNPKR>(c); }},
  };
  return table;
}

// Aliases: a name that stands for a model with some keys set.
const std::map<std::string, nlohmann::json>& aliases() {
  static const std::map<std::string, nlohmann::json> table{
      // LBANP with as many latents as CMANP, for the memory comparison of the CMANP paper.
      {"lbanp-128", {{"model", "lbanp"}, {"latents", 128}}},
      {"tnpkr-full", {{"model", "tnpkr"}, {"attention", "full"}}},
      {"tnpkr-scan", {{"model", "tnpkr"}, {"attention", "scan"}}},
      {"tnpkr-dka", {{"model", "tnpkr"}, {"attention", "dka"}}},
  };
  return table;
}

std::string known_names() {
  std::string names;
  for (const auto& name : model_names()) names += (names.empty() ? "" : ", ") + name;
  return names;
}

}  // namespace

std::vector<std::string> model_names() {
  std::vector<std::string> names;
  for (const auto& [name, factory] : factories()) names.push_back(name);
  for (const auto& [name, config] : aliases()) names.push_back(name);
  return names;
}

nlohmann::json default_config(const std::string& name, const nlohmann::json& overrides) {
  nlohmann::json config = nlohmann::json::object();
  if (const auto alias = aliases().find(name); alias != aliases().end()) {
    config = alias->second;
  } else if (factories().count(name)) {
    config["model"] = name;
  } else {
    throw util::InvalidArgument("model \"" + name + "\": unknown (known: " + known_names() + ")");
  }
  config.update(overrides);
  config["model"] = config.value("model", name);
  // Instantiating fills in every default, so the result is complete.
  return make_model(config)->config();
}

std::shared_ptr<NeuralProcess> make_model(const nlohmann::json& config) {
  if (!config.is_object() || !config.contains("model") || !config["model"].is_string()) {
    throw util::InvalidArgument("model config: expected an object with a string \"model\" key");
  }
  auto resolved = config;
  const auto name = config["model"].get<std::string>();
  if (const auto alias = aliases().find(name); alias != aliases().end()) {
    resolved = alias->second;
    for (const auto& [key, value] : config.items()) {
      if (key != "model") resolved[key] = value;
    }
  }
  const auto factory = factories().find(resolved["model"].get<std::string>());
  if (factory == factories().end()) {
    throw util::InvalidArgument("model \"" + name + "\": unknown (known: " + known_names() + ")");
  }
  try {
    return factory->second(resolved);
  } catch (const nlohmann::json::exception& error) {
    throw util::InvalidArgument("model config for \"" + name + "\": " + error.what());
  }
}

}  // namespace nplab::models
