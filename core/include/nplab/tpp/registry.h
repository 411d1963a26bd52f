#pragma once
// The point-process models by name, as models/registry.h does for the NPs: a JSON config with a
// "model" key ("thp" or "cmhp"); missing keys keep each model's defaults.

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "nplab/tpp/point_process.h"

namespace nplab::tpp {

std::vector<std::string> point_process_names();
bool is_point_process_name(const std::string& name);
std::shared_ptr<PointProcessModel> make_point_process(const nlohmann::json& config);
/// {"model": name} with every default filled in.
nlohmann::json default_point_process_config(const std::string& name);

}  // namespace nplab::tpp
