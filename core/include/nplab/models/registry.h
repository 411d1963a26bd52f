#pragma once
// Builds any model from a JSON config: {"model": "cmanp", "d_model": 64, ...}. Missing keys take
// the reference defaults (DESIGN.md §4).

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "nplab/models/neural_process.h"

namespace nplab::models {

/// Registered model names and aliases ("tnpkr-scan" = tnpkr with scan attention, ...).
std::vector<std::string> model_names();

/// The full default config of a model name or alias, with `overrides` applied on top.
nlohmann::json default_config(const std::string& name,
                              const nlohmann::json& overrides = nlohmann::json::object());

/// Makes the model `config["model"]` describes (names and aliases accepted). Unknown names and
/// bad values throw InvalidArgument.
std::shared_ptr<NeuralProcess> make_model(const nlohmann::json& config);

}  // namespace nplab::models
